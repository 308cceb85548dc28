"""Page input for learning plans: the shape of what was posted (a date, a row's id, one of the
choices). The rules (the target limit, five working targets, whose evidence) are the services',
so the page and the API refuse alike; texts carry no ``max_length`` here, so a long target is
refused by the service in its own words (and what was typed stays in the box)."""

import re

from django import forms

from risingtide.learning_plans.models import TARGET_LIMIT, Target
from risingtide.learning_plans.queries import EVIDENCE_KINDS
from risingtide.learning_plans.services import TARGET_REFUSAL
from risingtide.lib.forms import id_field

DATE = {"invalid": "Enter a date, such as 2027-01-31."}


def _date(label: str, *, missing: str = "") -> forms.DateField:
    """A date as YYYY-MM-DD; required when ``missing`` says what to do without one."""
    return forms.DateField(
        label=label,
        required=bool(missing),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages={**DATE, "required": missing},
    )


class TargetForm(forms.Form):
    text = forms.CharField(
        label="My target",
        help_text=f"In your own words: what you want to get better at, and how you will know. "
        f"Up to {TARGET_LIMIT} characters.",
        strip=False,
        required=False,  # the service says what is missing, as the API hears it
        widget=forms.Textarea(attrs={"rows": 3, "data-limit": TARGET_LIMIT}),
    )
    review_on = _date("Look at it again on (optional)")


class TargetStateForm(forms.Form):
    target = id_field(TARGET_REFUSAL, required=True)
    state = forms.ChoiceField(
        choices=Target.State.choices,
        error_messages={
            "required": "Choose working on it, achieved or set aside.",
            "invalid_choice": "Choose working on it, achieved or set aside.",
        },
    )


class TargetReviewForm(forms.Form):
    target = id_field(TARGET_REFUSAL, required=True)
    review_on = _date("Look at it again on")


EVIDENCE_VALUE = re.compile(rf"^({'|'.join(EVIDENCE_KINDS)}):([1-9][0-9]{{0,17}})$")
EVIDENCE_REFUSAL = "Choose something to link as evidence."


class EvidenceForm(forms.Form):
    """Which target, and one choice from the picker as ``kind:id``."""

    def __init__(self, targets: list[Target], *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["target"] = forms.TypedChoiceField(
            label="Evidence for which target?",
            choices=[(t.pk, t.text) for t in targets],
            coerce=int,
            error_messages={
                "required": "Choose the target this is evidence for.",
                "invalid_choice": TARGET_REFUSAL,
            },
        )
        self.fields["evidence"] = forms.CharField(
            label="Evidence", error_messages={"required": EVIDENCE_REFUSAL}
        )

    def clean_evidence(self) -> tuple[str, int]:
        found = EVIDENCE_VALUE.match(self.cleaned_data["evidence"])
        if not found:
            raise forms.ValidationError(EVIDENCE_REFUSAL)
        return found[1], int(found[2])


class ReviewForm(forms.Form):
    reviewed_on = _date("Date of the review", missing="Give the date of the review.")
    summary = forms.CharField(
        label="What we talked about and agreed",
        required=False,
        strip=False,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    next_review_on = _date("Next review on (optional)")


class NextReviewForm(forms.Form):
    next_review_on = _date("Next review on")


class MessageForm(forms.Form):
    text = forms.CharField(
        label="Write a message",
        required=False,
        strip=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
