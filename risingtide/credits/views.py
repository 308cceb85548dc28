"""E-credit pages: the accounts one may see, an account with its statement (on screen, CSV and
PDF), funding the programme, funding rounds down the tree, and reversing a mistaken
allocation. Thin views over ``queries`` (reads), ``services`` and ``rounds`` (changes)."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse as reverse_url
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from risingtide.access.core import can, requires
from risingtide.credits import queries, rounds, services
from risingtide.credits.forms import FundForm, ReverseForm, RoundForm, StatementForm
from risingtide.credits.models import Account, Transaction
from risingtide.lib.csvexport import csv_response
from risingtide.lib.forms import posted, show_refusal
from risingtide.lib.pdf import to_pdf
from risingtide.schools.models import Nation

Kind = Transaction.Kind
# Who undoes a mistaken movement out of a giver's account: whoever may make it.
_GIVER_CAPABILITY = {
    Account.Kind.NATION: "credits.allocate_to_las",
    Account.Kind.LA: "credits.allocate_to_schools",
}


@require_GET
@requires("account.list")
def accounts(request):
    rows = queries.seen_accounts(request.user)
    return render(request, "credits/accounts.html", {"accounts": rows})


def _statement(request, account):
    form = StatementForm(request.GET or None)
    start = end = None
    if form.is_valid():
        start, end = form.cleaned_data["start"], form.cleaned_data["end"]
    return form, queries.statement(account, start, end)


def _reversible(user, account, statement) -> dict[int, ReverseForm]:
    """A reversal form for each allocation or funding on the statement that the person may
    undo and that is not undone yet."""
    ids = [line.transaction.pk for line in statement.lines if line.transaction.kind in _UNDOABLE]
    undone = set(
        Transaction.objects.filter(kind=Kind.REVERSAL, against_id__in=ids).values_list(
            "against_id", flat=True
        )
    )
    allowed: dict[int, bool] = {}
    forms = {}
    for line in statement.lines:
        tx = line.transaction
        if tx.pk not in ids or tx.pk in undone:
            continue
        giver = account if line.amount < 0 else line.other
        if giver is None:
            continue
        if giver.pk not in allowed:
            allowed[giver.pk] = _may_undo(
                user, tx.kind, giver, account if line.amount > 0 else None
            )
        if allowed[giver.pk]:
            forms[tx.pk] = ReverseForm(initial={"transaction": tx.pk}, auto_id=f"r{tx.pk}_%s")
    return forms


_UNDOABLE = (Kind.ALLOCATION, Kind.FUNDING)


def _may_undo(user, kind, giver: Account, receiver: Account | None) -> bool:
    if kind == Kind.FUNDING:
        nation = receiver.nation if receiver is not None else None
        return nation is not None and can(user, "credits.fund", nation)
    capability = _GIVER_CAPABILITY.get(giver.kind)
    return capability is not None and can(user, capability, giver.owner)


def _account_context(request, account, *, failed: ReverseForm | None = None) -> dict:
    form, statement = _statement(request, account)
    reverse_forms = _reversible(request.user, account, statement)
    failed_shown = failed is not None and failed.tx_id in reverse_forms
    if failed_shown:
        reverse_forms[failed.tx_id] = failed  # its errors beside the line it was for
    return {
        "account": account,
        "giving": _giving_links(request.user, account),
        "form": form,
        "statement": statement,
        "summary": queries.account_summary(account),
        "rows": [
            (line, max(0, -line.amount), reverse_forms.get(line.transaction.pk))
            for line in statement.lines
        ],
        "failed": failed,
        "failed_shown": failed_shown,
        "query": request.GET.urlencode(),
    }


def _giving_links(user, account) -> list[tuple[str, str]]:
    """What the person may do from a giver's account: fund it, share it out in a round."""
    links = []
    if account.kind == Account.Kind.NATION:
        if can(user, "credits.fund", account.nation):
            links.append(
                ("Record credits coming in", reverse_url("credits:fund", args=[account.nation_id]))
            )
        if can(user, "credits.allocate_to_las", account.nation):
            url = reverse_url("credits:nation_round", args=[account.nation_id])
            links.append(("Funding round to local authorities", url))
    elif account.kind == Account.Kind.LA and can(
        user, "credits.allocate_to_schools", account.local_authority
    ):
        url = reverse_url("credits:la_round", args=[account.local_authority_id])
        links.append(("Funding round to schools", url))
    return links + _marketplace_links(user, account)


# The marketplace's pages about an account's owner: (capability, owner's field, label, route).
# Named routes, not imports: the provision app sits above this one.
_MARKETPLACE = {
    Account.Kind.NATION: [
        ("redemption.manage", "nation", "Redemption requests", "credits:redemption_queue"),
        ("spend.nation", "nation", "Spend and uptake", "provision:report_nation"),
    ],
    Account.Kind.LA: [("spend.la", "local_authority", "Spend and uptake", "provision:report_la")],
    Account.Kind.SCHOOL: [
        ("spend.school", "school", "Spend and uptake", "provision:report_school")
    ],
    Account.Kind.PROVIDER: [
        ("redemption.request", "provider", "Redeem credits", "credits:provider_redemptions")
    ],
}


