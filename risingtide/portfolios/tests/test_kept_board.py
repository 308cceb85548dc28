"""The kept board (decision 0015): shown again from the cache until something it shows is
written, then at once rendered afresh, whoever wrote it and however (a service, a bulk update,
a cascade); per viewer, never another's. The database's triggers move the version on, so the
last test checks that every table holding a portfolio's content has them."""

import re

import pytest
from django.apps import apps
from django.db import connection
from django.db.models import F
from django.middleware.csrf import _unmask_cipher_token
from django.urls import reverse

from risingtide.demo.testing import make_user, member
from risingtide.feedback import services as feedback
from risingtide.feedback.models import Comment
from risingtide.lib.testing import without_tokens
from risingtide.people.models import Membership, Role
from risingtide.portfolios import services, tools
from risingtide.portfolios.models import Item, Portfolio
from risingtide.tasc import services as tasc
from risingtide.tasc.models import Project, WheelStage

pytestmark = pytest.mark.django_db


def board(client, portfolio) -> str:
    html = client.get(reverse("portfolios:portfolio", args=[portfolio.pk])).content.decode()
    return without_tokens(html.split('<main id="main"')[1])


def version(portfolio) -> int:
    return Portfolio.objects.values_list("content_version", flat=True).get(pk=portfolio.pk)


def _note(w):
    return w.items["own"]


# Each way of writing what the board shows, by the pupil, their teacher or a task, and a word
# the board shows afterwards ("!…": no longer shows); None where what changes is not in words
# (an order, a thread's state behind the same count): the version moving is the test there.
WRITES = {
    "add a note": (lambda w: services.add_note(w.p, w.f, "gather", "Hollow stems"), "Hollow stems"),
    "write in a note": (
        lambda w: services.save_note(w.p, _note(w), "Bees **dance**", _note(w).version),
        "Bees dance",
    ),
    "rename and rate an item": (
        lambda w: services.update_item(
            w.p, _note(w), title="Renamed", stage="gather", importance=4, categories=["Wild"]
        ),
        "4 of 5",
    ),
    "connect two items": (
        lambda w: services.connect(w.p, w.f, _note(w).pk, w.uploads["own"].pk, "shows", ""),
        "1 connection",
    ),
    "move an item down": (lambda w: services.move_item(w.p, _note(w), 1), None),
    "finish a stage": (
        lambda w: services.set_stage_done(w.p, w.f, "gather", True),
        "stage-tab is-done",
    ),
    "fill in the thinking tool": (
        lambda w: tools.save_stage_work(w.p, w.f, "gather", {"known": "Bees sleep\nin flowers"}, 0),
        None,
    ),
    "teacher's feedback on the portfolio": (
        lambda w: feedback.give(w.t, w.f, "question", "Where next?"),
        "Where next?",
    ),
    "a reply to feedback": (
        lambda w: feedback.reply(w.t, w.comments["own"], "And a picture?"),
        None,
    ),
    "feedback marked done": (lambda w: feedback.mark_done(w.p, w.comments["own"]), None),
    "the project closed": (
        lambda w: tasc.set_status(w.t, w.f.project, Project.Status.CLOSED),
        '!id="add-form"',
    ),
    "the wheel reworded": (
        lambda w: WheelStage.objects.filter(wheel=w.f.project.wheel, stage="gather").update(
            title="Collect"
        ),
        "Collect",
    ),
    "items added in bulk": (
        lambda w: Item.objects.bulk_create(
            [Item(portfolio=w.f, kind="note", stage="gather", title="Bulk", created_by=w.p)]
        ),
        "Bulk",
    ),
    "an item deleted": (lambda w: _note(w).delete(), None),
    "a thread deleted with its replies": (lambda w: w.comments["own"].delete(), None),
}


@pytest.mark.parametrize("write", list(WRITES))
def test_every_write_shows_on_the_next_board(world, client_for, write):
    w = world
    w.p, w.t, w.f = w.user("pupil@own"), w.user("teacher@own"), w.portfolios["own"]
    client = client_for(w.p)
    first = board(client, w.f)
    assert board(client, w.f) == first  # kept: the same page
    before = version(w.f)
    do, shown = WRITES[write]
    do(w)
    assert version(w.f) > before
    after = board(client, w.f)
    if shown and shown.startswith("!"):
        assert shown[1:] in first and shown[1:] not in after
    elif shown:
        assert shown in after and shown not in first


def test_a_kept_board_is_the_viewer_s_own(world, client_for):
    """The pupil's page has the forms to add and move; the teacher's, kept after the pupil's,
    has not, and the pupil's unread mark is not the teacher's."""
    portfolio = world.portfolios["own"]
    pupil = client_for(world.user("pupil@own"))
    teacher = client_for(world.user("teacher@own"))
    mine = board(pupil, portfolio)
    theirs = board(teacher, portfolio)
    assert 'id="add-form"' in mine and 'id="add-form"' not in theirs
    assert "You are viewing this portfolio" in theirs
    assert board(pupil, portfolio) == mine


