"""Sessions in the API: the same guards and domain functions as the pages."""

from datetime import timedelta

import pytest
from django.utils import timezone

from risingtide.api.tests.clients import as_user, call
from risingtide.training.models import SignUp
from risingtide.training.tests.session_world import past_session, session
from risingtide.training.tests.world import add_training

pytestmark = pytest.mark.django_db


@pytest.fixture
def w(world):
    return add_training(world)


def test_a_learner_lists_signs_up_waits_and_cancels(w):
    made = session(w, "own", capacity=1)
    session(w, "nation")  # for LA leads: not listed for a leading teacher
    ann = as_user(w.users["leading_teacher@own"])
    ben = as_user(w.users["leading_teacher@peer"])
    programme = w.programmes["nation"].pk
    listed = call(ann, "get", f"/training/programmes/{programme}/sessions").json()
    assert [(s["id"], s["places_left"], s["mine"]) for s in listed] == [(made.pk, 1, None)]
    answer = call(ann, "post", f"/training/sessions/{made.pk}/sign-up")
    assert answer.status_code == 201 and answer.json()["status"] == "booked"
    answer = call(ben, "post", f"/training/sessions/{made.pk}/sign-up")
    assert answer.json()["status"] == "waiting" and answer.json()["waiting_place"] == 1
    again = call(ben, "post", f"/training/sessions/{made.pk}/sign-up")
    assert again.status_code == 400 and "waiting list" in again.json()["detail"]
    listed = call(ben, "get", f"/training/programmes/{programme}/sessions").json()
    assert listed[0]["mine"] == "waiting" and listed[0]["waiting_place"] == 1
    assert call(ann, "post", f"/training/sessions/{made.pk}/cancel-place").json()["status"] == (
        "cancelled"
    )
    assert SignUp.objects.get(learner=w.users["leading_teacher@peer"]).status == "booked"
    # Another LA's leading teacher cannot see it at all.
    stranger = as_user(w.users["leading_teacher@other"])
    assert call(stranger, "post", f"/training/sessions/{made.pk}/sign-up").status_code == 404


def test_the_scheduler_reads_and_marks_the_register(w):
    made = past_session(w, "own", learners=["leading_teacher@own"])
    row = SignUp.objects.get(session=made)
    lead = as_user(w.users["la_lead@own"])
    register = call(lead, "get", f"/training/sessions/{made.pk}/register").json()
    assert [r["sign_up"] for r in register["booked"]] == [row.pk]
    assert register["booked"][0]["schools"] == ["Own School"]
    assert register["booked"][0]["present"] is None
    early = (timezone.localtime(made.ends_at) - timedelta(hours=1)).strftime("%H:%M")
    marked = call(
        lead,
        "put",
        f"/training/sessions/{made.pk}/register",
        {"sign_up": row.pk, "attendance": "present", "left": early},
    )
    assert marked.status_code == 200
    assert marked.json()["present"] is True and marked.json()["counts"] is False
    # An hour before it starts (whatever the clock says now: a fixed "03:00" fell inside the
    # session when the suite ran at six in the morning).
    outside = (timezone.localtime(made.starts_at) - timedelta(hours=1)).strftime("%H:%M")
    refused = call(
        lead, "put", f"/training/sessions/{made.pk}/register", {"sign_up": row.pk, "left": outside}
    )
    assert refused.status_code == 400 and "left" in refused.json()["errors"]
    other = as_user(w.users["la_lead@other"])
    assert call(other, "get", f"/training/sessions/{made.pk}/register").status_code == 404
    learner = as_user(w.users["leading_teacher@own"])
    assert call(learner, "get", f"/training/sessions/{made.pk}/register").status_code == 404
