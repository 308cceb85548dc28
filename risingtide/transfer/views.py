"""Taking a portfolio away (ZIP of an offline site, a PDF and JSON) and bringing one in."""

import tempfile

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import FileResponse, HttpResponse
from django.shortcuts import redirect, render
from django.utils.text import slugify
from django.views.decorators.http import require_GET, require_http_methods

from risingtide.access.core import requires
from risingtide.audit.models import record
from risingtide.lib.forms import refused
from risingtide.tasc.services import staff_schools
from risingtide.transfer import exports, imports


def _filename(portfolio, suffix: str) -> str:
    return f"{slugify(portfolio.project.title)[:60] or 'portfolio'}-{portfolio.pk}.{suffix}"


@require_GET
@requires("portfolio.view", "pk")
def export_zip(request, portfolio):
    """The whole portfolio to keep: open index.html from the ZIP with no server at all."""
    out = tempfile.TemporaryFile()  # noqa: SIM115  (FileResponse closes it when sent)
    exports.build_zip(portfolio, out)
    out.seek(0)
    record(request.user, "portfolio.exported", portfolio, school=portfolio.project.school)
    response = FileResponse(
        out,
        as_attachment=True,
        filename=_filename(portfolio, "zip"),
        content_type="application/zip",
    )
    response["Cache-Control"] = "private, no-store"
    return response


@require_GET
@requires("portfolio.view", "pk")
def export_pdf(request, portfolio):
    record(request.user, "portfolio.exported_pdf", portfolio, school=portfolio.project.school)
    response = HttpResponse(exports.portfolio_pdf(portfolio), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{_filename(portfolio, "pdf")}"'
    response["Cache-Control"] = "private, no-store"
    return response


@require_http_methods(["GET", "POST"])
@requires("portfolio.import")
def import_portfolio(request):
    """A teacher brings in a portfolio exported by another school, for one of their pupils."""
    schools = list(staff_schools(request.user))
    pupils = list(imports.importable_pupils(request.user))
    status = 200
    if request.method == "POST":
        upload = request.FILES.get("file")
        pupil = next((p for p in pupils if str(p.pk) == request.POST.get("pupil")), None)
        try:
            if upload is None or pupil is None or not schools:
                raise ValidationError("Choose the exported file and the pupil it belongs to.")
            school = imports.school_of(request.user, pupil)
            portfolio = imports.import_portfolio(request.user, school, upload, [pupil])
        except ValidationError as exc:
            refused(request, exc)
            status = 400
        else:
            messages.success(
                request, f"Imported for {pupil.get_full_name()} as a closed project in this school."
            )
            return redirect("portfolios:portfolio", portfolio.pk)
    return render(
        request, "transfer/import.html", {"pupils": pupils, "schools": schools}, status=status
    )
