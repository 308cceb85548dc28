"""Quality-standards pages: thin views over services (changes), plans and queries (reads)."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.text import slugify
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from risingtide.access.core import can, requires, visible
from risingtide.lib import uploads
from risingtide.lib.csvexport import csv_response
from risingtide.lib.forms import is_htmx, show_refusal
from risingtide.lib.pdf import to_pdf
from risingtide.standards import exports, monitoring, national, plans, queries, services
from risingtide.standards import frameworks as framework_files
from risingtide.standards.forms import (
    ActionForm,
    EvidenceForm,
    FrameworkImportForm,
    JudgementForm,
    MilestoneForm,
    NoteForm,
)
from risingtide.standards.framework_files import MAX_BYTES
from risingtide.standards.framework_models import Framework, FrameworkVersion, Level
from risingtide.standards.models import EvidenceLink, Judgement, PlanAction

# --- the school's page ----------------------------------------------------------------------


@require_GET
@requires("standards.view", "pk")
def school(request, school):
    standing = queries.standing(school)
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
        messages.error(request, " ".join(exc.messages))
        return redirect("standards_school", school.pk)
    return redirect("self_evaluation", draft.pk)


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
            return redirect("standards_school", school.pk)
    standing = queries.standing(school)
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


# --- one self-evaluation --------------------------------------------------------------------


def _projects(user, school) -> list[tuple[int, str]]:
    return list(
        visible(user, "project").filter(school=school).order_by("title").values_list("pk", "title")
    )


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
    projects = _projects(request.user, evaluation.school) if editable else []
    rows = [
        _row_context(request, evaluation, row, projects=projects, editable=editable)
        for row in profile.rows
    ]
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
            "missing": services.missing(evaluation) if editable else [],
            "submit_problems": submit_problems,
            "can_plan": not evaluation.is_draft
            and can(request.user, "self_evaluation.plan", evaluation),
            "plans": list(evaluation.plans.all()),
        },
        status=status,
    )


def _row(evaluation, element_id: int):
    row = next((r for r in queries.profile(evaluation).rows if r.element.pk == element_id), None)
    if row is None:
        raise Http404
    return row


@require_POST
@requires("self_evaluation.edit", "pk")
def judge(request, evaluation, element_id):
    if not Judgement.objects.filter(evaluation=evaluation, element_id=element_id).exists():
        raise Http404
    row = _row(evaluation, element_id)
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
                return redirect(
                    reverse("self_evaluation", args=[evaluation.pk])
                    + f"#element-{row.element.number}"
                )
            row = _row(evaluation, element_id)
            context = _row_context(request, evaluation, row)
            context["saved"] = True
            return render(request, "standards/_element.html", context)
    else:
        status = 400
    row = _row(evaluation, element_id)
    context = _row_context(request, evaluation, row, form=form)
    if status == 409:
        # The colleague's saved text beside the person's own, which the form keeps.
        context["conflict"] = row.judgement
        form.data = form.data.copy()
        form.data[f"{form.prefix}-revision"] = row.judgement.revision
    if is_htmx(request):
        # htmx swaps only 2xx answers: the refusal comes back as 200, its message inside the
        # element (role=alert), so the person sees it where they typed.
        return render(request, "standards/_element.html", context)
    return render(request, "standards/element_page.html", context, status=status)


@require_POST
@requires("self_evaluation.edit", "pk")
def add_evidence(request, evaluation, element_id):
    if not Judgement.objects.filter(evaluation=evaluation, element_id=element_id).exists():
        raise Http404
    form = EvidenceForm(
        request.POST, request.FILES, projects=_projects(request.user, evaluation.school)
    )
    anchor = reverse("self_evaluation", args=[evaluation.pk])
    number = Judgement.objects.filter(evaluation=evaluation, element_id=element_id).values_list(
        "element__number", flat=True
    )[0]
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
    return redirect(f"{anchor}#element-{number}")


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
    link = EvidenceLink.objects.filter(pk=link_id, judgement__evaluation=evaluation).first()
    if link is None:
        raise Http404
    number = link.judgement.element.number
    try:
        services.remove_evidence(request.user, evaluation, link_id)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, f"Evidence removed from element {number}.")
    return redirect(reverse("self_evaluation", args=[evaluation.pk]) + f"#element-{number}")


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
    return redirect("self_evaluation", evaluation.pk)


@require_POST
@requires("self_evaluation.plan", "pk")
def make_plan(request, evaluation):
    try:
        plan = plans.create_from(request.user, evaluation)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect("self_evaluation", evaluation.pk)
    messages.success(request, "Improvement plan made from the next steps: add who, when and how.")
    return redirect("plan", plan.pk)


# --- the improvement plan -------------------------------------------------------------------


def _elements(plan) -> list[tuple[int, str]]:
    if plan.evaluation_id is None:
        return []
    return [
        (e.pk, f"{e.number} {e.name}") for e in plan.evaluation.version.elements.order_by("number")
    ]


def _action_input(form) -> plans.ActionInput:
    data = form.cleaned_data
    return plans.ActionInput(
        what=data["what"],
        who=data["who"],
        due_on=data["due_on"],
        success_criteria=data["success_criteria"],
        cost=data["cost"],
        credits=data["credits"] or 0,
        status=data["status"],
        impact=data["impact"],
        element_id=data["element"],
    )


def _plan_page(request, plan, *, action_form=None, milestone_form=None, failed=None, status=200):
    today = timezone.localdate()
    actions = list(plan.actions.select_related("element"))
    milestones = list(plan.milestones.all())
    editable = can(request.user, "plan.edit", plan)
    elements = _elements(plan)
    rows = []
    for action in actions:
        form = (
            failed[1]
            if failed and failed[0] == action.pk
            else ActionForm(
                initial={
                    "what": action.what,
                    "element": action.element_id,
                    "who": action.who,
                    "due_on": action.due_on,
                    "success_criteria": action.success_criteria,
                    "cost": action.cost,
                    "credits": action.credits,
                    "status": action.status,
                    "impact": action.impact,
                },
                elements=elements,
                prefix=f"a{action.pk}",
            )
        )
        rows.append({"action": action, "rag": plans.action_rag(action, today), "form": form})
    return render(
        request,
        "standards/plan.html",
        {
            "plan": plan,
            "school": plan.school,
            "rows": rows,
            "milestones": milestones,
            "rag": (rag := plans.plan_rag(actions, milestones, today)),
            "rag_label": plans.RAG_LABELS[rag],
            "today": today,
            "editable": editable,
            "action_form": action_form or ActionForm(elements=elements, prefix="new"),
            "milestone_form": milestone_form or MilestoneForm(),
            "totals": exports.plan_totals(actions),
        },
        status=status,
    )


@require_GET
@requires("plan.view", "pk")
def plan(request, plan):
    return _plan_page(request, plan)


@require_POST
@requires("plan.edit", "pk")
def add_action(request, plan):
    form = ActionForm(request.POST, elements=_elements(plan), prefix="new")
    if form.is_valid():
        try:
            plans.add_action(request.user, plan, _action_input(form))
        except ValidationError as exc:
            show_refusal(form, exc)
        else:
            messages.success(request, "Action added to the plan.")
            return redirect("plan", plan.pk)
    return _plan_page(request, plan, action_form=form, status=400)


@require_POST
@requires("plan.edit", "pk")
def update_action(request, plan, action_id):
    if not PlanAction.objects.filter(pk=action_id, plan=plan).exists():
        raise Http404
    form = ActionForm(request.POST, elements=_elements(plan), prefix=f"a{action_id}")
    if form.is_valid():
        try:
            action = plans.update_action(request.user, plan, action_id, _action_input(form))
        except ValidationError as exc:
            show_refusal(form, exc)
        else:
            messages.success(request, f"Action {action.position} saved.")
            return redirect(reverse("plan", args=[plan.pk]) + f"#action-{action.pk}")
    return _plan_page(request, plan, failed=(action_id, form), status=400)


@require_POST
@requires("plan.edit", "pk")
def add_milestone(request, plan):
    form = MilestoneForm(request.POST)
    if form.is_valid():
        try:
            plans.add_milestone(
                request.user, plan, form.cleaned_data["title"], form.cleaned_data["due_on"]
            )
        except ValidationError as exc:
            show_refusal(form, exc)
        else:
            messages.success(request, "Milestone added.")
            return redirect("plan", plan.pk)
    return _plan_page(request, plan, milestone_form=form, status=400)


@require_POST
@requires("plan.edit", "pk")
def mark_milestone(request, plan, milestone_id):
    if not plan.milestones.filter(pk=milestone_id).exists():
        raise Http404
    plans.mark_milestone(request.user, plan, milestone_id, request.POST.get("done") == "1")
    return redirect(reverse("plan", args=[plan.pk]) + "#milestones")


@require_GET
@requires("plan.view", "pk")
def plan_history(request, plan):
    return render(
        request,
        "standards/plan_history.html",
        {"plan": plan, "school": plan.school, "changes": plan.changes.select_related("actor")},
    )


@require_GET
@requires("plan.view", "pk")
def plan_csv(request, plan):
    return csv_response(exports.plan_filename(plan, "csv"), exports.plan_rows(plan))


@require_GET
@requires("plan.view", "pk")
def plan_pdf(request, plan):
    html = render_to_string("standards/plan_pdf.html", exports.plan_context(plan))
    response = HttpResponse(to_pdf(html=html), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{exports.plan_filename(plan, "pdf")}"'
    response["Cache-Control"] = "private, no-store"
    return response


# --- the LA and the nation ------------------------------------------------------------------


def _number(raw: str | None, low: int, high: int) -> int | None:
    if raw and raw.isascii() and raw.isdigit() and len(raw) < 4 and low <= int(raw) <= high:
        return int(raw)
    return None


def _monitoring(request, la):
    element = _number(request.GET.get("element"), 1, 99)
    level = _number(request.GET.get("level"), 0, 3)
    flag = request.GET.get("flag", "")
    flag = flag if flag in monitoring.FLAGS else ""
    return (
        monitoring.la_monitoring(la, element=element, level=level, flag=flag),
        element,
        level,
        flag,
    )


@require_GET
@requires("standards.monitor", "pk")
def local_authority(request, la):
    table, element, level, flag = _monitoring(request, la)
    return render(
        request,
        "standards/la.html",
        {
            "la": la,
            "monitoring": table,
            "element": element,
            "level": level,
            "flag": flag,
            "flags": monitoring.FLAGS.items(),
            "levels": list(Level),
            "query": request.GET.urlencode(),
        },
    )


@require_GET
@requires("standards.monitor", "pk")
def local_authority_csv(request, la):
    table, *_ = _monitoring(request, la)
    return csv_response(f"standards-{la.code}.csv", exports.monitoring_rows(table))


@require_GET
@requires("standards.indicator", "pk")
def nation(request, nation):
    return render(
        request,
        "standards/nation.html",
        {
            "nation": nation,
            "indicator": (indicator := national.indicator(nation)),
            "overall_groups": [indicator.overall],
            "element_groups": [
                national.LevelCounts(f"{e.number} {e.name}", c.counts, c.total)
                for e, c in indicator.elements
            ],
            "classroom_groups": [c for _, c in indicator.classroom],
            "levels": list(Level),
        },
    )


@require_GET
@requires("standards.indicator", "pk")
def nation_csv(request, nation):
    return csv_response(
        "standards-indicator.csv", exports.indicator_rows(national.indicator(nation))
    )


# --- frameworks -----------------------------------------------------------------------------


@require_GET
@requires("framework.browse")
def frameworks(request):
    return render(
        request,
        "standards/frameworks.html",
        {
            "frameworks": Framework.objects.prefetch_related("versions"),
            "can_manage": can(request.user, "framework.manage"),
        },
    )


def _version(version_id: int) -> FrameworkVersion:
    version = FrameworkVersion.objects.select_related("framework").filter(pk=version_id).first()
    if version is None:
        raise Http404
    return version


@require_GET
@requires("framework.browse")
def framework_version(request, version_id):
    version = _version(version_id)
    themes = version.themes.prefetch_related("elements__prompts")
    return render(
        request,
        "standards/framework_version.html",
        {"version": version, "themes": themes, "can_manage": can(request.user, "framework.manage")},
    )


@require_GET
@requires("framework.browse")
def framework_export(request, version_id):
    version = _version(version_id)
    fmt = "json" if request.GET.get("format") == "json" else "yaml"
    body = framework_files.export(version, fmt)
    response = HttpResponse(
        body,
        content_type="application/json" if fmt == "json" else "application/yaml; charset=utf-8",
    )
    name = slugify(f"{version.framework.key}-{version.label}") or "framework"
    response["Content-Disposition"] = content_disposition_header(True, f"{name}.{fmt}")
    return response


@require_http_methods(["GET", "POST"])
@requires("framework.manage")
def framework_import(request):
    form = FrameworkImportForm(request.POST or None, request.FILES or None)
    problems = []
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            # One byte past the limit is enough for parse to refuse it as too large.
            spec = framework_files.parse(upload.read(MAX_BYTES + 1), upload.name or "")
            version = framework_files.load(spec)
        except framework_files.FrameworkFileError as exc:
            problems = exc.problems
        else:
            messages.success(request, f"Loaded {version}: nothing else was changed.")
            return redirect("framework_version", version.pk)
    return render(
        request,
        "standards/framework_import.html",
        {"form": form, "problems": problems},
        status=400 if request.method == "POST" else 200,
    )
