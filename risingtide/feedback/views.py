from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_GET, require_POST

from risingtide.access.core import can, requires, roles
from risingtide.feedback import queries, services
from risingtide.people.models import Role


def _id(request, name: str) -> int | None:
    value = request.POST.get(name, "")
    return int(value) if value.isascii() and value.isdigit() and len(value) < 12 else None


def _back(request, fallback: str) -> str:
    """Back to the page the form was on (a path on this site only), else ``fallback``."""
    target = request.POST.get("next", "")
    safe = target.startswith("/") and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    )
    return target if safe else fallback


@require_POST
@requires("portfolio.comment", "pk")
def give(request, portfolio):
    try:
        comment = services.give(
            request.user,
            portfolio,
            request.POST.get("kind", ""),
            request.POST.get("body", ""),
            item_id=_id(request, "item"),
            connection_id=_id(request, "connection"),
            stage=request.POST.get("stage", ""),
        )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect(_back(request, reverse("portfolio", args=[portfolio.pk])))
    messages.success(request, f"{comment.get_kind_display()} added.")
    return redirect(queries.target_url(comment))


def _answer(request, comment, change) -> object:
    try:
        change()
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    return redirect(queries.target_url(comment))


@require_POST
@requires("comment.reply", "pk")
def reply(request, comment):
    return _answer(
        request,
        comment,
        lambda: services.reply(request.user, comment, request.POST.get("body", "")),
    )


@require_POST
@requires("comment.mark_done", "pk")
def mark_done(request, comment):
    return _answer(
        request,
        comment,
        lambda: services.mark_done(request.user, comment, request.POST.get("body", "")),
    )


@require_POST
@requires("comment.accept", "pk")
def accept(request, comment):
    accepted = request.POST.get("decision") == "accept"
    return _answer(
        request,
        comment,
        lambda: services.accept(request.user, comment, accepted, request.POST.get("body", "")),
    )


@require_GET
@requires("feedback.inbox")
def inbox(request):
    held = roles(request.user)
    context = {"is_pupil": Role.PUPIL in held}
    if Role.PUPIL in held:
        context["threads"] = queries.pupil_inbox(request.user)
    if held & {Role.TEACHER, Role.LEADING_TEACHER, Role.HEAD}:
        context["waiting"] = queries.teacher_inbox(request.user)
    return render(request, "feedback/inbox.html", context)


def threads_context(request, portfolio, **target) -> dict:
    """What ``feedback/_threads.html`` needs on a portfolio page; showing them reads them."""
    threads = queries.threads_on(request.user, portfolio, **target)
    services.mark_read(request.user, threads)
    return {
        "threads": threads,
        "can_give": can(request.user, "portfolio.comment", portfolio),
        "is_pupil_here": can(request.user, "portfolio.edit", portfolio),
        "here": request.get_full_path(),
    }
