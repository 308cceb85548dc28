"""Booking places, cancelling them under the refund rule, the waiting list, and delivery.

Capacity and credits change in one transaction: the session's counters by a conditional UPDATE
(taken only if they stay within capacity), the school's credits by ``credits.services.hold``
(taken only if the school has them). Either both happen or neither; concurrent requests on
either database queue on the session's row, then on the accounts' rows, always in that order.
"""

from datetime import timedelta

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.utils import timezone

from risingtide.access.core import can
from risingtide.credits import services as credits
from risingtide.lib.faults import pause_point
from risingtide.people.models import Role, User
from risingtide.provision.eligibility import eligibility
from risingtide.provision.models import Booking, Consent, Place, Service, Session, WaitingEntry
from risingtide.register.models import Pupil, academic_year

OFFER_HOURS = 48  # how long a school has to take a place offered from the waiting list
STAFF_ROLES = (Role.TEACHER, Role.LEADING_TEACHER, Role.HEAD)


def _scoped(actor, key: str) -> str:
    if not key or len(key) > 100:
        raise ValidationError("This form has expired: open the page again and book once more.")
    return f"{actor.pk}:{key}"


def book(
    actor,
    session: Session,
    school,
    *,
    pupil_ids=(),
    staff_ids=(),
    key: str,
    plan_action=None,
    offer: WaitingEntry | None = None,
    now=None,
) -> Booking:
    """Book places at ``session`` for named pupils of ``school``'s register and/or its staff.

    Refuses, changing nothing, with every reason at once where it can: a closed, started or
    full session, an unpublished service, a pupil of another school or not eligible (saying
    why), more places than are left, fewer credits than the places cost. The same ``key``
    again returns the first booking."""
    if not can(actor, "places.book", school):
        raise PermissionDenied
    now = now or timezone.now()
    scoped = _scoped(actor, key)
    if done := Booking.objects.filter(idempotency_key=scoped).first():
        return _same(done, session, school)
    service = session.service
    pupils, staff, fsm = _checked_people(service, session, school, pupil_ids, staff_ids, now)
    if plan_action is not None and plan_action.plan.school_id != school.pk:
        raise ValidationError({"plan_action": "Choose an action of this school's own plan."})
    places = len(pupils) + len(staff)
    general = places - len(fsm)
    try:
        with transaction.atomic():
            if offer is not None:
                _take_offer(offer, session, school, places, now)
            else:
                _take_places(session, places, general)
            pause_point("booking.places_taken")
            hold = credits.hold(
                school,
                places * service.price,
                actor=actor,
                memo=f"{places} place{'s' if places != 1 else ''}: {service.title}",
                key=f"booking:{scoped}",
            )
            booking = Booking.objects.create(
                session=session,
                school=school,
                booked_by=actor,
                price_each=service.price,
                full_refund_days=service.full_refund_days,
                late_refund_percent=service.late_refund_percent,
                hold=hold,
                plan_action=plan_action,
                idempotency_key=scoped,
            )
            Place.objects.bulk_create(
                [
                    Place(
                        booking=booking,
                        session=session,
                        pupil=p,
                        fsm_priority=p.pk in fsm,
                        consent=Consent.AWAITING if service.consent_needed else Consent.NOT_NEEDED,
                    )
                    for p in pupils
                ]
                + [Place(booking=booking, session=session, staff=s) for s in staff]
            )
            pause_point("booking.before_commit")
            return booking
    except IntegrityError:
        if done := Booking.objects.filter(idempotency_key=scoped).first():
            return _same(done, session, school)
        # Booked by another request at the same instant (the check below came too early).
        raise ValidationError("Someone here has just been given a place at this session.") from None


def _same(done: Booking, session, school) -> Booking:
    if done.session_id != session.pk or done.school_id != school.pk:
        raise ValidationError("This form was already used for another booking.")
    return done


