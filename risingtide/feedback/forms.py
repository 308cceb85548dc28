"""What feedback's actions read from what was posted: a comment, a reply, a next step's answer,
rubric levels, judgements and reviews.

These forms sit on other apps' pages (a portfolio, its presentation, a project), which are not
shown again after a post: a refusal, the form's or the service's, is said as a message on the
page the person goes back to (``lib.forms.refused``). So the forms read only the input's shape
(an id, a level's number, a yes or no); the rules (a known kind, words within their limit, a
level on the rubric) stay in ``services``, which the API calls too, and say why in their words.
"""

from django import forms

from risingtide.lib.forms import id_field

NOT_IN_PORTFOLIO = "That is not in this portfolio."
NOT_A_LEVEL = "Choose one of the rubric's levels."


def _text() -> forms.CharField:
    # Kept as typed: the service trims it and says "Write something first." when nothing is left.
    return forms.CharField(required=False, strip=False)


def _level(refusal: str) -> forms.IntegerField:
    return forms.IntegerField(
        required=False,
        min_value=0,
        max_value=99,
        error_messages={
            "invalid": refusal,
            "min_value": refusal,
            "max_value": refusal,
        },
    )


class CommentForm(forms.Form):
    """A teacher's comment on one thing in a portfolio (``item``, ``connection`` or
    ``stage``), or on the whole of it."""

    kind = forms.CharField(required=False)
    body = _text()
    item = id_field(NOT_IN_PORTFOLIO)
    connection = id_field(NOT_IN_PORTFOLIO)
    stage = forms.CharField(required=False)


class ReplyForm(forms.Form):
    """A reply; also the optional word that goes with marking a next step done or answering
    it."""

    body = _text()


class AnswerForm(ReplyForm):
    """The teacher's answer to a next step the pupil has done: accept it, or give it back."""

    decision = forms.ChoiceField(
        choices=[("accept", "Accept"), ("back", "Give it back")],
        error_messages={
            "required": "Accept the next step or give it back.",
            "invalid_choice": "Accept the next step or give it back.",
        },
    )

    def accepted(self) -> bool:
        return self.cleaned_data["decision"] == "accept"


class RubricForm(forms.Form):
    """A project's rubric levels, one a line, lowest first."""

    levels = forms.CharField(required=False, strip=False)

    def lines(self) -> list[str]:
        return self.cleaned_data["levels"].splitlines()


class _PerCriterion(forms.Form):
    """A level (and perhaps more) for each of the project's success criteria, as
    ``level_<n>``: ``criteria`` is how many there are."""

    def __init__(self, *args, criteria: int, **kwargs):
        super().__init__(*args, **kwargs)
        self.criteria = range(criteria)
        for index in self.criteria:
            self.fields[f"level_{index}"] = _level(NOT_A_LEVEL)

    def levels(self) -> dict[int, int]:
        """The levels chosen, by criterion (a criterion left blank is not in it)."""
        data = self.cleaned_data
        return {i: data[f"level_{i}"] for i in self.criteria if data[f"level_{i}"] is not None}


class JudgementsForm(_PerCriterion):
    """The teacher's judgement of every criterion at once: a level (blank: not judged, which
    takes back a judgement made before) and the evidence for it."""

    def __init__(self, *args, criteria: int, **kwargs):
        super().__init__(*args, criteria=criteria, **kwargs)
        for index in self.criteria:
            self.fields[f"evidence_{index}"] = forms.CharField(required=False, strip=False)

    def judgements(self):
        """(criterion, level or None, evidence) for every criterion, in order."""
        data = self.cleaned_data
        return [(i, data[f"level_{i}"], data[f"evidence_{i}"]) for i in self.criteria]


class ReviewForm(_PerCriterion):
    """A pupil's review of a presentation: levels for the criteria they chose to rate, a
    comment, and whether to post it without their name."""

    comment = _text()
    anonymous = forms.BooleanField(required=False)


class HideReviewForm(forms.Form):
    hidden = forms.TypedChoiceField(
        choices=[("1", "Hide from pupils"), ("0", "Show to pupils again")],
        coerce=lambda value: value == "1",
        error_messages={
            "required": "Say whether to hide the review or show it again.",
            "invalid_choice": "Say whether to hide the review or show it again.",
        },
    )
