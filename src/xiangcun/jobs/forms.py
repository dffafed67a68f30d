"""Form fields of the jobs pages: parsing only, the services judge."""

from django import forms
from django.utils.translation import gettext_lazy as _

from xiangcun.jobs.types import ApplicationStatus, JobRole


class ApplyForm(forms.Form):
    """Apply for a job: the person themselves, or a helper (agent, recruiter) for someone."""

    name = forms.CharField(
        label=_("Name"), max_length=64, error_messages={"required": _("Enter the name.")}
    )
    phone = forms.CharField(
        label=_("Mobile number"),
        max_length=20,
        required=False,
        widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "tel"}),
    )
    village = forms.TypedChoiceField(
        label=_("Village"), coerce=int, error_messages={"required": _("Choose the village.")}
    )
    id_number = forms.CharField(
        label=_("ID card number (optional)"),
        max_length=20,
        required=False,
        help_text=_("Only a masked form is kept."),
    )
    licence_class = forms.CharField(
        label=_("Driving licence (optional)"),
        max_length=8,
        required=False,
        help_text=_("For example C1 or B2."),
    )
    consent = forms.BooleanField(label=_("The person agrees that I apply for them"), required=False)
    station = forms.TypedChoiceField(
        label=_("Where we met"), coerce=int, required=False, empty_value=None
    )


class FairEntryForm(forms.Form):
    """One person at a fair table: name, phone, village, the job wanted, licence."""

    posting = forms.TypedChoiceField(
        label=_("Job wanted"), coerce=int, error_messages={"required": _("Choose the job.")}
    )
    name = forms.CharField(
        label=_("Name"), max_length=64, error_messages={"required": _("Enter the name.")}
    )
    phone = forms.CharField(
        label=_("Mobile number"),
        max_length=20,
        widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "off"}),
        error_messages={"required": _("Enter the mobile number.")},
    )
    village = forms.TypedChoiceField(
        label=_("Village"), coerce=int, error_messages={"required": _("Choose the village.")}
    )
    licence_class = forms.CharField(label=_("Driving licence"), max_length=8, required=False)
    idempotency_key = forms.CharField(max_length=64, required=False, widget=forms.HiddenInput)


class PostingForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=80)
    role = forms.ChoiceField(label=_("Role"), choices=JobRole.choices)
    role_other = forms.CharField(label=_("Other role: what work"), max_length=40, required=False)
    station = forms.TypedChoiceField(
        label=_("Station"), coerce=int, required=False, empty_value=None
    )
    township = forms.TypedChoiceField(
        label=_("Township (without a station)"), coerce=int, required=False, empty_value=None
    )
    wage_min = forms.IntegerField(label=_("Lowest monthly wage (yuan)"), min_value=0)
    wage_max = forms.IntegerField(label=_("Highest monthly wage (yuan)"), min_value=0)
    shifts = forms.CharField(label=_("Shifts"), max_length=120, required=False)
    licence_class = forms.CharField(label=_("Driving licence needed"), max_length=8, required=False)
    age_min = forms.IntegerField(label=_("Youngest age"), initial=18, min_value=16, max_value=80)
    age_max = forms.IntegerField(label=_("Oldest age"), initial=60, min_value=16, max_value=80)
    headcount = forms.IntegerField(
        label=_("People wanted"), initial=1, min_value=1, max_value=10000
    )
    opens_on = forms.DateField(label=_("Opens on"), widget=forms.DateInput(attrs={"type": "date"}))
    closes_on = forms.DateField(
        label=_("Closes on"), widget=forms.DateInput(attrs={"type": "date"})
    )
    description = forms.CharField(
        label=_("Description"),
        max_length=4000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
    )


class FairForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=80)
    day = forms.DateField(label=_("Day"), widget=forms.DateInput(attrs={"type": "date"}))
    place = forms.CharField(label=_("Place"), max_length=120)
    township = forms.TypedChoiceField(label=_("Township"), coerce=int)
    postings = forms.TypedMultipleChoiceField(
        label=_("Jobs offered"), coerce=int, required=False, widget=forms.CheckboxSelectMultiple
    )


# Hiring has its own form (start date, wage); nothing moves back to "applied".
MOVE_CHOICES = [
    (s.value, s.label)
    for s in ApplicationStatus
    if s not in (ApplicationStatus.APPLIED, ApplicationStatus.HIRED)
]


class MoveForm(forms.Form):
    to = forms.ChoiceField(label=_("Move to"), choices=MOVE_CHOICES)
    reason = forms.CharField(label=_("Why (optional)"), max_length=200, required=False)
    interview_at = forms.DateTimeField(
        label=_("Interview day and time"),
        required=False,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"],
    )


class BulkMoveForm(MoveForm):
    applications = forms.TypedMultipleChoiceField(coerce=int, widget=forms.CheckboxSelectMultiple)


class HireForm(forms.Form):
    start_date = forms.DateField(
        label=_("Start date"), widget=forms.DateInput(attrs={"type": "date"})
    )
    monthly_wage = forms.IntegerField(
        label=_("Monthly wage (yuan)"), min_value=1, max_value=1_000_000
    )
    station = forms.TypedChoiceField(
        label=_("Works at"), coerce=int, required=False, empty_value=None
    )
