"""The roster pages: upload a bundle (a school's or an LA's), watch it being checked, see the
preview, confirm or cancel, watch it being written, read the result; export the roster."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import FileResponse, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from risingtide.access.core import requires
from risingtide.audit.models import record
from risingtide.lib.forms import posted, refused, show_refusal
from risingtide.rostering import exporting, queries, services
from risingtide.rostering.forms import BundleForm


def _upload(request, owner):
    form = BundleForm(**posted(request), auto_id="r-%s")
    if request.method == "POST" and form.is_valid():
        try:
            batch = services.start_import(request.user, owner, form.cleaned_data["file"])
        except ValidationError as exc:
            show_refusal(form, exc)
        else:
            return redirect(reverse("rostering:import", args=[batch.pk]))
    context = queries.imports_page(request.user, owner)
    context["form"] = form
    status = 400 if request.method == "POST" else 200
    return render(request, "rostering/imports.html", context, status=status)


@require_http_methods(["GET", "POST"])
@requires("roster.import", "pk")
def school_imports(request, school):
    return _upload(request, school)


@require_http_methods(["GET", "POST"])
@requires("roster.import_la", "pk")
def la_imports(request, la):
    return _upload(request, la)


def _export(request, owner):
    handle, name = exporting.export_roster(request.user, owner)
    return FileResponse(handle, as_attachment=True, filename=name, content_type="application/zip")


@require_GET
@requires("roster.export", "pk")
def school_export(request, school):
    return _export(request, school)


@require_GET
@requires("roster.export_la", "pk")
def la_export(request, la):
    return _export(request, la)


@require_GET
@requires("roster_import.view", "pk")
def roster_import(request, batch):
    if batch.summary.get("changes") or batch.summary.get("errors"):  # pupils' names: logged
        record(
            request.user,
            "roster.viewed",
            batch,
            school=batch.school,
            why="Roster import preview",
            what=batch.file_name,
        )
    return render(request, "rostering/import.html", queries.import_view(batch))


@require_GET
@requires("roster_import.view", "pk")
def import_progress(request, batch):
    """The progress panel alone, polled by htmx while the import runs; once it stops, the
    whole page reloads so the preview or the result appears."""
    if not batch.running and request.headers.get("HX-Request"):
        response = HttpResponse(status=204)
        response["HX-Refresh"] = "true"
        return response
    return render(request, "rostering/_progress.html", {"batch": batch})


@require_POST
@requires("roster_import.confirm", "pk")
def import_confirm(request, batch):
    try:
        services.confirm_import(request.user, batch)
    except ValidationError as exc:
        refused(request, exc)
    return redirect(reverse("rostering:import", args=[batch.pk]))


@require_POST
@requires("roster_import.confirm", "pk")
def import_cancel(request, batch):
    try:
        services.cancel_import(request.user, batch)
    except ValidationError as exc:
        refused(request, exc)
        return redirect(reverse("rostering:import", args=[batch.pk]))
    messages.success(request, "Import cancelled; the bundle is deleted.")
    if batch.school_id:
        return redirect(reverse("rostering:school_imports", args=[batch.school_id]))
    return redirect(reverse("rostering:la_imports", args=[batch.local_authority_id]))
