"""The import pages: upload a file, map its columns, watch it being checked, confirm or cancel.

Its own module because an import is a workflow of its own (``import_steps``), with a page per
batch and a progress panel that htmx polls while it runs.
"""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from risingtide.access.core import requires
from risingtide.lib.csvexport import csv_response
from risingtide.lib.forms import posted, refused, show_refusal
from risingtide.register import import_steps, queries, rows_to_fix, services
from risingtide.register.forms import ImportForm, MappingForm
from risingtide.register.import_batches import ImportBatch


@require_http_methods(["GET", "POST"])
@requires("register.manage", "pk")
def imports(request, school):
    form = ImportForm(**posted(request), auto_id="i-%s")
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            batch = import_steps.start_import(
                request.user,
                school,
                data["file"],
                fmt=data["format"],
                kind=data["kind"],
                encoding=data["encoding"],
            )
        except ValidationError as exc:
            show_refusal(form, exc)
        else:
            return redirect(reverse("register:register_import", args=[batch.pk]))
    context = queries.imports_page(request.user, school)
    context["form"] = form
    return render(
        request,
        "register/imports.html",
        context,
        status=400 if request.method == "POST" else 200,
    )


def _batch_context(batch, form=None) -> dict:
    """The batch's page; while it waits for its mapping, with the mapping form (``form``: the
    refused one)."""
    if form is None and batch.state == ImportBatch.State.MAPPING:
        form = MappingForm(batch=batch)
    return {
        "batch": batch,
        "school": batch.school,
        "form": form,
        "summary": batch.summary.get("written") or batch.summary,
        "rows_to_fix": rows_to_fix.available(batch),
    }


@require_GET
@requires("import.view", "pk")
def import_batch(request, batch):
    if batch.summary.get("changes") or batch.summary.get("errors") or batch.summary.get("written"):
        services.log_access(
            request.user,
            "register.viewed",
            batch.school,
            why="Import preview",
            what=batch.file_name,
        )
    return render(request, "register/import.html", _batch_context(batch))


@require_GET
@requires("import.view", "pk")
def import_rows_to_fix(request, batch):
    """The rows that block the import, as the file had them, with their errors (CSV)."""
    if not rows_to_fix.available(batch):
        messages.error(
            request,
            "This import has no rows to fix to download: only a checked file with errors has "
            "them, until it is cancelled.",
        )
        return redirect(reverse("register:register_import", args=[batch.pk]))
    services.log_access(
        request.user,
        "register.exported",
        batch.school,
        why="Import rows to fix",
        what=batch.file_name,
    )
    return csv_response(rows_to_fix.filename(batch), rows_to_fix.rows(batch))


@require_GET
@requires("import.view", "pk")
def import_progress(request, batch):
    """The progress panel alone, polled by htmx while the import runs; once it stops running,
    the whole page is reloaded so the preview or result appears."""
    if not batch.running and request.headers.get("HX-Request"):
        response = HttpResponse(status=204)
        response["HX-Refresh"] = "true"
        return response
    return render(request, "register/_import_progress.html", {"batch": batch})


@require_POST
@requires("import.confirm", "pk")
def import_mapping(request, batch):
    form = MappingForm(request.POST, batch=batch)
    if form.is_valid():
        try:
            import_steps.set_mapping(request.user, batch, form.mapping())
        except ValidationError as exc:
            show_refusal(form, exc)
        else:
            return redirect(reverse("register:register_import", args=[batch.pk]))
    return render(request, "register/import.html", _batch_context(batch, form), status=400)


@require_POST
@requires("import.confirm", "pk")
def import_confirm(request, batch):
    try:
        import_steps.confirm_import(request.user, batch)
    except ValidationError as exc:
        refused(request, exc)
    return redirect(reverse("register:register_import", args=[batch.pk]))


@require_POST
@requires("import.confirm", "pk")
def import_cancel(request, batch):
    try:
        import_steps.cancel_import(request.user, batch)
    except ValidationError as exc:
        refused(request, exc)
        return redirect(reverse("register:register_import", args=[batch.pk]))
    messages.success(request, "Import cancelled; the file is deleted.")
    return redirect(reverse("register:register_imports", args=[batch.school_id]))
