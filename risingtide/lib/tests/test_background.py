"""A job's progress: the same figure for every kind of job that shows a bar."""

import pytest

from risingtide.insights.models import ReportRun
from risingtide.privacy.models import SubjectAccessExport
from risingtide.rostering.models import RosterImport


@pytest.mark.parametrize("model", [RosterImport, ReportRun, SubjectAccessExport])
@pytest.mark.parametrize(
    ("done", "total", "percent"),
    [(0, 0, 0), (0, 40, 0), (13, 40, 32), (40, 40, 100), (50, 40, 100)],
)
def test_percent_of_a_job_under_way(model, done, total, percent):
    job = model(done=done, total=total)
    job.state = next(s for s in model.State if s != model.State.DONE)
    assert job.percent == percent


@pytest.mark.parametrize("model", [RosterImport, ReportRun, SubjectAccessExport])
def test_a_finished_job_is_at_100_percent_whatever_it_counted(model):
    assert model(done=0, total=0, state=model.State.DONE).percent == 100
