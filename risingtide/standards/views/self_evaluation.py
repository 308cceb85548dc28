"""One self-evaluation's pages: the elements to judge (saved one at a time, by htmx or an
ordinary POST), their evidence, submitting it, and making an improvement plan from it.

A draft shows one theme at a time (``?theme=B``; at first the first theme with an element still
to answer) under a summary of every theme's progress: the whole IQS as forms is a page about
11,000 px long. Every save comes back to its element, in its theme, with the focus on it.

Its own module because a self-evaluation is a piece of work of its own, from draft to
submission, that senior leaders share element by element (a save that crosses a colleague's
answers 409); the school's page only starts one and shows the one in force.
"""

from urllib.parse import urlencode

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST

from risingtide.access.core import can, requires, visible
from risingtide.lib import uploads
from risingtide.lib.forms import is_htmx, refused, show_refusal
from risingtide.standards import plans, queries, services
from risingtide.standards.forms import EvidenceForm, JudgementForm, ThemeForm
from risingtide.standards.framework_models import Level
from risingtide.standards.models import EvidenceLink, Judgement


def _projects(user, school) -> list[tuple[int, str]]:
    return list(
        visible(user, "project").filter(school=school).order_by("title").values_list("pk", "title")
    )


def _page_url(evaluation, theme_code: str = "", number: int | None = None) -> str:
    """The self-evaluation's page, at one theme (and one element of it)."""
    url = reverse("standards:self_evaluation", args=[evaluation.pk])
    if theme_code:
        url += "?" + urlencode({"theme": theme_code})
    return url + (f"#element-{number}" if number is not None else "")


def _progress_context(evaluation, profile, current=None) -> dict:
    """What the theme summary and the submit panel show, for the page and after each save."""
    progress = profile.progress
    return {
        "progress": progress,
        "current_code": current.theme.code if current else "",
        "answered": profile.answered,
        "total": len(profile.rows),
        "unfinished": [t for t in progress if not t.complete],
        "page_url": reverse("standards:self_evaluation", args=[evaluation.pk]),
    }


def _row_context(request, evaluation, row, form=None, projects=None, editable=None) -> dict:
    if editable is None:
        editable = evaluation.is_draft and can(request.user, "self_evaluation.edit", evaluation)
    return {
        "evaluation": evaluation,
        "row": row,
        "editable": editable,
        "form": form
        or JudgementForm(
            initial={
                "level": row.level,
                "evidence": row.judgement.evidence,
                "next_steps": row.judgement.next_steps,
                "revision": row.judgement.revision,
            },
            prefix=f"e{row.element.number}",
        ),
        "levels": list(Level),
        "projects": projects
        if projects is not None
        else _projects(request.user, evaluation.school),
    }


@require_GET
@requires("self_evaluation.view", "pk")
def evaluation(request, evaluation):
    return _evaluation_page(request, evaluation)


def _evaluation_page(request, evaluation, status=200, submit_problems=None):
    profile = queries.profile(evaluation)
    editable = evaluation.is_draft and can(request.user, "self_evaluation.edit", evaluation)
    current = None
    shown = profile.rows  # a submitted judgement reads whole, as its chequerboard does
    if evaluation.is_draft:
        form = ThemeForm(request.GET, codes=[t.theme.code for t in profile.progress])
        if not form.is_valid():
            raise Http404("This self-evaluation has no such theme.")
        current = profile.theme_to_show(form.cleaned_data["theme"])
        shown = current.rows if current else []
    projects = _projects(request.user, evaluation.school) if editable else []
    rows = [
        _row_context(request, evaluation, row, projects=projects, editable=editable)
        for row in shown
    ]
    progress = profile.progress
    at = next((i for i, t in enumerate(progress) if current and t.theme == current.theme), None)
    return render(
        request,
        "standards/evaluation.html",
        {
            "evaluation": evaluation,
            "school": evaluation.school,
            "profile": profile,
            "rows": rows,
            "editable": editable,
            "projects": projects,
            "board": queries.board(profile),
            "levels": list(Level),
            "current": current,
            "previous_theme": progress[at - 1] if at else None,
            "next_theme": progress[at + 1] if at is not None and at + 1 < len(progress) else None,
            **_progress_context(evaluation, profile, current),
            "submit_problems": submit_problems,
            "can_plan": not evaluation.is_draft
            and can(request.user, "self_evaluation.plan", evaluation),
            "plans": list(evaluation.plans.all()),
        },
        status=status,
    )


def _row(evaluation, element_id: int):
    profile = queries.profile(evaluation)
    row = next((r for r in profile.rows if r.element.pk == element_id), None)
    if row is None:
        raise Http404
    return profile, row


def _saved_element(request, evaluation, profile, row, context: dict, saved: bool):
    """htmx's answer to a save: the element (its focus target marked), and out of band the
    theme summary, the submit panel and the page's live region, saying what happened."""
    theme = next(t for t in profile.progress if t.theme.pk == row.element.theme_id)
    context.update(_progress_context(evaluation, profile, theme))
    context.update(oob=True, saved=saved, focus=True)
    if saved:
        news = f"Element {row.element.number} saved."
        if theme.complete:
            news += f" Every element of theme {theme.theme.code} is answered."
    else:
        news = f"Element {row.element.number} was not saved: see why under its heading."
    context["news"] = news
    return render(request, "standards/_element_saved.html", context)


