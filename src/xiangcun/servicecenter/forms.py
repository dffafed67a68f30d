"""Form fields of the service-centre pages: parsing and bounds only; the services judge (consent,
counts, who may)."""

from decimal import Decimal
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from xiangcun.servicecenter.models import Drawer

MONEY_WIDGET = forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off"})
# Notes and coins an agent counts at close, largest first ("0.5" is 5 jiao).
DENOMINATIONS: tuple[str, ...] = ("100", "50", "20", "10", "5", "1", "0.5", "0.1")


def _money(label: Any, *, required: bool = True) -> forms.DecimalField:
    # Bounded at the edge (twelve digits, two places); the services refuse negative or absurd.
    return forms.DecimalField(
        label=label,
        max_digits=12,
        decimal_places=2,
        required=required,
        widget=MONEY_WIDGET,
    )


class FindForm(forms.Form):
    q = forms.CharField(
        label=_("Mobile number, name (and village) or ID card number"),
        max_length=40,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "off", "type": "search"}),
    )


class ResidentForm(forms.Form):
    """Register a resident at the counter; many have no phone, some no ID card with them."""

    name = forms.CharField(
        label=_("Name"), max_length=64, error_messages={"required": _("Enter the name.")}
    )
    phone = forms.CharField(
        label=_("Mobile number (optional)"),
        max_length=20,
        required=False,
        widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "off"}),
    )
    township = forms.ChoiceField(label=_("Township"), required=False)
    village = forms.TypedChoiceField(
        label=_("Village"), coerce=int, error_messages={"required": _("Choose the village.")}
    )
    id_number = forms.CharField(
        label=_("ID card number (optional)"),
        max_length=20,
        required=False,
        help_text=_("Only a masked form is kept."),
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )
    # The service refuses without it (consent_required), shown next to the box.
    consent = forms.BooleanField(
        label=_("The resident agrees that this station's agents may act and order for them"),
        required=False,
    )


class DrawerOpenForm(forms.Form):
    float_amount = _money(_("Float: cash in the drawer now (¥)"))


class DrawerCloseForm(forms.Form):
    """The count at the end of a shift: notes and coins (their sum is the count when the total
    is left empty), why it differs, and where the cash goes."""

    counted = _money(_("Counted in total (¥)"), required=False)
    reason = forms.CharField(
        label=_("Why the count differs (if it does)"), max_length=200, required=False
    )
    handed_to = forms.ChoiceField(
        label=_("Cash handed to"), choices=Drawer.HandedTo.choices, required=False
    )
    handed_amount = _money(_("Amount handed over (¥)"), required=False)

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        for value in DENOMINATIONS:
            self.fields[f"n_{value}"] = forms.IntegerField(
                label=f"¥{value}",
                min_value=0,
                max_value=100_000,
                required=False,
                widget=forms.NumberInput(attrs={"inputmode": "numeric", "class": "count"}),
            )

    def denomination_fields(self) -> list[forms.BoundField]:
        return [self[f"n_{value}"] for value in DENOMINATIONS]

    def denominations(self) -> dict[str, int]:
        data = self.cleaned_data
        return {value: data[f"n_{value}"] for value in DENOMINATIONS if data.get(f"n_{value}") or 0}

    def counted_total(self) -> Decimal | None:
        """The total typed, else the sum of the notes and coins, else None (nothing counted)."""
        typed = self.cleaned_data.get("counted")
        if typed is not None:
            return Decimal(typed)
        counts = self.denominations()
        if not counts:
            return None
        return sum((Decimal(value) * count for value, count in counts.items()), Decimal("0.00"))


class LoanRepaymentForm(forms.Form):
    loan = forms.CharField(
        label=_("Loan number or the seller's mobile number"),
        max_length=40,
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )
    amount = _money(_("Amount (¥)"))
    # Made when the form is shown: the same form sent twice takes the cash once.
    key = forms.CharField(widget=forms.HiddenInput, max_length=40)


class RefundForm(forms.Form):
    refund = forms.CharField(
        label=_("Refund number"),
        max_length=64,
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )


class ReportForm(forms.Form):
    station = forms.TypedChoiceField(label=_("Station"), coerce=int, required=False)
    day = forms.DateField(
        label=_("Day"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
