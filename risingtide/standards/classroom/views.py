"""Classroom self-evaluation (CQS) pages: thin views over the package's ``services`` (changes)
and ``queries`` (reads).

Each prompt and feature saves on its own: by htmx, which swaps in the saved part (and the lags
section beside it), or without JavaScript as an ordinary POST and redirect.
"""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from risingtide.access.core import can, requires
from risingtide.lib.csvexport import csv_response
from risingtide.lib.forms import is_htmx, posted, show_refusal
from risingtide.standards.classroom import queries, services
from risingtide.standards.classroom.forms import (
    FeatureForm,
    NextStepsForm,
    RatingForm,
    ShareForm,
    StartForm,
)
from risingtide.standards.framework_models import Element, Prompt
from risingtide.tasc.services import staff_schools

# --- my reflections -------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
@requires("classroom.start")
def evaluation_list(request):
    user = request.user
    schools = list(staff_schools(user).order_by("name"))
    form = StartForm(**posted(request), schools=schools, colleagues=list(queries.colleagues(user)))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            evaluation = services.start(
                user, form.school(), data["class_name"], data["subject"], data["colleague"]
            )
        except ValidationError as exc:
            show_refusal(form, exc)
        else:
            messages.success(request, "Started. Rate each prompt for all and for G&T learners.")
            return redirect("standards:classroom_evaluation", evaluation.pk)
    return render(
        request,
        "standards/classroom/list.html",
        {"evaluations": queries.my_evaluations(user), "form": form, "schools": schools},
        status=400 if request.method == "POST" else 200,
    )


# --- one reflection -------------------------------------------------------------------------


def _context(request, evaluation, *, rating_forms=None, feature_forms=None, **extra) -> dict:
    user = request.user
    reflection = queries.reflection(evaluation)
    may_edit = can(user, "classroom_evaluation.edit", evaluation)
    is_open = evaluation.completed_at is None
    rating_forms = rating_forms or {}
    feature_forms = feature_forms or {}
    for feature in reflection.features:
        for row in feature.prompts:
            row.form = rating_forms.get(row.prompt.pk) or RatingForm(
                prefix=f"p{row.prompt.pk}",
                initial={
                    "for_all": row.rating.for_all,
                    "for_gt": row.rating.for_gt,
                    "evidence": row.rating.evidence,
                },
            )
        feature.form = feature_forms.get(feature.element.pk) or FeatureForm(
            prefix=f"f{feature.element.pk}",
            initial={"level": feature.level.level, "next_step": feature.level.next_step},
        )
    return {
        "evaluation": evaluation,
        "reflection": reflection,
        "editable": may_edit and is_open,
        "may_edit": may_edit,
        "is_owner": evaluation.teacher_id == user.pk,
        "next_steps_form": extra.pop("next_steps_form", None)
        or NextStepsForm(initial={"next_steps": evaluation.next_steps}),
        **extra,
    }


def _back(evaluation, anchor: str = ""):
    return redirect(reverse("standards:classroom_evaluation", args=[evaluation.pk]) + anchor)


@require_GET
@requires("classroom_evaluation.view", "pk")
def evaluation(request, evaluation):
    return render(request, "standards/classroom/evaluation.html", _context(request, evaluation))


def _answer(request, evaluation, saved: bool, anchor: str, part: str, context: dict):
    """After saving one part of the page. Without JavaScript: back to the page, or the page
    with the part's errors (400). With htmx: the part alone, 200 even when refused, because
    htmx 2 swaps nothing from a 4xx and the part carries its own error messages."""
    if not is_htmx(request):
        if saved:
            messages.success(request, "Saved.")
            return _back(evaluation, anchor)
        return render(request, "standards/classroom/evaluation.html", context, status=400)
    return render(request, part, {**context, "saved": saved})


@require_POST
@requires("classroom_evaluation.edit", "pk")
def rate(request, evaluation, prompt_id):
    if not Prompt.objects.filter(pk=prompt_id, element__version_id=evaluation.version_id).exists():
        raise Http404
    form = RatingForm(request.POST, prefix=f"p{prompt_id}")
    saved = False
    if form.is_valid():
        data = form.cleaned_data
        try:
            services.rate(
                request.user,
                evaluation,
                prompt_id,
                data["for_all"],
                data["for_gt"],
                data["evidence"],
            )
            saved = True
        except ValidationError as exc:
            show_refusal(form, exc)
    context = _context(request, evaluation, rating_forms={} if saved else {prompt_id: form})
    for feature in context["reflection"].features:
        for row in feature.prompts:
            if row.prompt.pk == prompt_id:
                context.update(feature=feature, row=row)
    return _answer(
        request,
        evaluation,
        saved,
        f"#prompt-{prompt_id}",
        "standards/classroom/_prompt_response.html",
        context,
    )


