"""The teacher's progress grid: each cell's state, who is stuck and who needs feedback (the
read), the orders and the filter (``arrange``), and the page that asks for them by address."""

import re
from datetime import timedelta

import pytest
from django.db.models import F
from django.urls import reverse
from django.utils import timezone

from risingtide.demo.testing import make_user, member
from risingtide.feedback import services as feedback
from risingtide.feedback.queries import waiting_counts
from risingtide.people.models import Role, User
from risingtide.portfolios import services
from risingtide.portfolios.models import Portfolio, StageProgress
from risingtide.portfolios.progress import PupilProgress, arrange, project_progress
from risingtide.tasc.models import Assignment, Project

# --- the orders and the filter, on rows made by hand ------------------------------------------


def row(name: str, **fields) -> PupilProgress:
    first, last = name.split()
    opened = fields.pop("opened", True)
    values = {
        "pupil": User(first_name=first, last_name=last),
        "portfolio": Portfolio() if opened else None,
        "cells": [],
        "last_activity": None,
        "stuck_days": None,
        **fields,
    }
    return PupilProgress(**values)


def names(grid) -> list[str]:
    return [r.pupil.first_name for r in grid.rows]


NOW = timezone.now()

# As the read gives them: by surname.
CLASS = [
    row("Ann Able", last_activity=NOW - timedelta(days=1), feedback_quiet_days=9),
    row("Ben Best", last_activity=NOW - timedelta(days=8), stuck_days=8),
    row("Cat Cole", last_activity=NOW, open_next_steps=2),
    row("Dan Dunn", opened=False, stuck_days=10),
    row("Eve East", last_activity=NOW - timedelta(days=2), waiting=1, open_next_steps=1),
    row("Fay Fox", last_activity=NOW - timedelta(days=3), open_next_steps=2),
    row("Gus Gray", last_activity=NOW - timedelta(days=20), stuck_days=20, waiting=2),
    row("Hal Hunt", last_activity=NOW - timedelta(hours=3), feedback_quiet_days=30),
    row("Ivy Ives", last_activity=NOW - timedelta(days=4)),
    row("Jon Jay", opened=False),
]


def test_by_name_keeps_the_reads_order():
    assert names(arrange(CLASS, "name")) == [r.pupil.first_name for r in CLASS]


def test_who_needs_help_first_is_stuck_longest_then_waiting_then_next_steps_then_quiet():
    assert names(arrange(CLASS, "help")) == [
        "Gus",  # stuck 20 days
        "Dan",  # never opened, 10 days after it was set
        "Ben",  # stuck 8 days
        "Eve",  # a reply waiting for the teacher
        "Cat",  # two next steps open (Cat before Fay: by name)
        "Fay",
        "Hal",  # no feedback for 30 days
        "Ann",  # no feedback for 9 days
        "Ivy",  # nothing to see: by name
        "Jon",
    ]


def test_by_last_activity_most_recent_first_never_opened_last():
    assert names(arrange(CLASS, "activity")) == [
        "Cat",
        "Hal",
        "Ann",
        "Eve",
        "Fay",
        "Ivy",
        "Ben",
        "Gus",
        "Dan",
        "Jon",
    ]


def test_an_unknown_order_is_by_name():
    grid = arrange(CLASS, "shoe size")
    assert grid.sort == "name" and names(grid) == [r.pupil.first_name for r in CLASS]


def test_needs_feedback_shows_work_waiting_or_feedback_gone_quiet_and_counts_everyone():
    grid = arrange(CLASS, "help", needs_feedback=True)
    # Dan has nothing to give feedback on: he never opened the project.
    assert names(grid) == ["Gus", "Eve", "Hal", "Ann"]
    assert (grid.pupils, grid.need_help, grid.need_feedback) == (10, 3, 4)
    assert grid.needs_feedback_only and grid.sort_label == "Who needs help first"


# --- the read ---------------------------------------------------------------------------------

pytestmark = pytest.mark.django_db


def _ago(days: int):
    return timezone.now() - timedelta(days=days, hours=1)


def _rows(world, days: int = 7) -> dict[str, PupilProgress]:
    rows = project_progress(world.user("teacher@own"), world.projects["own"], days)
    return {r.pupil.first_name: r for r in rows}


