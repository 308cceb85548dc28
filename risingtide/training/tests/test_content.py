"""Module content is checked before it is kept, and knowledge checks are marked rightly."""

import copy

import pytest
from django.core.exceptions import ValidationError

from risingtide.training import content
from risingtide.training.tests.world import CONTENT

MULTI = {
    "kind": "check",
    "title": "Several",
    "pass_mark": 2,
    "questions": [
        {
            "text": "Which are signs of high potential?",
            "multiple": True,
            "answers": [
                {"text": "Asks searching questions", "correct": True},
                {"text": "Sits quietly", "correct": False},
                {"text": "Makes unusual connections", "correct": True},
            ],
        },
        CONTENT["steps"][1]["questions"][0],
    ],
}


def test_clean_keeps_a_good_module():
    kept = content.clean(copy.deepcopy(CONTENT))
    assert [s["kind"] for s in kept["steps"]] == ["page", "check", "reflection"]
    assert kept["steps"][1]["pass_mark"] == 1


@pytest.mark.parametrize(
    ("change", "words"),
    [
        (lambda c: c.update(steps=[]), "at least one step"),
        (lambda c: c["steps"][0].update(kind="video"), "page, a knowledge check or a reflection"),
        (lambda c: c["steps"][0].update(body="  "), "needs some text"),
        (lambda c: c["steps"][1].update(pass_mark=2), "between 1 and 1"),
        (lambda c: c["steps"][1].update(pass_mark=True), "between 1 and 1"),
        (
            lambda c: c["steps"][1]["questions"][0]["answers"][0].update(correct=True),
            "exactly one right answer",
        ),
        (
            lambda c: c["steps"][1]["questions"][0]["answers"][1].update(correct=False),
            "no right answer",
        ),
        (lambda c: c["steps"][1]["questions"][0]["answers"].pop(), "at least two answers"),
    ],
)
def test_clean_refuses_a_broken_module_saying_what(change, words):
    broken = copy.deepcopy(CONTENT)
    change(broken)
    with pytest.raises(ValidationError, match=words):
        content.clean(broken)


def test_single_choice_is_right_only_with_the_right_answer_alone():
    check = content.clean({"steps": [CONTENT["steps"][1]]})["steps"][0]
    assert content.mark(check, {0: [1]}).passed
    assert not content.mark(check, {0: [0]}).passed
    assert not content.mark(check, {0: [0, 1]}).passed  # two ticks on a one-answer question
    assert not content.mark(check, {}).passed  # unanswered


def test_multiple_choice_needs_exactly_the_right_answers_and_the_pass_mark_counts():
    check = content.clean({"steps": [MULTI]})["steps"][0]
    both = content.mark(check, {0: [0, 2], 1: [1]})
    assert (both.score, both.passed) == (2, True)
    partial = content.mark(check, {0: [0], 1: [1]})
    assert (partial.right, partial.passed) == ([False, True], False)
    extra = content.mark(check, {0: [0, 1, 2], 1: [1]})
    assert extra.right == [False, True]