def _checked_people(service: Service, session: Session, school, pupil_ids, staff_ids, now):
    """The pupils and staff to book, and which pupils take places kept for FSM; or every
    reason they cannot be booked, at once."""
    if service.status != Service.Status.PUBLISHED:
        raise ValidationError("This service is not open for booking.")
    if session.closed or session.starts_at <= now:
        raise ValidationError("This session is closed for booking.")
    pupil_ids, staff_ids = list(dict.fromkeys(pupil_ids)), list(dict.fromkeys(staff_ids))
    if not pupil_ids and not staff_ids:
        raise ValidationError("Choose at least one pupil or member of staff.")
    if staff_ids and service.audience == Service.Audience.PUPILS:
        raise ValidationError("This service is for pupils: choose pupils, not staff.")
    if pupil_ids and service.audience == Service.Audience.EDUCATORS:
        raise ValidationError("This service is for educators: choose staff, not pupils.")
    found = Pupil.objects.filter(school=school, pk__in=pupil_ids)
    errors = []
    if len(set(found.values_list("pk", flat=True))) != len(pupil_ids):
        errors.append("Only pupils of this school's register can be booked.")
    verdicts = eligibility(service, found, academic_year(now.date()), now.date())
    errors += [f"{v.pupil} {v.reason}." for v in verdicts if not v.eligible]
    already = Place.objects.filter(session=session, active=True).filter(
        Q(pupil__in=pupil_ids) | Q(staff__in=staff_ids)
    )
    errors += [f"{place} already has a place at this session." for place in already]
    staff = list(
        User.objects.filter(
            pk__in=staff_ids,
            memberships__school=school,
            memberships__role__in=STAFF_ROLES,
        ).distinct()
    )
    if len(staff) != len(staff_ids):
        errors.append("Only staff of this school can be booked.")
    if errors:
        raise ValidationError(errors)
    pupils = [v.pupil for v in verdicts]
    fsm = {v.pupil.pk for v in verdicts if v.fsm}
    return pupils, staff, fsm


def _take_places(session: Session, places: int, general: int) -> None:
    kept = session.service.fsm_priority_places
    taken = Session.objects.filter(
        pk=session.pk,
        closed=False,
        places_taken__lte=F("capacity") - places,
        general_taken__lte=F("capacity") - kept - general,
    ).update(places_taken=F("places_taken") + places, general_taken=F("general_taken") + general)
    if not taken:
        now = Session.objects.get(pk=session.pk)
        left = now.capacity - now.places_taken
        general_left = max(0, now.capacity - kept - now.general_taken)
        if places > left:
            raise ValidationError(
                f"Only {left} place{'s' if left != 1 else ''} left at this session: the page "
                "you booked from was out of date."
                if left
                else "This session is full: join the waiting list to be offered a place.",
                code="full",
            )
        raise ValidationError(
            f"{kept} places are kept for pupils eligible for free school meals; "
            f"{general_left} other place{'s' if general_left != 1 else ''} left.",
            code="full",
        )


def _take_offer(offer: WaitingEntry, session, school, places: int, now) -> None:
    """A place offered from the waiting list is already counted as taken for this school."""
    updated = WaitingEntry.objects.filter(
        pk=offer.pk,
        session=session,
        school=school,
        status=WaitingEntry.Status.OFFERED,
        offer_expires_at__gt=now,
    ).update(status=WaitingEntry.Status.TAKEN)
    if not updated:
        raise ValidationError("This offer has lapsed or was taken already.")
    if places != offer.places:
        raise ValidationError(f"The offer is for {offer.places} place(s).")


def refund_share(booking: Booking, now) -> int:
    """Percent of the price given back if cancelled ``now``."""
    cutoff = booking.session.starts_at - timedelta(days=booking.full_refund_days)
    return 100 if now <= cutoff else booking.late_refund_percent


