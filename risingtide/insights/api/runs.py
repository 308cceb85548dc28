"""The LA lead's run of PDF reports in the API: start a run, follow it, fetch its ZIP; and one
school's report as a PDF. The same functions as the pages (``insights.reports``)."""

from datetime import datetime

from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404
from django.urls import reverse
from ninja import Field, Query, Router, Schema, Status

from risingtide.access.core import requires
from risingtide.insights import exports, queries, reports
from risingtide.insights.api.answers import YEAR
from risingtide.insights.models import ReportRun
from risingtide.lib.api_errors import ErrorOut, refusals_as_400
from risingtide.lib.uploads import serve
from risingtide.register.models import year_label

router = Router(tags=["Insights"])


class RunOut(Schema):
    id: int
    year: int
    year_label: str
    state: str = Field(description="queued, running, done or failed")
    state_label: str
    stalled: bool = Field(
        description="Running for longer than any run takes: its worker was stopped; no school "
        "sees its reports, and starting a new run clears it away (as the page says)"
    )
    done: int = Field(description="Schools' reports made so far")
    total: int
    percent: int
    message: str
    created_at: datetime
    finished_at: datetime | None
    download: str | None = Field(description="The ZIP, once done (GET it with the same token)")


# --- the LA lead's run of PDF reports --------------------------------------------------------


def _run(request, run: ReportRun) -> dict:
    done = run.state == ReportRun.State.DONE and bool(run.archive)
    download = (
        request.build_absolute_uri(
            reverse("api-1:insights_run_zip", args=[run.local_authority_id, run.pk])
        )
        if done
        else None
    )
    return {
        "id": run.pk,
        "year": run.year,
        "year_label": year_label(run.year),
        "state": run.state,
        "state_label": "Failed" if run.stalled else run.get_state_display(),
        "stalled": run.stalled,
        "done": run.done,
        "total": run.total,
        "percent": run.percent,
        "message": run.message,
        "created_at": run.created_at,
        "finished_at": run.finished_at,
        "download": download,
    }


@router.post(
    "/insights/las/{la_id}/reports",
    response={202: RunOut, 400: ErrorOut},
    summary="Start making every school's PDF report for the LA, in the background",
    description="Optional query `?year=2025` (default: the LA's latest year with figures). "
    "Refused (400) while a run is going, or when there are no figures for the year. Poll the "
    "run's state at /insights/las/{la_id}/reports/{run_id}.",
)
@requires("insights.generate", "la_id", api=True)
@refusals_as_400
def start_reports(request, la_id: int, year: int | None = Query(None, description=YEAR)):
    # The year is a query parameter and there is no body: a form POST (which Django's CSRF
    # check reads first) is then answered like any other, not with a server error.
    run = reports.start_run(request.user, request.access_target, year)
    return Status(202, _run(request, run))


@router.get(
    "/insights/las/{la_id}/reports/{int:run_id}",
    response=RunOut,
    summary="A run of PDF reports: its state and progress, and its ZIP once done",
)
@requires("insights.generate", "la_id", api=True)
def report_run(request, la_id: int, run_id: int):
    # Looked up within the LA the guard let through: another LA's run is not found.
    return _run(
        request, get_object_or_404(ReportRun, local_authority=request.access_target, pk=run_id)
    )


@router.get(
    "/insights/las/{la_id}/reports/{int:run_id}/zip",
    url_name="insights_run_zip",
    response={200: None},
    summary="A finished run's ZIP of every school's PDF report (application/zip)",
)
@requires("insights.generate", "la_id", api=True)
def report_run_zip(request, la_id: int, run_id: int):
    run = get_object_or_404(
        ReportRun, local_authority=request.access_target, pk=run_id, state=ReportRun.State.DONE
    )
    if not run.archive:
        raise Http404("The reports are not ready yet.")
    return serve(run.archive.open("rb"), "application/zip", run.archive.name.rsplit("/", 1)[-1])


@router.get(
    "/insights/schools/{school_id}/pdf",
    response={200: None, 400: ErrorOut},
    summary="A school's report as PDF (application/pdf), figures as in the JSON answer",
)
@requires("insights.view", "school_id", api=True)
@refusals_as_400
def school_report_pdf(request, school_id: int, year: int | None = Query(None, description=YEAR)):
    school = request.access_target
    report = queries.school_report(request.user, school, year)
    response = HttpResponse(reports.report_pdf(report), content_type="application/pdf")
    name = exports.filename(school.urn, report, "pdf")
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response
