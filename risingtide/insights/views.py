"""Register insights pages: thin views over queries (figures) and reports (PDFs). Every figure
outside the viewer's own school is published through disclosure control (queries.Control)."""

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST

from risingtide.access.core import can, requires
from risingtide.insights import comparing, exports, queries, reports
from risingtide.insights.groups import DIMENSIONS
from risingtide.insights.models import ReportRun, SchoolReportFile
from risingtide.lib.csvexport import csv_response
from risingtide.lib.uploads import serve
from risingtide.register.services import log_access


def _year(request) -> int | None:
    raw = request.GET.get("year", "")
    return int(raw) if raw.isascii() and raw.isdigit() and len(raw) == 4 else None


def _choices() -> list[tuple[str, str]]:
    return [(d.key, d.label) for d in DIMENSIONS if d.column]


def _page(request, template: str, context: dict, status: int = 200):
    context["threshold"] = settings.SUPPRESSION_THRESHOLD
    context["rounding"] = settings.SUPPRESSION_ROUNDING
    context["points"] = settings.UNDERACHIEVEMENT_POINTS
    return render(request, template, context, status=status)


@require_GET
@requires("insights.view", "pk")
def school(request, school):
    report = queries.school_report(
        request.user, school, _year(request), request.GET.get("dimension")
    )
    underachievers = None
    # Pupil-level: for those who see the school's register (its staff, and its LA only under
    # a data-sharing agreement in force), audited as the register is.
    if report.has_figures and can(request.user, "register.view", school):
        underachievers = queries.underachievement(school, report.year, report.expected)
        log_access(
            request.user,
            "insights.underachievement_viewed",
            school,
            why="Insights report",
            what=f"{len(underachievers)} pupils",
        )
    return _page(
        request,
        "insights/school.html",
        {
            "school": school,
            "report": report,
            "underachievers": underachievers,
            "dimensions": _choices(),
            "latest_file": reports.latest_report_file(school),
            "can_la": can(request.user, "insights.la", report.local_authority),
        },
    )


@require_GET
@requires("insights.view", "pk")
def school_csv(request, school):
    report = queries.school_report(
        request.user, school, _year(request), request.GET.get("dimension")
    )
    return csv_response(exports.filename(school.urn, report), exports.school_rows(report))


@require_GET
@requires("insights.view", "pk")
def school_pdf(request, school):
    report = queries.school_report(request.user, school, _year(request))
    response = HttpResponse(reports.report_pdf(report), content_type="application/pdf")
    name = exports.filename(school.urn, report, "pdf")
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    response["Cache-Control"] = "private, no-store"
    return response


@require_GET
@requires("insights.view", "pk")
def report_file(request, school, file_id):
    found = get_object_or_404(SchoolReportFile, pk=file_id, school=school)
    return serve(found.pdf.open("rb"), "application/pdf", found.pdf.name.rsplit("/", 1)[-1])


def _la_context(request, la) -> dict:
    report = comparing.la_report(la, _year(request), request.GET.get("dimension"))
    run = ReportRun.objects.filter(local_authority=la).first()
    return {
        "la": la,
        "report": report,
        "dimensions": _choices(),
        "run": run,
        "can_generate": can(request.user, "insights.generate", la),
        "can_nation": can(request.user, "insights.nation", la.nation),
    }


@require_GET
@requires("insights.la", "pk")
def local_authority(request, la):
    return _page(request, "insights/la.html", _la_context(request, la))


@require_GET
@requires("insights.la", "pk")
def la_csv(request, la):
    report = comparing.la_report(la, _year(request), request.GET.get("dimension"))
    return csv_response(exports.filename(la.code, report), exports.comparing_rows(report))


@require_POST
@requires("insights.generate", "pk")
def la_reports(request, la):
    try:
        reports.start_run(request.user, la, _year(request))
    except ValidationError as exc:
        context = _la_context(request, la)
        context["run_error"] = " ".join(exc.messages)
        return _page(request, "insights/la.html", context, status=400)
    except PermissionDenied:
        raise
    return redirect(reverse("insights:insights_la", args=[la.pk]) + "#reports")


def _run(la, pk) -> ReportRun:
    return get_object_or_404(ReportRun, pk=pk, local_authority=la)


@require_GET
@requires("insights.generate", "pk")
def run(request, la, run_id):
    found = _run(la, run_id)
    return _page(request, "insights/_run_progress.html", {"la": la, "run": found})


@require_GET
@requires("insights.generate", "pk")
def run_zip(request, la, run_id):
    found = _run(la, run_id)
    if found.state != ReportRun.State.DONE or not found.archive:
        raise Http404("The reports are not ready yet.")
    return serve(found.archive.open("rb"), "application/zip", found.archive.name.rsplit("/", 1)[-1])


@require_GET
@requires("insights.nation", "pk")
def nation(request, nation):
    report = comparing.nation_report(nation, _year(request), request.GET.get("dimension"))
    return _page(
        request,
        "insights/nation.html",
        {"nation": nation, "report": report, "dimensions": _choices()},
    )


@require_GET
@requires("insights.nation", "pk")
def nation_csv(request, nation):
    report = comparing.nation_report(nation, _year(request), request.GET.get("dimension"))
    return csv_response(exports.filename("nation", report), exports.comparing_rows(report))
