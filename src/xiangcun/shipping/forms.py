"""The console's rate form: parsing and bounds only; `services.rate_update` judges."""

from decimal import Decimal
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from xiangcun.shipping.models import WEIGHT_MAX_G

_DECIMAL = {"inputmode": "decimal", "autocomplete": "off"}
_NUMERIC = {"inputmode": "numeric", "pattern": "[0-9]*", "autocomplete": "off"}
FEE_MAX = Decimal("10000.00")


def _grams(label: Any) -> forms.IntegerField:
    return forms.IntegerField(
        label=label,
        min_value=100,
        max_value=WEIGHT_MAX_G,
        widget=forms.TextInput(attrs=_NUMERIC),
        error_messages={
            "required": _("Enter a weight in grams, like 1000."),
            "invalid": _("Enter a weight in grams, like 1000."),
        },
    )


def _yuan(label: Any) -> forms.DecimalField:
    return forms.DecimalField(
        label=label,
        min_value=Decimal("0"),
        max_value=FEE_MAX,
        max_digits=7,
        decimal_places=2,
        widget=forms.TextInput(attrs=_DECIMAL),
        error_messages={
            "required": _("Enter an amount in yuan, like 12.50."),
            "invalid": _("Enter an amount in yuan, like 12.50."),
            "max_decimal_places": _("Use at most two places after the point, like 12.50."),
            "max_digits": _("This amount is too large."),
            "max_whole_digits": _("This amount is too large."),
        },
    )


class RateForm(forms.Form):
    first_weight_g = _grams(_("First weight (grams)"))
    first_fee = _yuan(_("Buyer pays for the first weight (¥)"))
    step_g = _grams(_("Each additional step (grams)"))
    step_fee = _yuan(_("Buyer pays per additional step (¥)"))
    cost_first_fee = _yuan(_("Carrier charges us for the first weight (¥)"))
    cost_step_fee = _yuan(_("Carrier charges us per additional step (¥)"))

    def service_fields(self) -> dict[str, Any]:
        return dict(self.cleaned_data)