def _marketplace_links(user, account) -> list[tuple[str, str]]:
    return [
        (label, reverse_url(route, args=[getattr(account, f"{owner}_id")]))
        for capability, owner, label, route in _MARKETPLACE.get(account.kind, [])
        if can(user, capability, getattr(account, owner))
    ]


@require_GET
@requires("account.view", "pk")
def account(request, account):
    return render(request, "credits/account.html", _account_context(request, account))


def _rows(statement):
    yield ["Date", "What", "Other party", "In", "Out", "Balance"]
    yield ["", "Opening balance", "", "", "", statement.opening]
    for line in statement.lines:
        tx = line.transaction
        yield [
            f"{tx.created_at:%Y-%m-%d}",
            tx.get_kind_display() + (f": {tx.memo}" if tx.memo else ""),
            str(line.other) if line.other else "",
            line.amount if line.amount > 0 else "",
            -line.amount if line.amount < 0 else "",
            line.balance,
        ]
    yield ["", "Closing balance", "", statement.money_in, statement.money_out, statement.closing]


@require_GET
@requires("account.view", "pk")
def statement_csv(request, account):
    _form, statement = _statement(request, account)
    return csv_response(f"statement-{account.pk}.csv", _rows(statement))


@require_GET
@requires("account.view", "pk")
def statement_pdf(request, account):
    _form, statement = _statement(request, account)
    html = render_to_string(
        "credits/statement_pdf.html",
        {"account": account, "statement": statement, "summary": queries.account_summary(account)},
    )
    response = HttpResponse(to_pdf(html=html), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="statement-{account.pk}.pdf"'
    response["Cache-Control"] = "private, no-store"
    return response


@require_POST
@requires("account.view", "pk")
def reverse(request, account):
    """Undo a mistaken allocation (or funding) shown on this account's statement."""
    form = ReverseForm(**posted(request))
    form.tx_id = form.line()
    form.auto_id = f"r{form.tx_id}_%s"  # its ids as on the statement line it came from
    if form.is_valid():
        tx = Transaction.objects.filter(
            pk=form.cleaned_data["transaction"], postings__account=account
        ).first()
        if tx is None:
            form.add_error(None, "That movement is not on this account's statement.")
        else:
            try:
                services.reverse(
                    request.user, tx, form.cleaned_data["memo"], key=str(form.cleaned_data["key"])
                )
            except ValidationError as exc:
                show_refusal(form, exc)
            else:
                messages.success(request, f"{tx} was reversed: its credits went back.")
                return redirect("credits:account", account.pk)
    context = _account_context(request, account, failed=form)
    return render(request, "credits/account.html", context, status=400)


@require_http_methods(["GET", "POST"])
@requires("credits.fund", "pk")
def fund(request, nation):
    form = FundForm(**posted(request))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.fund(request.user, nation, data["amount"], data["memo"], key=str(data["key"]))
        except ValidationError as exc:
            show_refusal(form, exc)
        else:
            messages.success(request, f"{data['amount']:,} credits came into {nation}.")
            return redirect("credits:account", services.account_of(nation).pk)
    return render(
        request,
        "credits/fund.html",
        {"nation": nation, "form": form, "account": services.account_of(nation)},
        status=400 if request.method == "POST" else 200,
    )


def _round(request, source):
    """Preview a round (GET with the form's values, or POST "preview"), then post it."""
    places = list(rounds.recipients(source))
    posting = request.method == "POST" and "post" in request.POST
    form = RoundForm(**posted(request), places=places)
    preview = None
    if form.is_bound and form.is_valid():
        values = form.cleaned_data
        try:
            if values["method"] == "formula":
                preview = rounds.by_formula(source, values["per_pupil"], values["weight"])
            else:
                preview = rounds.by_hand(source, form.amounts())
            if posting:
                done = rounds.post(
                    request.user, preview, values["expires_on"], values["memo"], str(values["key"])
                )
                places = "place" if len(done) == 1 else "places"
                messages.success(
                    request,
                    f"The round was posted: {preview.total:,} credits to {len(done)} {places}.",
                )
                return redirect("credits:account", services.account_of(source).pk)
        except ValidationError as exc:
            show_refusal(form, exc)
    return render(
        request,
        "credits/round.html",
        {
            "source": source,
            "account": services.account_of(source),
            "form": form,
            "preview": preview,
            "below": "local authorities" if isinstance(source, Nation) else "schools",
        },
        status=400 if form.is_bound and form.errors else 200,
    )


@require_http_methods(["GET", "POST"])
@requires("credits.allocate_to_las", "pk")
def nation_round(request, nation):
    return _round(request, nation)


@require_http_methods(["GET", "POST"])
@requires("credits.allocate_to_schools", "pk")
def la_round(request, la):
    return _round(request, la)
