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
from risingtide.register import exports, queries, services
from risingtide.register.models import academic_year
from risingtide.register.views.inputs import field_errors
from risingtide.register.views.records import show_record

EXPORT_REASONS = {
    "census": "School Census G&T return",
    "review": "Register review with staff",
    "governors": "Report to governors",
    "la": "Return to the local authority",
    "transfer": "A pupil is leaving",
    "other": "Other",
}


def _why(request) -> str:
    reason = request.POST.get("why", "")
    if reason not in EXPORT_REASONS:
        raise ValidationError({"why": "Say why you are exporting pupil data."})
    if reason == "other":
        detail = request.POST.get("why_other", "").strip()[:200]
        if not detail:
            raise ValidationError({"why_other": "Say what the export is for."})
        return f"Other: {detail}"
    return EXPORT_REASONS[reason]


@require_http_methods(["GET", "POST"])
@requires("register.export", "pk")
def export(request, school):
    errors = {}
    if request.method == "POST":
        what = request.POST.get("what", "")
        try:
            why = _why(request)
            if what not in ("census", "csv", "xlsx", "pdf"):
                raise ValidationError({"what": "Choose what to export."})
        except ValidationError as exc:
            errors = field_errors(exc)
        else:
            services.log_access(request.user, "register.exported", school, why=why, what=what)
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
    return render(
        request,
        "register/export.html",
        {
            **queries.school_links(request.user, school),
            "reasons": EXPORT_REASONS,
            "errors": errors,
            "form": request.POST,
        },
        status=400 if errors else 200,
    )


@require_POST
@requires("pupil_record.export", "pk")
def leaver_ctf(request, pupil):
    try:
        why = _why(request)
    except ValidationError as exc:
        return show_record(
            request, pupil, {f"ctf_{k}": v for k, v in field_errors(exc).items()}, 400, request.POST
        )
    dest_la = request.POST.get("dest_la", "").strip()
    dest_estab = request.POST.get("dest_estab", "").strip()
    if (dest_la and not (dest_la.isdigit() and len(dest_la) == 3)) or (
        dest_estab and not (dest_estab.isdigit() and len(dest_estab) == 4)
    ):
        return show_record(
            request,
            pupil,
            {
                "ctf_dest": "The destination is an LA code (3 digits) "
                "and an establishment number (4 digits)."
            },
            400,
            request.POST,
        )
    filename, data = exports.leaver_ctf(pupil, dest_la=dest_la, dest_estab=dest_estab)
    services.log_access(
        request.user,
        "register.exported",
        pupil.school,
        why=why,
        target=pupil,
        what="CTF for a leaver",
    )
    response = HttpResponse(data, content_type="application/xml")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
