"""A report run whose worker was killed part-way (tests/test_faults.py kills one for real):
after RISINGTIDE_TASK_STALLED_MINUTES it shows as failed, no school sees the reports it made,
and the LA lead can start again, which clears it away with its files."""

from datetime import timedelta

from django.core.files.base import ContentFile
from django.urls import reverse
from django.utils import timezone

from risingtide.home.queries import insight_schools
from risingtide.insights import reports
from risingtide.insights.models import ReportRun, SchoolReportFile
from risingtide.insights.tests.test_reports import figures  # noqa: F401 - the fixture


def killed_run(world, minutes_ago: int) -> ReportRun:
    """What a worker killed after the first school's PDF leaves behind."""
    run = ReportRun.objects.create(
        local_authority=world.las["own"], year=2025, state=ReportRun.State.RUNNING, total=3, done=1
    )
    ReportRun.objects.filter(pk=run.pk).update(
        created_at=timezone.now() - timedelta(minutes=minutes_ago)
    )
    SchoolReportFile.objects.create(
        school=world.schools["own"], run=run, year=2025, pdf=ContentFile(b"%PDF", name="own.pdf")
    )
    run.refresh_from_db()
    return run


def test_a_killed_runs_reports_reach_no_school_home_page(figures):  # noqa: F811
    killed_run(figures, minutes_ago=5)
    head = figures.user("head@own")
    assert [school.report_id for school in insight_schools(head)] == [None]


def test_a_run_running_past_the_limit_shows_as_failed_and_polls_no_more(
    figures,  # noqa: F811
    client_for,
    settings,
):
    settings.TASK_STALLED_MINUTES = 60
    fresh = killed_run(figures, minutes_ago=5)
    assert fresh.running and not fresh.stalled
    ReportRun.objects.filter(pk=fresh.pk).delete()
    run = killed_run(figures, minutes_ago=61)
    assert run.stalled and not run.running
    lead = client_for(figures.user("la_lead@own"))
    page = lead.get(reverse("insights:insights_run", args=[figures.las["own"].pk, run.pk]))
    text = page.content.decode()
    assert "The reports stopped part-way" in text
    assert "hx-trigger" not in text


def test_starting_again_clears_a_stalled_run_and_its_files(figures, settings):  # noqa: F811
    settings.TASK_STALLED_MINUTES = 60
    run = killed_run(figures, minutes_ago=61)
    made = SchoolReportFile.objects.get(run=run)
    storage, name = made.pdf.storage, made.pdf.name
    assert storage.exists(name)
    again = reports.start_run(figures.user("la_lead@own"), figures.las["own"])
    run.refresh_from_db()
    assert run.state == ReportRun.State.FAILED
    assert "stopped part-way" in run.message
    assert not SchoolReportFile.objects.filter(run=run).exists()
    assert not storage.exists(name)
    assert again.state == ReportRun.State.QUEUED


def test_the_api_says_a_run_stalled_as_the_page_does(figures, client_for, settings):  # noqa: F811
    settings.TASK_STALLED_MINUTES = 60
    run = killed_run(figures, minutes_ago=61)
    lead = client_for(figures.user("la_lead@own"))
    answer = lead.get(f"/api/v1/insights/las/{figures.las['own'].pk}/reports/{run.pk}").json()
    assert (answer["state"], answer["state_label"], answer["stalled"]) == (
        "running",
        "Failed",
        True,
    )
