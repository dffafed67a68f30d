"""Form fields of the seller's stock page: parsing only, the inventory services judge."""

from django import forms
from django.utils.translation import gettext_lazy as _

_NUMERIC = {"inputmode": "numeric", "pattern": "[0-9]*", "autocomplete": "off"}


class StockCountForm(forms.Form):
    """Set on hand to what was counted (stock_adjust)."""

    counted = forms.IntegerField(
        label=_("How many do you have now?"),
        min_value=0,
        max_value=10_000_000,
        widget=forms.TextInput(attrs=_NUMERIC),
        error_messages={
            "required": _("Enter how many you counted, or 0."),
            "invalid": _("Enter a whole number, like 20."),
            "min_value": _("Enter 0 or more."),
        },
    )
    note = forms.CharField(label=_("Note (optional)"), max_length=200, required=False)


class StockReceiveForm(forms.Form):
    """Add goods that arrived (stock_receive)."""

    quantity = forms.IntegerField(
        label=_("How many came in?"),
        min_value=1,
        max_value=10_000_000,
        widget=forms.TextInput(attrs=_NUMERIC),
        error_messages={
            "required": _("Enter how many came in."),
            "invalid": _("Enter a whole number, like 20."),
            "min_value": _("Enter 1 or more."),
        },
    )
    note = forms.CharField(
        label=_("Note (optional)"),
        max_length=200,
        required=False,
        help_text=_("For example: today's harvest."),
    )
