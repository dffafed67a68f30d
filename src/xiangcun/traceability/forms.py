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


class LotPackForm(forms.Form):
    """How many packs of each size a harvest was packed into: one number per size."""

    def __init__(self, *args: Any, sizes: list[tuple[int, str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.size_fields: list[tuple[int, str]] = []
        for variant_id, label, help_text in sizes:
            name = f"pack_{variant_id}"
            self.fields[name] = forms.IntegerField(
                label=label,
                help_text=help_text,
                min_value=0,
                max_value=100000,
                required=False,
                widget=forms.NumberInput(attrs={"inputmode": "numeric", "min": 0, "step": 1}),
                error_messages={"invalid": _("Enter a whole number of packs, like 12.")},
            )
            self.size_fields.append((variant_id, name))

    def packs(self) -> dict[int, int]:
        return {
            variant_id: self.cleaned_data[name]
            for variant_id, name in self.size_fields
            if self.cleaned_data.get(name)
        }