def test_each_cell_is_done_started_stuck_or_not_started_and_links_to_its_stage(world):
    ada, portfolio = world.user("pupil@own"), world.portfolios["own"]
    services.set_stage_done(ada, portfolio, "gather", True)
    services.add_note(ada, portfolio, "generate", "An idea")  # items, no progress row
    StageProgress.objects.create(portfolio=portfolio, stage="decide")  # reopened, empty
    cells = {c["stage"]: c for c in _rows(world)["Ada"].cells}
    assert {s: c["status"] for s, c in cells.items()} == {
        "gather": "done",
        "identify": "",
        "generate": "started",
        "decide": "started",
        "implement": "",
        "evaluate": "",
        "communicate": "",
        "learn": "",
    }
    assert cells["gather"]["items"] == 2
    url = reverse("portfolios:portfolio", args=[portfolio.pk])
    assert cells["generate"]["url"] == f"{url}?stage=generate#stage-generate"

    Portfolio.objects.filter(pk=portfolio.pk).update(last_activity_at=_ago(9))
    ada_row = _rows(world)["Ada"]
    assert ada_row.stuck_days == 9 and ada_row.idle_days == 9 and ada_row.needs_help
    # Stuck where the wheel says she is: the first stage not done.
    assert [c["stage"] for c in ada_row.cells if c["status"] == "stuck"] == ["identify"]
    assert _rows(world, days=10)["Ada"].stuck_days is None


def test_a_pupil_who_finished_the_wheel_is_never_stuck(world):
    ada, portfolio = world.user("pupil@own"), world.portfolios["own"]
    for stage in ("gather", "identify", "generate", "decide"):
        services.set_stage_done(ada, portfolio, stage, True)
    for stage in ("implement", "evaluate", "communicate", "learn"):
        services.set_stage_done(ada, portfolio, stage, True)
    Portfolio.objects.filter(pk=portfolio.pk).update(last_activity_at=_ago(30))
    ada_row = _rows(world)["Ada"]
    assert ada_row.stuck_days is None and ada_row.idle_days == 30
    assert {c["status"] for c in ada_row.cells} == {"done"}


def test_a_pupil_who_never_opened_the_project_is_stuck_once_it_was_set_long_enough_ago(world):
    project = world.projects["own"]
    assert _rows(world)["Ben"].stuck_days is None  # set today
    Assignment.objects.filter(project=project).update(assigned_at=_ago(12))
    ben = _rows(world)["Ben"]
    assert ben.portfolio is None and ben.stuck_days == 12 and not ben.needs_feedback
    assert [c["status"] for c in ben.cells][:2] == ["stuck", ""]
    assert all(c["url"] == "" for c in ben.cells)
    # A start date after it was set counts from the start date.
    Project.objects.filter(pk=project.pk).update(start_date=_ago(3).date())
    project.refresh_from_db()
    assert _rows(world)["Ben"].stuck_days is None
    # A draft is not yet set to anyone.
    Project.objects.filter(pk=project.pk).update(start_date=None, status=Project.Status.DRAFT)
    assert _rows(world)["Ben"].stuck_days is None


def test_work_waiting_for_the_teacher_is_counted_as_the_inbox_counts_it(world):
    teacher, ada = world.user("teacher@own"), world.user("pupil@own")
    portfolio = world.portfolios["own"]
    assert _rows(world)["Ada"].waiting == 0  # the tiny world's next step: open, not waiting
    question = feedback.give(teacher, portfolio, "question", "Why bees?")
    feedback.reply(ada, question, "They make honey.")  # an answer waits
    step = feedback.give(teacher, portfolio, "next_step", "Label it.")
    feedback.mark_done(ada, step, "Done it.")  # a finished next step waits
    accepted = feedback.give(teacher, portfolio, "next_step", "Add a title.")
    feedback.mark_done(ada, accepted)
    feedback.accept(teacher, accepted, True)  # no longer waits
    ada_row = _rows(world)["Ada"]
    counts = waiting_counts(teacher)
    assert ada_row.waiting == counts["questions"] + counts["to_accept"] == 2
    assert ada_row.open_next_steps == counts["open"] == 1
    assert ada_row.needs_feedback and ada_row.feedback_days == 0


def test_feedback_quiet_counts_from_the_portfolio_when_there_is_none(world):
    portfolio = world.portfolios["own"]
    portfolio.comments.all().delete()
    Portfolio.objects.filter(pk=portfolio.pk).update(created_at=_ago(8))
    ada = _rows(world)["Ada"]
    assert ada.last_feedback is None and ada.feedback_quiet_days == 8 and ada.needs_feedback


# --- the page ---------------------------------------------------------------------------------


def _page(client, world, query: str = "") -> str:
    url = reverse("portfolios:project_progress", args=[world.projects["own"].pk])
    response = client.get(url + query)
    assert response.status_code == 200
    return response.content.decode()


def _row_names(html: str) -> list[str]:
    body = html.split("<tbody>")[1].split("</tbody>")[0]
    heads = [part.split("</th>")[0] for part in body.split('<th scope="row">')[1:]]
    return [re.sub(r"<[^>]+>", "", head) for head in heads]


