"""Authoring pages: the programmes one writes (and starting one), a programme's modules (and
adding one), the module editor (a document of steps, autosaved), its preview as a learner
would see it, publishing, media served to whoever may see the module, and sharing modules
between LAs. Thin views over ``authoring`` and ``sharing``."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Count, Max
from django.http import JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from risingtide.access.core import can, requires, visible
from risingtide.lib import uploads
from risingtide.lib.forms import posted, refusal_of, refused, show_refusal
from risingtide.training import authoring, media, services, sharing
from risingtide.training.forms_authoring import (
    CopyForm,
    DetailsForm,
    DraftForm,
    ModuleForm,
    ProgrammeForm,
)
from risingtide.training.models import ModuleSource


def _authored(user):
    return visible(user, "authored_programme")


@require_http_methods(["GET", "POST"])
@requires("training.write")
def write_home(request):
    form = ProgrammeForm(**posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            made = authoring.start_programme(
                request.user,
                form.cleaned_data["title"],
                form.cleaned_data["summary"],
                form.cleaned_data["rules"],
            )
        except ValidationError as exc:
            show_refusal(form, exc)
        else:
            messages.success(request, f"Started “{made.title}”. Now add its modules.")
            return redirect(reverse("training:write_programme", args=[made.pk]) + "#add-module")
    programmes = _authored(request.user).annotate(module_count=Count("modules")).order_by("title")
    return render(
        request,
        "training/authoring/home.html",
        {
            "programmes": programmes,
            "form": form,
            "shared": sharing.shared_modules(request.user)[:5],
        },
        status=400 if form.errors else 200,
    )


@require_http_methods(["GET", "POST"])
@requires("programme.author", "pk")
def write_programme(request, programme):
    form = ModuleForm(programme, **posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            module = services.add_module(
                request.user,
                programme,
                form.cleaned_data["title"],
                core=form.cleaned_data["core"],
                prerequisites=list(form.cleaned_data["prerequisites"]),
            )
        except ValidationError as exc:
            show_refusal(form, exc)
        else:
            messages.success(request, f"Added “{module.title}”. Write its first step.")
            return redirect(reverse("training:write_module", args=[module.pk]))
    modules = (
        programme.modules.annotate(published=Max("versions__number"))
        .select_related("source__shared__local_authority", "source__shared__version__module")
        .prefetch_related("prerequisites")
    )
    return render(
        request,
        "training/authoring/programme.html",
        {"programme": programme, "modules": modules, "form": form},
        status=400 if form.errors else 200,
    )


def _editor(request, module, steps, revision, status=200):
    latest = module.versions.order_by("-number").select_related("share").first()
    source = ModuleSource.objects.filter(module=module).select_related(
        "shared__local_authority", "shared__version__module"
    )
    found = media.of_steps(module.pk, steps)
    shown = [
        (
            step,
            [
                found[pk]
                for pk in sorted(media.referenced_ids(media.step_texts([step])))
                if pk in found
            ],
        )
        for step in steps
    ]
    return render(
        request,
        "training/authoring/editor.html",
        {
            "module": module,
            "programme": module.programme,
            "steps": shown,
            "revision": revision,
            "removed": len(module.draft.get("removed", [])),
            "problems": authoring.problems(module, steps, found),
            "media": module.media.all(),
            "latest": latest,
            "unchanged": latest is not None and latest.steps == steps,
            "shared": getattr(latest, "share", None) if latest else None,
            "may_share": can(request.user, "module.share", module),
            "source": source.first(),
        },
        status=status,
    )


def _back(module, focus: str = ""):
    url = reverse("training:write_module", args=[module.pk])
    return redirect(f"{url}#{focus}" if focus else url)


@require_http_methods(["GET", "POST"])
@requires("module.author", "pk")
def write_module(request, module):
    """The editor. A POST carries the whole draft and the button pressed: the draft is kept
    first, whatever the button, so nothing typed is lost to a move or an upload."""
    if request.method == "GET":
        return _editor(request, module, authoring.steps_of(module), authoring.revision_of(module))
    form = DraftForm(**posted(request))
    if not form.is_valid():
        refused(request, refusal_of(form))
        return _back(module)
    try:
        steps = form.steps()
        verb, *at = form.pressed()
        if verb in ("save", "preview", "publish"):
            authoring.save_draft(request.user, module, steps, form.cleaned_data["revision"])
        elif verb == "upload":
            return _upload(request, module, steps, at[0], form.cleaned_data["revision"])
        else:
            removed = module.draft.get("removed", [])
            done = authoring.edit(steps, removed, (verb, *at))
            authoring.save_edit(request.user, module, done, form.cleaned_data["revision"])
            messages.success(request, done.said)
            return _back(module, done.focus)
    except authoring.DraftConflict as conflict:
        messages.error(
            request,
            "This module was changed in another tab or by another author since you opened it. "
            "Your version is below and has not been saved: save it to keep it (it replaces "
            "the other), or reload the page to see the other.",
        )
        return _editor(request, module, steps, conflict.current_revision, status=409)
    except ValidationError as exc:
        refused(request, exc)
        return _back(module)
    if verb == "preview":
        return redirect(reverse("training:write_preview", args=[module.pk]))
    if verb == "publish":
        return _publish(request, module)
    messages.success(request, "Draft saved.")
    return _back(module, "editor-actions")


def _upload(request, module, steps, index, revision):
    """Keep the draft, then the upload, then its reference at the end of the page."""
    authoring.save_draft(request.user, module, steps, revision)
    if not 0 <= index < len(steps) or steps[index]["kind"] != "page":
        raise ValidationError("Media goes on a page step.")
    description = request.POST.get(f"s-{index}-alt", "").strip()[:300]
    upload = request.FILES.get(f"s-{index}-file")
    try:
        sniffed = uploads.check(upload) if upload is not None else None
        if sniffed is not None and sniffed.family == "image" and not description:
            raise ValidationError(
                "Describe the picture first (its alt text): it is what a learner who cannot "
                "see it hears instead."
            )
        item = sharing.add_media(request.user, module, upload)
    except ValidationError as exc:
        refused(request, exc)
        return _back(module, f"step-{index}-media")
    body = steps[index]["body"].rstrip("\n")
    steps[index]["body"] = f"{body}\n\n{media.reference(item, description)}\n".lstrip("\n")
    authoring.save_draft(request.user, module, steps, authoring.revision_of(module))
    messages.success(request, f"Added “{item.name}” at the end of step {index + 1}.")
    return _back(module, f"s-{index}-body")


def _publish(request, module):
    try:
        version = authoring.publish(request.user, module)
    except ValidationError as exc:
        messages.error(request, "Not published yet: " + " ".join(exc.messages))
        return _back(module, "problems")
    messages.success(
        request,
        f"Published version {version.number}. Learners who start now get it; anyone "
        "part-way through finishes the version they started.",
    )
    return _back(module, "publish")


@require_POST
@requires("module.author", "pk")
def write_autosave(request, module):
    """The editor's autosave: 200 with the new revision, 409 when the draft moved on."""
    form = DraftForm(request.POST)
    if not form.is_valid():
        return JsonResponse({"error": " ".join(refusal_of(form).messages)}, status=400)
    try:
        revision = authoring.save_draft(
            request.user, module, form.steps(), form.cleaned_data["revision"]
        )
    except authoring.DraftConflict as conflict:
        return JsonResponse(
            {
                "error": "conflict",
                "message": "This module was changed in another tab or by another author. "
                "Your words are kept in this browser and have not been saved over theirs.",
                "revision": conflict.current_revision,
            },
            status=409,
        )
    except ValidationError as exc:
        return JsonResponse({"error": " ".join(exc.messages)}, status=400)
    return JsonResponse(
        {"revision": revision, "problems": authoring.problems(module, module.draft["steps"])}
    )


