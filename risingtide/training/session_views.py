"""Face-to-face session pages. For schedulers: their sessions, the schedule form, a session
with its sign-ups and waiting list, cancelling it, and the register taken on the day (one row
saved at a time, with htmx where there is script). For learners: signing up, giving a place
up, and the calendar invitation. Thin views over ``session_queries`` and ``sessions``."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from risingtide.access.core import anchors, requires
from risingtide.lib.forms import is_htmx, posted, refusal_of, refused, show_refusal
from risingtide.people.models import Role
from risingtide.schools.models import LocalAuthority
from risingtide.training import invitations, session_queries, sessions
from risingtide.training.models import SignUp
from risingtide.training.session_forms import (
    SCHEDULE_FIELDS,
    CancelSessionForm,
    MarkForm,
    ScheduleForm,
)


@require_GET
@requires("training.sessions")
def scheduled(request):
    now = timezone.now()
    found = list(session_queries.scheduled(request.user))
    return render(
        request,
        "training/sessions/scheduled.html",
        {
            "upcoming": [s for s in found if s.ends_at > now],
            "past": [s for s in found if s.ends_at <= now][::-1],
            "programmes": session_queries.schedulable(request.user),
        },
    )


def _owner(user, programme):
    """Whose session it is: the nation's for a national officer and a national programme,
    otherwise the scheduler's LA."""
    held = anchors(user)
    if Role.NATIONAL_OFFICER in held and programme.nation_id:
        return programme.nation
    las = held[Role.LA_LEAD].las if Role.LA_LEAD in held else set()
    return LocalAuthority.objects.filter(pk__in=las).order_by("name").first()


@require_http_methods(["GET", "POST"])
@requires("programme.schedule", "pk")
def schedule(request, programme):
    form = ScheduleForm(**posted(request))
    if request.method == "POST" and form.is_valid():
        starts_at, ends_at = form.times()
        data = form.cleaned_data
        try:
            made = sessions.schedule(
                request.user,
                programme,
                _owner(request.user, programme),
                half_day=data["half_day"],
                venue=data["venue"],
                address=data["address"],
                starts_at=starts_at,
                ends_at=ends_at,
                capacity=data["capacity"],
            )
        except ValidationError as exc:
            if hasattr(exc, "error_dict"):
                exc = ValidationError(
                    {SCHEDULE_FIELDS.get(k, k): v for k, v in exc.error_dict.items()}
                )
            show_refusal(form, exc)
        else:
            messages.success(request, f"Scheduled: {made.venue}, {_when(made)}.")
            return redirect(reverse("training:session", args=[made.pk]) + "#session-heading")
    status = 400 if form.errors else 200
    return render(
        request,
        "training/sessions/schedule.html",
        {"programme": programme, "form": form},
        status=status,
    )


def _when(session) -> str:
    start, end = timezone.localtime(session.starts_at), timezone.localtime(session.ends_at)
    return f"{start:%A %-d %B %Y}, {start:%H:%M}–{end:%H:%M}"


def _session_page(request, session, cancel_form=None, status=200):
    return render(
        request,
        "training/sessions/session.html",
        {
            "shown": session_queries.session_shown(session),
            "cancel_form": cancel_form or CancelSessionForm(),
        },
        status=status,
    )


@require_GET
@requires("scheduled_session.view", "pk")
def session(request, session):
    return _session_page(request, session)


@require_POST
@requires("session.run", "pk")
def cancel_session(request, session):
    form = CancelSessionForm(**posted(request))
    if form.is_valid():
        try:
            sessions.cancel_session(request.user, session, form.cleaned_data["reason"])
        except ValidationError as exc:
            show_refusal(form, exc)
        else:
            messages.success(
                request, "The session is cancelled; everyone booked or waiting is told."
            )
            return redirect(reverse("training:session", args=[session.pk]) + "#session-heading")
    return _session_page(request, session, form, status=400)


@require_GET
@requires("scheduled_session.view", "pk")
def register(request, session):
    return render(
        request,
        "training/sessions/register.html",
        {"shown": session_queries.session_shown(session)},
    )


@require_POST
@requires("session.run", "pk")
def mark(request, session):
    """One row of the register. With htmx: the row alone, saying what was saved (200 even when
    refused: htmx swaps nothing from a 4xx, and the row carries its own errors). Without
    script: back to the register at the row, with a message."""
    form = MarkForm(**posted(request))
    if not form.is_valid():
        refused(request, refusal_of(form))
        return redirect(reverse("training:register", args=[session.pk]))
    data = form.cleaned_data
    found = SignUp.objects.filter(
        pk=data["sign_up"], session=session, status=SignUp.Status.BOOKED
    ).first()
    errors: dict[str, list[str]] = {}
    try:
        sessions.mark(
            request.user,
            session,
            data["sign_up"],
            attendance=data["attendance"] or None,
            arrived=data["arrived"],
            left=data["left"],
        )
    except ValidationError as exc:
        errors = exc.message_dict if hasattr(exc, "error_dict") else {"row": exc.messages}
    if found is None or not is_htmx(request):
        if errors:
            refused(request, ValidationError([m for ms in errors.values() for m in ms]))
        else:
            messages.success(request, f"Saved: {found.learner.get_full_name()}.")
        anchor = f"#row-{found.pk}" if found else ""
        return redirect(reverse("training:register", args=[session.pk]) + anchor)
    return render(
        request,
        "training/sessions/_register_row.html",
        {
            "row": session_queries.register_row(found),
            "mark_url": reverse("training:mark", args=[session.pk]),
            "errors": errors,
            "saved": not errors,
            "posted": request.POST if errors else None,
        },
    )


def _to_programme(session, anchor="sessions"):
    return redirect(reverse("training:programme", args=[session.programme_id]) + f"#{anchor}")


@require_POST
@requires("training_session.sign_up", "pk")
def sign_up(request, session):
    try:
        made = sessions.sign_up(request.user, session)
    except ValidationError as exc:
        refused(request, exc)
        return _to_programme(session, f"half-day-{session.half_day}")
    if made.status == SignUp.Status.BOOKED:
        messages.success(request, f"You are booked: {session.venue}, {_when(session)}.")
    else:
        messages.success(
            request,
            f"The session is full: you are number {sessions.waiting_place(made)} on its waiting "
            "list. If a place comes free it is yours, and we will email you.",
        )
    return _to_programme(session, f"sign-up-{made.pk}")


@require_POST
@requires("training_session.sign_up", "pk")
def cancel_place(request, session):
    try:
        sessions.cancel_place(request.user, session)
    except ValidationError as exc:
        refused(request, exc)
    else:
        messages.success(request, f"Cancelled: your place at {session.venue}, {_when(session)}.")
    return _to_programme(session, f"half-day-{session.half_day}")


@require_GET
@requires("training_session.sign_up", "pk")
def invitation(request, session):
    """The calendar invitation of a session the person is booked on."""
    if not SignUp.objects.filter(
        session=session, learner=request.user, status=SignUp.Status.BOOKED
    ).exists():
        raise Http404
    url = request.build_absolute_uri(reverse("training:programme", args=[session.programme_id]))
    response = HttpResponse(
        invitations.invitation(session, url), content_type="text/calendar; charset=utf-8"
    )
    response["Content-Disposition"] = f'attachment; filename="{invitations.filename(session)}"'
    return response
