from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_GET, require_POST

from risingtide.access.core import can, requires, roles
from risingtide.audit.models import record as record_event
from risingtide.feedback import queries, services
from risingtide.feedback.progress_record import csv_rows
from risingtide.feedback.progress_record import progress_record as build_progress_record
from risingtide.lib.csvexport import csv_response
from risingtide.lib.forms import refused
from risingtide.lib.pdf import to_pdf
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
        refused(request, exc)
        return redirect(_back(request, reverse("portfolio", args=[portfolio.pk])))
    messages.success(request, f"{comment.get_kind_display()} added.")
    return redirect(queries.target_url(comment))


def _answer(request, comment, change) -> object:
    try:
        change()
    except ValidationError as exc:
        refused(request, exc)
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


@require_GET
@requires("feedback.inbox")
def badge(request):
    """The count beside Feedback in the menu, fetched after the page has drawn (htmx): what a
    teacher has waiting, or a pupil's unread threads; nothing when there is nothing."""
    held = roles(request.user)
    teaching = bool(held & {Role.TEACHER, Role.LEADING_TEACHER, Role.HEAD})
    waiting = queries.badge_count(request.user, Role.PUPIL in held, teaching)
    word = "waiting" if teaching else "new"
    response = render(request, "feedback/_badge.html", {"waiting": waiting, "word": word})
    response["Cache-Control"] = "private, no-store"
    return response


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


@require_GET
@requires("pupil.progress_record", "pk")
def progress_record(request, pupil):
    record = build_progress_record(request.user, pupil)
    return render(request, "feedback/progress_record.html", {"record": record, "pdf": False})


@require_GET
@requires("pupil.progress_record", "pk")
def progress_record_pdf(request, pupil):
    record = build_progress_record(request.user, pupil)
    html = render_to_string("feedback/progress_record.html", {"record": record, "pdf": True})
    pdf = to_pdf(html=html)  # the record has no pictures: the PDF reads no file at all
    record_event(request.user, "pupil.progress_record_pdf", pupil)
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="progress-record-{pupil.pk}.pdf"'
    response["Cache-Control"] = "private, no-store"
    return response


@require_GET
@requires("pupil.progress_record", "pk")
def progress_record_csv(request, pupil):
    record_event(request.user, "pupil.progress_record_csv", pupil)
    rows = csv_rows(build_progress_record(request.user, pupil))
    return csv_response(f"progress-record-{pupil.pk}.csv", rows)


@require_POST
@requires("project.edit", "pk")
def rubric(request, project):
    try:
        services.set_levels(request.user, project, request.POST.get("levels", "").splitlines())
    except ValidationError as exc:
        refused(request, exc)
    else:
        messages.success(request, "Rubric levels saved.")
    return redirect("project", project.pk)


@require_POST
@requires("portfolio.comment", "pk")
def judge(request, portfolio):
    """Judgements against every success criterion, from one form."""
    try:
        with transaction.atomic():
            for index, _ in enumerate(portfolio.project.success_criteria):
                raw = request.POST.get(f"level_{index}", "")
                level = int(raw) if raw.isascii() and raw.isdigit() and len(raw) < 3 else None
                services.judge(
                    request.user, portfolio, index, level, request.POST.get(f"evidence_{index}", "")
                )
    except ValidationError as exc:
        refused(request, exc)
    else:
        messages.success(request, "Judgements saved.")
    return redirect(reverse("portfolio", args=[portfolio.pk]) + "#judgements")


@require_POST
@requires("presentation.review", "pk")
def review(request, portfolio):
    """A rubric review of a presentation: one's own (self-evaluation) or a classmate's."""
    levels = {}
    for index, _ in enumerate(portfolio.project.success_criteria):
        raw = request.POST.get(f"level_{index}", "")
        if raw.isascii() and raw.isdigit() and len(raw) < 3:
            levels[index] = int(raw)
    try:
        services.review(
            request.user,
            portfolio,
            levels,
            request.POST.get("comment", ""),
            request.POST.get("anonymous") == "1",
        )
    except ValidationError as exc:
        refused(request, exc)
    else:
        messages.success(request, "Review saved.")
    return redirect(reverse("presentation", args=[portfolio.pk]) + "#reviews")


@require_POST
@requires("portfolio.comment", "pk")
def hide_review(request, portfolio, review_id: int):
    try:
        services.hide_review(request.user, portfolio, review_id, request.POST.get("hidden") == "1")
    except ValidationError as exc:
        refused(request, exc)
    return redirect(reverse("presentation", args=[portfolio.pk]) + "#reviews")
