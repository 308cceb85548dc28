"""A service's life: a provider drafts it with its sessions and submits it; the contract
manager (the national officer) approves it, asks for changes with a note, or withdraws it.
A provider's change to a published service sends it back for approval; bookings already made
keep the price and refund rule they copied when booked, so nothing here touches them."""

from datetime import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from risingtide.access.core import can
from risingtide.audit.models import record
from risingtide.provision.models import Service, Session

# What a provider may type about a service (everything but its provider, status and note).
SERVICE_FIELDS = (
    "title",
    "summary",
    "kind",
    "audience",
    "year_from",
    "year_to",
    "format",
    "venue",
    "local_authority",
    "price",
    "register_only",
    "top_5_only",
    "fsm_priority_places",
    "consent_needed",
    "accessibility",
    "full_refund_days",
    "late_refund_percent",
)
EDITABLE = {Service.Status.DRAFT, Service.Status.CHANGES, Service.Status.PUBLISHED}


def _check(service: Service) -> None:
    if service.year_from > service.year_to:
        raise ValidationError({"year_to": "The last year group comes after the first."})
    if service.format != Service.Format.ONLINE and not service.venue:
        raise ValidationError({"venue": "Say where it takes place."})


def draft(actor, provider, fields: dict) -> Service:
    """A new draft service of ``provider``."""
    if not can(actor, "service.offer", provider):
        raise PermissionDenied
    service = Service(provider=provider, status=Service.Status.DRAFT)
    for name in SERVICE_FIELDS:
        if name in fields:
            setattr(service, name, fields[name])
    _check(service)
    service.save()
    record(actor, "service.draft", service)
    return service


def change(actor, service: Service, fields: dict) -> Service:
    """Change a service; a published one goes back for approval."""
    if not can(actor, "service.edit", service):
        raise PermissionDenied
    if service.status not in EDITABLE:
        raise ValidationError("This service is waiting for approval or withdrawn: not now.")
    for name in SERVICE_FIELDS:
        if name in fields:
            setattr(service, name, fields[name])
    _check(service)
    if service.status == Service.Status.PUBLISHED:
        service.status = Service.Status.SUBMITTED
    service.save()
    record(actor, "service.change", service)
    return service


def add_session(
    actor, service: Service, starts_at: datetime, ends_at: datetime, capacity: int
) -> Session:
    if not can(actor, "service.edit", service):
        raise PermissionDenied
    if ends_at < starts_at:
        raise ValidationError({"ends_at": "A session ends after it starts."})
    if capacity < 1:
        raise ValidationError({"capacity": "A session has at least one place."})
    session = Session.objects.create(
        service=service, starts_at=starts_at, ends_at=ends_at, capacity=capacity
    )
    record(actor, "service.add_session", service)
    return session


def submit(actor, service: Service) -> Service:
    if not can(actor, "service.edit", service):
        raise PermissionDenied
    if service.status not in (Service.Status.DRAFT, Service.Status.CHANGES):
        raise ValidationError("Only a draft, or one sent back for changes, can be submitted.")
    if not service.sessions.exists():
        raise ValidationError("Add at least one session before submitting.")
    _move(service, {Service.Status.DRAFT, Service.Status.CHANGES}, Service.Status.SUBMITTED)
    record(actor, "service.submit", service)
    return service


def review(actor, service: Service, decision: str, note: str = "") -> Service:
    """The contract manager's decision: ``approve``, ``changes`` (with a note) or
    ``withdraw``."""
    if not can(actor, "service.approve", service):
        raise PermissionDenied
    if decision == "approve":
        _move(service, {Service.Status.SUBMITTED}, Service.Status.PUBLISHED, note="")
    elif decision == "changes":
        if not note.strip():
            raise ValidationError({"note": "Say what needs to change."})
        _move(service, {Service.Status.SUBMITTED}, Service.Status.CHANGES, note=note)
    elif decision == "withdraw":
        allowed = set(Service.Status) - {Service.Status.WITHDRAWN}
        _move(service, allowed, Service.Status.WITHDRAWN, note=note)
    else:
        raise ValidationError({"decision": "Choose approve, ask for changes or withdraw."})
    record(actor, f"service.{decision}", service, note=note)
    return service


def _move(service: Service, sources: set, target: str, note: str | None = None) -> None:
    """Change status only from one of ``sources``, in one conditional UPDATE (two reviewers
    at once cannot both act)."""
    changes: dict = {"status": target}
    if note is not None:
        changes["review_note"] = note
    with transaction.atomic():
        if not Service.objects.filter(pk=service.pk, status__in=sources).update(**changes):
            raise ValidationError("This service has moved on since the page was opened.")
    service.refresh_from_db()
