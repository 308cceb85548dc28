"""Changes to face-to-face sessions: scheduling one, signing up (or joining the waiting list),
a learner cancelling their place (the first on the waiting list is promoted and told), the
scheduler cancelling the whole session (everyone told), and the register taken on the day.

Every change to a session's places first locks the session's row (``select_for_update``), so
concurrent sign-ups and cancellations queue one behind another on PostgreSQL; SQLite takes its
write lock at the start of the transaction (``transaction_mode: IMMEDIATE``). The count itself
moves by a conditional UPDATE, and a check constraint keeps it within capacity regardless."""

from datetime import datetime, time, timedelta

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from risingtide.access.core import can
from risingtide.people.models import User
from risingtide.schools.models import LocalAuthority, Nation
from risingtide.training import session_tasks
from risingtide.training.models import Programme, Session, SignUp

MAX_CAPACITY = 1000
MAX_LENGTH = timedelta(hours=8)


def schedule(
    actor: User,
    programme: Programme,
    owner: Nation | LocalAuthority,
    *,
    half_day: int,
    venue: str,
    address: str,
    starts_at: datetime,
    ends_at: datetime,
    capacity: int,
    now: datetime | None = None,
) -> Session:
    """A new session of ``programme``: the nation's (for LA leads) or ``owner`` LA's (for its
    leading teachers). Refuses, by field, an end before the start, a start in the past, fewer
    than one place, an unknown half-day."""
    if not can(actor, "programme.schedule", programme):
        raise PermissionDenied
    national = isinstance(owner, Nation)
    if not can(
        actor, "sessions.schedule_national" if national else "sessions.schedule_for_la", owner
    ):
        raise PermissionDenied
    if national and programme.nation_id != owner.pk:
        raise ValidationError("The nation's sessions are of the nation's own programmes.")
    now = now or timezone.now()
    errors: dict[str, str] = {}
    venue, address = venue.strip(), address.strip()
    if not venue:
        errors["venue"] = "Say where the session is: the venue's name."
    if not address:
        errors["address"] = "Give the venue's address, so people can find it."
    if half_day not in Session.HalfDay.values:
        errors["half_day"] = "Choose which half-day of the programme this session is."
    if starts_at <= now:
        errors["starts_at"] = "The session must start in the future."
    if ends_at <= starts_at:
        errors["ends_at"] = "The session must end after it starts."
    elif ends_at - starts_at > MAX_LENGTH:
        errors["ends_at"] = "A session is a half-day: it ends at most 8 hours after it starts."
    if capacity < 1:
        errors["capacity"] = "A session needs at least one place."
    elif capacity > MAX_CAPACITY:
        errors["capacity"] = f"A session has at most {MAX_CAPACITY} places."
    if errors:
        raise ValidationError(errors)
    return Session.objects.create(
        programme=programme,
        half_day=half_day,
        venue=venue,
        address=address,
        starts_at=starts_at,
        ends_at=ends_at,
        capacity=capacity,
        scheduled_by=actor,
        **{"nation" if national else "local_authority": owner},
    )


def _locked(session: Session) -> Session:
    """The session's row, locked until the transaction ends, as it is now."""
    return Session.objects.select_for_update().get(pk=session.pk)


def _take_place(session: Session) -> bool:
    return bool(
        Session.objects.filter(
            pk=session.pk, cancelled_at__isnull=True, booked__lt=F("capacity")
        ).update(booked=F("booked") + 1)
    )


def sign_up(actor: User, session: Session, *, now: datetime | None = None) -> SignUp:
    """A place at the session for ``actor``, or (when it is full) a place on its waiting list.
    Refuses a cancelled or started session, and a second sign-up."""
    if not can(actor, "training_session.sign_up", session):
        raise PermissionDenied
    now = now or timezone.now()
    try:
        with transaction.atomic():
            current = _locked(session)
            if current.cancelled:
                raise ValidationError("This session has been cancelled.", code="cancelled")
            if current.starts_at <= now:
                raise ValidationError("This session has started: sign up for another.")
            found = SignUp.objects.filter(session=current, learner=actor).first()
            if found and found.status != SignUp.Status.CANCELLED:
                raise ValidationError(
                    "You are already booked on this session."
                    if found.status == SignUp.Status.BOOKED
                    else "You are already on this session's waiting list.",
                    code="already",
                )
            _no_other_booking_for_half_day(actor, current, now)
            status = SignUp.Status.BOOKED if _take_place(current) else SignUp.Status.WAITING
            if found:
                found.status, found.asked_at, found.cancelled_at = status, now, None
                found.reminded_at = None
                found.save(update_fields=["status", "asked_at", "cancelled_at", "reminded_at"])
                return found
            return SignUp.objects.create(
                session=current, learner=actor, status=status, asked_at=now
            )
    except IntegrityError:  # the same person's other tab, at the same instant
        raise ValidationError(
            "You are already signed up for this session.", code="already"
        ) from None


def _no_other_booking_for_half_day(actor: User, session: Session, now: datetime) -> None:
    other = (
        SignUp.objects.filter(
            learner=actor,
            status=SignUp.Status.BOOKED,
            session__programme_id=session.programme_id,
            session__half_day=session.half_day,
            session__cancelled_at__isnull=True,
            session__ends_at__gt=now,
        )
        .exclude(session=session)
        .select_related("session")
        .first()
    )
    if other:
        raise ValidationError(
            f"You are already booked for this half-day: {other.session.venue} on "
            f"{timezone.localtime(other.session.starts_at):%-d %B}. Cancel that place first.",
            code="already",
        )


