"""SCORM pages. On the platform: an author uploads a package into a programme; a learner plays
a module (the page that frames the player and saves its commits). On the player's origin: the
player page that holds the runtime, and the package's files, both opened by a capability in
the URL rather than a session (decision 16). Thin views over ``packages``, ``cmi`` and
``player``."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from risingtide.access.core import requires
from risingtide.lib import jsondata
from risingtide.lib.forms import posted, refused, show_refusal
from risingtide.training.models import ScormPackage
from risingtide.training.scorm import cmi, packages, player
from risingtide.training.scorm.forms import PackageForm

MAX_COMMIT_BYTES = 256 * 1024  # suspend data at its largest, and the rest, with room


@require_http_methods(["GET", "POST"])
@requires("programme.author", "pk")
def upload(request, programme):
    form = PackageForm(programme, **posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            version = packages.publish_package(
                request.user,
                programme,
                form.cleaned_data["package"],
                form.chosen_module(),
                core=form.cleaned_data["core"],
            )
        except ValidationError as exc:
            refusal = [f"This package was not published: {m}" for m in exc.messages]
            show_refusal(form, ValidationError({"package": refusal}))
        else:
            messages.success(
                request,
                f"Published “{version.module.title}” version {version.number} from the package. "
                "Learners who started an earlier version finish that one.",
            )
            return redirect(f"{reverse('training:scorm_upload', args=[programme.pk])}#packages")
    uploaded = (
        ScormPackage.objects.filter(module__programme=programme)
        .select_related("module", "uploaded_by")
        .order_by("-uploaded_at", "-pk")
    )
    return render(
        request,
        "training/scorm/upload.html",
        {"programme": programme, "form": form, "uploaded": uploaded},
        status=400 if form.errors else 200,
    )


@require_GET
@requires("module.take", "pk")
def play(request, module):
    try:
        progress, state = cmi.begin_session(request.user, module)
    except ValidationError as exc:
        refused(request, exc)
        return redirect(reverse("training:programme", args=[module.programme_id]))
    if progress.version.kind != "scorm":
        return redirect(reverse("training:module", args=[module.pk]))
    playable = bool(player.origin())
    token = player.mint(state.package, player.origin_of(request)) if playable else ""
    response = render(
        request,
        "training/scorm/play.html",
        {
            "module": module,
            "progress": progress,
            "state": state,
            "playable": playable,
            "launch_url": player.launch_url(token) if playable else "",
            "player_origin": player.origin(),
            "start": {
                "standard": state.package.standard,
                "session": state.session,
                "cmi": cmi.resume_data(state, request.user),
            },
        },
    )
    # The one page that frames anything: the player, on its own origin.
    response._csp_replace = {"frame-src": [player.origin()] if playable else ["'none'"]}
    return response


@require_POST
@requires("module.take", "pk")
def commit(request, module):
    """Where the platform page saves what the player posted to it: 200 with the module's
    state, or 400 (409 for a commit from an older launch) with the reason."""
    if request.content_type != "application/json":
        return JsonResponse({"error": "A commit is sent as JSON."}, status=400)
    if len(request.body) > MAX_COMMIT_BYTES:
        return JsonResponse({"error": "This commit is too large."}, status=400)
    try:
        body = jsondata.loads(request.body, max_depth=4, what="The commit")
        if not isinstance(body, dict) or not isinstance(body.get("session"), int):
            raise ValidationError("A commit names its launch and its CMI data.")
        state, progress = cmi.save(request.user, module, body["session"], body.get("cmi"))
    except jsondata.JsonRefused as exc:
        return JsonResponse({"error": str(exc)}, status=400)
    except cmi.StaleLaunch as exc:
        return JsonResponse({"error": " ".join(exc.messages)}, status=409)
    except ValidationError as exc:
        return JsonResponse({"error": " ".join(exc.messages)}, status=400)
    return JsonResponse(
        {
            "saved_at": state.updated_at.isoformat(),
            "completed": progress.completed_at is not None,
            "status": state.completion_status,
        }
    )


@require_GET
def player_page(request, token):
    """The page on the player's origin that holds the runtime and frames the package."""
    package, platform = player.read(token)
    html = render_to_string(
        "training/scorm/player.html",
        {
            "package": package,
            "platform": platform,
            "launch": f"files/{package.launch}",
            "runtime": "scorm12.min.js" if package.standard == "1.2" else "scorm2004.min.js",
        },
    )
    return player.isolate(HttpResponse(html), player.wrapper_policy(platform))


@require_GET
def player_file(request, token, name):
    package, platform = player.read(token)
    return player.serve_file(package, platform, name)
