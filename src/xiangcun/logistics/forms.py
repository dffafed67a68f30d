"""Forms of the logistics pages: they parse what people type; the services judge it."""

import datetime
from decimal import Decimal
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from xiangcun.core.forms import choices_set
from xiangcun.logistics.carriers import carrier_choices
from xiangcun.logistics.models import Intake, StaffMember, Vehicle
from xiangcun.logistics.models.carriers import ExceptionKind
from xiangcun.logistics.services import FAILURE_REASONS, RETURN_REJECT_REASONS

Choices = list[tuple[Any, Any]]


class PickupCodeForm(forms.Form):
    station = forms.TypedChoiceField(label=_("Station"), coerce=int)
    code = forms.CharField(
        label=_("Pickup code"),
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

    def __init__(self, *args: Any, stations: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choices_set(self, "station", stations)


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
        self, *args: Any, lines: list[tuple[int, str, list[tuple[str, str]]]], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
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
    carrier = forms.ChoiceField(label=_("Carrier"), choices=carrier_choices)
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

    def __init__(self, *args: Any, pickups: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choices_set(self, "pickup", pickups)


class ReplanForm(forms.Form):
    broken_vehicle = forms.TypedChoiceField(
        label=_("Van that broke down"), coerce=int, required=False, empty_value=None
    )

    def __init__(self, *args: Any, vehicles: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choices_set(self, "broken_vehicle", [("", _("None: a late order arrived")), *vehicles])


# --- Fleet, staff and shifts -------------------------------------------------------------------

# The services judge the numbers (above zero, a known depot); the forms only parse them, so a
# refusal reads the same on the page and in the API.
_WHOLE = {"inputmode": "numeric", "autocomplete": "off"}
_TIME = forms.TimeInput(attrs={"type": "time"}, format="%H:%M")
_TIME_ERRORS = {"invalid": _("Enter a time like 09:30.")}
_DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
_DATE_ERRORS = {"invalid": _("Enter a date, like 2026-11-28.")}


def minutes_of(value: datetime.time) -> int:
    """A time of day as minutes after midnight, the unit of shifts and time windows."""
    return value.hour * 60 + value.minute


class VehicleForm(forms.Form):
    plate = forms.CharField(
        label=_("Number plate"),
        max_length=20,
        help_text=_("As on the van, like 贵H·D1005."),
        widget=forms.TextInput(attrs={"autocomplete": "off", "autocapitalize": "characters"}),
    )
    name = forms.CharField(label=_("Name (optional)"), max_length=40, required=False)
    capacity_kg = forms.IntegerField(
        label=_("Load it carries (kg)"), widget=forms.TextInput(attrs=_WHOLE)
    )
    capacity_crates = forms.IntegerField(
        label=_("Crates it holds"), widget=forms.TextInput(attrs=_WHOLE)
    )
    cost_per_km = forms.DecimalField(
        label=_("Cost per km (¥)"),
        max_digits=8,
        decimal_places=2,
        widget=forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off"}),
        error_messages={"invalid": _("Enter the cost per km in yuan, like 1.80.")},
    )
    cold_chain = forms.BooleanField(label=_("Refrigerated (cold chain)"), required=False)
    home_station = forms.TypedChoiceField(label=_("Home depot"), coerce=int)

    def __init__(self, *args: Any, stations: Choices, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choices_set(self, "home_station", stations)


class VehicleStatusForm(forms.Form):
    status = forms.ChoiceField(label=_("Status"), choices=Vehicle.Status.choices)


class StaffAddForm(forms.Form):
    phone = forms.CharField(
        label=_("Mobile number"),
        max_length=20,
        help_text=_("They must have an account already: ask them to register first."),
        widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "off"}),
    )
    job = forms.ChoiceField(label=_("Job"), choices=StaffMember.Job.choices)
    station = forms.TypedChoiceField(label=_("Works at"), coerce=int)

    def __init__(self, *args: Any, stations: Choices, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choices_set(self, "station", stations)


class DayForm(forms.Form):
    day = forms.DateField(label=_("Day"), widget=_DATE, error_messages=_DATE_ERRORS)


class ShiftForm(forms.Form):
    day = forms.DateField(widget=forms.HiddenInput(), error_messages=_DATE_ERRORS)
    staff = forms.TypedChoiceField(label=_("Who"), coerce=int)
    start = forms.TimeField(
        label=_("Starts"), widget=_TIME, input_formats=["%H:%M"], error_messages=_TIME_ERRORS
    )
    end = forms.TimeField(
        label=_("Ends"), widget=_TIME, input_formats=["%H:%M"], error_messages=_TIME_ERRORS
    )
    vehicle = forms.TypedChoiceField(
        label=_("Van (for drivers)"), coerce=int, required=False, empty_value=None
    )

    def __init__(self, *args: Any, staff: Choices, vehicles: Choices, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choices_set(self, "staff", staff)
        choices_set(self, "vehicle", [("", _("No van")), *vehicles])


# --- Farm pickups ------------------------------------------------------------------------------


class PickupRequestForm(forms.Form):
    """Ask for goods to be collected from the farm. The position comes from the village unless
    someone types the exact latitude and longitude."""

    variant = forms.TypedChoiceField(label=_("What to collect"), coerce=int)
    day = forms.DateField(label=_("Day"), widget=_DATE, error_messages=_DATE_ERRORS)
    window_start = forms.TimeField(
        label=_("From"), widget=_TIME, input_formats=["%H:%M"], error_messages=_TIME_ERRORS
    )
    window_end = forms.TimeField(
        label=_("Until"), widget=_TIME, input_formats=["%H:%M"], error_messages=_TIME_ERRORS
    )
    expected_kg = forms.IntegerField(
        label=_("About how many kg"),
        widget=forms.TextInput(attrs=_WHOLE),
        error_messages={"invalid": _("Enter the weight in whole kg, like 120.")},
    )
    crates = forms.IntegerField(
        label=_("Crates or baskets"),
        initial=1,
        widget=forms.TextInput(attrs=_WHOLE),
        error_messages={"invalid": _("Enter how many crates, like 8.")},
    )
    village = forms.TypedChoiceField(label=_("Village"), coerce=int)
    place = forms.CharField(
        label=_("Where exactly"),
        max_length=200,
        help_text=_("For example: the tea garden behind the school."),
    )
    contact_phone = forms.CharField(
        label=_("Phone to call on the day"),
        max_length=20,
        widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "tel"}),
    )
    needs_cold_chain = forms.BooleanField(label=_("Keep cold (berries, mushrooms)"), required=False)
    lot = forms.TypedChoiceField(
        label=_("Harvest lot (optional)"), coerce=int, required=False, empty_value=None
    )
    note = forms.CharField(
        label=_("Note for the driver (optional)"), max_length=200, required=False
    )
    latitude = forms.DecimalField(
        label=_("Latitude"),
        required=False,
        max_digits=9,
        decimal_places=6,
        widget=forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off"}),
    )
    longitude = forms.DecimalField(
        label=_("Longitude"),
        required=False,
        max_digits=9,
        decimal_places=6,
        widget=forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off"}),
    )

    def __init__(
        self,
        *args: Any,
        variants: Choices,
        villages: list[tuple[str, Choices]],
        lots: Choices,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        choices_set(self, "variant", variants)
        choices_set(self, "village", villages)
        if lots:
            choices_set(self, "lot", [("", _("No lot")), *lots])
        else:
            del self.fields["lot"]


# --- Parcels coming back ------------------------------------------------------------------------


class ReturnStartForm(forms.Form):
    note = forms.CharField(
        label=_("Note (optional)"),
        max_length=200,
        required=False,
        help_text=_("For example: the phone was switched off all week."),
    )


class ReturnReceiveForm(forms.Form):
    """A returned parcel checked at the warehouse: per packed line, how many units cannot be
    sold again and why. The service judges the numbers against what was packed."""

    note = forms.CharField(label=_("Note (optional)"), max_length=200, required=False)

    def __init__(self, *args: Any, line_ids: list[int], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.line_fields: list[tuple[int, str, str]] = []
        for line_id in line_ids:
            units, reason = f"rejected_{line_id}", f"reason_{line_id}"
            self.fields[units] = forms.IntegerField(
                label=_("Units damaged or not fit to sell"),
                required=False,
                min_value=0,
                initial=0,
                widget=forms.TextInput(attrs=_WHOLE),
                error_messages={"invalid": _("Enter a whole number of units, like 0 or 2.")},
            )
            self.fields[reason] = forms.ChoiceField(
                label=_("Why they cannot be sold"),
                choices=[("", _("Choose a reason")), *RETURN_REJECT_REASONS.items()],
                required=False,
            )
            self.line_fields.append((line_id, units, reason))

    def rejected(self) -> dict[int, tuple[int, str]]:
        """{order line id: (units, reason)} for every line with units typed (not zero)."""
        found = {}
        for line_id, units, reason in self.line_fields:
            count = self.cleaned_data.get(units) or 0
            if count:
                found[line_id] = (count, self.cleaned_data.get(reason) or "")
        return found

    def error_fields(self) -> dict[str, str]:
        """The service names a line's field `rejected.<line id>`; here it is `rejected_<id>`."""
        return {str(line_id): units for line_id, units, _reason in self.line_fields}


# --- Carriers -------------------------------------------------------------------------------


def _tracking_code_choices() -> list[tuple[str, str]]:
    from xiangcun.logistics.services import STAFF_CODES

    return [(code.value, str(code.label)) for code in STAFF_CODES]


def _exception_choices() -> list[tuple[str, str]]:
    return [("", "—"), *((kind.value, str(kind.label)) for kind in ExceptionKind)]


class TrackingEventForm(forms.Form):
    code = forms.ChoiceField(label=_("What happened"), choices=_tracking_code_choices)
    exception = forms.ChoiceField(
        label=_("Problem (if any)"), choices=_exception_choices, required=False
    )
    place = forms.CharField(label=_("Where"), max_length=80, required=False)
    note = forms.CharField(label=_("What the courier said"), max_length=300, required=False)


class WaybillNewForm(forms.Form):
    carrier = forms.ChoiceField(label=_("Carrier"), choices=carrier_choices)


class HandoverForm(forms.Form):
    courier_name = forms.CharField(
        label=_("Courier's name"),
        max_length=64,
        required=False,
        help_text=_("Sign below, or type the name if signing does not work."),
    )
    signature = forms.CharField(widget=forms.HiddenInput, required=False, max_length=300_000)


class PickupSlotForm(forms.Form):
    carrier = forms.ChoiceField(label=_("Carrier"), choices=carrier_choices)
    start = forms.TimeField(label=_("From"), widget=forms.TimeInput(attrs={"type": "time"}))
    end = forms.TimeField(label=_("Until"), widget=forms.TimeInput(attrs={"type": "time"}))


class ExceptionResolveForm(forms.Form):
    note = forms.CharField(label=_("What was done"), max_length=200)
