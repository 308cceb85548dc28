"""The LTI pages: the public launch endpoints a platform and a signed-out browser reach (login
initiation, the id_token POST, our key set), the site administrator's platform registrations,
a teacher's choice of project after a deep linking launch, and a group's course link (NRPS).
Thin: the protocol is ``oidc``/``claims``, what a launch does is ``services``."""

from urllib.parse import urlsplit

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import Http404, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from risingtide.access.core import requires, visible
from risingtide.audit.models import record
from risingtide.lib.forms import posted, refused, show_refusal
from risingtide.library import services as library
from risingtide.lti import claims, deep_linking, keys, oidc, queries, services
from risingtide.lti.forms import ChoiceForm, PlatformForm
from risingtide.lti.models import Context, Deployment, Platform
from risingtide.lti.refusals import Refused

BACKEND = "risingtide.people.backends.PersonBackend"


def _refused(request, refusal: Refused, status: int = 400):
    return render(request, "lti/refused.html", {"reason": refusal.reason}, status=status)


# --- the launch: public -------------------------------------------------------------------


@csrf_exempt  # a platform's cross-site form; the state it starts is the protection
@never_cache
@require_http_methods(["GET", "POST"])
def login_initiation(request):
    """Third-party login initiation: remember a state and nonce, send the browser back to the
    platform's authentication endpoint."""
    params = request.POST if request.method == "POST" else request.GET
    try:
        where, name, value, options = oidc.begin(params, secure=request.is_secure())
    except Refused as refusal:
        return _refused(request, refusal)
    response = redirect(where)
    response.set_cookie(name, value, **options)
    return response


@csrf_exempt  # the platform's form_post of the id_token; state, nonce and signature protect it
@never_cache
@require_POST
def launch(request):
    try:
        state = oidc.take_state(request.POST.get("state", ""), request.COOKIES)
        checked = claims.validate(request.POST.get("id_token", ""), state)
        entered = services.enter(checked)
    except Refused as refusal:
        return _refused(request, refusal)
    login(request, entered.user, backend=BACKEND)
    if entered.deep_linking:
        deep_linking.remember(request.session, checked, entered.context)
    response = redirect(entered.next_url)
    response.delete_cookie(oidc.COOKIE_PREFIX + request.POST["state"], path=request.path)
    return response


@require_GET
def jwks(request):
    """Our public keys: a platform checks our deep linking answers and token requests."""
    response = JsonResponse(keys.key_set())
    response["Cache-Control"] = "public, max-age=3600"
    return response


# --- platforms: the site administrator --------------------------------------------------------


@require_GET
@requires("lti.platforms")
def platforms(request):
    return render(
        request,
        "lti/platforms.html",
        {
            "platforms": queries.platforms(),
            "urls": _tool_urls(),
        },
    )


def _tool_urls() -> dict:
    return {
        "login": settings.PUBLIC_URL + reverse("lti:login"),
        "launch": oidc.launch_url(),
        "jwks": settings.PUBLIC_URL + reverse("lti:jwks"),
    }


def _save_platform(request, form: PlatformForm) -> Platform:
    with transaction.atomic():
        platform = form.save()
        wanted = form.cleaned_data["deployment_ids"]
        platform.deployments.exclude(deployment_id__in=wanted).delete()
        for deployment in wanted:
            Deployment.objects.get_or_create(platform=platform, deployment_id=deployment)
        record(request.user, "lti.platform_saved", platform, school=platform.school)
    return platform


@never_cache
@require_http_methods(["GET", "POST"])
@requires("lti.platforms")
def platform_new(request):
    form = PlatformForm(**posted(request))
    if request.method == "POST" and form.is_valid():
        _save_platform(request, form)
        return redirect("lti:platforms")
    return render(
        request,
        "lti/platform_form.html",
        {"form": form, "urls": _tool_urls()},
        status=400 if form.errors else 200,
    )