def cancel(actor, booking: Booking, *, now=None) -> Booking:
    """Cancel a booking: the refund rule it was made under decides what goes back to the
    school and what the provider keeps; the places go to the waiting list in turn."""
    if not can(actor, "booking.cancel", booking):
        raise PermissionDenied
    now = now or timezone.now()
    with transaction.atomic():
        if not Booking.objects.filter(pk=booking.pk, status=Booking.Status.BOOKED).update(
            status=Booking.Status.CANCELLED, cancelled_at=now
        ):
            raise ValidationError("Only a booking not yet cancelled or delivered can be cancelled.")
        places = list(booking.places.all())
        booking.places.update(active=False)
        general = sum(1 for p in places if not p.fsm_priority)
        Session.objects.filter(pk=booking.session_id).update(
            places_taken=F("places_taken") - len(places),
            general_taken=F("general_taken") - general,
        )
        held = credits.held_left(booking.hold)
        back = held * refund_share(booking, now) // 100
        if back:
            credits.release(booking.hold, back, actor=actor, memo="Cancelled: refund")
        if held - back:
            credits.settle(
                booking.hold,
                booking.session.service.provider,
                held - back,
                actor=actor,
                memo="Cancelled late: kept under the refund rule",
            )
        offer_next(booking.session, now)
    booking.refresh_from_db()
    return booking


def join_waiting_list(actor, session: Session, school, places: int = 1) -> WaitingEntry:
    if not can(actor, "places.book", school):
        raise PermissionDenied
    if places < 1:
        raise ValidationError("Ask for at least one place.")
    try:
        with transaction.atomic():
            return WaitingEntry.objects.create(
                session=session, school=school, places=places, added_by=actor
            )
    except IntegrityError:
        raise ValidationError("This school is already on the waiting list.") from None


def offer_next(session: Session, now) -> list[WaitingEntry]:
    """Offer freed places to the schools waiting, in the order they joined; an offer holds its
    places for ``OFFER_HOURS``. Lapsed offers give their places back first."""
    offered = []
    with transaction.atomic():
        for lapsed in WaitingEntry.objects.filter(
            session=session, status=WaitingEntry.Status.OFFERED, offer_expires_at__lte=now
        ):
            WaitingEntry.objects.filter(pk=lapsed.pk).update(status=WaitingEntry.Status.LAPSED)
            Session.objects.filter(pk=session.pk).update(
                places_taken=F("places_taken") - lapsed.places,
                general_taken=F("general_taken") - lapsed.places,
            )
        for entry in WaitingEntry.objects.filter(
            session=session, status=WaitingEntry.Status.WAITING
        ).order_by("created_at", "pk"):
            try:
                _take_places(session, entry.places, entry.places)
            except ValidationError:
                break  # not enough for the next in line: later ones wait their turn too
            WaitingEntry.objects.filter(pk=entry.pk).update(
                status=WaitingEntry.Status.OFFERED,
                offer_expires_at=now + timedelta(hours=OFFER_HOURS),
            )
            offered.append(entry)
    return offered


def deliver(actor, booking: Booking, attended: set[int], *, now=None) -> Booking:
    """The provider records who attended; the booking's credits are paid to the provider."""
    if not can(actor, "booking.deliver", booking):
        raise PermissionDenied
    now = now or timezone.now()
    if not booking.session.has_begun(now):
        raise ValidationError("Attendance can be recorded once the session has begun.")
    with transaction.atomic():
        if not Booking.objects.filter(pk=booking.pk, status=Booking.Status.BOOKED).update(
            status=Booking.Status.DELIVERED
        ):
            raise ValidationError("Only a current booking can be marked delivered.")
        for place in booking.places.all():
            Place.objects.filter(pk=place.pk).update(attended=place.pk in attended)
        held = credits.held_left(booking.hold)
        if held:
            credits.settle(
                booking.hold,
                booking.session.service.provider,
                held,
                actor=actor,
                memo="Delivered",
            )
    booking.refresh_from_db()
    return booking
