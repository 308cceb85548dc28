"""The marketplace's page forms. Domain refusals land on them through
``lib.forms.show_refusal``."""

import uuid

from django import forms

from risingtide.provision.models import Service
from risingtide.provision.workflow import SERVICE_FIELDS


def posted(request):
    """The posted data, or None for a GET: an empty POST is still a submission to refuse."""
    return request.POST if request.method == "POST" else None


YEARS = [(n, "Reception" if n == 0 else f"Year {n}") for n in range(14)]


class CatalogueForm(forms.Form):
    q = forms.CharField(label="Search", max_length=100, required=False)
    kind = forms.ChoiceField(
        label="Kind", choices=[("", "Any kind"), *Service.Kind.choices], required=False
    )
    audience = forms.ChoiceField(
        label="For", choices=[("", "Anyone"), *Service.Audience.choices], required=False
    )
    year = forms.TypedChoiceField(
        label="Year group",
        choices=[("", "Any year"), *YEARS],
        coerce=int,
        empty_value=None,
        required=False,
    )
    format = forms.ChoiceField(
        label="Format", choices=[("", "Any format"), *Service.Format.choices], required=False
    )
    price_up_to = forms.IntegerField(label="Price up to (e-credits)", min_value=0, required=False)
    status = forms.ChoiceField(label="Status", choices=Service.Status.choices, required=False)


class ServiceForm(forms.ModelForm):
    year_from = forms.TypedChoiceField(label="From", choices=YEARS, coerce=int)
    year_to = forms.TypedChoiceField(label="To", choices=YEARS, coerce=int, initial=13)

    class Meta:
        model = Service
        fields = SERVICE_FIELDS
        widgets = {
            "summary": forms.Textarea(attrs={"rows": 4}),
            "accessibility": forms.Textarea(attrs={"rows": 3}),
        }


class SessionForm(forms.Form):
    starts_at = forms.DateTimeField(
        label="Starts", widget=forms.DateTimeInput(attrs={"type": "datetime-local"})
    )
    ends_at = forms.DateTimeField(
        label="Ends", widget=forms.DateTimeInput(attrs={"type": "datetime-local"})
    )
    capacity = forms.IntegerField(label="Places", min_value=1, max_value=10000)


class ReviewForm(forms.Form):
    decision = forms.ChoiceField(
        label="Decision",
        choices=[
            ("approve", "Approve and publish"),
            ("changes", "Ask for changes"),
            ("withdraw", "Withdraw"),
        ],
        widget=forms.RadioSelect,
    )
    note = forms.CharField(
        label="Note to the provider",
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
        required=False,
    )


class BookingForm(forms.Form):
    """Pupils (or staff) to book, with a one-time key so that sending the form twice books
    once."""

    pupils = forms.TypedMultipleChoiceField(
        label="Pupils", coerce=int, required=False, widget=forms.CheckboxSelectMultiple
    )
    staff = forms.TypedMultipleChoiceField(
        label="Staff", coerce=int, required=False, widget=forms.CheckboxSelectMultiple
    )
    plan_action = forms.TypedChoiceField(
        label="Improvement-plan action this booking serves (optional)",
        coerce=int,
        empty_value=None,
        required=False,
    )
    key = forms.CharField(widget=forms.HiddenInput, max_length=100)

    def __init__(self, *args, pupils=(), staff=(), actions=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["pupils"].choices = pupils
        self.fields["staff"].choices = staff
        self.fields["plan_action"].choices = [("", "None"), *actions]
        self.fields["key"].initial = uuid.uuid4().hex


class WaitingForm(forms.Form):
    places = forms.IntegerField(label="Places wanted", min_value=1, max_value=100, initial=1)


class CancelForm(forms.Form):
    confirm = forms.BooleanField(label="Yes, cancel this booking")


class AttendanceForm(forms.Form):
    attended = forms.TypedMultipleChoiceField(
        label="Who attended", coerce=int, required=False, widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args, places=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["attended"].choices = places


class ShowToPupilsForm(forms.Form):
    """Show a service to the school's pupils (with a note for them), or stop showing it; and
    which page the coordinator acted on, to go back to it."""

    action = forms.ChoiceField(
        choices=[("show", "Show to our pupils"), ("stop", "Stop showing")],
        error_messages={"required": "Choose to show the service or to stop showing it."},
    )
    note = forms.CharField(
        label="Note for pupils (optional)",
        max_length=200,
        required=False,
        help_text="For example: Ask Ms Desai if you'd like to go.",
        error_messages={
            "max_length": "Keep the note for pupils to 200 characters (it has %(show_value)d)."
        },
    )
    back = forms.ChoiceField(
        choices=[("service", "service"), ("catalogue", "catalogue")],
        required=False,
        widget=forms.HiddenInput,
    )
    query = forms.CharField(max_length=500, required=False, widget=forms.HiddenInput)