@require_POST
@requires("classroom_evaluation.edit", "pk")
def feature(request, evaluation, element_id):
    if not Element.objects.filter(pk=element_id, version_id=evaluation.version_id).exists():
        raise Http404
    form = FeatureForm(request.POST, prefix=f"f{element_id}")
    saved = False
    if form.is_valid():
        data = form.cleaned_data
        try:
            services.set_feature(
                request.user, evaluation, element_id, data["level"], data["next_step"]
            )
            saved = True
        except ValidationError as exc:
            show_refusal(form, exc)
    context = _context(request, evaluation, feature_forms={} if saved else {element_id: form})
    context["feature"] = next(
        f for f in context["reflection"].features if f.element.pk == element_id
    )
    return _answer(
        request,
        evaluation,
        saved,
        f"#feature-{element_id}",
        "standards/classroom/_feature.html",
        context,
    )


@require_POST
@requires("classroom_evaluation.edit", "pk")
def next_steps(request, evaluation):
    form = NextStepsForm(request.POST)
    if form.is_valid():
        try:
            services.write_next_steps(request.user, evaluation, form.cleaned_data["next_steps"])
        except ValidationError as exc:
            show_refusal(form, exc)
        else:
            messages.success(request, "Your next steps are saved.")
            return _back(evaluation, "#next-steps")
    context = _context(request, evaluation, next_steps_form=form)
    return render(request, "standards/classroom/evaluation.html", context, status=400)


@require_POST
@requires("classroom_evaluation.edit", "pk")
def complete(request, evaluation):
    try:
        services.complete(request.user, evaluation)
    except ValidationError as exc:
        context = _context(request, evaluation, complete_problems=exc.messages)
        return render(request, "standards/classroom/evaluation.html", context, status=400)
    messages.success(request, "Your reflection is complete.")
    return _back(evaluation)


@require_POST
@requires("classroom_evaluation.edit", "pk")
def share(request, evaluation):
    form = ShareForm(request.POST)
    if not form.is_valid():
        context = _context(request, evaluation, share_form=form)
        return render(request, "standards/classroom/evaluation.html", context, status=400)
    shared = form.cleaned_data["shared"]
    evaluation = services.share(request.user, evaluation, shared)  # refuses a non-owner: 403
    messages.success(
        request,
        "Shared with your school's G&T coordinator and head."
        if shared
        else "No longer shared: only you and your observing colleague see it.",
    )
    return _back(evaluation, "#sharing")


@require_GET
@requires("classroom_evaluation.view", "pk")
def evaluation_csv(request, evaluation):
    reflection = queries.reflection(evaluation)
    rows = [
        [
            "Feature",
            "Prompt",
            "Text",
            "For all learners",
            "For G&T learners",
            "G&T lags",
            "Evidence",
        ]
    ]
    for feature in reflection.features:
        for row in feature.prompts:
            r = row.rating
            rows.append(
                [
                    f"{feature.element.number} {feature.element.name}",
                    f"{feature.element.number}.{row.prompt.number}",
                    row.prompt.text,
                    r.get_for_all_display() if r.for_all else "",
                    r.get_for_gt_display() if r.for_gt else "",
                    "yes" if r.gt_lags else "",
                    r.evidence,
                ]
            )
    rows += [[], ["Feature", "Level", "Next step"]]
    rows += [
        [
            f"{f.element.number} {f.element.name}",
            f.level.get_level_display() if f.level.level else "",
            f.level.next_step,
        ]
        for f in reflection.features
    ]
    rows += [[], ["My next steps", evaluation.next_steps]]
    return csv_response(f"cqs-reflection-{evaluation.pk}.csv", rows)


# --- the coordinator's school summary -------------------------------------------------------


@require_GET
@requires("classroom.summary", "pk")
def summary(request, school):
    return render(
        request,
        "standards/classroom/summary.html",
        {"summary": queries.school_summary(request.user, school), "ratings": queries.RATINGS},
    )


@require_GET
@requires("classroom.summary", "pk")
def summary_csv(request, school):
    s = queries.school_summary(request.user, school)
    labels = [r.label for r in queries.RATINGS]
    rows = [
        ["Reflections started", s.started],
        ["Reflections completed", s.completed],
        ["Reflections shared", s.shared],
        ["Teachers sharing", s.teachers_sharing],
        [],
        [
            "Feature",
            "Prompt",
            "Text",
            *(f"For all: {label}" for label in labels),
            *(f"For G&T: {label}" for label in labels),
            "G&T lags",
        ],
    ]
    for f in s.features:
        for p in f.prompts:
            rows.append(
                [
                    f"{f.element.number} {f.element.name}",
                    f"{f.element.number}.{p.prompt.number}",
                    p.prompt.text,
                    *p.for_all,
                    *p.for_gt,
                    p.lagging,
                ]
            )
    rows += [[], ["Teacher", "Class or group", "Subject", "Shared on"]]
    rows += [
        [
            e.teacher.get_full_name() or e.teacher.username,
            e.class_name,
            e.get_subject_display(),
            f"{timezone.localtime(e.shared_at):%Y-%m-%d}",
        ]
        for e in s.evaluations
    ]
    return csv_response(f"cqs-summary-{school.pk}.csv", rows)
