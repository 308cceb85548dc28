"""Page input for face-to-face sessions: the schedule form (a day and two times, read in the
site's time zone), the reason for calling a session off, and one row of the register."""

from datetime import datetime

from django import forms
from django.utils import timezone

from risingtide.lib.forms import id_field
from risingtide.training.models import Session
from risingtide.training.sessions import ABSENT, PRESENT


class ScheduleForm(forms.Form):
    half_day = forms.TypedChoiceField(
        label="Which half-day of the programme is this?",
        choices=Session.HalfDay.choices,
        coerce=int,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose which half-day of the programme this session is."},
    )
    venue = forms.CharField(label="Venue", max_length=200, required=False)
    address = forms.CharField(
        label="Address", max_length=1000, required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    day = forms.DateField(
        label="Date",
        widget=forms.DateInput(attrs={"type": "date"}),
        error_messages={"required": "Choose the day of the session.", "invalid": "Enter a date."},
    )
    starts = forms.TimeField(
        label="Starts at",
        widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
        error_messages={"required": "Give the time it starts.", "invalid": "Enter a time."},
    )
    ends = forms.TimeField(
        label="Ends at",
        widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
        error_messages={"required": "Give the time it ends.", "invalid": "Enter a time."},
    )
    capacity = forms.IntegerField(
        label="Places",
        help_text="How many people the venue holds. When it is full, people join a waiting list.",
        error_messages={"required": "Say how many places there are.", "invalid": "Enter a number."},
    )

    def clean_day(self):
        day = self.cleaned_data["day"]
        if day < timezone.localdate():
            raise forms.ValidationError("That date is in the past: choose a day from today on.")
        return day

    def times(self) -> tuple[datetime, datetime]:
        data = self.cleaned_data
        return tuple(
            timezone.make_aware(datetime.combine(data["day"], data[name]))
            for name in ("starts", "ends")
        )


# Where the service's refusals land on this form.
SCHEDULE_FIELDS = {"starts_at": "starts", "ends_at": "ends"}


class CancelSessionForm(forms.Form):
    reason = forms.CharField(
        label="Why is it cancelled?",
        help_text="Everyone booked or waiting is told by email, with this reason.",
        max_length=1000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class MarkForm(forms.Form):
    """One row of the register: the button pressed (present or absent; none when only the
    times are saved) and the late arrival and early leaving times, if any."""

    sign_up = id_field("That person is not booked on this session.", required=True)
    attendance = forms.ChoiceField(
        choices=[(PRESENT, "Present"), (ABSENT, "Absent")], required=False
    )
    arrived = forms.TimeField(
        label="Arrived late at",
        required=False,
        widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
        error_messages={"invalid": "Enter the time they arrived, such as 09:40."},
    )
    left = forms.TimeField(
        label="Left early at",
        required=False,
        widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
        error_messages={"invalid": "Enter the time they left, such as 11:30."},
    )