@require_POST
@requires("self_evaluation.edit", "pk")
def judge(request, evaluation, element_id):
    if not Judgement.objects.filter(evaluation=evaluation, element_id=element_id).exists():
        raise Http404
    profile, row = _row(evaluation, element_id)
    form = JudgementForm(request.POST, prefix=f"e{row.element.number}")
    status = 200
    if form.is_valid():
        data = form.cleaned_data
        try:
            services.record_judgement(
                request.user,
                evaluation,
                element_id,
                level=data["level"],
                evidence=data["evidence"],
                next_steps=data["next_steps"],
                revision=data["revision"],
            )
        except ValidationError as exc:
            status = 409 if getattr(exc, "code", "") == "conflict" else 400
            show_refusal(form, exc)
        else:
            if not is_htmx(request):
                messages.success(request, f"Element {row.element.number} saved.")
                return redirect(_page_url(evaluation, row.element.theme.code, row.element.number))
            profile, row = _row(evaluation, element_id)
            context = _row_context(request, evaluation, row)
            return _saved_element(request, evaluation, profile, row, context, saved=True)
    else:
        status = 400
    profile, row = _row(evaluation, element_id)
    context = _row_context(request, evaluation, row, form=form)
    context["back"] = _page_url(evaluation, row.element.theme.code, row.element.number)
    if status == 409:
        # The colleague's saved text beside the person's own, which the form keeps.
        context["conflict"] = row.judgement
        form.data = form.data.copy()
        form.data[f"{form.prefix}-revision"] = row.judgement.revision
    if is_htmx(request):
        # htmx swaps only 2xx answers: the refusal comes back as 200, its message inside the
        # element (role=alert), so the person sees it where they typed.
        return _saved_element(request, evaluation, profile, row, context, saved=False)
    return render(request, "standards/element_page.html", context, status=status)


@require_POST
@requires("self_evaluation.edit", "pk")
def add_evidence(request, evaluation, element_id):
    if not Judgement.objects.filter(evaluation=evaluation, element_id=element_id).exists():
        raise Http404
    form = EvidenceForm(
        request.POST, request.FILES, projects=_projects(request.user, evaluation.school)
    )
    number, theme_code = Judgement.objects.filter(
        evaluation=evaluation, element_id=element_id
    ).values_list("element__number", "element__theme__code")[0]
    if form.is_valid():
        data = form.cleaned_data
        try:
            services.add_evidence(
                request.user,
                evaluation,
                element_id,
                data["kind"],
                title=data["title"],
                url=data["url"],
                project_id=data["project"],
                upload=data["file"],
            )
        except ValidationError as exc:
            messages.error(
                request, f"Evidence not added to element {number}: " + " ".join(exc.messages)
            )
        else:
            messages.success(request, f"Evidence added to element {number}.")
    else:
        messages.error(
            request,
            f"Evidence not added to element {number}: "
            + " ".join(e for errors in form.errors.values() for e in errors),
        )
    return redirect(_page_url(evaluation, theme_code, number))


@require_GET
@requires("self_evaluation.view", "pk")
def evidence_file(request, evaluation, link_id):
    link = EvidenceLink.objects.filter(
        pk=link_id, judgement__evaluation=evaluation, kind=EvidenceLink.Kind.FILE
    ).first()
    if link is None or not link.file:
        raise Http404
    return uploads.serve(
        link.file.open("rb"), link.file_type, link.file_name, request.headers.get("Range", "")
    )


@require_POST
@requires("self_evaluation.edit", "pk")
def remove_evidence(request, evaluation, link_id):
    link = (
        EvidenceLink.objects.filter(pk=link_id, judgement__evaluation=evaluation)
        .select_related("judgement__element__theme")
        .first()
    )
    if link is None:
        raise Http404
    element = link.judgement.element
    try:
        services.remove_evidence(request.user, evaluation, link_id)
    except ValidationError as exc:
        refused(request, exc)
    else:
        messages.success(request, f"Evidence removed from element {element.number}.")
    return redirect(_page_url(evaluation, element.theme.code, element.number))


@require_POST
@requires("self_evaluation.edit", "pk")
def submit(request, evaluation):
    try:
        services.submit(request.user, evaluation)
    except ValidationError as exc:
        return _evaluation_page(request, evaluation, status=400, submit_problems=exc.messages)
    messages.success(
        request, "Self-evaluation submitted: it is now the school's judgement, and read-only."
    )
    return redirect("standards:self_evaluation", evaluation.pk)


@require_POST
@requires("self_evaluation.plan", "pk")
def make_plan(request, evaluation):
    try:
        plan = plans.create_from(request.user, evaluation)
    except ValidationError as exc:
        refused(request, exc)
        return redirect("standards:self_evaluation", evaluation.pk)
    messages.success(request, "Improvement plan made from the next steps: add who, when and how.")
    return redirect("standards:plan", plan.pk)
