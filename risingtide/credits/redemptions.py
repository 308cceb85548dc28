"""Providers redeem the credits they earned: staff ask for an amount (or all of it), the credits
are held at once so that two requests can never ask for more than the provider has, and the
contract manager (the national officer) approves, sending them to the outside world, or
declines with a reason, giving them back. Finance is paid from the remittance: one row per
approved redemption in a period, in credits and in pounds (``RISINGTIDE_CREDIT_VALUE_GBP``).

Every movement is one ``ledger.transfer``; a request's decision is taken by one conditional
UPDATE (``requested`` to a decision) in the same transaction as its credits, so two contract
managers deciding at once cannot both act.
"""

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.utils import timezone

from risingtide.access.core import can
from risingtide.audit.models import record
from risingtide.credits.events import provider_contacts
from risingtide.credits.ledger import transfer, whole_credits
from risingtide.credits.models import Account, Redemption, Transaction
from risingtide.credits.services import account_of, outside
from risingtide.schools.models import Nation, Provider

Kind = Transaction.Kind
Status = Redemption.Status
ALL = "all"


def redeeming_account(provider: Provider) -> Account:
    """Where a provider's credits wait while their redemption is decided."""
    return Account.objects.get_or_create(kind=Account.Kind.REDEEMING, provider=provider)[0]


def _scoped(actor, key: str) -> str:
    key = (key or "").strip()
    if not key or len(key) > 100:
        raise ValidationError("This form has expired: open the page again and ask once more.")
    return f"{actor.pk}:{key}"


def request(actor, provider: Provider, amount, *, key: str, note: str = "") -> Redemption:
    """Ask to redeem ``amount`` of ``provider``'s credits (a whole number, or ``"all"`` for its
    whole balance now). The credits are held at once; the same ``key`` again returns the first
    request. Refuses, changing nothing, more than the provider has."""
    if not can(actor, "redemption.request", provider):
        raise PermissionDenied
    scoped = _scoped(actor, key)
    if done := Redemption.objects.filter(idempotency_key=scoped).first():
        return _same(done, provider)
    source = account_of(provider)
    if str(amount).strip().lower() == ALL:
        amount = Account.objects.values_list("balance", flat=True).get(pk=source.pk)
        if amount <= 0:
            raise ValidationError({"amount": f"{provider} has no credits to redeem."})
    amount = whole_credits(amount)
    try:
        with transaction.atomic():
            hold = transfer(
                Kind.REDEEM_HOLD,
                source,
                redeeming_account(provider),
                amount,
                actor=actor,
                memo=f"Asked to redeem {amount:,} credits",
                key=f"redemption:{scoped}",
            )
            redemption = Redemption.objects.create(
                provider=provider,
                amount=amount,
                note=note[:300],
                requested_by=actor,
                hold=hold,
                idempotency_key=scoped,
            )
            record(actor, "redemption.request", provider, amount=amount)
            return redemption
    except IntegrityError:
        # The same request at the same instant won the race: answer as it was answered.
        if done := Redemption.objects.filter(idempotency_key=scoped).first():
            return _same(done, provider)
        raise


def _same(done: Redemption, provider: Provider) -> Redemption:
    if done.provider_id != provider.pk:
        raise ValidationError("This form was already used for another request.")
    return done


