"""The forms of the classroom reflection pages: starting a reflection, rating a prompt, placing a
feature, the teacher's own next steps, sharing it. Each prompt and feature saves on its own, so
a page holds one rating or feature form for each, prefixed with its prompt or feature.

Apart from the views, as the app's other forms are (standards/forms.py).
"""

from django import forms

from risingtide.standards.framework_models import Level, Rating
from risingtide.standards.models import ClassroomEvaluation

RATING_CHOICES = [("", "Not rated yet"), *Rating.choices]
LEVEL_CHOICES = [("", "Not placed yet"), *Level.choices]


def _optional(choices):
    return forms.TypedChoiceField(
        choices=choices, coerce=int, empty_value=None, required=False, widget=forms.RadioSelect
    )


class StartForm(forms.Form):
    class_name = forms.CharField(label="Class or group", max_length=100)
    subject = forms.ChoiceField(label="Subject", choices=ClassroomEvaluation.Subject.choices)
    colleague = forms.TypedChoiceField(
        label="Colleague observing (optional)",
        coerce=int,
        empty_value=None,
        required=False,
        choices=[],
    )

    def __init__(self, *args, schools, colleagues, **kwargs):
        super().__init__(*args, **kwargs)
        self.schools = schools
        if len(schools) > 1:  # otherwise the one school goes without saying
            self.fields["school"] = forms.TypedChoiceField(
                label="School", coerce=int, choices=[(s.pk, s.name) for s in schools]
            )
        self.fields["colleague"].choices = [
            ("", "No one: I am reflecting alone"),
            *((u.pk, u.get_full_name() or u.username) for u in colleagues),
        ]

    def school(self):
        chosen = self.cleaned_data.get("school", self.schools[0].pk)
        return next(s for s in self.schools if s.pk == chosen)


class RatingForm(forms.Form):
    for_all = _optional(RATING_CHOICES)
    for_gt = _optional(RATING_CHOICES)
    evidence = forms.CharField(
        label="Evidence",
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
        max_length=5000,
    )


class FeatureForm(forms.Form):
    level = _optional(LEVEL_CHOICES)
    next_step = forms.CharField(
        label="Next step", widget=forms.Textarea(attrs={"rows": 2}), required=False, max_length=5000
    )


class NextStepsForm(forms.Form):
    next_steps = forms.CharField(
        label="My next steps",
        widget=forms.Textarea(attrs={"rows": 5}),
        required=False,
        max_length=10000,
    )


class ShareForm(forms.Form):
    """The reflection's button: share it with the school's coordinator and head (``shared=1``)
    or stop sharing it (``shared=0``)."""

    shared = forms.TypedChoiceField(
        choices=[("1", "Share"), ("0", "Stop sharing")],
        coerce=lambda value: value == "1",
        error_messages={
            "required": "Choose whether to share the reflection or to stop sharing it.",
            "invalid_choice": "Choose whether to share the reflection or to stop sharing it.",
        },
    )
