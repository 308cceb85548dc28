"""Suggestions are explainable and the school's choice: off until the school turns them on;
each names its reason (the pupil's own words, a register domain, an open next step); they add
emphasis and never remove an opportunity; turning them off removes them from the menu page
and the API alike."""

import pytest
from django.urls import reverse

from risingtide.learners.models import LearnerProfile, Personalisation
from risingtide.opportunities import menu_queries, suggestions
from risingtide.opportunities.tests.menu_world import opportunity
from risingtide.register.models import RegisterEntry, academic_year


@pytest.fixture
def w(world):
    record = world.records["own"]
    LearnerProfile.objects.create(
        pupil=record,
        interests="I love space. Dinosaurs, and building robots",
        aspirations="I want to be a vet",
    )
    RegisterEntry.objects.filter(pupil=record, current=True).update(current=False)
    RegisterEntry.objects.create(
        pupil=record,
        school=record.school,
        academic_year=academic_year(),
        status=RegisterEntry.Status.IDENTIFIED,
        gifted=True,
        domains=["maths"],
        current=True,
    )
    school = world.schools["own"]
    world.space = opportunity(school, "Astronomy club", description="Space and the stars.")
    world.maths = opportunity(school, "Maths challenge", subjects=["maths"])
    # The tiny world's open next step for pupil@own says "Say where you found this."
    world.sources = opportunity(school, "Finding sources", description="Say where it was found.")
    world.drama = opportunity(school, "Drama club", subjects=["drama"])
    return world


def _turn(w, on: bool) -> None:
    Personalisation.objects.update_or_create(
        school=w.schools["own"], defaults={"suggestions_on": on}
    )


def _suggested(user) -> dict[str, str]:
    menu = menu_queries.menu_for(user)
    return {c.opportunity.title: c.suggestion.sentence for c in menu.suggested}


def test_off_until_the_school_turns_them_on(w):
    pupil = w.user("pupil@own")
    assert _suggested(pupil) == {}
    assert menu_queries.menu_for(pupil).suggestions_on is False
    _turn(w, True)
    assert set(_suggested(pupil)) == {"Astronomy club", "Maths challenge", "Finding sources"}


def test_each_suggestion_names_its_reason(w):
    _turn(w, True)
    said = _suggested(w.user("pupil@own"))
    assert said["Astronomy club"] == "because you wrote ‘I love space’"
    assert said["Maths challenge"] == "because you are on the register for Mathematics"
    assert said["Finding sources"] == "because your next step says ‘Say where you found this.’"
    for card in menu_queries.menu_for(w.user("pupil@own")).suggested:
        assert card.suggestion.reasons
        for reason in card.suggestion.reasons:
            assert reason.quote and reason.matched and reason.sentence.startswith("because")


def test_the_reasons_say_which_words_matched(w):
    signals = suggestions.signals_of([w.records["own"]])[w.records["own"].pk]
    reasons = suggestions.reasons_for(signals, w.space)
    assert [(r.source, r.quote, r.matched) for r in reasons] == [
        ("profile", "I love space", ("space",))
    ]


def test_suggestions_never_remove_an_opportunity(w):
    pupil = w.user("pupil@own")
    off = [c.opportunity.pk for c in menu_queries.menu_for(pupil).cards]
    _turn(w, True)
    on = [c.opportunity.pk for c in menu_queries.menu_for(pupil).cards]
    assert on == off
    assert w.drama.pk in on  # not suggested, still there


def test_turning_them_off_removes_them_from_the_page_and_the_api(w, client_for):
    client = client_for(w.user("pupil@own"))
    _turn(w, True)
    page = client.get(reverse("opportunities:menu")).content.decode()
    assert "Suggested for you" in page and "because you wrote ‘I love space’" in page
    api = client.get("/api/v1/me/opportunities").json()
    cards = {c["title"]: c for s in api["sections"] for c in s["opportunities"]}
    assert api["suggestions_on"] is True
    assert cards["Astronomy club"]["suggestion"]["reasons"][0] == {
        "source": "profile",
        "quote": "I love space",
        "matched": ["space"],
    }
    _turn(w, False)
    page = client.get(reverse("opportunities:menu")).content.decode()
    assert "Suggested for you" not in page and "because you" not in page
    api = client.get("/api/v1/me/opportunities").json()
    assert api["suggestions_on"] is False
    assert all(c["suggestion"] is None for s in api["sections"] for c in s["opportunities"])
    # The register domain stays marked on its card: the school's own decision, not a guess.
    cards = {c["title"]: c for s in api["sections"] for c in s["opportunities"]}
    assert cards["Maths challenge"]["domains"] == ["Mathematics"]


def test_a_school_turning_them_on_suggests_nothing_to_another_schools_pupils(w):
    _turn(w, True)
    opportunity(w.schools["other"], "Space camp", description="Space.")
    LearnerProfile.objects.create(pupil=w.records["other"], interests="space")
    assert _suggested(w.user("pupil@other")) == {}


def test_words_ignore_the_common_and_meet_plurals():
    assert suggestions.words("I really love Dinosaurs and the robots!") == {"dinosaur", "robot"}
