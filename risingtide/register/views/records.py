"""A pupil's record and what is done on it: nominating, adding evidence, deciding.

Its own module because these pages are about one pupil and share one page, the record, shown
again with the refusal when a form on it is refused; every showing is audited.
"""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from risingtide.access.core import requires, visible
from risingtide.portfolios.models import Item
from risingtide.register import queries, services
from risingtide.register.models import Evidence
from risingtide.register.views.inputs import field_errors, optional_date


def _score(raw: str) -> float | None:
    if not raw.strip():
        return None
    try:
        return float(raw)
    except ValueError:
        raise ValidationError({"score": "The score is a number, e.g. 124."}) from None


def show_record(request, pupil, errors=None, status=200, form=None, why="Pupil record page"):
    """The record page (also shown again after a refused form): every showing is audited."""
    services.log_access(request.user, "pupil_record.viewed", pupil.school, why=why, target=pupil)
    context = queries.record_page(request.user, pupil)
    context.update(errors=errors or {}, form=form or {})
    return render(request, "register/record.html", context, status=status)


@require_GET
@requires("pupil_record.view", "pk")
def record(request, pupil):
    return show_record(request, pupil)


@require_http_methods(["GET", "POST"])
@requires("pupil_record.nominate", "pk")
def nominate(request, pupil):
    if request.method == "GET":
        services.log_access(
            request.user,
            "pupil_record.viewed",
            pupil.school,
            why="Nomination form",
            target=pupil,
        )
        return render(
            request,
            "register/nominate.html",
            {**queries.record_page(request.user, pupil), "errors": {}, "form": {}, "chosen": []},
        )
    item = _item(request, pupil)
    try:
        services.nominate(
            request.user,
            pupil,
            domains=request.POST.getlist("domains"),
            summary=request.POST.get("summary", ""),
            kind=request.POST.get("kind") or Evidence.Kind.TEACHER_NOMINATION,
            item=item,
        )
    except ValidationError as exc:
        context = queries.record_page(request.user, pupil)
        context.update(
            errors=field_errors(exc), form=request.POST, chosen=request.POST.getlist("domains")
        )
        return render(request, "register/nominate.html", context, status=400)
    messages.success(request, f"{pupil} is nominated. The G&T coordinator will decide.")
    return redirect(reverse("register_pupil", args=[pupil.pk]))


def _item(request, pupil):
    raw = request.POST.get("item", "")
    if not (raw.isascii() and raw.isdigit() and len(raw) < 12):
        return None
    return visible(request.user, Item).filter(pk=int(raw)).first()


@require_POST
@requires("pupil_record.nominate", "pk")
def add_evidence(request, pupil):
    try:
        services.add_evidence(
            request.user,
            pupil,
            kind=request.POST.get("kind", ""),
            summary=request.POST.get("summary", ""),
            domain=request.POST.get("domain", ""),
            measure=request.POST.get("measure", ""),
            score=_score(request.POST.get("score", "")),
            item=_item(request, pupil),
        )
    except ValidationError as exc:
        return show_record(
            request,
            pupil,
            {f"evidence_{k}": v for k, v in field_errors(exc).items()},
            400,
            request.POST,
        )
    messages.success(request, "Evidence added.")
    return redirect(reverse("register_pupil", args=[pupil.pk]) + "#evidence")


@require_POST
@requires("pupil_record.decide", "pk")
def decide(request, pupil):
    try:
        services.decide(
            request.user,
            pupil,
            status=request.POST.get("status", ""),
            domains=request.POST.getlist("domains"),
            top_5=request.POST.get("top_5") == "on",
            reason=request.POST.get("reason", ""),
            next_review=optional_date(request.POST.get("next_review", ""), "next_review"),
        )
    except ValidationError as exc:
        return show_record(
            request,
            pupil,
            {f"decide_{k}": v for k, v in field_errors(exc).items()},
            400,
            request.POST,
        )
    messages.success(request, "Decision recorded.")
    return redirect(reverse("register_pupil", args=[pupil.pk]))
