"""Feedback's pages (the inbox, the menu's badge, a pupil's progress record) and its actions
(a comment, a reply, a next step's answer, rubric levels, judgements, reviews).

The actions are posted from other apps' pages and answer by going back to them: what they read
comes through ``feedback.forms``, and a refusal is said as a message there (``lib.forms``).
"""

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
from risingtide.feedback.forms import (
    AnswerForm,
    CommentForm,
    HideReviewForm,
    JudgementsForm,
    ReplyForm,
    ReviewForm,
    RubricForm,
)
from risingtide.feedback.progress_record import csv_rows
from risingtide.feedback.progress_record import progress_record as build_progress_record
from risingtide.lib.csvexport import csv_response
from risingtide.lib.forms import refusal_of, refused
from risingtide.lib.pdf import to_pdf
from risingtide.people.models import Role


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
    form = CommentForm(request.POST)
    try:
        if not form.is_valid():
            raise refusal_of(form)
        data = form.cleaned_data
        comment = services.give(
            request.user,
            portfolio,
            data["kind"],
            data["body"],
            item_id=data["item"],
            connection_id=data["connection"],
            stage=data["stage"],
        )
    except ValidationError as exc:
        refused(request, exc)
        return redirect(_back(request, reverse("portfolios:portfolio", args=[portfolio.pk])))
    messages.success(request, f"{comment.get_kind_display()} added.")
    return redirect(queries.target_url(comment))


def _answer(request, comment, form, change) -> object:
    """After a reply or a next step's answer: back to the thread, with the refusal (the
    form's or the service's) said above it."""
    try:
        if not form.is_valid():
            raise refusal_of(form)
        change(form)
    except ValidationError as exc:
        refused(request, exc)
    return redirect(queries.target_url(comment))


@require_POST
@requires("comment.reply", "pk")
def reply(request, comment):
    return _answer(
        request,
        comment,
        ReplyForm(request.POST),
        lambda form: services.reply(request.user, comment, form.cleaned_data["body"]),
    )


@require_POST
@requires("comment.mark_done", "pk")
def mark_done(request, comment):
    return _answer(
        request,
        comment,
        ReplyForm(request.POST),
        lambda form: services.mark_done(request.user, comment, form.cleaned_data["body"]),
    )


@require_POST
@requires("comment.accept", "pk")
def accept(request, comment):
    return _answer(
        request,
        comment,
        AnswerForm(request.POST),
        lambda form: services.accept(
            request.user, comment, form.accepted(), form.cleaned_data["body"]
        ),
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
    form = RubricForm(request.POST)
    try:
        if not form.is_valid():
            raise refusal_of(form)
        services.set_levels(request.user, project, form.lines())
    except ValidationError as exc:
        refused(request, exc)
    else:
        messages.success(request, "Rubric levels saved.")
    return redirect("tasc:project", project.pk)


@require_POST
@requires("portfolio.comment", "pk")
def judge(request, portfolio):
    """Judgements against every success criterion, from one form: all saved, or none."""
    form = JudgementsForm(request.POST, criteria=len(portfolio.project.success_criteria))
    try:
        if not form.is_valid():
            raise refusal_of(form)
        with transaction.atomic():
            for criterion, level, evidence in form.judgements():
                services.judge(request.user, portfolio, criterion, level, evidence)
    except ValidationError as exc:
        refused(request, exc)
    else:
        messages.success(request, "Judgements saved.")
    return redirect(reverse("portfolios:portfolio", args=[portfolio.pk]) + "#judgements")


@require_POST
@requires("presentation.review", "pk")
def review(request, portfolio):
    """A rubric review of a presentation: one's own (self-evaluation) or a classmate's."""
    form = ReviewForm(request.POST, criteria=len(portfolio.project.success_criteria))
    try:
        if not form.is_valid():
            raise refusal_of(form)
        data = form.cleaned_data
        services.review(request.user, portfolio, form.levels(), data["comment"], data["anonymous"])
    except ValidationError as exc:
        refused(request, exc)
    else:
        messages.success(request, "Review saved.")
    return redirect(reverse("portfolios:presentation", args=[portfolio.pk]) + "#reviews")


@require_POST
@requires("portfolio.comment", "pk")
def hide_review(request, portfolio, review_id: int):
    form = HideReviewForm(request.POST)
    try:
        if not form.is_valid():
            raise refusal_of(form)
        services.hide_review(request.user, portfolio, review_id, form.cleaned_data["hidden"])
    except ValidationError as exc:
        refused(request, exc)
    return redirect(reverse("portfolios:presentation", args=[portfolio.pk]) + "#reviews")
