"""Changes to the register: nominations, evidence, decisions, settings, sharing.

Each function checks the actor's capability first (through access.core), then changes, then
writes the audit event. Entries and evidence are only ever added. The steps of an import are in
``import_steps``; linking records to accounts in ``accounts``.
"""

from datetime import date, timedelta

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from risingtide.access.core import can
from risingtide.audit.models import record
from risingtide.portfolios.models import Item, PortfolioMember
from risingtide.register import events
from risingtide.register.models import (
    Criteria,
    DataSharingAgreement,
    Evidence,
    Pupil,
    RegisterEntry,
    academic_year,
)
from risingtide.register.rows import DOMAINS, GIFTED_DOMAINS, TALENTED_DOMAINS
from risingtide.schools.models import School

SUMMARY_MAX = 4000


def _name(user) -> str:
    return (user.get_full_name() or user.username) if user else ""


def require(actor, action: str, obj=None) -> None:
    """PermissionDenied unless the actor may do ``action`` (to ``obj``)."""
    if not can(actor, action, obj) if obj is not None else not can(actor, action):
        raise PermissionDenied


def log_access(actor, action: str, school: School, *, why: str, target=None, **detail) -> None:
    """Write who saw or exported pupil-level data, what, and why (the audit log)."""
    record(actor, action, target, school=school, why=why, **detail)


# --- entries and evidence ------------------------------------------------------------------


def _check_domains(domains, gifted: bool | None = None, talented: bool | None = None):
    domains = sorted(set(domains or []))
    unknown = [d for d in domains if d not in DOMAINS]
    if unknown:
        raise ValidationError({"domains": f"Unknown domain: {', '.join(unknown)}"})
    gifted = bool(gifted) or any(d in GIFTED_DOMAINS for d in domains)
    talented = bool(talented) or any(d in TALENTED_DOMAINS for d in domains)
    return domains, gifted, talented


def _new_entry(actor, pupil: Pupil, year: int, *, source: str, **values) -> RegisterEntry:
    """Add an entry and make it the current one (the one before stays, as history)."""
    RegisterEntry.objects.filter(pupil=pupil, academic_year=year, current=True).update(
        current=False
    )
    return RegisterEntry.objects.create(
        pupil=pupil,
        school_id=pupil.school_id,
        academic_year=year,
        recorded_by=actor,
        recorded_by_name=_name(actor),
        source=source,
        current=True,
        **values,
    )


def add_evidence(
    actor,
    pupil: Pupil,
    *,
    kind: str,
    summary: str,
    domain: str = "",
    measure: str = "",
    score: float | None = None,
    item: Item | None = None,
    year: int | None = None,
) -> Evidence:
    require(actor, "pupil_record.nominate", pupil)
    summary = (summary or "").strip()
    errors = {}
    if kind not in Evidence.Kind.values:
        errors["kind"] = "Choose a kind of evidence."
    if not summary:
        errors["summary"] = "Say what the evidence shows."
    elif len(summary) > SUMMARY_MAX:
        errors["summary"] = f"Keep it under {SUMMARY_MAX} characters."
    if domain and domain not in DOMAINS:
        errors["domain"] = "Unknown domain."
    if score is not None and not (-1e6 < score < 1e6):
        errors["score"] = "That score is out of range."
    if item is not None:
        # Work scrutiny may point at the pupil's own portfolio item, one the actor may see.
        own = PortfolioMember.objects.filter(
            portfolio_id=item.portfolio_id, pupil_id=pupil.account_id
        ).exists()
        if not pupil.account_id or not own or not can(actor, "item.view", item):
            errors["item"] = "That is not an item in this pupil's portfolios."
    if errors:
        raise ValidationError(errors)
    evidence = Evidence.objects.create(
        pupil=pupil,
        academic_year=year or academic_year(),
        kind=kind,
        domain=domain,
        summary=summary,
        measure=measure[:60],
        score=score,
        item=item,
        added_by=actor,
        added_by_name=_name(actor),
    )
    record(actor, "register.evidence_added", pupil, school=pupil.school, kind=kind)
    return evidence


