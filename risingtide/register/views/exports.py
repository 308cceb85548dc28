"""Pupil data leaving the school: the register's exports (census return, CSV, XLSX, PDF) and
a CTF for a pupil who leaves.

Its own module because every export asks why it is made and writes that to the audit log
before any pupil-level data is sent.
"""

from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_http_methods, require_POST

from risingtide.access.core import requires
from risingtide.lib.forms import posted, show_refusal
from risingtide.register import exports, queries, services
from risingtide.register.forms import ExportForm, LeaverForm
from risingtide.register.models import academic_year
from risingtide.register.views.records import LEAVER_IDS, show_record


def _export(school, what: str) -> HttpResponse:
    year = academic_year()
    if what == "census":
        name = exports.export_filename(school, "gt-census", year, "csv")
        return exports.csv_export(exports.CENSUS_HEADER, exports.census_rows(school), name)
    header, rows = exports.register_rows(school)
    name = exports.export_filename(school, "register", year, what)
    if what == "csv":
        return exports.csv_export(header, rows, name)
    if what == "xlsx":
        return exports.xlsx_export(header, rows, name, "G&T register")
    pdf = exports.register_pdf(school, year, (header, rows))
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@require_http_methods(["GET", "POST"])
@requires("register.export", "pk")
def export(request, school):
    form = ExportForm(**posted(request), auto_id="x-%s")
    if request.method == "POST" and form.is_valid():
        what = form.cleaned_data["what"]
        services.log_access(request.user, "register.exported", school, why=form.reason(), what=what)
        return _export(school, what)
    return render(
        request,
        "register/export.html",
        {**queries.school_links(request.user, school), "form": form},
        status=400 if request.method == "POST" else 200,
    )


@require_POST
@requires("pupil_record.export", "pk")
def leaver_ctf(request, pupil):
    form = LeaverForm(request.POST, auto_id=LEAVER_IDS)
    if not form.is_valid():
        return show_record(request, pupil, leaver_form=form)
    try:
        filename, data = exports.leaver_ctf(
            pupil, dest_la=form.cleaned_data["dest_la"], dest_estab=form.cleaned_data["dest_estab"]
        )
    except ValidationError as exc:
        show_refusal(form, exc)
        return show_record(request, pupil, leaver_form=form)
    services.log_access(
        request.user,
        "register.exported",
        pupil.school,
        why=form.reason(),
        target=pupil,
        what="CTF for a leaver",
    )
    response = HttpResponse(data, content_type="application/xml")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
