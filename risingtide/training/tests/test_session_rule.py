"""The completion rule ``both_half_days_attended``: present at a session of each half-day
(late arrival counts, leaving more than 30 minutes early does not), never a cancelled one;
answered for many learners in one query."""

from datetime import timedelta

import pytest
from django.utils import timezone

from risingtide.training import completion, sessions
from risingtide.training.models import SignUp
from risingtide.training.sessions_rule import NAME
from risingtide.training.tests.session_world import past_session
from risingtide.training.tests.world import add_training

pytestmark = pytest.mark.django_db
ANN, BEN = "leading_teacher@own", "leading_teacher@peer"


@pytest.fixture
def w(world):
    return add_training(world)


def _mark(w, made, key, attendance="present", arrived=None, left=None):
    found = SignUp.objects.get(session=made, learner=w.users[key])
    return sessions.mark(
        w.users["la_lead@own"], made, found.pk, attendance=attendance, arrived=arrived, left=left
    )


def _at(made, minutes):
    return (timezone.localtime(made.starts_at) + timedelta(minutes=minutes)).time()


def _check(w, *keys):
    found = completion.RULES[NAME].check_many([w.users[k] for k in keys], w.programmes["nation"])
    return [found[w.users[k].pk] for k in keys]


def test_registered_as_a_completion_rule():
    assert completion.RULES[NAME].label == "Attend both half-days face to face"
    assert completion.clean_rules([NAME]) == [NAME]


def test_both_half_days_present_is_met_with_the_sessions_as_evidence(w):
    first = past_session(w, "own", half_day=1, hours_ago=30, learners=[ANN, BEN])
    second = past_session(w, "own", half_day=2, learners=[ANN, BEN])
    _mark(w, first, ANN, arrived=_at(first, 45))  # late, still counts
    _mark(w, second, ANN)
    _mark(w, first, BEN)
    _mark(w, second, BEN, attendance="absent")
    ann, ben = _check(w, ANN, BEN)
    assert ann.met and not ben.met
    assert [s["session"] for s in ann.evidence["sessions"]] == [first.pk, second.pk]
    assert ann.evidence["sessions"][0]["venue"] == first.venue
    assert [s["half_day"] for s in ben.evidence["sessions"]] == [1]


def test_leaving_more_than_half_an_hour_early_does_not_count(w):
    first = past_session(w, "own", half_day=1, hours_ago=30, learners=[ANN, BEN])
    second = past_session(w, "own", half_day=2, learners=[ANN, BEN])  # three hours long
    for made in (first, second):
        _mark(w, made, ANN)
        _mark(w, made, BEN)
    _mark(w, second, ANN, left=_at(second, 150))  # 30 minutes early: counts
    _mark(w, second, BEN, left=_at(second, 120))  # an hour early: does not
    ann, ben = _check(w, ANN, BEN)
    assert ann.met and not ben.met


def test_a_session_cancelled_after_sign_up_never_counts(w):
    first = past_session(w, "own", half_day=1, hours_ago=30, learners=[ANN])
    second = past_session(w, "own", half_day=2, learners=[ANN])
    _mark(w, first, ANN)
    _mark(w, second, ANN)
    assert _check(w, ANN)[0].met
    # Called off afterwards (the register was wrong, or the session did not happen as planned).
    sessions.cancel_session(w.users["la_lead@own"], second, "Fire alarm: sent home at once")
    outcome = _check(w, ANN)[0]
    assert not outcome.met and [s["half_day"] for s in outcome.evidence["sessions"]] == [1]


def test_a_programme_naming_the_rule_completes_when_attended(w):
    programme = w.programmes["nation"]
    programme.rules = [NAME]
    programme.save()
    first = past_session(w, "own", half_day=1, hours_ago=30, learners=[ANN])
    second = past_session(w, "own", half_day=2, learners=[ANN])
    _mark(w, first, ANN)
    assert completion.record_if_complete(w.users[ANN], programme) is None
    _mark(w, second, ANN)
    done = completion.record_if_complete(w.users[ANN], programme)
    assert len(done.evidence[NAME]["sessions"]) == 2


def test_many_learners_in_one_query(w, django_assert_num_queries):
    keys = [ANN, BEN, "leading_teacher@cluster", "teacher+lead@own"]
    first = past_session(w, "own", half_day=1, hours_ago=30, learners=keys)
    for key in keys:
        _mark(w, first, key)
    learners = [w.users[k] for k in keys]
    with django_assert_num_queries(1):
        found = completion.RULES[NAME].check_many(learners, w.programmes["nation"])
    assert len(found) == 4 and not any(o.met for o in found.values())
