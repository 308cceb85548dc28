"""The contract manager's work: recording a contract with a provider (reference, period,
value, the services it covers, KPI targets), changing it, signing it, its documents; and the
reads of contracts: the list, the renewal (re-procurement) list, and whether a provider is
contracted or listed. Status is derived from dates (``contract_models``' docstring)."""

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef, QuerySet
from django.utils import timezone

from risingtide.access.core import can, visible
from risingtide.audit.models import record
from risingtide.lib import storage, uploads
from risingtide.provision.contract_models import Contract, ContractDocument, ContractKPI, in_force
from risingtide.schools.models import Provider

# The documents a contract keeps, by sniffed type: PDF, Word, Excel and OpenDocument text.
DOCUMENT_TYPES = {
    "application/pdf": "PDF",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": "Word (DOCX)",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": "Excel (XLSX)",
    "application/vnd.oasis.opendocument.text": "OpenDocument text (ODT)",
}
MAX_DOCUMENTS = 20
# The KPI targets' limits, by measure: (lowest, highest).
TARGET_LIMITS = {
    ContractKPI.Measure.PLACES: (Decimal(0), Decimal(1_000_000)),
    ContractKPI.Measure.DISADVANTAGED: (Decimal(0), Decimal(100)),
    ContractKPI.Measure.SATISFACTION: (Decimal(1), Decimal(5)),
}
CONTRACT_FIELDS = ("reference", "title", "starts_on", "ends_on", "notice_days", "value", "notes")


@dataclass(frozen=True)
class ContractInput:
    reference: str
    title: str
    starts_on: date
    ends_on: date
    value: Decimal
    notice_days: int = 90
    notes: str = ""
    service_ids: tuple[int, ...] = ()
    # Measure -> target; a measure left out (or None) has no KPI.
    targets: dict | None = None


def _check(contract: Contract, data: ContractInput) -> None:
    if data.ends_on < data.starts_on:
        raise ValidationError({"ends_on": "The last day comes on or after the first day."})
    if data.value < 0:
        raise ValidationError({"value": "A contract's value cannot be negative."})
    if data.value != data.value.quantize(Decimal("0.01")):
        raise ValidationError({"value": "Give the value in pounds and pence (at most 2 places)."})
    clash = Contract.objects.filter(reference__iexact=data.reference.strip())
    if contract.pk:
        clash = clash.exclude(pk=contract.pk)
    if clash.exists():
        raise ValidationError({"reference": "Another contract already has this reference."})
    for measure, target in (data.targets or {}).items():
        if target is None:
            continue
        low, high = TARGET_LIMITS[measure]
        if not low <= target <= high:
            raise ValidationError(
                {f"target_{measure}": f"Give a target from {low} to {high}."}, code="target"
            )
        if measure == ContractKPI.Measure.PLACES and target != target.to_integral_value():
            raise ValidationError({f"target_{measure}": "Places are counted in whole numbers."})


def _services(provider: Provider, ids) -> list:
    found = list(provider.services.filter(pk__in=ids))
    if len(found) != len(set(ids)):
        raise ValidationError({"services": "Choose only services of this contract's provider."})
    return found


def _write(contract: Contract, data: ContractInput) -> Contract:
    _check(contract, data)
    services = _services(contract.provider, data.service_ids)
    for name in CONTRACT_FIELDS:
        value = getattr(data, name)
        setattr(contract, name, value.strip() if isinstance(value, str) else value)
    try:
        with transaction.atomic():
            contract.save()
            contract.services.set(services)
            targets = {m: t for m, t in (data.targets or {}).items() if t is not None}
            contract.kpis.exclude(measure__in=targets).delete()
            for measure, target in targets.items():
                ContractKPI.objects.update_or_create(
                    contract=contract, measure=measure, defaults={"target": target}
                )
    except IntegrityError:
        # Two managers saving the same reference at once: the unique index decides.
        raise ValidationError(
            {"reference": "Another contract already has this reference."}
        ) from None
    return contract