@require_GET
@requires("module.author", "pk")
def write_preview(request, module):
    """The draft as a learner would see it, one step at a time (nothing is kept)."""
    steps = authoring.steps_of(module)
    try:
        index = max(0, min(int(request.GET.get("step", 0)), len(steps) - 1))
    except ValueError:
        index = 0
    step = steps[index] if steps else None
    found = media.of_steps(module.pk, [step]) if step else {}
    return render(
        request,
        "training/authoring/preview.html",
        {
            "module": module,
            "step": step,
            "index": index,
            "count": len(steps),
            "html": media.page_html(step.get("body") or step.get("prompt", ""), found)
            if step
            else "",
        },
    )


@require_GET
@requires("module_media.view", "pk")
def media_file(request, item):
    return uploads.serve(
        item.file.open("rb"), item.mime, item.name, request.headers.get("Range", "")
    )


@require_http_methods(["GET", "POST"])
@requires("module.author", "pk")
def write_details(request, module):
    """The module's title, summary, core or optional, and prerequisites."""
    form = DetailsForm(module, **posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            authoring.update_details(
                request.user,
                module,
                title=form.cleaned_data["title"],
                summary=form.cleaned_data["summary"],
                core=form.cleaned_data["core"],
                prerequisites=list(form.cleaned_data["prerequisites"]),
            )
        except ValidationError as exc:
            show_refusal(form, exc)
        else:
            messages.success(request, f"Saved the details of “{module.title}”.")
            return _back(module)
    return render(
        request,
        "training/authoring/details.html",
        {"module": module, "form": form},
        status=400 if form.errors else 200,
    )


@require_POST
@requires("module.share", "pk")
def share(request, module):
    try:
        shared = sharing.share(request.user, module)
    except ValidationError as exc:
        refused(request, exc)
    else:
        messages.success(
            request,
            f"Shared version {shared.version.number} with the other LAs: their authors can "
            "copy it into their programmes.",
        )
    return _back(module, "share")


@require_GET
@requires("training.write")
def shared(request):
    return render(
        request,
        "training/authoring/shared.html",
        {
            "shared": sharing.shared_modules(request.user),
            "programmes": list(_authored(request.user).order_by("title")),
        },
    )


@require_POST
@requires("shared_module.copy", "pk")
def copy_shared(request, shared_module):
    form = CopyForm(_authored(request.user), **posted(request))
    if not form.is_valid():
        refused(request, refusal_of(form))
        return redirect(reverse("training:shared") + f"#shared-{shared_module.pk}")
    try:
        module = sharing.copy_shared(request.user, shared_module, form.cleaned_data["programme"])
    except ValidationError as exc:
        refused(request, exc)
        return redirect(reverse("training:shared") + f"#shared-{shared_module.pk}")
    messages.success(request, f"Copied “{module.title}” into {module.programme.title} as a draft.")
    return redirect(reverse("training:write_module", args=[module.pk]))
