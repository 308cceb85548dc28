"""What people and the scheduled task do with e-credits: fund the programme, allocate down the
tree, hold credits for a booking and release or pay them, redeem, expire, reverse. Each is one
``ledger.transfer``; the checks of who may do it are here for the operations people start
themselves (funding, allocating, reversing), and in the calling app's service for the rest (a
booking holds credits only after ``provision`` has checked the booking).
"""

from datetime import date

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Sum
from django.utils import timezone

from risingtide.access.core import can
from risingtide.credits.ledger import NewLot, drawn_lots, transfer
from risingtide.credits.models import Account, Lot, Transaction
from risingtide.schools.models import LocalAuthority, Nation, Provider, School

Kind = Transaction.Kind


# --- Accounts ------------------------------------------------------------------------------


def outside() -> Account:
    return Account.objects.get_or_create(kind=Account.Kind.OUTSIDE)[0]


def account_of(owner: Nation | LocalAuthority | School | Provider) -> Account:
    """The account of a nation, LA, school or provider (made on first use)."""
    if isinstance(owner, Nation):
        return Account.objects.get_or_create(kind=Account.Kind.NATION, nation=owner)[0]
    if isinstance(owner, LocalAuthority):
        return Account.objects.get_or_create(kind=Account.Kind.LA, local_authority=owner)[0]
    if isinstance(owner, School):
        return Account.objects.get_or_create(kind=Account.Kind.SCHOOL, school=owner)[0]
    if isinstance(owner, Provider):
        return Account.objects.get_or_create(kind=Account.Kind.PROVIDER, provider=owner)[0]
    raise TypeError(f"no account for {owner!r}")


def held_account(school: School) -> Account:
    return Account.objects.get_or_create(kind=Account.Kind.HELD, school=school)[0]


def parent_of(account: Account) -> Account | None:
    """Where a lot's expired credits go back to: school to LA, LA to nation."""
    if account.kind == Account.Kind.SCHOOL:
        return account_of(account.school.local_authority)
    if account.kind == Account.Kind.LA:
        return account_of(account.local_authority.nation)
    return None


# Who allocates from an account: the nation to its LAs, an LA to its schools.
_ALLOCATE = {
    Account.Kind.NATION: "credits.allocate_to_las",
    Account.Kind.LA: "credits.allocate_to_schools",
}


def _scoped(actor, key: str | None) -> str | None:
    # A key is the requester's own: another person's key can neither replay nor block theirs.
    return f"{actor.pk if actor else 'task'}:{key}" if key else None


# --- What people do ------------------------------------------------------------------------


def fund(actor, nation: Nation, amount, memo: str = "", key: str | None = None) -> Transaction:
    """Credits come into the national programme from outside (a budget, a grant)."""
    if not can(actor, "credits.fund", nation):
        raise PermissionDenied
    return transfer(
        Kind.FUNDING,
        outside(),
        account_of(nation),
        amount,
        actor=actor,
        memo=memo,
        key=_scoped(actor, key),
    )


def allocate(
    actor,
    source: Nation | LocalAuthority,
    dest: LocalAuthority | School,
    amount,
    expires_on: date | None,
    memo: str = "",
    key: str | None = None,
) -> Transaction:
    """The national programme allocates to one of its LAs, or an LA to one of its schools; the
    credits expire on ``expires_on`` (if given) and then go back up."""
    below = (
        isinstance(source, Nation)
        and isinstance(dest, LocalAuthority)
        and dest.nation_id == source.pk
    ) or (
        isinstance(source, LocalAuthority)
        and isinstance(dest, School)
        and dest.local_authority_id == source.pk
    )
    if not below:
        raise ValidationError("Credits are allocated to a place directly below the giver.")
    source_account = account_of(source)
    if not can(actor, _ALLOCATE[source_account.kind], source):
        raise PermissionDenied
    if expires_on is not None and expires_on <= timezone.localdate():
        raise ValidationError({"expires_on": "Give an expiry date after today."})

    def goes_back_when(tx: Transaction) -> None:
        # Credits that expire below go back up to expire when what they came from would have.
        drawn = Lot.objects.filter(pk__in=drawn_lots(tx)).values_list("expires_on", flat=True)
        dates = list(drawn)
        back = None if not dates or None in dates else max(dates)
        Lot.objects.filter(posting__transaction=tx).update(return_expires_on=back)
        if expires_on and back and expires_on > back:
            raise ValidationError(
                {
                    "expires_on": f"These credits expire on {back:%-d %B %Y}: give that date or "
                    "an earlier one."
                }
            )

    return transfer(
        Kind.ALLOCATION,
        source_account,
        account_of(dest),
        amount,
        actor=actor,
        memo=memo,
        key=_scoped(actor, key),
        new_lot=NewLot(expires_on=expires_on),
        check=goes_back_when,
    )


