"""Changes to the register: nominations, evidence, decisions, settings, sharing, imports.

Each function checks the actor's capability first (through access.core), then changes, then
writes the audit event. Entries and evidence are only ever added.
"""

import os
import tempfile
from datetime import date, timedelta

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files import File
from django.db import transaction
from django.utils import timezone

from risingtide.access.core import can
from risingtide.audit.models import record
from risingtide.lib import storage
from risingtide.people.models import Membership, Role
from risingtide.portfolios.models import Item, PortfolioMember
from risingtide.register import events
from risingtide.register.import_batches import ColumnMapping, ImportBatch
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

MAX_UPLOAD = 200 * 1024 * 1024
SUMMARY_MAX = 4000


def _name(user) -> str:
    return (user.get_full_name() or user.username) if user else ""


def _require(actor, action: str, obj=None) -> None:
    if not can(actor, action, obj) if obj is not None else not can(actor, action):
        raise PermissionDenied


def log_access(actor, action: str, school: School, *, why: str, target=None, **detail) -> None:
    """Write who saw or exported pupil-level data, what, and why (the audit log)."""
    record(actor, action, target, school=school, why=why, **detail)


# --- accounts ------------------------------------------------------------------------------


def link_accounts(school_id: int) -> int:
    """Link the school's unlinked pupil records to pupil accounts of the same name, where the
    name picks out exactly one of each. Returns how many were linked."""
    accounts: dict[tuple[str, str], list[int]] = {}
    members = Membership.objects.filter(
        school_id=school_id,
        role=Role.PUPIL,
        teaching_group__isnull=True,
        user__pupil_record__isnull=True,
    ).values_list("user_id", "user__first_name", "user__last_name")
    for user_id, first, last in members:
        accounts.setdefault((first.casefold(), last.casefold()), []).append(user_id)
    if not accounts:
        return 0
    records: dict[tuple[str, str], list[int]] = {}
    unlinked = Pupil.objects.filter(school_id=school_id, account__isnull=True).values_list(
        "pk", "legal_forename", "legal_surname", "preferred_forename", "preferred_surname"
    )
    for pk, legal_first, legal_last, first, last in unlinked:
        names = {
            (legal_first.casefold(), legal_last.casefold()),
            ((first or legal_first).casefold(), (last or legal_last).casefold()),
        }
        for key in names:
            records.setdefault(key, []).append(pk)
    linked = 0
    used: set[int] = set()
    for key, user_ids in accounts.items():
        pks = records.get(key, [])
        if len(user_ids) == 1 and len(pks) == 1 and pks[0] not in used:
            used.add(pks[0])
            linked += Pupil.objects.filter(pk=pks[0], account__isnull=True).update(
                account_id=user_ids[0]
            )
    return linked


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
    _require(actor, "pupil_record.nominate", pupil)
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
    _require(actor, "pupil_record.nominate", pupil)
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
    _require(actor, "pupil_record.decide", pupil)
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
    _require(actor, "register.manage", school)
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
    _require(actor, "register.share", school)
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
    _require(actor, "register.share", agreement.school)
    yesterday = timezone.localdate() - timedelta(days=1)
    if agreement.ends_on is None or agreement.ends_on > yesterday:
        agreement.ends_on = yesterday
        agreement.save(update_fields=["ends_on"])
    record(actor, "register.sharing_ended", agreement, school=agreement.school)


# --- imports --------------------------------------------------------------------------------


def _sniff(path: str, fmt: str) -> None:
    with open(path, "rb") as handle:
        head = handle.read(8192)
    if not head:
        raise ValidationError({"file": "The file is empty."})
    if fmt == "xlsx" and not head.startswith(b"PK\x03\x04"):
        raise ValidationError({"file": "This is not an Excel workbook (.xlsx)."})
    if fmt == "ctf" and not head.lstrip(b"\xef\xbb\xbf \t\r\n").startswith(b"<"):
        raise ValidationError({"file": "This is not a CTF: a CTF is an XML file."})
    if fmt == "csv" and (head.startswith(b"PK\x03\x04") or head.startswith(b"\xd0\xcf\x11\xe0")):
        raise ValidationError({"file": "This is a spreadsheet, not a CSV: choose Excel."})


def guess_format(name: str) -> str:
    lower = name.lower()
    if lower.endswith(".xml"):
        return "ctf"
    if lower.endswith(".xlsx"):
        return "xlsx"
    return "csv"


