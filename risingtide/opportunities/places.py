"""Places on an opportunity: who has one, the waiting list, and moving it on.

Only a person moves a pupil's participation on (issue 19: no automated decision ever removes an
opportunity from a pupil); the one thing done for them is offering a freed place to the next on
the waiting list, which gives, never takes away.

Capacity holds under concurrency on both databases: every change that takes or frees a place
first writes the opportunity's row (``_lock``), so PostgreSQL queues concurrent changes on that
row lock and SQLite on its one writer, and the count read after it is the truth."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from risingtide.audit.models import record
from risingtide.opportunities.models import Opportunity, Participation

State = Participation.State
Consent = Participation.Consent
# States that hold one of the opportunity's places.
HOLDING = (State.PLACE, State.TOOK_PART)
# States a member of staff may still answer (give a place, or not this time).
OPEN = (State.REQUESTED, State.OFFERED, State.ALTERNATIVE, State.WAITING)


def _lock(opportunity: Opportunity) -> Opportunity:
    Opportunity.objects.filter(pk=opportunity.pk).update(updated_at=timezone.now())
    return Opportunity.objects.get(pk=opportunity.pk)


def places_taken(opportunity: Opportunity) -> int:
    return opportunity.participations.filter(state__in=HOLDING).count()


def places_left(opportunity: Opportunity) -> int | None:
    """Places still free, or None when the opportunity has no limit."""
    if opportunity.capacity is None:
        return None
    return max(opportunity.capacity - places_taken(opportunity), 0)


def _take_place(p: Participation, now) -> None:
    p.state = State.PLACE
    p.waiting_since = None
    if not p.opportunity.needs_consent:
        p.consent, p.consent_by, p.consent_at = Consent.NOT_NEEDED, None, None
    elif p.consent != Consent.GIVEN:
        # A carer may say yes before the place comes (consent.ANSWERABLE): that yes stands.
        p.consent, p.consent_by, p.consent_at = Consent.AWAITING, None, None


def grant(actor, participation: Participation, *, note: str = "", waiting: bool = True):
    """A member of staff says yes: a place if one is left, else the waiting list (or, with
    ``waiting=False``, a refusal that says the opportunity is full). Where the opportunity needs
    a carer's consent the place waits for it. Changes nothing on a refusal."""
    now = timezone.now()
    with transaction.atomic():
        opportunity = _lock(participation.opportunity)
        p = Participation.objects.select_for_update().get(pk=participation.pk)
        p.opportunity = opportunity
        if opportunity.withdrawn_at:
            raise ValidationError(f"“{opportunity}” has been withdrawn: it takes nobody now.")
        if p.state not in OPEN:
            raise ValidationError(
                f"{p.pupil} is no longer waiting for an answer here ({p.get_state_display()})."
            )
        left = places_left(opportunity)
        if left is None or left > 0:
            _take_place(p, now)
        elif waiting:
            if p.state != State.WAITING:
                p.state, p.waiting_since = State.WAITING, now
        else:
            raise ValidationError(
                f"“{opportunity}” is full: all {opportunity.capacity} places are taken."
            )
        p.decided_by, p.decided_at = actor, now
        if note:
            p.decision_note = note
        p.save()
        record(actor, "opportunity.place", p, school=opportunity.school, state=p.state)
    return p


def release(actor, participation: Participation, state: str, *, note: str = "") -> Participation:
    """The pupil (or their carer, or staff at their asking) gives up a place or a request:
    ``state`` is DECLINED or WITHDRAWN. A freed place goes to the next on the waiting list."""
    if state not in (State.DECLINED, State.WITHDRAWN):
        raise ValueError(state)
    with transaction.atomic():
        opportunity = _lock(participation.opportunity)
        p = Participation.objects.select_for_update().get(pk=participation.pk)
        if p.state in (State.TOOK_PART, State.DECLINED, State.WITHDRAWN, State.NOT_NOW):
            raise ValidationError(f"This is already settled ({p.get_state_display()}).")
        freed = p.state == State.PLACE
        p.state = state
        p.waiting_since = None
        if note:
            p.decision_note = note
        p.save()
        record(actor, "opportunity.release", p, school=opportunity.school, state=state)
        if freed:
            promote_next(opportunity)
    return p


def promote_next(opportunity: Opportunity) -> Participation | None:
    """Offer a freed place to whoever has waited longest (inside the caller's transaction,
    after ``_lock``). Gives a place; never takes one away."""
    left = places_left(opportunity)
    if left is not None and left <= 0:
        return None
    nxt = (
        opportunity.participations.select_for_update()
        .filter(state=State.WAITING)
        .order_by("waiting_since", "pk")
        .first()
    )
    if nxt is None:
        return None
    nxt.opportunity = opportunity
    _take_place(nxt, timezone.now())
    nxt.save()
    record(None, "opportunity.promoted", nxt, school=opportunity.school)
    return nxt