def reverse(actor, tx: Transaction, memo: str, key: str | None = None) -> Transaction:
    """Undo a funding or an allocation made by mistake, while its credits are all unspent."""
    if tx.kind not in (Kind.FUNDING, Kind.ALLOCATION):
        raise ValidationError(
            "Only a funding or an allocation can be reversed; a booking is cancelled instead."
        )
    if not memo.strip():
        raise ValidationError({"memo": "Say why it is reversed."})
    legs = {p.amount > 0: p for p in tx.postings.select_related("account")}
    into, out = legs[True], legs[False]
    if tx.kind == Kind.ALLOCATION:
        allowed = can(actor, _ALLOCATE[out.account.kind], out.account.owner)
    else:
        allowed = can(actor, "credits.fund", into.account.nation)
    if not allowed:
        raise PermissionDenied
    lot = Lot.objects.get(posting=into)
    if lot.remaining < into.amount:
        raise ValidationError(
            f"{into.amount - lot.remaining:,} of these credits have been used or allocated on "
            "already: allocate back what is left instead."
        )
    return transfer(
        Kind.REVERSAL,
        into.account,
        out.account,
        into.amount,
        actor=actor,
        memo=memo,
        key=_scoped(actor, key),
        against=tx,
        from_lots=[lot.pk],
        restore_for=tx if out.account.kind in (Account.Kind.NATION, Account.Kind.LA) else None,
    )


# --- What a booking does (checked by the booking's own service) ----------------------------


def hold(school: School, amount, *, actor=None, memo: str = "", key: str | None = None):
    """Set a booking's credits aside from the school's, soonest-expiring first."""
    return transfer(
        Kind.HOLD,
        account_of(school),
        held_account(school),
        amount,
        actor=actor,
        memo=memo,
        key=key,
    )


def held_left(hold_tx: Transaction) -> int:
    """What is still held of a hold: its amount less what was released or paid out of it."""
    amount = hold_tx.postings.filter(amount__gt=0).values_list("amount", flat=True).get()
    used = (
        Transaction.objects.filter(against=hold_tx, postings__amount__gt=0).aggregate(
            n=Sum("postings__amount")
        )["n"]
        or 0
    )
    return amount - used


def _within_hold(hold_tx: Transaction, amount):
    """Refuses more than is left of the hold: before moving anything (the clear answer) and
    again inside the transaction, where a concurrent release would show."""
    message = "More would leave this booking than was held for it ({:,} left)."
    left = held_left(hold_tx)
    if isinstance(amount, int) and amount > left:
        raise ValidationError(message.format(left), code="over_hold")

    def check(_tx) -> None:
        if held_left(hold_tx) < 0:
            raise ValidationError(message.format(0), code="over_hold")

    return check


def release(hold_tx: Transaction, amount, *, actor=None, memo: str = "", key: str | None = None):
    """Give held credits back to the school (a cancellation's refund), into the lots they came
    from."""
    school = hold_tx.postings.get(amount__lt=0).account.school
    return transfer(
        Kind.RELEASE,
        held_account(school),
        account_of(school),
        amount,
        actor=actor,
        memo=memo,
        key=key,
        against=hold_tx,
        restore_for=hold_tx,
        check=_within_hold(hold_tx, amount),
    )


def settle(
    hold_tx: Transaction,
    provider: Provider,
    amount,
    *,
    actor=None,
    memo: str = "",
    key: str | None = None,
):
    """Pay held credits to the provider who delivered (or kept under a refund rule)."""
    school = hold_tx.postings.get(amount__lt=0).account.school
    return transfer(
        Kind.SETTLEMENT,
        held_account(school),
        account_of(provider),
        amount,
        actor=actor,
        memo=memo,
        key=key,
        against=hold_tx,
        check=_within_hold(hold_tx, amount),
    )


def redeem(provider: Provider, amount, *, actor=None, memo: str = "", key: str | None = None):
    """Credits a provider earned leave the programme (approved by the contract manager)."""
    return transfer(
        Kind.REDEMPTION, account_of(provider), outside(), amount, actor=actor, memo=memo, key=key
    )


# --- The scheduled task ----------------------------------------------------------------------


def expire(today: date | None = None) -> list[Transaction]:
    """Send every expired lot's remainder back up the tree, schools before LAs so what comes
    back to an LA already expired goes on up in the same run. Each lot in its own transaction:
    a failure leaves the others done, and the next run picks it up again."""
    today = today or timezone.localdate()
    done = []
    for kind in (Account.Kind.SCHOOL, Account.Kind.LA):
        while True:
            lot = (
                Lot.objects.filter(account__kind=kind, remaining__gt=0, expires_on__lt=today)
                .select_related("account")
                .order_by("pk")
                .first()
            )
            if lot is None:
                break
            with transaction.atomic():
                fresh = Lot.objects.select_related("account").get(pk=lot.pk)
                if fresh.remaining <= 0:
                    continue
                parent = parent_of(fresh.account)
                returned = fresh.return_expires_on
                onward = list(
                    Lot.objects.filter(pk__in=drawn_lots(fresh.posting.transaction)).values_list(
                        "return_expires_on", flat=True
                    )
                )
                onward = None if not onward or None in onward else max(onward)
                done.append(
                    transfer(
                        Kind.EXPIRY,
                        fresh.account,
                        parent,
                        fresh.remaining,
                        memo=f"Expired on {fresh.expires_on:%-d %B %Y}",
                        from_lots=[fresh.pk],
                        new_lot=NewLot(
                            # Past dates go on up in this run (LAs come after schools).
                            expires_on=returned,
                            return_expires_on=onward,
                        ),
                        today=today,
                    )
                )
    return done
