"""The posting engine: one balanced transaction moving credits from one account to another, and
the lots it draws on and fills. Every operation of ``services`` is one call of ``transfer``.

Concurrency: an account's balance is changed by one conditional UPDATE (``balance >= amount``)
that also takes the row's lock, always in the order of the accounts' ids, so two transfers
touching the same accounts wait for each other instead of deadlocking (PostgreSQL), and SQLite
takes its write lock at BEGIN (``transaction_mode = IMMEDIATE`` in settings). Everything an
account's lots hold is changed only while its row is locked, so lots never race either.

Idempotency: a request's key is stored, unique, on its transaction. The same key again returns
that transaction (if it asked for the same movement) instead of moving credits twice; two
requests with one key at the same instant are settled by the unique index.
"""

from dataclasses import dataclass
from datetime import date

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F, Q, Sum
from django.utils import timezone

from risingtide.credits.models import Account, Draw, Lot, Posting, Transaction

# Accounts whose credits arrive in lots that may expire.
LOT_KINDS = {Account.Kind.NATION, Account.Kind.LA, Account.Kind.SCHOOL}
MAX_AMOUNT = 10**12  # far beyond any programme; keeps sums inside a 64-bit column


def whole_credits(value, field: str = "amount") -> int:
    """A number of credits as given: a whole number above zero, or a refusal saying so."""
    if isinstance(value, bool) or not isinstance(value, int):
        try:
            text = str(value).strip()
            if not text.isdigit():
                raise ValueError
            value = int(text)
        except (TypeError, ValueError):
            raise ValidationError(
                {field: "Give a whole number of credits, such as 250."}, code="not_whole"
            ) from None
    if value <= 0:
        raise ValidationError({field: "Give a number of credits above zero."}, code="not_positive")
    if value > MAX_AMOUNT:
        raise ValidationError({field: "That is more credits than the ledger holds."}, code="huge")
    return value


@dataclass(frozen=True)
class NewLot:
    """The lot a transfer's credits make in the receiving account."""

    expires_on: date | None = None
    return_expires_on: date | None = None


def transfer(
    kind: str,
    source: Account,
    dest: Account,
    amount: int,
    *,
    actor=None,
    memo: str = "",
    key: str | None = None,
    against: Transaction | None = None,
    new_lot: NewLot | None = None,
    from_lots: list[int] | None = None,
    restore_for: Transaction | None = None,
    today: date | None = None,
    check=None,
) -> Transaction:
    """Move ``amount`` credits from ``source`` to ``dest`` as one transaction of kind ``kind``.

    ``from_lots`` limits what ``source`` draws on to those lots (expired or not: for expiry and
    reversal); otherwise it draws on its unexpired lots, soonest to expire first.
    ``restore_for``: the credits go back into the lots that transaction drew from ``dest``
    (a refund, a reversal) rather than into a new lot. ``check(tx)`` runs last, inside the
    transaction, to refuse what only the new state shows (more released than held).
    Refuses, changing nothing, if ``source`` (unless outside) has too few credits.
    """
    amount = whole_credits(amount)
    if source.pk == dest.pk:
        raise ValueError("a transfer needs two accounts")
    today = today or timezone.localdate()
    try:
        with transaction.atomic():
            if key and (done := Transaction.objects.filter(idempotency_key=key).first()):
                return _replayed(done, kind, source, dest, amount)
            tx = Transaction.objects.create(
                kind=kind, memo=memo[:300], created_by=actor, idempotency_key=key, against=against
            )
            for account in sorted((source, dest), key=lambda a: a.pk):
                if account.pk == source.pk:
                    _take(account, amount)
                else:
                    Account.objects.filter(pk=account.pk).update(balance=F("balance") + amount)
            out = Posting.objects.create(transaction=tx, account=source, amount=-amount)
            into = Posting.objects.create(transaction=tx, account=dest, amount=amount)
            if source.kind in LOT_KINDS:
                _draw(out, amount, today, from_lots)
            if dest.kind in LOT_KINDS:
                if restore_for is not None:
                    _restore(into, restore_for, amount)
                else:
                    lot = new_lot or NewLot()
                    Lot.objects.create(
                        account=dest,
                        posting=into,
                        amount=amount,
                        remaining=amount,
                        expires_on=lot.expires_on,
                        return_expires_on=lot.return_expires_on,
                    )
            if check is not None:
                check(tx)
            return tx
    except IntegrityError:
        # Another request with the same key won the race: answer as it was answered.
        if key and (done := Transaction.objects.filter(idempotency_key=key).first()):
            return _replayed(done, kind, source, dest, amount)
        raise


def _replayed(done: Transaction, kind, source, dest, amount) -> Transaction:
    legs = {p.account_id: p.amount for p in done.postings.all()}
    if done.kind != kind or legs != {source.pk: -amount, dest.pk: amount}:
        raise ValidationError(
            "This request's key was already used for a different movement of credits.",
            code="key_reused",
        )
    return done


def _take(account: Account, amount: int) -> None:
    if account.kind == Account.Kind.OUTSIDE:  # funding in: the outside world has no floor
        Account.objects.filter(pk=account.pk).update(balance=F("balance") - amount)
        return
    if not Account.objects.filter(pk=account.pk, balance__gte=amount).update(
        balance=F("balance") - amount
    ):
        have = Account.objects.values_list("balance", flat=True).get(pk=account.pk)
        raise ValidationError(
            f"{account} has {have:,} credits; this needs {amount:,}.", code="too_few_credits"
        )


def _draw(posting: Posting, amount: int, today: date, only: list[int] | None) -> None:
    lots = Lot.objects.filter(account_id=posting.account_id, remaining__gt=0)
    if only is not None:
        lots = lots.filter(pk__in=only)
    else:
        lots = lots.filter(Q(expires_on__isnull=True) | Q(expires_on__gte=today))
    need = amount
    for lot in lots.order_by(F("expires_on").asc(nulls_last=True), "pk"):
        take = min(lot.remaining, need)
        Lot.objects.filter(pk=lot.pk).update(remaining=F("remaining") - take)
        Draw.objects.create(posting=posting, lot=lot, amount=take)
        need -= take
        if not need:
            return
    usable = amount - need
    raise ValidationError(
        f"Only {usable:,} of these credits can be used"
        + (": the rest have expired and go back at the next expiry run." if only is None else "."),
        code="credits_expired",
    )


def drawn_lots(tx: Transaction) -> dict[int, int]:
    """What ``tx`` drew from each lot, less what was given back to them since (by releases or
    reversals that name it)."""
    rows = (
        Draw.objects.filter(Q(posting__transaction=tx) | Q(posting__transaction__against=tx))
        .values("lot_id")
        .annotate(net=Sum("amount"))
    )
    return {row["lot_id"]: row["net"] for row in rows if row["net"] > 0}


def _restore(posting: Posting, source_tx: Transaction, amount: int) -> None:
    net = drawn_lots(source_tx)
    lots = Lot.objects.filter(pk__in=net, account_id=posting.account_id)
    need = amount
    # Give back the credits that expire last first: kinder to whoever gets them back.
    for lot in lots.order_by(F("expires_on").desc(nulls_first=True), "-pk"):
        give = min(net[lot.pk], need)
        Lot.objects.filter(pk=lot.pk).update(remaining=F("remaining") + give)
        Draw.objects.create(posting=posting, lot=lot, amount=-give)
        need -= give
        if not need:
            return
    raise ValidationError("More would go back than was taken.", code="over_restored")