def _more_pupils(world) -> None:
    """Cy Zed, stuck 15 days; Di Moss, whose answer waits for the teacher; Ed Ash, with nothing
    to see."""
    teacher, project = world.user("teacher@own"), world.projects["own"]
    for first, last in (("Cy", "Zed"), ("Di", "Moss"), ("Ed", "Ash")):
        pupil = make_user(f"{first}.{last}".lower(), first, last)
        member(pupil, Role.PUPIL, school=world.schools["own"], teaching_group=world.groups["own"])
        portfolio = services.portfolio_for(pupil, project)
        services.add_note(pupil, portfolio, "gather", "Facts")
        if first == "Di":
            question = feedback.give(teacher, portfolio, "question", "Where from?")
            feedback.reply(pupil, question, "A book.")
        if first == "Ed":
            feedback.give(teacher, portfolio, "praise", "Good.")
    Portfolio.objects.filter(memberships__pupil__first_name="Cy").update(last_activity_at=_ago(15))


BY_NAME = ["Ash, Ed", "Moss, Di", "Own, Ada", "Own, Ben", "Zed, Cy"]


def test_the_teacher_sorts_by_who_needs_help_and_the_page_says_so(world, client_for):
    _more_pupils(world)
    client = client_for(world.user("teacher@own"))
    html = _page(client, world)
    assert _row_names(html) == BY_NAME
    assert "<strong>1 of 5</strong> needs help" in html
    assert "5 pupils, sorted by name</span></caption>" in html
    assert '<th scope="col" aria-sort="ascending">Pupil</th>' in html

    html = _page(client, world, "?sort=help")
    # Cy is stuck; Di's answer waits; Ada has a next step open; then the rest by name.
    assert _row_names(html) == ["Zed, Cy", "Moss, Di", "Own, Ada", "Ash, Ed", "Own, Ben"]
    assert "5 pupils, sorted by who needs help first</span></caption>" in html
    assert "<title>Progress: own project, who needs help first · Rising Tide</title>" in html
    assert '<option value="help" selected>Who needs help first</option>' in html
    assert "aria-sort" not in html  # no one column holds this order
    zed = html[html.index("Zed, Cy") :].split("</tr>")[0]
    assert '<td class="cell cell-stuck"><a href="/portfolios/' in zed
    assert (
        "?stage=gather#stage-gather" in zed and "Cy Zed, Gather and Organise: stuck, 1 item" in zed
    )

    html = _page(client, world, "?sort=activity")
    assert _row_names(html)[-2:] == ["Zed, Cy", "Own, Ben"]  # quiet longest, never opened
    assert '<th scope="col" aria-sort="descending">Last active</th>' in html


def test_the_teacher_shows_only_who_needs_feedback(world, client_for):
    client = client_for(world.user("teacher@own"))
    html = _page(client, world, "?needs_feedback=1")
    assert "No pupil needs feedback just now." in html and "<table" not in html

    _more_pupils(world)
    Portfolio.objects.filter(memberships__pupil__first_name="Cy").update(created_at=_ago(15))
    html = _page(client, world, "?sort=help&needs_feedback=1")
    # Cy has had no feedback for 15 days; Di's answer waits for the teacher.
    assert _row_names(html) == ["Zed, Cy", "Moss, Di"]
    assert "2 of 5 pupils, only those who need feedback, sorted by who needs help first" in html
    assert 'name="needs_feedback" id="grid-needs-feedback" value="1" checked' in html
    assert "<strong>2</strong> need feedback" in html
    assert "1 waiting" in html and "feedback due" in html


def test_an_order_the_grid_does_not_know_shows_it_by_name(world, client_for):
    client = client_for(world.user("teacher@own"))
    html = _page(client, world, "?sort=shoe-size")
    assert _row_names(html) == ["Own, Ada", "Own, Ben"]
    assert "2 pupils, sorted by name</span></caption>" in html


def test_sorted_and_filtered_grid_costs_the_same_queries_for_a_bigger_class(
    world, client_for, django_assert_max_num_queries
):
    client = client_for(world.user("teacher@own"))
    query = "?sort=help&needs_feedback=1"
    _page(client, world, query)
    # Measured afresh, not as kept (the grid's version moved on).
    world.projects["own"].portfolios.update(content_version=F("content_version") + 1)
    with django_assert_max_num_queries(20) as before:
        _page(client, world, query)
    _more_pupils(world)
    for n in range(20):
        pupil = make_user(f"class.{n}", "Class", f"Pupil{n:02}")
        member(pupil, Role.PUPIL, school=world.schools["own"], teaching_group=world.groups["own"])
        portfolio = services.portfolio_for(pupil, world.projects["own"])
        services.add_note(pupil, portfolio, "gather", "n")
        feedback.give(world.user("teacher@own"), portfolio, "next_step", "More")
    with django_assert_max_num_queries(len(before)):
        _page(client, world, query)
