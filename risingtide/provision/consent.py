"""A parent's or carer's consent for a marketplace place that needs it (a service with
``consent_needed``: trips, residentials). The place is booked and paid for by the school and
waits: the carer says yes or no, or withdraws a yes; the school's bookings page shows the
answer, and a place without consent is the school's to cancel under the booking's refund rule
(money moves only by a person's act). Only a carer linked to the pupil may answer (access:
``marketplace_place.consent``, a carer's own children only)."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from risingtide.access.core import can
from risingtide.audit.models import record
from risingtide.provision.models import Consent, Place

ANSWERABLE = (Consent.AWAITING, Consent.GIVEN, Consent.REFUSED)


def record_place_consent(carer, place: Place, given: bool) -> Place:
    """Yes or no to one pupil's place; no after yes is a withdrawal. A place that needs no
    consent, or is no longer booked, is refused with the reason, changing nothing."""
    if not can(carer, "marketplace_place.consent", place):
        raise PermissionDenied
    with transaction.atomic():
        found = (
            Place.objects.select_for_update().select_related("session__service").get(pk=place.pk)
        )
        if not found.active:
            raise ValidationError("This place is no longer booked: there is nothing to agree to.")
        if found.consent not in ANSWERABLE:
            raise ValidationError("This place does not need a parent's or carer's consent.")
        if given:
            found.consent = Consent.GIVEN
        else:
            found.consent = Consent.WITHDRAWN if found.consent == Consent.GIVEN else Consent.REFUSED
        found.consent_by, found.consent_at = carer, timezone.now()
        found.save(update_fields=["consent", "consent_by", "consent_at"])
        record(carer, "provision.place_consent", found, consent=found.consent)
    return found
