"""The progress record: every project, stage, comment and judgement of one pupil, on screen, as
PDF and as CSV from the same query; rubric levels and judgements against success criteria."""

import csv
import io

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from risingtide.feedback import services
from risingtide.feedback.progress_record import progress_record
from risingtide.lib.csvexport import safe_cell
from risingtide.portfolios import services as portfolio_services
from risingtide.tasc.models import Assignment, Project

pytestmark = pytest.mark.django_db


@pytest.fixture
def judged(world):
    project = world.projects["own"]
    project.success_criteria = ["I can explain what bees need", "My design works"]
    project.save()
    teacher = world.user("teacher@own")
    services.set_levels(teacher, project, ["Emerging", "Secure", "Deep"])
    services.judge(teacher, world.portfolios["own"], 0, 2, "Clear notes on nesting")
    portfolio_services.set_stage_done(
        world.user("pupil@own"), world.portfolios["own"], "gather", True
    )
    return project


def test_rubric_levels_and_judgements(world, judged):
    teacher = world.user("teacher@own")
    portfolio = world.portfolios["own"]
    [judgement] = portfolio.judgements.all()
    assert (judgement.level_text, judgement.criterion_text) == (
        "Deep",
        "I can explain what bees need",
    )
    with pytest.raises(ValidationError, match="levels"):
        services.judge(teacher, portfolio, 1, 5)
    with pytest.raises(ValidationError, match="not in this project"):
        services.judge(teacher, portfolio, 7, 0)
    with pytest.raises(PermissionDenied):
        services.judge(world.user("pupil@own"), portfolio, 1, 0)  # pupils do not judge
    with pytest.raises(ValidationError, match="between 2 and 6"):
        services.set_levels(teacher, judged, ["Only one"])
    with pytest.raises(ValidationError, match="own name"):
        services.set_levels(teacher, judged, ["A", "A"])
    services.judge(teacher, portfolio, 0, None)  # "not judged" again
    assert not portfolio.judgements.exists()


def test_the_record_gathers_everything_and_is_scoped(world, judged):
    pupil = world.user("pupil@own")
    # A second project, in the pupil's other class at the same school, set to them alone.
    other = Project.objects.create(
        school=world.schools["own"],
        title="Second",
        key_stage="ks3",
        wheel=world.wheels["default"],
        status="open",
    )
    Assignment.objects.create(project=other, pupil=pupil)
    portfolio_services.add_note(
        pupil, portfolio_services.portfolio_for(pupil, other), "gather", "x"
    )
    record = progress_record(pupil, pupil)
    assert {p.portfolio.project.title for p in record.projects} == {"own project", "Second"}
    own = next(p for p in record.projects if p.portfolio.project.title == "own project")
    assert own.stages[0]["done_at"] and own.open_next_steps == 1 and own.item_count == 2
    kinds = {e.what for e in record.timeline}
    assert kinds == {"item", "stage", "feedback", "judgement"}
    # The teacher sees what they may: the same; a teacher elsewhere: nothing.
    assert len(progress_record(world.user("teacher@own"), pupil).projects) == 2
    assert progress_record(world.user("teacher@other"), pupil).projects == []


def test_record_page_pdf_and_csv(world, judged, client_for):
    pupil = world.users["pupil@own"]
    client = client_for(world.user("pupil@own"))
    page = client.get(reverse("feedback:progress_record", args=[pupil.pk])).content.decode()
    assert "Deep" in page and "Say where you found this." in page and "Finished" in page
    pdf = client.get(reverse("feedback:progress_record_pdf", args=[pupil.pk]))
    assert pdf["Content-Type"] == "application/pdf" and pdf.content.startswith(b"%PDF")
    response = client.get(reverse("feedback:progress_record_csv", args=[pupil.pk]))
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0] == ["date", "project", "kind", "what", "by"]
    assert any("Deep" in row[3] for row in rows) and len(rows) > 3
    # Others' records stay closed.
    assert (
        client.get(
            reverse("feedback:progress_record", args=[world.users["pupil2@own"].pk])
        ).status_code
        == 404
    )
    teacher = client_for(world.user("teacher@own"))
    assert teacher.get(reverse("feedback:progress_record", args=[pupil.pk])).status_code == 200
    assert (
        client_for(world.user("teacher@other"))
        .get(reverse("feedback:progress_record", args=[pupil.pk]))
        .status_code
        == 404
    )


def test_csv_cells_cannot_become_formulas(world, client_for):
    assert safe_cell('=HYPERLINK("http://evil")') == '\'=HYPERLINK("http://evil")'
    assert safe_cell("+1") == "'+1" and safe_cell("-2") == "'-2" and safe_cell("@SUM") == "'@SUM"
    assert safe_cell("Bees") == "Bees"
    pupil = world.user("pupil@own")
    Project.objects.filter(pk=world.projects["own"].pk).update(title="=WEBSERVICE(1)")
    response = client_for(pupil).get(reverse("feedback:progress_record_csv", args=[pupil.pk]))
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert {row[1] for row in rows[1:]} == {"'=WEBSERVICE(1)"}


def test_record_query_count_does_not_grow(world, judged, client_for):
    pupil = world.user("pupil@own")
    client = client_for(pupil)
    url = reverse("feedback:progress_record", args=[pupil.pk])

    def count():
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(url).status_code == 200
        return len(ctx.captured_queries)

    first = count()
    teacher = world.user("teacher@own")
    for n in range(6):
        project = Project.objects.create(
            school=world.schools["own"],
            title=f"P{n}",
            key_stage="ks3",
            wheel=world.wheels["default"],
            status="open",
        )
        Assignment.objects.create(project=project, pupil=pupil)
        portfolio = portfolio_services.portfolio_for(pupil, project)
        note = portfolio_services.add_note(pupil, portfolio, "gather", f"n{n}")
        comment = services.give(teacher, portfolio, "praise", "Good", item_id=note.pk)
        services.reply(pupil, comment, "Thanks")
    assert count() == first


def test_progress_grid_shows_open_next_steps_and_last_feedback(world, client_for):
    page = (
        client_for(world.user("teacher@own"))
        .get(reverse("portfolios:project_progress", args=[world.projects["own"].pk]))
        .content.decode()
    )
    ada_row = page[page.index("Own, Ada") :].split("</tr>")[0]
    assert '<td class="num">1</td>' in ada_row  # the tiny world's next step
    assert "none yet" not in ada_row


def test_grid_flags_pupils_without_feedback_for_too_long(world, client_for):
    from datetime import timedelta

    from django.utils import timezone

    from risingtide.feedback.models import Comment

    old = timezone.now() - timedelta(days=20)
    Comment.objects.filter(portfolio=world.portfolios["own"]).update(created_at=old)
    page = (
        client_for(world.user("teacher@own"))
        .get(reverse("portfolios:project_progress", args=[world.projects["own"].pk]))
        .content.decode()
    )
    ada_row = page[page.index("Own, Ada") :].split("</tr>")[0]
    assert "20 days ago" in ada_row and "feedback due" in ada_row
