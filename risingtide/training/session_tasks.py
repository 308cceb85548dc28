"""Email about face-to-face sessions, through the ``django.tasks`` API: a place given from the
waiting list, a session called off, and the reminder the day before (``risingtide manage
training_reminders [--enqueue]``, run daily). Each message is a notice with the facts of the
session; nothing personal about anyone else is in it, and each person gets their own."""

from datetime import datetime, timedelta

from django.core.mail import send_mass_mail
from django.utils import timezone
from django_tasks import task

from risingtide.training.models import Session, SignUp


def _when(session: Session) -> str:
    start, end = timezone.localtime(session.starts_at), timezone.localtime(session.ends_at)
    return f"{start:%A %-d %B %Y}, {start:%H:%M} to {end:%H:%M}"


def _facts(session: Session) -> str:
    return (
        f"{session.programme.title}: {session.get_half_day_display().lower()}\n"
        f"When: {_when(session)}\nWhere: {session.venue}\n{session.address}\n"
    )


def _send(messages: list[tuple[str, str, str]]) -> int:
    """One email each (subject, text, address): nobody sees another's address."""
    return send_mass_mail([(subject, text, None, [to]) for subject, text, to in messages if to])


@task()
def email_promoted(sign_up_id: int) -> int:
    """Tell a learner a place has come free for them from the waiting list."""
    found = SignUp.objects.select_related("session__programme", "learner").get(pk=sign_up_id)
    if found.status != SignUp.Status.BOOKED:
        return 0
    session = found.session
    text = (
        "A place has come free and it is yours: you are now booked on this session.\n\n"
        f"{_facts(session)}\nIf you cannot come, cancel your place in Rising Tide so the "
        "next person on the waiting list can have it."
    )
    return _send([("You have a place: training session", text, found.learner.email)])


@task()
def email_cancelled(session_id: int) -> int:
    """Tell everyone booked or waiting that the session is called off, and why."""
    session = Session.objects.select_related("programme").get(pk=session_id)
    learners = SignUp.objects.filter(
        session=session, status__in=[SignUp.Status.BOOKED, SignUp.Status.WAITING]
    ).select_related("learner")
    text = (
        f"This training session has been cancelled.\n\n{_facts(session)}\n"
        f"The reason given: {session.cancelled_reason}\n\n"
        "It no longer counts towards your programme: sign up for another session of the same "
        "half-day in Rising Tide."
    )
    return _send([("Cancelled: training session", text, s.learner.email) for s in learners])


def due_reminders(now: datetime) -> list[int]:
    """The places at sessions that start tomorrow (local time) not yet reminded."""
    tomorrow = timezone.localtime(now).date() + timedelta(days=1)
    return list(
        SignUp.objects.filter(
            status=SignUp.Status.BOOKED,
            reminded_at__isnull=True,
            session__cancelled_at__isnull=True,
            session__starts_at__date=tomorrow,
        ).values_list("pk", flat=True)
    )


@task()
def send_reminders() -> int:
    """Remind everyone booked on tomorrow's sessions, once: each place is claimed by a
    conditional UPDATE of ``reminded_at`` before its email goes, so a second run (or two
    workers at once) sends nothing twice. Returns the emails sent."""
    now = timezone.now()
    sent = 0
    for pk in due_reminders(now):
        if not SignUp.objects.filter(pk=pk, reminded_at__isnull=True).update(reminded_at=now):
            continue  # claimed by another run
        found = SignUp.objects.select_related("session__programme", "learner").get(pk=pk)
        text = (
            f"A reminder: you are booked on this training session tomorrow.\n\n"
            f"{_facts(found.session)}\nIf you cannot come, cancel your place in Rising Tide "
            "so someone on the waiting list can have it."
        )
        sent += _send([("Tomorrow: training session", text, found.learner.email)])
    return sent
