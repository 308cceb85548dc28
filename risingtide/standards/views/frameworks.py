"""The frameworks' pages: browse every framework and version with its descriptors, export a
version as a framework file, and (for a site administrator) import one as a new version.

Its own module because frameworks are reference data, not a school's records: thin views
over ``standards.frameworks``.
"""

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import content_disposition_header
from django.utils.text import slugify
from django.views.decorators.http import require_GET, require_http_methods

from risingtide.access.core import can, requires
from risingtide.lib.forms import posted
from risingtide.standards import queries
from risingtide.standards.forms import (
    FrameworkImportForm,
)
from risingtide.standards.framework_files import MAX_BYTES
from risingtide.standards.framework_models import FrameworkVersion
from risingtide.standards.frameworks import FrameworkFileError, export, load, parse


@require_GET
@requires("framework.browse")
def frameworks(request):
    return render(
        request,
        "standards/frameworks.html",
        {
            "frameworks": queries.framework_list(),
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
    body = export(version, fmt)
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
    form = FrameworkImportForm(**posted(request))
    problems = []
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            # One byte past the limit is enough for parse to refuse it as too large.
            spec = parse(upload.read(MAX_BYTES + 1), upload.name or "")
            version = load(spec)
        except FrameworkFileError as exc:
            problems = exc.problems
        else:
            messages.success(request, f"Loaded {version}: nothing else was changed.")
            return redirect("standards:framework_version", version.pk)
    return render(
        request,
        "standards/framework_import.html",
        {"form": form, "problems": problems},
        status=400 if request.method == "POST" else 200,
    )
