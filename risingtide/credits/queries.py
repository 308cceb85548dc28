"""Reading the ledger: balances, statements, and the full re-adding that ``check_ledger`` runs."""

from dataclasses import dataclass
from datetime import date

from django.db.models import Count, F, OuterRef, Q, Subquery, Sum
from django.db.models.functions import Coalesce
from django.utils import timezone

from risingtide.access.core import visible
from risingtide.credits.models import Account, Draw, Lot, Posting, Transaction
from risingtide.people.models import User


def usable(account: Account, today: date | None = None) -> int:
    """Credits the account can spend today: its balance less lots that have expired but not
    yet gone back up (for accounts without lots, the balance)."""
    today = today or timezone.localdate()
    expired = (
        Lot.objects.filter(account=account, expires_on__lt=today).aggregate(n=Sum("remaining"))["n"]
        or 0
    )
    return Account.objects.values_list("balance", flat=True).get(pk=account.pk) - expired


def expiring(account: Account, within_days: int, today: date | None = None) -> list[Lot]:
    """The account's lots with credits left that expire within ``within_days``, soonest first."""
    today = today or timezone.localdate()
    return list(
        Lot.objects.filter(
            account=account,
            remaining__gt=0,
            expires_on__gte=today,
            expires_on__lte=today + timezone.timedelta(days=within_days),
        ).order_by("expires_on", "pk")
    )


@dataclass(frozen=True)
class StatementLine:
    transaction: Transaction
    other: Account | None
    amount: int  # into the account (positive) or out of it (negative)
    balance: int  # after this line


@dataclass(frozen=True)
class Statement:
    account: Account
    start: date | None
    end: date | None
    opening: int
    lines: list[StatementLine]

    @property
    def closing(self) -> int:
        return self.lines[-1].balance if self.lines else self.opening

    @property
    def money_in(self) -> int:
        return sum(line.amount for line in self.lines if line.amount > 0)

    @property
    def money_out(self) -> int:
        return -sum(line.amount for line in self.lines if line.amount < 0)


def statement(account: Account, start: date | None = None, end: date | None = None) -> Statement:
    """Every movement of ``account`` from ``start`` to ``end`` (inclusive, by day), with the
    other side of each and the running balance: two queries whatever the length."""
    postings = Posting.objects.filter(account=account)
    opening = 0
    if start:
        opening = (
            postings.filter(transaction__created_at__date__lt=start).aggregate(n=Sum("amount"))["n"]
            or 0
        )
        postings = postings.filter(transaction__created_at__date__gte=start)
    if end:
        postings = postings.filter(transaction__created_at__date__lte=end)
    other = Posting.objects.filter(transaction=OuterRef("transaction")).exclude(account=account)
    rows = (
        postings.annotate(other_id=Subquery(other.values("account_id")[:1]))
        .select_related("transaction__created_by")
        .order_by("transaction_id", "pk")
    )
    rows = list(rows)
    others = Account.objects.in_bulk({r.other_id for r in rows if r.other_id})
    running = opening
    lines = []
    for row in rows:
        running += row.amount
        lines.append(StatementLine(row.transaction, others.get(row.other_id), row.amount, running))
    return Statement(account, start, end, opening, lines)


def problems() -> list[str]:
    """Everything that would make the ledger untrue, in words; empty when it adds up."""
    found = []
    for row in (
        Posting.objects.values("transaction_id")
        .annotate(total=Sum("amount"), legs=Count("pk"))
        .exclude(total=0, legs__gte=2)
    ):
        found.append(
            f"Transaction {row['transaction_id']} does not balance: its {row['legs']} "
            f"posting(s) add up to {row['total']}."
        )
    for tx in Transaction.objects.annotate(legs=Count("postings")).filter(legs=0):
        found.append(f"Transaction {tx.pk} has no postings.")
    posted = Posting.objects.filter(account=OuterRef("pk")).values("account")
    sums = posted.annotate(n=Sum("amount")).values("n")
    for account in Account.objects.annotate(posted=Coalesce(Subquery(sums), 0)).exclude(
        balance=F("posted")
    ):
        found.append(
            f"{account} (account {account.pk}) shows {account.balance} but its postings add up "
            f"to {account.posted}."
        )
    for account in Account.objects.filter(balance__lt=0).exclude(kind=Account.Kind.OUTSIDE):
        found.append(f"{account} (account {account.pk}) is below zero: {account.balance}.")
    lots = Lot.objects.filter(account=OuterRef("pk")).values("account")
    in_lots = lots.annotate(n=Sum("remaining")).values("n")
    for account in (
        Account.objects.filter(kind__in=["nation", "la", "school"])
        .annotate(in_lots=Coalesce(Subquery(in_lots), 0))
        .exclude(balance=F("in_lots"))
    ):
        found.append(
            f"{account} (account {account.pk}) holds {account.balance} but its lots hold "
            f"{account.in_lots}."
        )
    drawn = Draw.objects.filter(lot=OuterRef("pk")).values("lot")
    taken = drawn.annotate(n=Sum("amount")).values("n")
    for lot in Lot.objects.annotate(taken=Coalesce(Subquery(taken), 0)).exclude(
        remaining=F("amount") - F("taken")
    ):
        found.append(
            f"Lot {lot.pk} shows {lot.remaining} left of {lot.amount}, but {lot.taken} was "
            "drawn from it."
        )
    total = Account.objects.aggregate(n=Sum("balance"))["n"] or 0
    if total:
        found.append(f"All accounts together hold {total}, not 0.")
    # A posting's draws add up to what it took from lots.
    for row in (
        Draw.objects.values("posting_id", "posting__amount")
        .annotate(n=Sum("amount"))
        .exclude(Q(n=-F("posting__amount")))
    ):
        found.append(f"Posting {row['posting_id']} drew {row['n']} from lots, not its amount.")
    return found


def with_usable(accounts, today: date | None = None):
    """``accounts`` (a queryset) with ``usable``: the balance less lots expired but not yet
    gone back up, in the one query that lists them (the balances page and the API)."""
    today = today or timezone.localdate()
    expired = (
        Lot.objects.filter(account=OuterRef("pk"), expires_on__lt=today, remaining__gt=0)
        .values("account")
        .annotate(n=Sum("remaining"))
        .values("n")
    )
    return accounts.annotate(usable=F("balance") - Coalesce(Subquery(expired), 0)).select_related(
        "nation", "local_authority", "school", "provider"
    )


def seen_accounts(user: User, today: date | None = None):
    """The accounts ``user`` may see, each with ``usable``, in the order the balances page
    lists them (the nation's, then the LAs', the schools'...): the page and the API."""
    return with_usable(visible(user, "account"), today).order_by("kind", "pk")


def account_summary(account: Account, today: date | None = None) -> dict:
    """What an account's page and the API show above its statement: balance, usable now,
    credits expiring within 60 days, and a school's credits held for bookings."""
    today = today or timezone.localdate()
    soon = expiring(account, 60, today)
    held = None
    if account.kind == Account.Kind.SCHOOL:
        held = (
            Account.objects.filter(kind=Account.Kind.HELD, school_id=account.school_id)
            .values_list("balance", flat=True)
            .first()
        ) or 0
    return {
        "balance": Account.objects.values_list("balance", flat=True).get(pk=account.pk),
        "usable": usable(account, today),
        "expiring": soon,
        "expiring_total": sum(lot.remaining for lot in soon),
        "held": held,
    }