def test_saving_the_portfolio_never_sets_its_version_back(world):
    portfolio = Portfolio.objects.get(pk=world.portfolios["own"].pk)
    services.add_note(world.user("pupil@own"), portfolio, "gather", "After loading")
    moved = version(portfolio)
    portfolio.current_stage = "identify"
    portfolio.save()
    assert version(portfolio) == moved


def test_each_form_gets_the_request_s_own_token(world, client_for):
    client = client_for(world.user("pupil@own"))
    url = reverse("portfolios:portfolio", args=[world.portfolios["own"].pk])
    client.get(url)
    pages = [client.get(url).content.decode() for _ in range(2)]  # kept
    secret = client.cookies["csrftoken"].value
    tokens = []
    for html in pages:
        assert "\x1b" not in html
        found = re.findall(r'csrfmiddlewaretoken" value="([^"]+)"', html)
        assert len(found) >= 2  # the kept board's forms and the header's sign-out
        # One token a request (lib.kept.request_token), the session's own secret under it.
        assert len(set(found)) == 1 and _unmask_cipher_token(found[0]) == secret
        tokens.append(found[0])
    assert tokens[0] != tokens[1]  # masked afresh for each request


# Tables linked to a portfolio whose rows the board does not show, and why.
NOT_ON_THE_BOARD = {
    "portfolios_noterevision": "a note's history, shown on the item's own page",
    "portfolios_annotation": "shown on the item's own page",
    "portfolios_groupmessage": "the group discussion page",
    "portfolios_contribution": "the contributions page",
    "feedback_review": "the presentation page",
    "register_evidence": "a pupil's record in the G&T register",
    "learning_plans_evidence": "the pupil's learning plan",
}


def _watched_tables() -> set[str]:
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT event_object_table FROM information_schema.triggers"
                " WHERE trigger_name LIKE 'version_%%'"
            )
        else:
            cursor.execute(
                "SELECT tbl_name FROM sqlite_master WHERE type = 'trigger'"
                " AND name LIKE 'version_%'"
            )
        return {row[0] for row in cursor.fetchall()}


def test_every_table_holding_a_portfolio_s_content_moves_its_version():
    """A model linked to a portfolio (or to an item or a thread of one) is watched by a trigger,
    or listed above with the page that shows it instead. A SQLite table rebuilt by a later
    migration loses its triggers: this fails until they are made again."""
    linked = set()
    for model in apps.get_models(include_auto_created=True):
        for field in model._meta.concrete_fields:
            if field.is_relation and field.related_model in (Portfolio, Item, Comment):
                linked.add(model._meta.db_table)
    watched = _watched_tables()
    assert linked - watched - set(NOT_ON_THE_BOARD) == set()
    assert {"tasc_project", "tasc_wheelstage", "feedback_rubric"} <= watched
    assert not watched & set(NOT_ON_THE_BOARD)


def test_an_update_that_bypasses_the_models_still_moves_the_version(world):
    portfolio = world.portfolios["own"]
    before = version(portfolio)
    Item.objects.filter(portfolio=portfolio).update(importance=F("importance"))
    assert version(portfolio) > before


def _grid(client, project) -> str:
    url = reverse("portfolios:project_progress", args=[project.pk])
    return without_tokens(client.get(url).content.decode().split('<main id="main"')[1])


def test_the_kept_grid_follows_the_pupils_work_and_whom_it_is_set_to(world, client_for):
    project = world.projects["own"]
    teacher = client_for(world.user("teacher@own"))
    first = _grid(teacher, project)
    assert _grid(teacher, project) == first
    # A pupil's note: that stage's count on their row.
    services.add_note(world.user("pupil@own"), world.portfolios["own"], "identify", "Why bees")
    after_note = _grid(teacher, project)
    assert after_note != first
    # A pupil joining the class the project is set to: a new row, without a portfolio yet.
    newcomer = make_user("new.pupil", "Newly", "Arrived")
    member(newcomer, Role.PUPIL, school=world.schools["own"], teaching_group=world.groups["own"])
    joined = _grid(teacher, project)
    assert "Arrived" in joined and "Arrived" not in after_note
    # Leaving it: the row goes.
    Membership.objects.filter(user=newcomer).delete()
    assert "Arrived" not in _grid(teacher, project)


def test_the_kept_grid_follows_the_projects_assignments(world, client_for):
    project = world.projects["own"]
    teacher = world.user("leading_teacher@own")  # sees every pupil of the school
    client = client_for(teacher)
    lone = world.user("pupil@own2")
    before = _grid(client, project)
    assert lone.last_name not in before
    tasc.assign(teacher, project, pupils=[lone])
    assert lone.last_name in _grid(client, project)
