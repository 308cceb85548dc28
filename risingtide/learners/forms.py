"""What the learners pages read. Forms read the input's shape only; the services keep the rules
(how long an answer may be, who may be a guide), so the page and the API refuse alike.

No answer box carries a ``maxlength``: a browser would silently cut what a pupil pasted, and
nothing a pupil writes may be lost. A long answer is refused by the service, beside its field,
with the words left in the box."""

from django import forms

from risingtide.learners.prompts import Band
from risingtide.lib.forms import id_field


class ProfileForm(forms.Form):
    """The five questions, worded for the pupil's age (``prompts.Band``)."""

    def __init__(self, *args, band: Band, **kwargs):
        super().__init__(*args, **kwargs)
        for prompt in band.prompts:
            example = f"For example: {prompt.example}" if prompt.example else ""
            self.fields[prompt.field] = forms.CharField(
                label=prompt.question,
                help_text=" ".join(part for part in (prompt.hint, example) if part),
                required=False,
                strip=False,  # the service trims; a refused answer comes back exactly as typed
                widget=forms.Textarea(attrs={"rows": 4}),
            )
        self.band = band


class ObservationForm(forms.Form):
    text = forms.CharField(
        label="What have you noticed?",
        required=False,  # the service says "Write what you noticed." in its own words
        strip=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="The pupil reads this, and so does their parent or carer. Say what you saw "
        "them do; it cannot be edited later, only withdrawn.",
    )


class GuideForm(forms.Form):
    pupil = id_field("That pupil is not on this school's register.", required=True)
    guide = forms.TypedChoiceField(
        label="Learning guide", coerce=int, empty_value=None, required=False
    )

    def __init__(self, *args, staff=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["guide"].choices = [("", "No guide yet")] + [
            (u.pk, u.get_full_name() or u.username) for u in staff
        ]
        self.fields["guide"].error_messages["invalid_choice"] = (
            "Choose a member of staff at this school."
        )


class PersonalisationForm(forms.Form):
    profiles_on = forms.BooleanField(
        label="Learner profiles",
        required=False,
        help_text="Pupils write about themselves in their own words, and staff add what they "
        "notice. Pupils and their families see both.",
    )
    suggestions_on = forms.BooleanField(
        label="Suggestions",
        required=False,
        help_text="The menu suggests opportunities to each pupil from their profile, their "
        "register domains and their feedback next steps, and says which one each came from.",
    )
