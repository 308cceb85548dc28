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
from risingtide.register import import_steps, queries, services
from risingtide.register.column_mapping import FIELDS, REGISTER_FIELDS
from risingtide.register.views.inputs import field_errors


@require_http_methods(["GET", "POST"])
@requires("register.manage", "pk")
def imports(request, school):
    errors = {}
    if request.method == "POST":
        upload = request.FILES.get("file")
        if upload is None:
            errors = {"file": "Choose a file."}
        else:
            try:
                batch = import_steps.start_import(
                    request.user,
                    school,
                    upload,
                    fmt=request.POST.get("format", ""),
                    kind=request.POST.get("kind", "pupils"),
                    encoding=request.POST.get("encoding", "utf-8"),
                )
            except ValidationError as exc:
                errors = field_errors(exc)
            else:
                return redirect(reverse("register_import", args=[batch.pk]))
    context = queries.imports_page(request.user, school)
    context.update(errors=errors, form=request.POST)
    return render(request, "register/imports.html", context, status=400 if errors else 200)


def _batch_context(request, batch, errors=None):
    fields = REGISTER_FIELDS if batch.kind == "register" else FIELDS
    return {
        "batch": batch,
        "school": batch.school,
        "fields": [
            (f, batch.mapping.get(f.key, ""), errors.get(f.key, "") if errors else "")
            for f in fields
        ],
        "headers": batch.summary.get("headers", []),
        "errors": errors or {},
        "summary": batch.summary.get("written") or batch.summary,
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
    return render(request, "register/import.html", _batch_context(request, batch))


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
    fields = REGISTER_FIELDS if batch.kind == "register" else FIELDS
    mapping = {f.key: request.POST.get(f"map_{f.key}", "") for f in fields}
    try:
        import_steps.set_mapping(request.user, batch, mapping)
    except ValidationError as exc:
        batch.mapping = {k: v for k, v in mapping.items() if v}
        return render(
            request,
            "register/import.html",
            _batch_context(request, batch, field_errors(exc)),
            status=400,
        )
    return redirect(reverse("register_import", args=[batch.pk]))


@require_POST
@requires("import.confirm", "pk")
def import_confirm(request, batch):
    try:
        import_steps.confirm_import(request.user, batch)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    return redirect(reverse("register_import", args=[batch.pk]))


@require_POST
@requires("import.confirm", "pk")
def import_cancel(request, batch):
    try:
        import_steps.cancel_import(request.user, batch)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect(reverse("register_import", args=[batch.pk]))
    messages.success(request, "Import cancelled; the file is deleted.")
    return redirect(reverse("register_imports", args=[batch.school_id]))