@never_cache
@require_http_methods(["GET", "POST"])
@requires("lti.platforms")
def platform_edit(request, platform_id: int):
    platform = Platform.objects.filter(pk=platform_id).first()
    if platform is None:
        raise Http404
    form = PlatformForm(**posted(request), instance=platform)
    if request.method == "POST" and form.is_valid():
        _save_platform(request, form)
        return redirect("lti:platforms")
    return render(
        request,
        "lti/platform_form.html",
        {"form": form, "platform": platform, "urls": _tool_urls()},
        status=400 if form.errors else 200,
    )


# --- deep linking: a teacher places a project ------------------------------------------------


@never_cache
@require_http_methods(["GET", "POST"])
@requires("lti.deep_link")
def deep_link(request):
    asked = deep_linking.pending(request.session)
    context = (
        asked
        and Context.objects.select_related("platform", "teaching_group")
        .filter(pk=asked["context"], platform_id=asked["platform"])
        .first()
    )
    if not asked or context is None:
        return render(request, "lti/no_deep_link.html", status=400)
    form = ChoiceForm(**posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            # One transaction: a template's copy is not left behind as an orphan draft when
            # placing it is refused.
            with transaction.atomic():
                project = _chosen_project(request.user, form.cleaned_data, context)
                project = services.place_project(request.user, project, context.teaching_group)
        except ValidationError as exc:
            show_refusal(form, exc)
        else:
            del request.session[deep_linking.SESSION_KEY]
            token = deep_linking.response_jwt(asked, context.platform, project)
            return _return_page(request, asked["return_url"], token, project, context.platform)
    school_id = context.platform.school_id
    return render(
        request,
        "lti/deep_link.html",
        {
            "form": form,
            "context": context,
            "projects": queries.placeable_projects(request.user, school_id),
            "templates": queries.placeable_templates(request.user),
        },
        status=400 if form.errors else 200,
    )


def _return_page(request, return_url: str, token: str, project, platform):
    """The form that posts the signed answer to the platform. Our CSP lets forms post only to
    ourselves, so this one page also allows the platform's return address (its origin)."""
    parts = urlsplit(return_url)
    if parts.scheme not in ("https", "http") or not parts.netloc:
        return render(request, "lti/no_deep_link.html", status=400)
    response = render(
        request,
        "lti/return.html",
        {"return_url": return_url, "jwt": token, "project": project, "platform": platform},
    )
    response._csp_update = {"form-action": [f"{parts.scheme}://{parts.netloc}"]}
    return response


def _chosen_project(user, data: dict, context: Context):
    if data.get("template"):
        resource = visible(user, "resource", "resource.copy").filter(pk=data["template"]).first()
        if resource is None:
            raise ValidationError({"template": "That template is not one you can use."})
        return library.copy_to_project(user, resource)
    project = (
        visible(user, "project", "project.edit")
        .filter(school_id=context.platform.school_id, pk=data["project"])
        .first()
    )
    if project is None:
        raise ValidationError({"project": "That project is not one you can place."})
    return project


# --- a group's course link: NRPS -------------------------------------------------------------


@never_cache
@require_http_methods(["GET", "POST"])
@requires("lti.fill_group", "group_id")
def group(request, teaching_group):
    contexts = list(queries.contexts_of(teaching_group))
    if request.method == "POST":
        context = next((c for c in contexts if str(c.pk) == request.POST.get("context")), None)
        if context is None:
            raise Http404
        try:
            filled = services.fill_group(request.user, context)
        except ValidationError as exc:
            refused(request, exc)
        else:
            messages.success(
                request,
                f"{filled.added} pupils from the course are in {teaching_group} "
                f"({filled.made} new accounts; {filled.skipped} members left out: not "
                "learners, or not active).",
            )
        return redirect("lti:group", group_id=teaching_group.pk)
    return render(request, "lti/group.html", {"group": teaching_group, "contexts": contexts})
