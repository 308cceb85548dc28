"""Prompts suit the pupil's age, from the record's NC year, and never ask for a learning style."""

import pytest

from risingtide.learners.models import PROFILE_FIELDS
from risingtide.learners.prompts import BANDS, band_for


@pytest.mark.parametrize(
    "year, band",
    [
        ("R", "early"),
        ("1", "early"),
        ("2", "early"),
        ("N2", "early"),
        ("3", "primary"),
        ("6", "primary"),
        ("7", "secondary"),
        ("11", "secondary"),
        ("12", "sixth_form"),
        ("13", "sixth_form"),
        ("", "primary"),
        ("X", "primary"),
        (" r ", "early"),
    ],
)
def test_the_band_follows_the_nc_year(year, band):
    assert band_for(year).key == band


def test_every_band_asks_the_five_questions_in_order():
    for band in BANDS:
        assert tuple(p.field for p in band.prompts) == tuple(PROFILE_FIELDS)


def test_the_youngest_get_a_short_question_with_an_example_each():
    early = band_for("1")
    for prompt in early.prompts:
        assert prompt.example, prompt.field
        assert len(prompt.question.split()) <= 9, prompt.question


def test_no_band_speaks_of_learning_styles():
    words = " ".join(
        f"{b.intro} {p.question} {p.hint} {p.example}" for b in BANDS for p in b.prompts
    ).lower()
    for label in ("learning style", "visual learner", "auditory", "kinaesthetic", "vak"):
        assert label not in words
