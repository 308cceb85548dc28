"""The menu pages' forms: each reads the shape of what was posted; the rules (a reason is
needed and not too long, a place only when one is left) are ``menu_services``'s, whose refusals
land on these fields (``lib.forms.show_refusal``), so the page and the API refuse alike."""

from django import forms

from risingtide.opportunities.menu_services import NOTE_CHARS, REASON_CHARS


class AskForm(forms.Form):
    reason = forms.CharField(
        label="Why would you like to do this?",
        required=False,
        strip=False,
        help_text="Say it in your own words, for example: “I love building things and I want "
        f"to learn how robots work.” A sentence is enough (up to {REASON_CHARS} characters).",
        widget=forms.Textarea(attrs={"rows": 4}),
    )


class RespondForm(forms.Form):
    choice = forms.ChoiceField(
        choices=[
            ("withdraw", "Withdraw"),
            ("decline", "No thanks"),
            ("accept", "Yes please"),
            ("alternative", "Ask for the other one"),
        ],
        error_messages={"required": "Choose what you would like to do."},
    )


DECISIONS = [
    ("approve", "Yes: a place, or the waiting list if it is full"),
    ("place", "Give a place now (only if one is left)"),
    ("alternative", "Offer a different opportunity instead"),
    ("not_now", "Not this time (say why)"),
    ("took_part", "Took part"),
]


class AnswerForm(forms.Form):
    decision = forms.ChoiceField(
        label="Choose one",
        choices=DECISIONS,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose an answer."},
    )
    alternative = forms.TypedChoiceField(
        label="Opportunity to offer instead",
        help_text="For “Offer a different opportunity instead”.",
        required=False,
        coerce=int,
        empty_value=None,
        error_messages={"invalid_choice": "Choose one of the school's opportunities."},
    )
    note = forms.CharField(
        label="Note for the pupil",
        required=False,
        help_text=f"Needed for “not this time”: the pupil reads it. Up to {NOTE_CHARS} characters.",
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    back = forms.ChoiceField(
        choices=[("requests", "requests"), ("pupil", "pupil")],
        required=False,
        widget=forms.HiddenInput,
    )

    def __init__(self, *args, alternatives=(), state: str = "", **kwargs):
        super().__init__(*args, **kwargs)
        if state:
            # Only the answers that fit where the participation stands: "took part" once it
            # has a place, the others while it waits for an answer.
            fits = {"took_part"} if state == "place" else {d for d, _ in DECISIONS} - {"took_part"}
            self.fields["decision"].choices = [(d, w) for d, w in DECISIONS if d in fits]
        self.fields["alternative"].choices = [("", "Choose one")] + [
            (o.pk, o.title) for o in alternatives
        ]


class OfferForm(forms.Form):
    opportunity = forms.TypedChoiceField(
        label="Opportunity",
        coerce=int,
        error_messages={
            "required": "Choose the opportunity to offer.",
            "invalid_choice": "Choose one of this year's opportunities open to the pupil.",
        },
    )
    note = forms.CharField(
        label="A word for the pupil (optional)",
        required=False,
        help_text=f"Why you think they would enjoy it. Up to {NOTE_CHARS} characters.",
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args, offerable=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["opportunity"].choices = [("", "Choose one")] + [
            (o.pk, o.title) for o in offerable
        ]


class ConsentForm(forms.Form):
    choice = forms.ChoiceField(
        choices=[("yes", "Yes"), ("no", "No")],
        error_messages={"required": "Say yes or no."},
    )