def start_import(
    actor, school: School, upload, *, fmt: str = "", kind: str = "pupils", encoding: str = "utf-8"
) -> ImportBatch:
    """Keep the uploaded file and begin checking it (CTF) or ask for the column mapping."""
    from risingtide.register import column_mapping, importing, table_files
    from risingtide.register.tasks import check_import

    _require(actor, "register.manage", school)
    fmt = fmt or guess_format(upload.name)
    if fmt not in ImportBatch.Format.values or kind not in ImportBatch.Kind.values:
        raise ValidationError({"format": "Choose CTF, CSV or Excel."})
    if fmt == "ctf" and kind != "pupils":
        raise ValidationError({"kind": "A CTF carries pupil data; choose 'Pupil data'."})
    if encoding not in ("utf-8", "cp1252"):
        raise ValidationError({"encoding": "Choose UTF-8 or Windows-1252."})
    if upload.size is not None and upload.size > MAX_UPLOAD:
        raise ValidationError({"file": "The file is larger than 200 MB."})
    with tempfile.NamedTemporaryFile(delete=False, suffix="." + fmt) as handle:
        for chunk in upload.chunks():
            handle.write(chunk)
        path = handle.name
    try:
        _sniff(path, fmt)
        batch = ImportBatch(
            school=school,
            uploaded_by=actor,
            file_name=os.path.basename(upload.name)[:200],
            sha256=importing.sha256_of(path),
            format=fmt,
            kind=kind,
            encoding=encoding,
        )
        if fmt != "ctf":
            try:
                headers = table_files.headers(path, fmt, encoding=encoding)
            except table_files.TableRefused as refused:
                raise ValidationError({"file": str(refused)}) from None
            saved = ColumnMapping.objects.filter(school=school, kind=kind).first()
            mapping = {
                k: v for k, v in (saved.mapping if saved else {}).items() if v in headers
            } or column_mapping.guess_mapping(headers, kind=kind)
            batch.mapping = mapping
            batch.summary = {"headers": headers}
            batch.state = ImportBatch.State.MAPPING
        with storage.files_undone_on_failure():
            with open(path, "rb") as data:
                batch.file.save(f"{batch.sha256[:16]}.{fmt}", File(data), save=False)
            batch.save()
    finally:
        os.unlink(path)
    record(actor, "import.uploaded", batch, school=school, file=batch.file_name, format=fmt)
    if batch.state == ImportBatch.State.CHECKING:
        transaction.on_commit(lambda: check_import.enqueue(batch.pk))
    return batch


def set_mapping(actor, batch: ImportBatch, mapping: dict[str, str]) -> ImportBatch:
    """The coordinator's column mapping: checked, saved for the school's next file, then the
    file is checked with it."""
    from risingtide.register import column_mapping
    from risingtide.register.tasks import check_import

    _require(actor, "import.confirm", batch)
    if batch.format == ImportBatch.Format.CTF:
        raise ValidationError("A CTF needs no column mapping.")
    if batch.state not in (ImportBatch.State.MAPPING, ImportBatch.State.PREVIEW):
        raise ValidationError("This import is past its mapping step.")
    fields = column_mapping.REGISTER_FIELDS if batch.kind == "register" else column_mapping.FIELDS
    keys = {f.key for f in fields}
    headers = batch.summary.get("headers", [])
    mapping = {k: v for k, v in mapping.items() if v}
    errors = {}
    for key, header in mapping.items():
        if key not in keys:
            errors[key] = "Unknown field."
        elif header not in headers:
            errors[key] = f"The file has no column {header!r}."
    for f in fields:
        if f.required and f.key not in mapping:
            errors[f.key] = f"Choose the column that holds {f.label}."
    used = [h for h in mapping.values()]
    for header in {h for h in used if used.count(h) > 1}:
        errors.setdefault("mapping", f"The column {header!r} is chosen for two fields.")
    if errors:
        raise ValidationError(errors)
    ColumnMapping.objects.update_or_create(
        school=batch.school,
        kind=batch.kind,
        defaults={"mapping": mapping, "updated_by": actor},
    )
    updated = ImportBatch.objects.filter(
        pk=batch.pk, state__in=[ImportBatch.State.MAPPING, ImportBatch.State.PREVIEW]
    ).update(mapping=mapping, state=ImportBatch.State.CHECKING, done=0)
    if not updated:  # confirmed or cancelled meanwhile (another tab)
        raise ValidationError("This import is past its mapping step.")
    batch.refresh_from_db()
    transaction.on_commit(lambda: check_import.enqueue(batch.pk))
    return batch


def confirm_import(actor, batch: ImportBatch) -> ImportBatch:
    from risingtide.register.tasks import write_import

    _require(actor, "import.confirm", batch)
    updated = ImportBatch.objects.filter(
        pk=batch.pk, state=ImportBatch.State.PREVIEW, summary__error_count=0
    ).update(state=ImportBatch.State.WRITING, done=0, confirmed_at=timezone.now())
    if not updated:
        raise ValidationError("Only a checked import without errors can be confirmed.")
    batch.refresh_from_db()
    record(actor, "import.confirmed", batch, school=batch.school, file=batch.file_name)
    transaction.on_commit(lambda: write_import.enqueue(batch.pk))
    return batch


def cancel_import(actor, batch: ImportBatch) -> None:
    _require(actor, "import.confirm", batch)
    updated = ImportBatch.objects.filter(
        pk=batch.pk,
        state__in=[ImportBatch.State.MAPPING, ImportBatch.State.PREVIEW],
    ).update(state=ImportBatch.State.CANCELLED, finished_at=timezone.now())
    if not updated:
        raise ValidationError("This import can no longer be cancelled.")
    batch.refresh_from_db()
    discard_file(batch)
    record(actor, "import.cancelled", batch, school=batch.school)


def discard_file(batch: ImportBatch) -> None:
    """Pupil data leaves our disk once it is imported or abandoned."""
    if batch.file:
        batch.file.delete(save=False)
        ImportBatch.objects.filter(pk=batch.pk).update(file="")
