"""Form fields of the training pages: parsing only, services judge."""

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from xiangcun.core.forms import choices_set


class SessionForm(forms.Form):
    course = forms.TypedChoiceField(label=_("Course"), coerce=int)
    station = forms.TypedChoiceField(label=_("Service centre"), coerce=int)
    starts_at = forms.DateTimeField(
        label=_("Starts at"),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"],
        error_messages={
            "required": _("Choose the day and time."),
            "invalid": _("Choose the day and time."),
        },
    )
    capacity = forms.IntegerField(
        label=_("Seats"),
        min_value=1,
        max_value=500,
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
    )

    def __init__(
        self, data: Any = None, *, courses: list[tuple[Any, Any]], stations: list[tuple[Any, Any]]
    ) -> None:
        super().__init__(data)
        choices_set(self, "course", courses)
        choices_set(self, "station", stations)


class AttendanceForm(forms.Form):
    phone = forms.CharField(
        label=_("Mobile number"),
        max_length=20,
        widget=forms.TextInput(
            attrs={
                "type": "tel",
                "inputmode": "tel",
                "autocomplete": "off",
                "data-offline-queue-label": "",
            }
        ),
        error_messages={"required": _("Enter the person's mobile number.")},
    )
    name = forms.CharField(
        label=_("Name (for someone not registered)"), max_length=64, required=False
    )
    idempotency_key = forms.CharField(max_length=64, required=False, widget=forms.HiddenInput)


class RevokeForm(forms.Form):
    reason = forms.CharField(
        label=_("Why it is withdrawn"),
        max_length=200,
        error_messages={"required": _("Say why the certificate is withdrawn.")},
    )
