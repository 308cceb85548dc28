"""Redemption pages: a provider's staff ask to redeem earned credits and follow their requests;
the contract manager decides on each and downloads the remittance for finance. Thin views over
``redemptions``."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from risingtide.access.core import requires
from risingtide.credits import redemptions
from risingtide.credits.forms import DecideForm, PeriodForm, RedeemForm
from risingtide.credits.services import account_of
from risingtide.lib.csvexport import csv_response
from risingtide.lib.forms import posted, refusal_of, refused, show_refusal


@require_http_methods(["GET", "POST"])
@requires("redemption.request", "pk")
def provider(request, provider):
    """The provider's credits, a form to ask for redemption, and its requests so far."""
    form = RedeemForm(**posted(request))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            done = redemptions.request(
                request.user, provider, data["amount"], key=str(data["key"]), note=data["note"]
            )
        except ValidationError as exc:
            show_refusal(form, exc)
        else:
            messages.success(
                request,
                f"You asked to redeem {done.amount:,} credits. They are held until the contract "
                "manager decides.",
            )
            return redirect("credits:provider_redemptions", provider.pk)
    return render(
        request,
        "credits/redemptions_provider.html",
        {
            "provider": provider,
            "account": account_of(provider),
            "held": redemptions.redeeming_account(provider),
            "form": form,
            "requests": redemptions.of_provider(provider),
            "value": redemptions.credit_value(),
        },
        status=400 if form.is_bound and form.errors else 200,
    )


@require_GET
@requires("redemption.manage", "pk")
def queue(request, nation):
    """Requests waiting for the contract manager, the latest decisions, and the remittance."""
    return render(request, "credits/redemptions_queue.html", _queue(nation, PeriodForm()))


def _queue(nation, period: PeriodForm) -> dict:
    return {
        "nation": nation,
        "waiting": [(r, DecideForm(auto_id=f"d{r.pk}_%s")) for r in redemptions.queue(nation)],
        "decided": redemptions.decided(nation),
        "period": period,
        "value": redemptions.credit_value(),
    }


@require_POST
@requires("redemption.decide", "pk")
def decide(request, redemption):
    form = DecideForm(**posted(request))
    if not form.is_valid():
        refused(request, refusal_of(form))
    else:
        decision = form.cleaned_data["decision"]
        try:
            redemptions.decide(request.user, redemption, decision, form.cleaned_data["reason"])
        except ValidationError as exc:
            refused(request, exc)
        else:
            verb = "approved" if decision == "approve" else "declined"
            messages.success(
                request, f"{redemption.provider}'s request for {redemption.amount:,} was {verb}."
            )
    return redirect("credits:redemption_queue", redemption.provider.nation_id)


@require_GET
@requires("redemption.manage", "pk")
def remittance(request, nation):
    form = PeriodForm(request.GET or None)
    if form.is_bound and not form.is_valid():
        return render(request, "credits/redemptions_queue.html", _queue(nation, form), status=400)
    start = form.cleaned_data.get("start") if form.is_bound else None
    end = form.cleaned_data.get("end") if form.is_bound else None
    rows = redemptions.remittance(nation, start, end)
    name = "remittance"
    if start or end:
        name += f"-{start or 'start'}-to-{end or 'now'}"
    return csv_response(f"{name}.csv", redemptions.remittance_lines(rows))
