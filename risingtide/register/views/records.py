"""A pupil's record and what is done on it: nominating, adding evidence, deciding.

Its own module because these pages are about one pupil and share one page, the record, shown
again with the refused form when a form on it is refused; every showing is audited.
"""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from risingtide.access.core import requires
from risingtide.lib.forms import posted, show_refusal
from risingtide.register import events, queries, services
from risingtide.register.forms import DecideForm, EvidenceForm, LeaverForm, NominateForm

# Three forms share the record page, several with the same field names (kind, summary,
# domains): each has its own ids.
EVIDENCE_IDS, DECIDE_IDS, LEAVER_IDS = "ev-%s", "d-%s", "ctf-%s"


def show_record(request, pupil, why="Pupil record page", **refused):
    """The record page, or the page shown again (400) with the one form that was refused,
    given by its name (``evidence_form=form``). Every showing is audited."""
    services.log_access(request.user, "pupil_record.viewed", pupil.school, why=why, target=pupil)
    context = queries.record_page(request.user, pupil)
    context.update(
        {
            "parts": events.parts_for(request.user, pupil),
            "evidence_form": EvidenceForm(items=context["items"], auto_id=EVIDENCE_IDS),
            "decide_form": DecideForm(
                initial=DecideForm.initial_for(context["current"]), auto_id=DECIDE_IDS
            ),
            "leaver_form": LeaverForm(auto_id=LEAVER_IDS),
            **refused,
        }
    )
    context["refused"] = next(iter(refused.values()), None)
    return render(request, "register/record.html", context, status=400 if refused else 200)


@require_GET
@requires("pupil_record.view", "pk")
def record(request, pupil):
    return show_record(request, pupil)


@require_http_methods(["GET", "POST"])
@requires("pupil_record.nominate", "pk")
def nominate(request, pupil):
    items = queries.pupil_items(request.user, pupil)
    form = NominateForm(**posted(request), items=items, auto_id="n-%s")
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.nominate(
                request.user,
                pupil,
                domains=data["domains"],
                summary=data["summary"],
                kind=data["kind"],
                item=data["item"],
            )
        except ValidationError as exc:
            show_refusal(form, exc)
        else:
            messages.success(request, f"{pupil} is nominated. The G&T coordinator will decide.")
            return redirect(reverse("register:register_pupil", args=[pupil.pk]))
    if request.method == "GET":
        services.log_access(
            request.user, "pupil_record.viewed", pupil.school, why="Nomination form", target=pupil
        )
    return render(
        request,
        "register/nominate.html",
        {"pupil": pupil, "school": pupil.school, "items": items, "form": form},
        status=400 if request.method == "POST" else 200,
    )


@require_POST
@requires("pupil_record.nominate", "pk")
def add_evidence(request, pupil):
    form = EvidenceForm(
        request.POST, items=queries.pupil_items(request.user, pupil), auto_id=EVIDENCE_IDS
    )
    if form.is_valid():
        try:
            services.add_evidence(request.user, pupil, **form.cleaned_data)
        except ValidationError as exc:
            show_refusal(form, exc)
        else:
            messages.success(request, "Evidence added.")
            return redirect(reverse("register:register_pupil", args=[pupil.pk]) + "#evidence")
    return show_record(request, pupil, evidence_form=form)


@require_POST
@requires("pupil_record.decide", "pk")
def decide(request, pupil):
    form = DecideForm(request.POST, auto_id=DECIDE_IDS)
    if form.is_valid():
        try:
            services.decide(request.user, pupil, **form.cleaned_data)
        except ValidationError as exc:
            show_refusal(form, exc)
        else:
            messages.success(request, "Decision recorded.")
            # To the history, where the new decision now heads the table.
            return redirect(reverse("register:register_pupil", args=[pupil.pk]) + "#history")
    return show_record(request, pupil, decide_form=form)
