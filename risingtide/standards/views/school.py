"""A school's standards page: its standing (the judgement in force, its chequerboard, the plan
and its RAG, the LA's notes), where a self-evaluation starts and the LA lead leaves a note.

The front door of the standards pages; the self-evaluation, the plan, the LA's and the
nation's pages and the frameworks each have a module of their own beside it.
"""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from risingtide.access.core import can, requires
from risingtide.lib.forms import refused, show_refusal
from risingtide.standards import plans, queries, services
from risingtide.standards.forms import (
    NoteForm,
)
from risingtide.standards.framework_models import Level


@require_GET
@requires("standards.view", "pk")
def school(request, school):
    standing = queries.standing(request.user, school)
    user = request.user
    return render(
        request,
        "standards/school.html",
        {
            "school": school,
            "standing": standing,
            "rag_label": plans.RAG_LABELS.get(standing.plan_rag, ""),
            "can_evaluate": can(user, "standards.evaluate", school),
            "can_plan": can(user, "standards.plan", school),
            "can_note": can(user, "standards.note", school),
            "can_summary": can(user, "classroom.summary", school),
            "can_see_draft": bool(standing.draft)
            and can(user, "self_evaluation.view", standing.draft),
            "board": queries.board(standing.profile) if standing.profile else None,
            "levels": list(Level),
            "note_form": NoteForm(initial={"reviewed_on": timezone.localdate()}),
        },
    )


@require_POST
@requires("standards.evaluate", "pk")
def start(request, school):
    try:
        draft = services.start(request.user, school)
    except ValidationError as exc:
        refused(request, exc)
        return redirect("standards:standards_school", school.pk)
    return redirect("standards:self_evaluation", draft.pk)


@require_POST
@requires("standards.note", "pk")
def leave_note(request, school):
    form = NoteForm(request.POST)
    if form.is_valid():
        try:
            services.leave_note(
                request.user,
                school,
                form.cleaned_data["text"],
                form.cleaned_data["agreed_actions"],
                form.cleaned_data["reviewed_on"],
            )
        except ValidationError as exc:
            show_refusal(form, exc)
        else:
            messages.success(request, "Note saved: the school sees it on its standards page.")
            return redirect("standards:standards_school", school.pk)
    standing = queries.standing(request.user, school)
    return render(
        request,
        "standards/school.html",
        {
            "school": school,
            "standing": standing,
            "can_note": True,
            "note_form": form,
            "board": queries.board(standing.profile) if standing.profile else None,
            "levels": list(Level),
        },
        status=400,
    )