def decide(actor, redemption: Redemption, decision: str, reason: str = "") -> Redemption:
    """The contract manager's decision: ``approve`` (the credits leave the programme) or
    ``decline`` with a reason (they go back to the provider). A request is decided once."""
    if not can(actor, "redemption.decide", redemption):
        raise PermissionDenied
    reason = reason.strip()
    if decision == "approve":
        target, kind, dest = Status.APPROVED, Kind.REDEMPTION, outside()
        memo = f"Redemption approved: {reason}" if reason else "Redemption approved"
    elif decision == "decline":
        if not reason:
            raise ValidationError({"reason": "Say why the redemption is declined."})
        target, kind, dest = Status.DECLINED, Kind.REDEEM_BACK, account_of(redemption.provider)
        memo = f"Redemption declined: {reason}"
    else:
        raise ValidationError({"decision": "Choose approve or decline."})
    now = timezone.now()
    with transaction.atomic():
        moved = Redemption.objects.filter(pk=redemption.pk, status=Status.REQUESTED).update(
            status=target, decided_by=actor, decided_at=now, reason=reason[:300]
        )
        if not moved:
            raise ValidationError("This request was decided by someone else a moment ago.")
        outcome = transfer(
            kind,
            redeeming_account(redemption.provider),
            dest,
            redemption.amount,
            actor=actor,
            memo=memo,
            against=redemption.hold,
        )
        Redemption.objects.filter(pk=redemption.pk).update(outcome=outcome)
        record(actor, f"redemption.{decision}", redemption.provider, amount=redemption.amount)
    redemption.refresh_from_db()
    return redemption


# --- what the pages and the CSV read --------------------------------------------------------


def of_provider(provider: Provider) -> QuerySet:
    """A provider's requests, newest first."""
    return Redemption.objects.filter(provider=provider).select_related("requested_by", "decided_by")


def queue(nation: Nation) -> QuerySet:
    """The requests of ``nation``'s providers waiting for a decision, oldest first."""
    return (
        Redemption.objects.filter(provider__nation=nation, status=Status.REQUESTED)
        .select_related("provider", "requested_by")
        .order_by("requested_at", "pk")
    )


def decided(nation: Nation, limit: int = 20) -> QuerySet:
    """The latest decisions on ``nation``'s providers' requests."""
    return (
        Redemption.objects.filter(provider__nation=nation)
        .exclude(status=Status.REQUESTED)
        .select_related("provider", "decided_by")
        .order_by("-decided_at", "-pk")[:limit]
    )


def credit_value() -> Decimal:
    """What one credit is worth in pounds (the setting)."""
    return settings.CREDIT_VALUE_GBP


@dataclass(frozen=True)
class RemittanceRow:
    approved_on: date
    provider: str
    reference: str
    contact: str
    credits: int
    pounds: Decimal
    transaction: int


def _bounds(start: date | None, end: date | None) -> tuple[datetime | None, datetime | None]:
    zone = timezone.get_current_timezone()
    low = datetime.combine(start, datetime.min.time(), zone) if start else None
    high = datetime.combine(end, datetime.max.time(), zone) if end else None
    return low, high


def remittance(nation: Nation, start: date | None, end: date | None) -> list[RemittanceRow]:
    """Every redemption of ``nation``'s providers approved from ``start`` to ``end`` (days,
    inclusive), oldest first, as finance pays them: one query."""
    low, high = _bounds(start, end)
    rows = Redemption.objects.filter(provider__nation=nation, status=Status.APPROVED)
    if low:
        rows = rows.filter(decided_at__gte=low)
    if high:
        rows = rows.filter(decided_at__lte=high)
    value = credit_value()
    rows = list(rows.select_related("provider").order_by("decided_at", "pk"))
    contacts = provider_contacts.merged(sorted({r.provider_id for r in rows}))
    return [
        RemittanceRow(
            approved_on=timezone.localdate(r.decided_at),
            provider=r.provider.name,
            reference=f"P{r.provider_id:05}",
            contact=contacts.get(r.provider_id) or r.provider.website,
            credits=r.amount,
            pounds=(value * r.amount).quantize(Decimal("0.01")),
            transaction=r.outcome_id,
        )
        for r in rows
    ]


REMITTANCE_HEADINGS = [
    "Approved on",
    "Provider",
    "Provider reference",
    "Provider contact",
    "Credits",
    "Pounds",
    "Ledger transaction",
]


def remittance_lines(rows: list[RemittanceRow]):
    yield REMITTANCE_HEADINGS
    for r in rows:
        yield [
            f"{r.approved_on:%Y-%m-%d}",
            r.provider,
            r.reference,
            r.contact,
            r.credits,
            f"{r.pounds:.2f}",
            r.transaction,
        ]
