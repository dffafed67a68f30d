"""Forms of the logistics pages: they parse what people type; the services judge it."""

from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _

from xiangcun.logistics.models import CarrierHandoff, Intake
from xiangcun.logistics.services import FAILURE_REASONS


class PickupCodeForm(forms.Form):
    station = forms.TypedChoiceField(label=_("Station"), coerce=int)
    code = forms.CharField(
        label=_("Pickup code (取件码)"),
        max_length=12,
        widget=forms.TextInput(
            attrs={
                "inputmode": "numeric",
                "autocomplete": "off",
                "pattern": "[0-9]*",
                "class": "pickup-code-input",
                "maxlength": "6",
            }
        ),
        help_text=_("The 6 digits the customer received by text message."),
    )

    def __init__(self, *args: object, stations: list[tuple[int, str]], **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["station"].choices = stations  # type: ignore[attr-defined]


class StopFailForm(forms.Form):
    reason = forms.ChoiceField(
        label=_("Why not?"), choices=[(key, label) for key, label in FAILURE_REASONS.items()]
    )
    note = forms.CharField(label=_("Note"), max_length=200, required=False)


class DeliveryProofForm(forms.Form):
    recipient_name = forms.CharField(label=_("Received by (name)"), max_length=64)
    photo = forms.ImageField(label=_("Photo (optional)"), required=False)
    note = forms.CharField(label=_("Note"), max_length=200, required=False)


class PackingCompleteForm(forms.Form):
    weight_kg = forms.DecimalField(
        label=_("Weight of the parcel (kg)"),
        min_value=Decimal("0.01"),
        max_digits=7,
        decimal_places=2,
        widget=forms.NumberInput(attrs={"inputmode": "decimal", "step": "0.01"}),
    )
    crates = forms.IntegerField(label=_("Crates or boxes"), min_value=1, initial=1)
    needs_cold_chain = forms.BooleanField(label=_("Keep cold (cold chain)"), required=False)

    def __init__(
        self, *args: object, lines: list[tuple[int, str, list[tuple[str, str]]]], **kwargs: object
    ) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.line_fields = []
        for line_id, label, lots in lines:
            if not lots:
                continue
            name = f"lot_{line_id}"
            self.fields[name] = forms.ChoiceField(
                label=_("Lot for %(line)s") % {"line": label},
                choices=[("", _("No lot")), *lots],
                required=False,
            )
            self.line_fields.append((line_id, name))

    def lots(self) -> dict[int, int]:
        return {
            line_id: int(self.cleaned_data[name])
            for line_id, name in self.line_fields
            if self.cleaned_data.get(name)
        }


class CarrierHandoffForm(forms.Form):
    carrier = forms.ChoiceField(label=_("Carrier"), choices=CarrierHandoff.Carrier.choices)
    tracking_number = forms.CharField(label=_("Tracking number"), max_length=32)


class IntakeForm(forms.Form):
    pickup = forms.TypedChoiceField(label=_("Farm pickup"), coerce=int)
    grade = forms.ChoiceField(label=_("Grade"), choices=Intake.Grade.choices)
    weight_kg = forms.DecimalField(
        label=_("Weight received (kg)"),
        min_value=Decimal("0.01"),
        max_digits=9,
        decimal_places=2,
        widget=forms.NumberInput(attrs={"inputmode": "decimal", "step": "0.01"}),
    )
    accepted_units = forms.IntegerField(label=_("Units accepted"), min_value=0)
    rejected_units = forms.IntegerField(label=_("Units rejected"), min_value=0, initial=0)
    reject_reason = forms.ChoiceField(
        label=_("Why rejected"), choices=Intake.RejectReason.choices, required=False
    )
    note = forms.CharField(label=_("Note"), max_length=200, required=False)

    def __init__(self, *args: object, pickups: list[tuple[int, str]], **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["pickup"].choices = pickups  # type: ignore[attr-defined]


class ReplanForm(forms.Form):
    broken_vehicle = forms.TypedChoiceField(
        label=_("Van that broke down"), coerce=int, required=False, empty_value=None
    )

    def __init__(self, *args: object, vehicles: list[tuple[int, str]], **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["broken_vehicle"].choices = [("", _("None: a late order arrived")), *vehicles]  # type: ignore[attr-defined]