def waiting_place(sign_up: SignUp) -> int | None:
    """The learner's place in the waiting list (1 is next), or None if not waiting."""
    if sign_up.status != SignUp.Status.WAITING:
        return None
    return (
        SignUp.objects.filter(
            session_id=sign_up.session_id,
            status=SignUp.Status.WAITING,
            asked_at__lt=sign_up.asked_at,
        ).count()
        + 1
    )


def cancel_place(actor: User, session: Session, *, now: datetime | None = None) -> SignUp:
    """The learner gives up their place (or leaves the waiting list). A place given up goes to
    the first on the waiting list, who is told by email."""
    if not can(actor, "training_session.sign_up", session):
        raise PermissionDenied
    now = now or timezone.now()
    with transaction.atomic():
        current = _locked(session)
        mine = SignUp.objects.filter(session=current, learner=actor).first()
        if mine is None or mine.status == SignUp.Status.CANCELLED:
            raise ValidationError("You have no place at this session to cancel.")
        if current.starts_at <= now:
            raise ValidationError("This session has started: tell its organiser instead.")
        was_booked = mine.status == SignUp.Status.BOOKED
        mine.status, mine.cancelled_at = SignUp.Status.CANCELLED, now
        mine.save(update_fields=["status", "cancelled_at"])
        if was_booked and not current.cancelled:
            Session.objects.filter(pk=current.pk).update(booked=F("booked") - 1)
            _promote_first_waiting(current)
        return mine


def _promote_first_waiting(session: Session) -> SignUp | None:
    first = (
        SignUp.objects.filter(session=session, status=SignUp.Status.WAITING)
        .order_by("asked_at", "pk")
        .first()
    )
    if first is None or not _take_place(session):
        return None
    first.status = SignUp.Status.BOOKED
    first.save(update_fields=["status"])
    transaction.on_commit(lambda: session_tasks.email_promoted.enqueue(first.pk))
    return first


def cancel_session(actor: User, session: Session, reason: str, *, now=None) -> Session:
    """The scheduler calls the session off: everyone booked or waiting is told by email, and
    the session no longer counts towards anyone's half-day."""
    if not can(actor, "session.run", session):
        raise PermissionDenied
    reason = reason.strip()
    if not reason:
        raise ValidationError({"reason": "Say why the session is cancelled: everyone is told."})
    if len(reason) > 1000:
        raise ValidationError({"reason": "Keep the reason to 1,000 characters."})
    with transaction.atomic():
        current = _locked(session)
        if current.cancelled:
            raise ValidationError("This session is already cancelled.")
        current.cancelled_at = now or timezone.now()
        current.cancelled_reason = reason
        current.sequence += 1
        current.save(update_fields=["cancelled_at", "cancelled_reason", "sequence"])
        transaction.on_commit(lambda: session_tasks.email_cancelled.enqueue(current.pk))
        return current


ABSENT, PRESENT = "absent", "present"


def mark(
    actor: User,
    session: Session,
    sign_up_id: int,
    *,
    attendance: str | None,
    arrived: time | None,
    left: time | None,
    now: datetime | None = None,
) -> SignUp:
    """Record one learner on the register: present or absent, and for one present the time
    they arrived late or left early (blank for neither). Taken on the day or after, never
    before the session starts."""
    if not can(actor, "session.run", session):
        raise PermissionDenied
    now = now or timezone.now()
    found = SignUp.objects.filter(
        pk=sign_up_id, session=session, status=SignUp.Status.BOOKED
    ).first()
    if found is None:
        raise ValidationError({"sign_up": "That person is not booked on this session."})
    if session.cancelled:
        raise ValidationError("This session was cancelled: there is no register to take.")
    if session.starts_at > now:
        raise ValidationError("The register opens when the session starts.")
    if attendance not in (PRESENT, ABSENT, None):
        raise ValidationError({"attendance": "Choose present or absent."})
    present = found.present if attendance is None else attendance == PRESENT
    day = timezone.localtime(session.starts_at).date()
    start, end = session.starts_at, session.ends_at
    arrived_at = _on_the_day(day, arrived)
    left_at = _on_the_day(day, left)
    errors = {}
    if not present and (arrived_at or left_at):
        errors["attendance"] = "Mark them present to record when they arrived or left."
    if arrived_at and not start < arrived_at < end:
        errors["arrived"] = (
            f"A late arrival is between the start ({timezone.localtime(start):%H:%M}) and "
            f"the end ({timezone.localtime(end):%H:%M})."
        )
    if left_at and not start < left_at < end:
        errors["left"] = (
            f"An early leaving is between the start ({timezone.localtime(start):%H:%M}) and "
            f"the end ({timezone.localtime(end):%H:%M})."
        )
    elif arrived_at and left_at and left_at <= arrived_at:
        errors["left"] = "They left before they arrived: check the times."
    if errors:
        raise ValidationError(errors)
    found.present, found.arrived_at, found.left_at = present, arrived_at, left_at
    found.marked_at, found.marked_by = now, actor
    found.save(update_fields=["present", "arrived_at", "left_at", "marked_at", "marked_by"])
    return found


def _on_the_day(day, at: time | None) -> datetime | None:
    if at is None:
        return None
    return timezone.make_aware(datetime.combine(day, at))