def create(actor, provider: Provider, data: ContractInput) -> Contract:
    """A new draft contract with ``provider``."""
    if not can(actor, "contract.create", provider):
        raise PermissionDenied
    contract = _write(Contract(provider=provider, created_by=actor), data)
    record(actor, "contract.create", contract, reference=contract.reference)
    return contract


def change(actor, contract: Contract, data: ContractInput) -> Contract:
    """Change a contract (a signed one too: a variation), audited."""
    if not can(actor, "contract.edit", contract):
        raise PermissionDenied
    _write(contract, data)
    record(actor, "contract.change", contract, reference=contract.reference)
    return contract


def sign(actor, contract: Contract, signed_on: date | None = None) -> Contract:
    """Record that a draft was signed: from then on its dates decide its status."""
    if not can(actor, "contract.edit", contract):
        raise PermissionDenied
    signed_on = signed_on or timezone.localdate()
    with transaction.atomic():
        if not Contract.objects.filter(pk=contract.pk, signed_on__isnull=True).update(
            signed_on=signed_on
        ):
            raise ValidationError("This contract was already signed.")
    contract.refresh_from_db()
    record(actor, "contract.sign", contract, reference=contract.reference)
    return contract


def add_document(actor, contract: Contract, upload, title: str = "") -> ContractDocument:
    """Keep a contract document: judged by its bytes (PDF, DOCX, XLSX or ODT), at most the
    site's upload size, stored under a random name."""
    if not can(actor, "contract.edit", contract):
        raise PermissionDenied
    if upload is None:
        raise ValidationError({"file": "Choose a file."})
    sniffed = uploads.check(upload)
    if sniffed.mime not in DOCUMENT_TYPES:
        raise ValidationError(
            {"file": "A contract document must be a PDF, a Word (DOCX), Excel (XLSX) or "
             "OpenDocument text (ODT) file."}
        )  # fmt: skip
    name = (upload.name or "document")[-200:]
    document = ContractDocument(
        contract=contract,
        title=(title.strip() or name)[:200],
        file_name=name,
        file_type=sniffed.mime,
        file_size=upload.size,
        added_by=actor,
    )
    with storage.files_undone_on_failure(), transaction.atomic():
        locked = Contract.objects.select_for_update().get(pk=contract.pk)
        if locked.documents.count() >= MAX_DOCUMENTS:
            raise ValidationError(f"A contract keeps at most {MAX_DOCUMENTS} documents.")
        document.file.save("document", upload, save=False)
        document.save()
        record(actor, "contract.document_added", contract, title=document.title)
    return document


def remove_document(actor, contract: Contract, document_id: int) -> None:
    if not can(actor, "contract.edit", contract):
        raise PermissionDenied
    with transaction.atomic():
        document = contract.documents.select_for_update().filter(pk=document_id).first()
        if document is None:
            raise ValidationError("That document is not part of this contract.")
        record(actor, "contract.document_removed", contract, title=document.title)
        name = document.file.name
        transaction.on_commit(lambda: document.file.storage.delete(name))
        document.delete()


# --- reads ----------------------------------------------------------------------------------


def contract_list(user) -> QuerySet:
    """The contracts ``user`` may see, by last day, with their provider."""
    return visible(user, "contract").select_related("provider").order_by("ends_on", "reference")


def renewals(user, within_days: int, today: date | None = None) -> QuerySet:
    """Signed contracts not yet ended whose last day falls within ``within_days`` of today:
    the list to renew or re-procure, soonest first."""
    today = today or timezone.localdate()
    return contract_list(user).filter(
        signed_on__isnull=False, ends_on__gte=today, ends_on__lte=today + timedelta(within_days)
    )


def with_standing(providers: QuerySet, today: date | None = None, path: str = "") -> QuerySet:
    """Providers (or rows reaching one along ``path``, e.g. ``provider``) annotated with
    ``contracted``: under a signed contract that covers today; *listed* otherwise."""
    today = today or timezone.localdate()
    outer = f"{path}_id" if path else "pk"
    return providers.annotate(
        contracted=Exists(Contract.objects.filter(in_force(today), provider_id=OuterRef(outer)))
    )
