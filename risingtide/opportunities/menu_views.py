"""The menu's pages (issue 19): a pupil's menu and asking to take part; staff answering
requests; a pupil's opportunities for staff and carers, with offering and a carer's consent.
Thin views over ``menu_queries`` and ``menu_services``: every action comes back with a message
saying what happened, and the address names what was acted on, so the focus lands there."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from risingtide.access.core import requires
from risingtide.lib.forms import posted, refusal_of, refused, show_refusal
from risingtide.opportunities import menu_queries, menu_requests, menu_services
from risingtide.opportunities.menu_forms import (
    AnswerForm,
    AskForm,
    ConsentForm,
    OfferForm,
    RespondForm,
)
from risingtide.opportunities.models import Opportunity, Participation
from risingtide.people.events import note_if_carer

State = Participation.State


def _menu_at(anchor: str) -> str:
    return reverse("opportunities:menu") + f"#{anchor}"


@require_GET
@requires("menu.view")
def menu(request):
    return render(
        request, "opportunities/menu/menu.html", {"menu": menu_queries.menu_for(request.user)}
    )


@require_http_methods(["GET", "POST"])
@requires("menu_opportunity.ask", "opportunity_id")
def ask(request, opportunity):
    form = AskForm(**posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            asked = menu_services.ask(request.user, opportunity, form.cleaned_data["reason"])
        except ValidationError as exc:
            show_refusal(form, exc)
        else:
            messages.success(
                request,
                f"You asked to do “{opportunity}”. Your teacher will answer: look for it under "
                "My opportunities.",
            )
            return redirect(_menu_at(f"mine-{asked.pk}"))
    return render(
        request,
        "opportunities/menu/ask.html",
        {"card": menu_queries.one_card(opportunity), "form": form},
        status=400 if form.errors else 200,
    )


RESPONDED = {
    "withdraw": "You are no longer asking for “{o}”.",
    "decline": "You said no thanks to “{o}”.",
    "alternative": "You asked for “{o}” instead. Your teacher will answer.",
}


@require_POST
@requires("participation.respond", "participation_id")
def respond(request, participation):
    form = RespondForm(**posted(request))
    anchor = f"mine-{participation.pk}"
    if not form.is_valid():
        refused(request, refusal_of(form))
        return redirect(_menu_at(anchor))
    choice = form.cleaned_data["choice"]
    try:
        done = menu_services.respond(request.user, participation, choice)
    except ValidationError as exc:
        refused(request, exc)
        return redirect(_menu_at(anchor))
    if choice == "accept":
        said = (
            f"You have a place on “{done.opportunity}”!"
            if done.state == State.PLACE
            else f"“{done.opportunity}” is full, so you are on the waiting list."
        )
    else:
        said = RESPONDED[choice].format(o=done.opportunity)
    messages.success(request, said)
    return redirect(_menu_at(f"mine-{done.pk}"))


@require_GET
@requires("opportunity_requests.view", "school_id")
def requests(request, school):
    return render(
        request,
        "opportunities/menu/requests.html",
        {"shown": menu_requests.requests_for(request.user, school)},
    )


def _answered_words(p: Participation, decision: str) -> str:
    who, what = p.pupil, f"“{p.opportunity}”"
    if p.state == State.PLACE:
        return f"{who} has a place on {what}."
    if p.state == State.WAITING:
        return f"{what} is full: {who} is on the waiting list."
    if p.state == State.ALTERNATIVE:
        return f"{who} is offered “{p.alternative}” instead of {what}."
    if p.state == State.NOT_NOW:
        return f"{who} is told “not this time” for {what}, with your reason."
    return f"{who} took part in {what}."


@require_http_methods(["GET", "POST"])
@requires("request.answer", "participation_id")
def answer(request, participation):
    p = menu_requests.answerable(request.user).get(pk=participation.pk)
    alternatives = menu_requests.alternatives_to(p)
    form = AnswerForm(**posted(request), alternatives=alternatives, state=p.state)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        chosen = next((o for o in alternatives if o.pk == data["alternative"]), None)
        try:
            done = menu_services.answer(
                request.user, p, data["decision"], note=data["note"], alternative=chosen
            )
        except ValidationError as exc:
            show_refusal(form, exc)
        else:
            messages.success(request, _answered_words(done, data["decision"]))
            if data["back"] == "pupil":
                return redirect(
                    reverse("opportunities:pupil_opportunities", args=[done.pupil_id])
                    + f"#participation-{done.pk}"
                )
            # Back where they acted: the list the next request to answer is in.
            where = {"place": "waiting-heading", "took_part": "places-heading"}
            return redirect(
                reverse("opportunities:requests", args=[done.opportunity.school_id])
                + "#"
                + where.get(data["decision"], "asked-heading")
            )
    return render(
        request,
        "opportunities/menu/answer.html",
        {
            "p": p,
            "words": menu_requests.staff_words(p),
            "places_left": menu_requests.places_left_of(p),
            "form": form,
        },
        status=400 if form.errors else 200,
    )


def _pupil_page(request, record, offer_form=None, status=200):
    page = menu_requests.pupil_page(request.user, record)
    note_if_carer(request.user, record.account_id, "opportunities", "Their opportunities")
    return render(
        request,
        "opportunities/menu/pupil.html",
        {
            "page": page,
            "offer_form": offer_form or OfferForm(offerable=page.offerable),
            "consent_form": ConsentForm(),
        },
        status=status,
    )


@require_GET
@requires("pupil_opportunities.view", "record_id")
def pupil_opportunities(request, record):
    return _pupil_page(request, record)


@require_POST
@requires("pupil_opportunities.offer", "record_id")
def offer(request, record):
    offerable = menu_requests.pupil_page(request.user, record).offerable
    form = OfferForm(**posted(request), offerable=offerable)
    if form.is_valid():
        opportunity = Opportunity.objects.get(pk=form.cleaned_data["opportunity"])
        try:
            made = menu_services.offer(request.user, record, opportunity, form.cleaned_data["note"])
        except ValidationError as exc:
            show_refusal(form, exc)
        else:
            messages.success(request, f"{record} is offered “{opportunity}”. They will answer.")
            return redirect(
                reverse("opportunities:pupil_opportunities", args=[record.pk])
                + f"#participation-{made.pk}"
            )
    return _pupil_page(request, record, form, status=400)


CONSENT_WORDS = {
    Participation.Consent.GIVEN: "Thank you: you said yes to “{o}”.",
    Participation.Consent.REFUSED: "You said no to “{o}”, so {who} will not go this time.",
    Participation.Consent.WITHDRAWN: "You withdrew your yes to “{o}”, so {who} will not go.",
}


@require_POST
@requires("participation.consent", "participation_id")
def consent(request, participation):
    form = ConsentForm(**posted(request))
    where = reverse("opportunities:pupil_opportunities", args=[participation.pupil_id])
    where += f"#participation-{participation.pk}"
    if not form.is_valid():
        refused(request, refusal_of(form))
        return redirect(where)
    try:
        done = menu_services.answer_consent(
            request.user, participation, form.cleaned_data["choice"]
        )
    except ValidationError as exc:
        refused(request, exc)
        return redirect(where)
    messages.success(
        request,
        CONSENT_WORDS[done.consent].format(o=done.opportunity, who=done.pupil.forename),
    )
    return redirect(where)
