"""Form fields of the shop application and its staff review: parsing only, services judge."""

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from xiangcun.core.forms import choices_set
from xiangcun.sellers.models import Seller


class SellerApplyForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("What do you sell?"),
        choices=[("", _("Choose")), *Seller.Kind.choices],
        error_messages={"required": _("Choose what kind of seller you are.")},
    )
    name = forms.CharField(
        label=_("Shop name"),
        max_length=80,
        help_text=_("Buyers see it, for example Wang Family Apiary."),
        error_messages={"required": _("Enter a name for your shop.")},
    )
    village = forms.TypedChoiceField(
        label=_("Your village"), coerce=int, required=False, empty_value=None
    )
    origin_text = forms.CharField(
        label=_("Where you are, if not in a village here"),
        max_length=120,
        required=False,
        help_text=_("For makers outside the county, for example Guiyang."),
    )
    story = forms.CharField(
        label=_("Your story (optional)"),
        max_length=4000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("Who you are and how you grow or make your goods."),
    )
    phone = forms.CharField(
        label=_("Contact phone (optional)"),
        max_length=20,
        required=False,
        widget=forms.TextInput(attrs={"type": "tel", "inputmode": "tel", "autocomplete": "tel"}),
    )
    name_en = forms.CharField(
        label=_("Shop name in English (optional)"), max_length=80, required=False
    )

    def __init__(self, data: Any = None, *, villages: list[tuple[Any, Any]]) -> None:
        super().__init__(data)
        choices_set(self, "village", [("", _("Not in Danzhai")), *villages])


class SellerReviewForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("Decision"),
        widget=forms.RadioSelect,
        choices=[("approve", _("Approve the shop")), ("reject", _("Turn it down"))],
        error_messages={"required": _("Choose whether to approve the shop.")},
    )
    note = forms.CharField(
        label=_("Note to the applicant"),
        max_length=200,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Needed when you turn it down: say what to put right."),
    )
