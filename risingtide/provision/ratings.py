"""Rating a delivered session, and what providers read of their ratings.

Teachers of pupils who went, the coordinators of the schools that booked, and staff who went
themselves rate a session from 1 to 5 with an optional comment. Pupils who went rate it on a
scale of three faces, each with its words, kept as a score so that every rating feeds one
mean (the satisfaction KPI, ``kpis``):

    "I loved it" → 5 · "It was OK" → 3 · "I didn't enjoy it" → 1

(the top, middle and bottom of the teachers' scale, so a pupil's "OK" weighs as a teacher's 3).
One rating per person per session (a unique index); it can be changed until ``RATING_DAYS``
after the session ended. Providers see means and comments; beside a pupil's rating they see
"A pupil", never a name or a school.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from risingtide.access.core import can, visible
from risingtide.audit.models import record
from risingtide.provision.contract_models import Rating
from risingtide.provision.models import Booking, Place, Session

RATING_DAYS = 30
FACES = ((5, "I loved it"), (3, "It was OK"), (1, "I didn't enjoy it"))
STAFF_SCALE = (
    (5, "5: excellent"),
    (4, "4: good"),
    (3, "3: satisfactory"),
    (2, "2: poor"),
    (1, "1: very poor"),
)
MAX_COMMENTS = 20


def closes_at(session: Session) -> datetime:
    return session.ends_at + timedelta(days=RATING_DAYS)


def _as_pupil(actor, session: Session) -> Place | None:
    """The place the person attended as a pupil, if they did."""
    return (
        Place.objects.filter(
            session=session,
            active=True,
            attended=True,
            booking__status=Booking.Status.DELIVERED,
            pupil__account=actor,
        )
        .select_related("booking")
        .first()
    )


def _staff_school(actor, session: Session) -> int | None:
    """The school, among those that had someone at the session, the person rates it from."""
    attended = Place.objects.filter(
        session=session, active=True, attended=True, booking__status=Booking.Status.DELIVERED
    )
    own = attended.filter(staff=actor).values_list("booking__school_id", flat=True).first()
    if own:
        return own
    return (
        attended.filter(booking__school__in=visible(actor, "school"))
        .order_by("booking__school_id")
        .values_list("booking__school_id", flat=True)
        .first()
    )


def rater_of(actor, session: Session) -> str:
    return Rating.Rater.PUPIL if _as_pupil(actor, session) else Rating.Rater.STAFF


def rate(actor, session: Session, score: int, comment: str = "", *, now=None) -> Rating:
    """Record (or change) the person's rating of a session they may rate."""
    if not can(actor, "session.rate", session):
        raise PermissionDenied
    now = now or timezone.now()
    if now > closes_at(session):
        raise ValidationError(
            f"Ratings of this session closed {RATING_DAYS} days after it ended "
            f"({timezone.localtime(closes_at(session)):%-d %B %Y})."
        )
    comment = comment.strip()
    if len(comment) > 1000:
        raise ValidationError({"comment": "Keep the comment to 1,000 characters."})
    place = _as_pupil(actor, session)
    if place is not None:
        if score not in dict(FACES):
            raise ValidationError({"score": "Choose one of the three faces."})
        rater, school_id = Rating.Rater.PUPIL, place.booking.school_id
    else:
        if score not in dict(STAFF_SCALE):
            raise ValidationError({"score": "Choose a rating from 1 to 5."})
        rater, school_id = Rating.Rater.STAFF, _staff_school(actor, session)
        if school_id is None:  # pragma: no cover - the capability implies a school
            raise PermissionDenied
    fields = {"rater": rater, "school_id": school_id, "score": score, "comment": comment}
    try:
        with transaction.atomic():
            rating, created = Rating.objects.update_or_create(
                session=session, rated_by=actor, defaults=fields
            )
    except IntegrityError:
        # The same person's second tab saved first: theirs is the one to change.
        Rating.objects.filter(session=session, rated_by=actor).update(**fields)
        rating, created = Rating.objects.get(session=session, rated_by=actor), False
    record(actor, "session.rate" if created else "session.rerate", session, score=score)
    return rating


# --- reads ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class ToRate:
    session: Session
    rating: Rating | None
    closes_at: datetime


def to_rate(user, now=None) -> list[ToRate]:
    """Delivered sessions the person may rate (or change their rating of) now, soonest to
    close first, with their rating if they gave one: two queries."""
    now = now or timezone.now()
    sessions = list(
        visible(user, "session", "session.rate")
        .filter(ends_at__gte=now - timedelta(days=RATING_DAYS))
        .select_related("service__provider")
        .order_by("ends_at", "pk")
    )
    mine = {
        r.session_id: r
        for r in Rating.objects.filter(rated_by=user, session__in=[s.pk for s in sessions])
    }
    return [ToRate(s, mine.get(s.pk), closes_at(s)) for s in sessions]


def waiting_count(user, now=None) -> int:
    """How many sessions the person may rate now and has not: one query."""
    now = now or timezone.now()
    return (
        visible(user, "session", "session.rate")
        .filter(ends_at__gte=now - timedelta(days=RATING_DAYS))
        .exclude(pk__in=Rating.objects.filter(rated_by=user).values("session_id"))
        .count()
    )


@dataclass(frozen=True)
class CommentRow:
    score: int
    comment: str
    who: str  # "A teacher at Own School" or "A pupil": never a pupil's name or school
    service: str
    day: datetime


def comments_for(provider, limit: int = MAX_COMMENTS) -> list[CommentRow]:
    """The newest comments on a provider's sessions: one query. A pupil's rating carries no
    name and no school."""
    rows = (
        Rating.objects.filter(session__service__provider=provider)
        .exclude(comment="")
        .select_related("session__service", "school")
        .order_by("-updated_at", "-pk")[:limit]
    )
    return [
        CommentRow(
            r.score,
            r.comment,
            "A pupil" if r.rater == Rating.Rater.PUPIL else f"A teacher at {r.school.name}",
            r.session.service.title,
            r.session.starts_at,
        )
        for r in rows
    ]