@transaction.atomic
def nominate(
    actor,
    pupil: Pupil,
    *,
    domains: list[str],
    summary: str,
    kind: str = Evidence.Kind.TEACHER_NOMINATION,
    item: Item | None = None,
) -> RegisterEntry:
    """A nomination: the evidence that prompted it, and a *nominated* entry for the
    coordinator to decide (unless the pupil is already identified, when the evidence simply
    joins theirs)."""
    require(actor, "pupil_record.nominate", pupil)
    if not kind.endswith("_nomination") or kind not in Evidence.Kind.values:
        raise ValidationError(
            {"kind": "Say who nominates: a teacher, the pupil, a peer or a parent."}
        )
    Pupil.objects.select_for_update().filter(pk=pupil.pk).first()  # one decision at a time
    domains, gifted, talented = _check_domains(domains)
    if not domains:
        raise ValidationError({"domains": "Choose at least one domain."})
    year = academic_year()
    add_evidence(actor, pupil, kind=kind, summary=summary, domain=domains[0], item=item, year=year)
    entry = RegisterEntry.objects.filter(pupil=pupil, academic_year=year, current=True).first()
    if entry is not None and entry.status == RegisterEntry.Status.IDENTIFIED:
        return entry
    if entry is not None and entry.status == RegisterEntry.Status.NOMINATED:
        merged = sorted(set(entry.domains) | set(domains))
        if merged == entry.domains:
            return entry
        domains, gifted, talented = _check_domains(merged)
    entry = _new_entry(
        actor,
        pupil,
        year,
        source="nomination",
        status=RegisterEntry.Status.NOMINATED,
        gifted=gifted,
        talented=talented,
        domains=domains,
        reason=summary[:1000],
    )
    record(actor, "register.nominated", pupil, school=pupil.school, domains=domains)
    return entry


@transaction.atomic
def decide(
    actor,
    pupil: Pupil,
    *,
    status: str,
    domains: list[str] = (),
    top_5: bool = False,
    reason: str = "",
    next_review: date | None = None,
) -> RegisterEntry:
    """The coordinator's decision, as a new entry. Identifying needs evidence this year and a
    domain; not identifying or removing needs a reason."""
    require(actor, "pupil_record.decide", pupil)
    Pupil.objects.select_for_update().filter(pk=pupil.pk).first()
    year = academic_year()
    reason = (reason or "").strip()
    errors = {}
    if status not in RegisterEntry.Status.values:
        errors["status"] = "Choose a decision."
    domains, gifted, talented = _check_domains(domains)
    if status == RegisterEntry.Status.IDENTIFIED:
        if not domains:
            errors["domains"] = "Choose the domains the pupil is identified in."
        if not Evidence.objects.filter(pupil=pupil, academic_year=year).exists():
            errors["status"] = "Add evidence before identifying a pupil."
    elif status in (RegisterEntry.Status.NOT_IDENTIFIED, RegisterEntry.Status.REMOVED):
        if not reason:
            errors["reason"] = "Say why: the pupil and their parents may ask."
        domains, gifted, talented, top_5 = [], False, False, False
    if next_review is not None and next_review < timezone.localdate():
        errors["next_review"] = "The next review is in the past."
    if len(reason) > SUMMARY_MAX:
        errors["reason"] = f"Keep it under {SUMMARY_MAX} characters."
    if errors:
        raise ValidationError(errors)
    entry = _new_entry(
        actor,
        pupil,
        year,
        source="decision",
        status=status,
        gifted=gifted,
        talented=talented,
        domains=domains,
        top_5=bool(top_5),
        reason=reason,
        next_review=next_review,
    )
    record(actor, "register.decided", pupil, school=pupil.school, status=status)
    events.pupil_data_changed.send(school_ids=[pupil.school_id], as_of=None)
    return entry


# --- settings and sharing -------------------------------------------------------------------


def criteria_for(school: School) -> Criteria:
    return Criteria.objects.filter(school=school).first() or Criteria(school=school)


def save_criteria(actor, school: School, **values) -> Criteria:
    require(actor, "register.manage", school)
    criteria = criteria_for(school)
    for name, value in values.items():
        setattr(criteria, name, value)
    criteria.full_clean()
    criteria.save()
    record(actor, "register.criteria_changed", school, school=school, **values)
    return criteria


def record_agreement(
    actor, school: School, *, reference: str, starts_on: date, ends_on: date | None = None
) -> DataSharingAgreement:
    require(actor, "register.share", school)
    reference = (reference or "").strip()
    if not reference:
        raise ValidationError({"reference": "Give the agreement's reference."})
    if ends_on is not None and ends_on < starts_on:
        raise ValidationError({"ends_on": "The agreement ends before it starts."})
    agreement = DataSharingAgreement.objects.create(
        school=school,
        reference=reference[:100],
        starts_on=starts_on,
        ends_on=ends_on,
        recorded_by=actor,
    )
    record(actor, "register.sharing_recorded", agreement, school=school, reference=reference)
    return agreement


def end_agreement(actor, agreement: DataSharingAgreement) -> None:
    """End an agreement now: from today the LA no longer sees the school's pupil data (an
    agreement that started today ends before it began, which is what ending it means)."""
    require(actor, "register.share", agreement.school)
    yesterday = timezone.localdate() - timedelta(days=1)
    if agreement.ends_on is None or agreement.ends_on > yesterday:
        agreement.ends_on = yesterday
        agreement.save(update_fields=["ends_on"])
    record(actor, "register.sharing_ended", agreement, school=agreement.school)
