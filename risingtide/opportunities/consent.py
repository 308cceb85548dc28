"""A carer's consent for an opportunity that needs it (trips, residentials): given, refused, or
withdrawn later. A place waits for consent; without it the place is given up and goes to the
next on the waiting list. Only a carer linked to the pupil may answer (access: capability
``participation.consent``, a carer's own children only)."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from risingtide.access.core import can
from risingtide.audit.models import record
from risingtide.opportunities.models import Participation
from risingtide.opportunities.places import _lock, promote_next

State = Participation.State
Consent = Participation.Consent
ANSWERABLE = (State.REQUESTED, State.OFFERED, State.WAITING, State.PLACE)


def record_consent(carer, participation: Participation, given: bool) -> Participation:
    """The carer says yes or no. Saying no to a place frees it; saying no after yes withdraws
    the consent (and the place). A participation that needs no consent, or is settled, is
    refused with the reason, changing nothing."""
    if not can(carer, "participation.consent", participation):
        raise PermissionDenied
    now = timezone.now()
    with transaction.atomic():
        opportunity = _lock(participation.opportunity)
        p = Participation.objects.select_for_update().get(pk=participation.pk)
        if not opportunity.needs_consent:
            raise ValidationError(f"“{opportunity}” does not need a carer's consent.")
        if p.state not in ANSWERABLE:
            raise ValidationError(
                f"This is already settled ({p.get_state_display()}): there is nothing to agree to."
            )
        freed = False
        if given:
            p.consent = Consent.GIVEN
        else:
            p.consent = Consent.WITHDRAWN if p.consent == Consent.GIVEN else Consent.REFUSED
            freed = p.state == State.PLACE
            p.state = State.WITHDRAWN
            p.waiting_since = None
        p.consent_by, p.consent_at = carer, now
        p.save()
        record(carer, "opportunity.consent", p, school=opportunity.school, consent=p.consent)
        if freed:
            promote_next(opportunity)
    return p
