"""Training pages: the programmes that apply to one, a programme as the learner stands in it,
and a module step by step (its checks answered, its reflections autosaved, finished). Thin
views over ``queries`` (reads) and ``services`` (changes)."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST

from risingtide.access.core import can, requires, roles
from risingtide.access.policy import capability
from risingtide.lib.forms import posted, refusal_of, refused
from risingtide.training import coverage, media, queries, services, session_queries
from risingtide.training.forms import CheckForm, StepForm


@require_GET
@requires("training.home")
def home(request):
    nations, las = coverage.coverage_places(request.user)
    return render(
        request,
        "training/home.html",
        {
            "programmes": queries.programmes(request.user),
            "may_schedule": can(request.user, "training.sessions"),
            "coverage_nations": nations,
            "coverage_las": las,
        },
    )


@require_GET
@requires("programme.view", "pk")
def programme(request, programme):
    return render(
        request,
        "training/programme.html",
        {
            "standing": queries.standing(request.user, programme),
            # Someone who takes training (not one who only oversees it) sees where they are.
            "learner": bool(roles(request.user) & set(capability("module.take").grants)),
            "author": can(request.user, "programme.author", programme),
            "half_days": session_queries.learner_sessions(request.user, programme),
        },
    )


def _progress_or_back(request, module):
    """The learner's progress, or (when the module cannot be started yet) None with the
    reason said as a message."""
    try:
        return services.progress_for(request.user, module)
    except ValidationError as exc:
        refused(request, exc)
        return None


def _to_step(module, step: int, anchor: str = ""):
    url = f"{reverse('training:module', args=[module.pk])}?step={step}"
    return redirect(f"{url}#{anchor}" if anchor else url)


@require_GET
@requires("module.take", "pk")
def module(request, module):
    progress = _progress_or_back(request, module)
    if progress is None:
        return redirect(reverse("training:programme", args=[module.programme_id]))
    if progress.version.kind == "scorm":
        return redirect(reverse("training:scorm_play", args=[module.pk]))
    form = StepForm({"step": request.GET.get("step", progress.step)})
    index = services.visit(progress, form.cleaned_data["step"] if form.is_valid() else 0)
    shown = queries.step_shown(progress, index)
    left = (
        services.unfinished(progress, services.written_steps(progress))
        if shown.is_last and not progress.completed_at
        else []
    )
    return render(
        request,
        "training/module.html",
        {
            "module": module,
            "progress": progress,
            "shown": shown,
            "html": media.page_html(
                shown.step.get("body") or shown.step.get("prompt", ""),
                media.of_steps(module.pk, [shown.step]),
            ),
            "left": left,
        },
    )


@require_POST
@requires("module.take", "pk")
def answer(request, module):
    progress = _progress_or_back(request, module)
    step_form = StepForm(**posted(request))
    if progress is None or not step_form.is_valid():
        if step_form.errors:
            refused(request, refusal_of(step_form))
        return redirect(reverse("training:programme", args=[module.programme_id]))
    step = step_form.cleaned_data["step"]
    steps = progress.version.steps
    if step >= len(steps) or steps[step]["kind"] != "check":
        refused(request, ValidationError("That step of the module is not a knowledge check."))
        return _to_step(module, progress.step)
    form = CheckForm(steps[step], **posted(request))
    if not form.is_valid():
        refused(request, refusal_of(form))
        return _to_step(module, step, "check")
    try:
        marked = services.answer(progress, step, form.chosen())
    except ValidationError as exc:
        refused(request, exc)
        return _to_step(module, step, "check")
    if marked.passed:
        messages.success(request, f"Passed: {marked.score} of {len(marked.right)} right.")
    else:
        messages.error(
            request,
            f"Not passed yet: {marked.score} of {len(marked.right)} right, and you need "
            f"{marked.pass_mark} to pass. Read the feedback on your answers and try again.",
        )
    return _to_step(module, step, "check-result")


@require_POST
@requires("module.take", "pk")
def reflection(request, module):
    """The autosave endpoint: 200 with the new version, or 409 with both texts."""
    try:
        progress = services.progress_for(request.user, module)
        step = int(request.POST.get("step", ""))
        base = int(request.POST.get("version", ""))
    except ValueError:
        return JsonResponse({"error": "the step or version is missing"}, status=400)
    except ValidationError as exc:
        return JsonResponse({"error": " ".join(exc.messages)}, status=400)
    try:
        saved = services.save_reflection(progress, step, request.POST.get("body", ""), base)
    except services.EditConflict as conflict:
        return JsonResponse(
            {
                "error": "conflict",
                "message": "This reflection was saved elsewhere (another tab or computer) "
                "while you were writing. Both texts are below: keep one, or combine them.",
                "theirs": conflict.current_body,
                "version": conflict.current_version,
                "yours": conflict.yours,
            },
            status=409,
        )
    except ValidationError as exc:
        return JsonResponse({"error": " ".join(exc.messages)}, status=400)
    return JsonResponse({"version": saved.version, "saved_at": saved.updated_at.isoformat()})


@require_POST
@requires("module.take", "pk")
def finish(request, module):
    progress = _progress_or_back(request, module)
    if progress is None:
        return redirect(reverse("training:programme", args=[module.programme_id]))
    try:
        services.finish(progress)
    except ValidationError as exc:
        refused(request, exc)
        return _to_step(module, len(progress.version.steps) - 1, "finish")
    messages.success(request, f"You have finished “{module.title}”.")
    back = reverse("training:programme", args=[module.programme_id])
    return redirect(f"{back}#module-{module.pk}")
