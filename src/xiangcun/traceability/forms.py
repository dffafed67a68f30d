"""Forms of the traceability pages: parsing only; the services judge."""

from decimal import Decimal
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from xiangcun.core.forms import choices_set

Choices = list[tuple[Any, Any]]


class HarvestForm(forms.Form):
    """Record a harvest from a phone: which product, when, how much, and consent."""

    product = forms.TypedChoiceField(label=_("Product"), coerce=int)
    harvested_on = forms.DateField(
        label=_("Harvest date"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages={"invalid": _("Enter a date, like 2026-11-28.")},
    )
    quantity = forms.DecimalField(
        label=_("Quantity"),
        min_value=Decimal("0.001"),
        max_digits=12,
        decimal_places=3,
        widget=forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off"}),
        error_messages={"invalid": _("Enter the quantity as a number, like 120.")},
    )
    unit = forms.ChoiceField(label=_("Unit"), initial="jin")
    grade = forms.CharField(
        label=_("Grade (optional)"),
        required=False,
        max_length=20,
        help_text=_("For example 特级 or 一级."),
    )
    consent = forms.BooleanField(
        label=_("The farmer agrees that buyers see their name on the trace page"),
        required=False,
    )

    def __init__(self, *args: Any, products: Choices, units: Choices, **kwargs: Any) -> None:
        kwargs.setdefault("initial", {"harvested_on": timezone.localdate(), "unit": "jin"})
        super().__init__(*args, **kwargs)
        choices_set(self, "product", products)
        choices_set(self, "unit", units)


class RecallForm(forms.Form):
    reason = forms.CharField(
        label=_("Why is the lot recalled?"),
        max_length=200,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Buyers receive this in a text message. Use plain words."),
    )
