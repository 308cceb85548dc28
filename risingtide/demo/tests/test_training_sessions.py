"""The demo's sessions load through the services: past ones with their registers, coming ones
with sign-ups and a waiting list, in both LAs, and the nation's for LA leads."""

import pytest

from risingtide.demo import training_sessions
from risingtide.training.models import Session, SignUp
from risingtide.training.sessions_rule import attended
from risingtide.training.tests.world import add_training

pytestmark = pytest.mark.django_db


def test_the_demo_sessions_load(world):
    w = add_training(world)
    programme = w.programmes["nation"]
    las = {w.las[k]: w.users[f"la_lead@{k}"] for k in ("own", "other")}
    own = ("leading_teacher@own", "leading_teacher@peer", "leading_teacher@cluster")
    teachers = {
        w.las["own"]: [w.users[k] for k in (*own, "teacher+lead@own")],
        w.las["other"]: [w.users["leading_teacher@other"]],
    }
    made = training_sessions.load(
        programme, las, teachers, national_officer=w.users["national_officer@nation"]
    )
    assert len(made) == 8 and Session.objects.count() == 8
    past = Session.objects.filter(local_authority=w.las["own"], half_day=1).order_by("starts_at")[0]
    marks = list(SignUp.objects.filter(session=past).order_by("asked_at", "pk"))
    assert [s.present for s in marks] == [True, True, True, False]
    assert marks[1].arrived_at and marks[2].left_at
    second = Session.objects.get(local_authority=w.las["own"], half_day=2)
    assert second.booked == 3 == second.capacity
    assert (
        SignUp.objects.get(session=second, status="waiting").learner == w.users["teacher+lead@own"]
    )
    # The first and the late one attended half-day 1; the early leaver did not.
    found = attended([m.learner for m in marks], programme)
    assert [bool(found[m.learner_id].evidence["sessions"]) for m in marks] == [
        True,
        True,
        False,
        False,
    ]
    assert SignUp.objects.filter(session__nation=w.nation).count() == 3
