"""Face-to-face sessions: scheduled by their owners with clear refusals, signed up for with a
waiting list, cancelled by a learner (the next one promoted and told) or by the scheduler
(everyone told), and a register taken on the day."""

from datetime import timedelta

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from risingtide.training import session_queries, sessions
from risingtide.training.models import Session, SignUp
from risingtide.training.tests.session_world import past_session, session
from risingtide.training.tests.world import add_training

pytestmark = pytest.mark.django_db


@pytest.fixture
def w(world, settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    return add_training(world)


def _refusal(exc) -> dict:
    return {k: " ".join(v) for k, v in exc.value.message_dict.items()}


def test_a_session_is_refused_field_by_field(w):
    now = timezone.now()
    with pytest.raises(ValidationError) as exc:
        sessions.schedule(
            w.users["la_lead@own"],
            w.programmes["nation"],
            w.las["own"],
            half_day=3,
            venue=" ",
            address="",
            starts_at=now - timedelta(hours=1),
            ends_at=now - timedelta(hours=2),
            capacity=0,
        )
    refused = _refusal(exc)
    assert set(refused) == {"venue", "address", "half_day", "starts_at", "ends_at", "capacity"}
    assert "end after it starts" in refused["ends_at"]
    assert "in the future" in refused["starts_at"]
    assert "at least one place" in refused["capacity"]
    assert not Session.objects.exists()


def test_sessions_are_scheduled_by_their_owners_only(w):
    made = session(w, "own")
    assert made.local_authority == w.las["own"] and made.scheduled_by == w.users["la_lead@own"]
    assert session(w, "nation").nation == w.nation
    programme = w.programmes["nation"]
    for who, owner in [
        ("la_lead@own", w.las["other"]),  # another LA's
        ("la_lead@own", w.nation),  # the nation's sessions are the national officer's
        ("national_officer@nation", w.las["own"]),
        ("leading_teacher@own", w.las["own"]),
    ]:
        with pytest.raises(PermissionDenied):
            sessions.schedule(
                w.users[who],
                programme,
                owner,
                half_day=1,
                venue="v",
                address="a",
                starts_at=made.starts_at,
                ends_at=made.ends_at,
                capacity=5,
            )
    with pytest.raises(PermissionDenied):  # another LA's own programme
        sessions.schedule(
            w.users["la_lead@own"],
            w.programmes["other"],
            w.las["own"],
            half_day=1,
            venue="v",
            address="a",
            starts_at=made.starts_at,
            ends_at=made.ends_at,
            capacity=5,
        )


def test_who_signs_up_where(w):
    la_session, nation_session = session(w, "own"), session(w, "nation")
    assert sessions.sign_up(w.users["leading_teacher@own"], la_session).status == "booked"
    assert sessions.sign_up(w.users["la_lead@own"], nation_session).status == "booked"
    for who, where in [
        ("leading_teacher@own", nation_session),  # the nation's sessions are for LA leads
        ("leading_teacher@other", la_session),  # another LA's
        ("la_lead@own", la_session),  # an LA lead runs their LA's sessions, not attends
        ("teacher@own", la_session),
    ]:
        with pytest.raises(PermissionDenied):
            sessions.sign_up(w.users[who], where)


def test_a_full_session_has_a_waiting_list_and_a_place_given_up_goes_to_its_first(
    w, django_capture_on_commit_callbacks
):
    made = session(w, "own", capacity=1)
    first, second, third = (
        w.users[k] for k in ("leading_teacher@own", "leading_teacher@peer", "teacher+lead@own")
    )
    second.email, third.email = "peer@example.org", "third@example.org"
    second.save(), third.save()
    assert sessions.sign_up(first, made).status == "booked"
    waiting = sessions.sign_up(second, made)
    assert waiting.status == "waiting" and sessions.waiting_place(waiting) == 1
    assert sessions.waiting_place(sessions.sign_up(third, made)) == 2
    with pytest.raises(ValidationError, match="already on this session's waiting list"):
        sessions.sign_up(second, made)
    with django_capture_on_commit_callbacks(execute=True):
        sessions.cancel_place(first, made)
    promoted = SignUp.objects.get(session=made, learner=second)
    assert promoted.status == "booked"
    assert [m.to for m in mail.outbox] == [["peer@example.org"]]
    assert "it is yours" in mail.outbox[0].body and made.venue in mail.outbox[0].body
    assert sessions.waiting_place(SignUp.objects.get(session=made, learner=third)) == 1
    made.refresh_from_db()
    assert made.booked == 1
    # Signing up again after cancelling: the same row, now at the back of the queue.
    again = sessions.sign_up(first, made)
    assert again.status == "waiting" and sessions.waiting_place(again) == 2
    assert SignUp.objects.filter(session=made, learner=first).count() == 1


def test_leaving_the_waiting_list_promotes_nobody(w):
    made = session(w, "own", capacity=1)
    sessions.sign_up(w.users["leading_teacher@own"], made)
    sessions.sign_up(w.users["leading_teacher@peer"], made)
    sessions.cancel_place(w.users["leading_teacher@peer"], made)
    made.refresh_from_db()
    assert made.booked == 1
    with pytest.raises(ValidationError, match="no place at this session"):
        sessions.cancel_place(w.users["leading_teacher@peer"], made)


def test_one_booking_a_half_day(w):
    sessions.sign_up(w.users["leading_teacher@own"], session(w, "own", half_day=1))
    with pytest.raises(ValidationError, match="already booked for this half-day"):
        sessions.sign_up(w.users["leading_teacher@own"], session(w, "own", half_day=1, days=9))
    assert sessions.sign_up(w.users["leading_teacher@own"], session(w, "own", half_day=2))


def test_the_scheduler_cancels_a_session_and_everyone_is_told(
    w, django_capture_on_commit_callbacks
):
    made = session(w, "own", capacity=1)
    for key, email in [("leading_teacher@own", "a@example.org"), ("leading_teacher@peer", "")]:
        w.users[key].email = email
        w.users[key].save()
        sessions.sign_up(w.users[key], made)
    with pytest.raises(ValidationError) as exc:
        sessions.cancel_session(w.users["la_lead@own"], made, "  ")
    assert "reason" in _refusal(exc)
    with pytest.raises(PermissionDenied):
        sessions.cancel_session(w.users["la_lead@other"], made, "Snow")
    with django_capture_on_commit_callbacks(execute=True):
        sessions.cancel_session(w.users["la_lead@own"], made, "The venue flooded")
    assert [m.to for m in mail.outbox] == [["a@example.org"]]  # the one with an address
    assert "The venue flooded" in mail.outbox[0].body
    with pytest.raises(ValidationError, match="cancelled"):
        sessions.sign_up(w.users["teacher+lead@own"], made)


def test_the_register_records_present_absent_late_and_early(w):
    made = past_session(w, "own", learners=["leading_teacher@own", "leading_teacher@peer"])
    lead = w.users["la_lead@own"]
    ann, ben = (
        SignUp.objects.get(session=made, learner=w.users[k])
        for k in ("leading_teacher@own", "leading_teacher@peer")
    )
    start = timezone.localtime(made.starts_at)
    late = (start + timedelta(minutes=20)).time().replace(second=0)
    early = (start + timedelta(hours=2)).time().replace(second=0)
    marked = sessions.mark(lead, made, ann.pk, attendance="present", arrived=late, left=early)
    assert marked.present and marked.arrived_at.time() == late
    assert timezone.localtime(marked.left_at).time() == early
    assert (
        sessions.mark(lead, made, ben.pk, attendance="absent", arrived=None, left=None).present
        is False
    )
    with pytest.raises(ValidationError) as exc:
        sessions.mark(lead, made, ben.pk, attendance="absent", arrived=late, left=None)
    assert "present" in _refusal(exc)["attendance"]
    # An hour before the session's own start (a fixed time of day fell inside the session
    # when the suite ran in the early morning)
    before_start = (start - timedelta(hours=1)).time().replace(second=0)
    with pytest.raises(ValidationError) as exc:
        sessions.mark(lead, made, ann.pk, attendance="present", arrived=before_start, left=None)
    assert "between the start" in _refusal(exc)["arrived"]
    with pytest.raises(ValidationError) as exc:
        sessions.mark(lead, made, ann.pk, attendance="present", arrived=early, left=late)
    assert "before they arrived" in _refusal(exc)["left"]
    with pytest.raises(PermissionDenied):
        sessions.mark(
            w.users["la_lead@other"], made, ann.pk, attendance="present", arrived=None, left=None
        )
    with pytest.raises(ValidationError):
        sessions.mark(lead, made, 999_999, attendance="present", arrived=None, left=None)
    upcoming = session(w, "own")
    booked = sessions.sign_up(w.users["leading_teacher@own"], upcoming)
    with pytest.raises(ValidationError, match="opens when the session starts"):
        sessions.mark(lead, upcoming, booked.pk, attendance="present", arrived=None, left=None)


def test_a_learner_sees_their_sessions_and_those_open_to_them(w, django_assert_max_num_queries):
    full = session(w, "own", capacity=1)
    sessions.sign_up(w.users["leading_teacher@peer"], full)
    waiting = sessions.sign_up(w.users["leading_teacher@own"], full)
    open_second = session(w, "own", half_day=2)
    session(w, "other", half_day=2)  # another LA's: not offered
    session(w, "nation", half_day=2)  # for LA leads: not offered
    with django_assert_max_num_queries(4):
        days = session_queries.learner_sessions(
            w.users["leading_teacher@own"], w.programmes["nation"]
        )
    first, second = days
    assert [(m.sign_up.pk, m.waiting_place) for m in first.mine] == [(waiting.pk, 1)]
    assert first.open == [] and second.mine == []
    assert [s.pk for s in second.open] == [open_second.pk]
