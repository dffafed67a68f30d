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


class InboundForm(forms.Form):
    """Announce a shipment to the county warehouse (inbound_create); one quantity field per
    option of the shop's products is added by the view (`quantity_<variant id>`)."""

    carrier = forms.CharField(
        label=_("Carrier"),
        max_length=40,
        help_text=_("For example: SF Express, ZTO, or the name of the van."),
        error_messages={"required": _("Enter who carries the goods.")},
    )
    tracking_number = forms.CharField(
        label=_("Tracking number"),
        max_length=40,
        error_messages={"required": _("Enter the tracking number on the waybill.")},
    )
    expected_on = forms.DateField(
        label=_("Expected at the warehouse on"),
        widget=forms.DateInput(attrs={"type": "date"}),
        error_messages={
            "required": _("Enter the day the goods should arrive."),
            "invalid": _("Enter a date, like 2026-12-20."),
        },
    )
    note = forms.CharField(label=_("Note (optional)"), max_length=200, required=False)

    def __init__(self, *args: object, variants: list[tuple[int, str]], **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        for variant_id, label in variants:
            self.fields[f"quantity_{variant_id}"] = forms.IntegerField(
                label=label,
                min_value=0,
                max_value=10_000_000,
                required=False,
                widget=forms.TextInput(attrs=_NUMERIC),
                error_messages={
                    "invalid": _("Enter a whole number, like 20."),
                    "min_value": _("Enter 0 or more."),
                },
            )

    def quantity_fields(self) -> list[forms.BoundField]:
        return [self[name] for name in self.fields if name.startswith("quantity_")]

    def lines(self) -> list[dict[str, int]]:
        return [
            {"variant_id": int(name.removeprefix("quantity_")), "quantity": value}
            for name, value in self.cleaned_data.items()
            if name.startswith("quantity_") and value
        ]


class InboundReceiveForm(forms.Form):
    """Count what came for each line not yet received (inbound_receive): fields
    `received_<line id>`, `damaged_<line id>` and `note_<line id>`."""

    def __init__(self, *args: object, line_ids: list[int], **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        for line_id in line_ids:
            self.fields[f"received_{line_id}"] = forms.IntegerField(
                label=_("Came in"),
                min_value=0,
                max_value=10_000_000,
                required=False,
                widget=forms.TextInput(attrs=_NUMERIC),
                error_messages={
                    "invalid": _("Enter a whole number, like 20."),
                    "min_value": _("Enter 0 or more."),
                },
            )
            self.fields[f"damaged_{line_id}"] = forms.IntegerField(
                label=_("Of which damaged"),
                min_value=0,
                max_value=10_000_000,
                required=False,
                widget=forms.TextInput(attrs=_NUMERIC),
                error_messages={
                    "invalid": _("Enter a whole number, like 2."),
                    "min_value": _("Enter 0 or more."),
                },
            )
            self.fields[f"note_{line_id}"] = forms.CharField(
                label=_("Reason for a difference"), max_length=200, required=False
            )

    def entries(self) -> list[dict[str, object]]:
        """The lines counted on this submit; a line left empty is counted later."""
        data = self.cleaned_data
        return [
            {
                "line_id": int(name.removeprefix("received_")),
                "received": value,
                "damaged": data.get(name.replace("received_", "damaged_")) or 0,
                "note": data.get(name.replace("received_", "note_"), ""),
            }
            for name, value in data.items()
            if name.startswith("received_") and value is not None
        ]
