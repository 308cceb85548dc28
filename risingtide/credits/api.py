"""E-credits in the API: balances of the accounts the caller may see, an account's statement,
and allocations by the nation to its LAs or by an LA to its schools, under the same guards and
domain functions as the pages. An allocation needs an ``Idempotency-Key`` header: the same key
again answers with the first allocation instead of moving credits twice."""

from datetime import date, datetime

from django.core.exceptions import ValidationError
from ninja import Field, Header, Query, Router, Schema, Status

from risingtide.access.core import requires
from risingtide.credits import queries, services
from risingtide.credits.models import Account, Transaction
from risingtide.lib.api_errors import ErrorOut, refusal, refusals_as_400
from risingtide.schools.models import LocalAuthority, School

router = Router(tags=["E-credits"])
KEY_HEADER = "Idempotency-Key"


class AccountOut(Schema):
    id: int
    kind: Account.Kind
    name: str
    balance: int
    usable: int = Field(description="What can be spent today (expired lots not yet gone back)")


class LineOut(Schema):
    transaction: int
    date: datetime
    kind: Transaction.Kind
    memo: str
    other: str | None = Field(description="The account on the other side")
    amount: int = Field(description="Into the account (positive) or out of it (negative)")
    balance: int = Field(description="The balance after this line")


class StatementOut(Schema):
    account: AccountOut
    start: date | None
    end: date | None
    opening: int
    closing: int
    money_in: int
    money_out: int
    lines: list[LineOut]


class StatementFilters(Schema):
    start: date | None = Field(None, description="From this day (inclusive)")
    end: date | None = Field(None, description="To this day (inclusive)")


class AllocationIn(Schema):
    to: int = Field(description="The LA (from the nation) or school (from an LA) receiving it")
    amount: int | float | str = Field(description="A whole number of credits above zero")
    expires_on: date | None = Field(None, description="After this day unspent credits go back up")
    memo: str = Field("", max_length=300)


class AllocationOut(Schema):
    transaction: int
    source: int = Field(description="The giver's account")
    dest: int = Field(description="The receiver's account")
    amount: int
    created_at: datetime


def _account(account: Account) -> dict:
    return {
        "id": account.pk,
        "kind": account.kind,
        "name": str(account),
        "balance": account.balance,
        "usable": getattr(account, "usable", account.balance),
    }


@router.get(
    "/credits/accounts",
    response=list[AccountOut],
    summary="Balances of the e-credit accounts the caller may see",
)
@requires("account.list", api=True)
def credit_balances(request):
    return [_account(a) for a in queries.seen_accounts(request.user)]


@router.get(
    "/credits/accounts/{account_id}/statement",
    response={200: StatementOut, 400: ErrorOut},
    summary="An account's statement, with running balance",
)
@requires("account.view", "account_id", api=True)
def account_statement(request, account_id: int, filters: Query[StatementFilters]):
    if filters.start and filters.end and filters.start > filters.end:
        return refusal(
            400,
            "Give an end on or after the start.",
            {"end": ["Give a day on or after the start."]},
        )
    account = queries.with_usable(Account.objects.filter(pk=account_id)).get()
    found = queries.statement(account, filters.start, filters.end)
    return {
        "account": _account(account),
        "start": found.start,
        "end": found.end,
        "opening": found.opening,
        "closing": found.closing,
        "money_in": found.money_in,
        "money_out": found.money_out,
        "lines": [
            {
                "transaction": line.transaction.pk,
                "date": line.transaction.created_at,
                "kind": line.transaction.kind,
                "memo": line.transaction.memo,
                "other": str(line.other) if line.other else None,
                "amount": line.amount,
                "balance": line.balance,
            }
            for line in found.lines
        ],
    }


def _allocate(request, source, below, body: AllocationIn, key: str | None):
    if not key or not key.strip():
        return refusal(
            400,
            f"Send an {KEY_HEADER} header: a new one for each allocation.",
            {KEY_HEADER: ["This header is required."]},
        )
    dest = below.filter(pk=body.to).first()
    if dest is None:
        raise ValidationError({"to": "Give a place directly below the giver."})
    tx = services.allocate(
        request.user, source, dest, body.amount, body.expires_on, body.memo, key=key.strip()
    )
    legs = {p.amount > 0: p for p in tx.postings.all()}
    return Status(
        201,
        {
            "transaction": tx.pk,
            "source": legs[False].account_id,
            "dest": legs[True].account_id,
            "amount": legs[True].amount,
            "created_at": tx.created_at,
        },
    )


@router.post(
    "/credits/nations/{nation_id}/allocations",
    response={201: AllocationOut, 400: ErrorOut},
    summary="Allocate the national programme's credits to one of its LAs",
)
@requires("credits.allocate_to_las", "nation_id", api=True)
@refusals_as_400
def allocate_to_la(
    request,
    nation_id: int,
    body: AllocationIn,
    idempotency_key: str | None = Header(None, alias=KEY_HEADER),
):
    nation = request.access_target
    below = LocalAuthority.objects.filter(nation=nation)
    return _allocate(request, nation, below, body, idempotency_key)


@router.post(
    "/credits/las/{la_id}/allocations",
    response={201: AllocationOut, 400: ErrorOut},
    summary="Allocate an LA's credits to one of its schools",
)
@requires("credits.allocate_to_schools", "la_id", api=True)
@refusals_as_400
def allocate_to_school(
    request,
    la_id: int,
    body: AllocationIn,
    idempotency_key: str | None = Header(None, alias=KEY_HEADER),
):
    la = request.access_target
    return _allocate(request, la, School.objects.filter(local_authority=la), body, idempotency_key)
