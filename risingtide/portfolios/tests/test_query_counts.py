"""Pages make a constant number of SQL queries whatever the data size.

Each test counts the queries of one GET with a little of everything in the portfolio (one
category, annotation, revision, connection, each stage's tool), grows the data many times over
(items of every kind, categories, annotations, revisions, connections, bigger stage work, more
pupils) and asks for the same count again.
"""

import itertools

import pytest
from django.db import connection
from django.http import QueryDict
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from risingtide.demo.testing import make_user, member
from risingtide.people.models import Role
from risingtide.portfolios import services
from risingtide.portfolios.models import (
    Annotation,
    Category,
    Connection,
    Item,
    NoteRevision,
    StageProgress,
    StageWork,
)
from risingtide.portfolios.tools import save_stage_work
from risingtide.tasc.models import STAGE_ORDER, Project

pytestmark = pytest.mark.django_db

GROWTH = 15
VIEWERS = ["pupil@own", "teacher@own"]
STAFF = ["teacher@own", "leading_teacher@own"]


class Queries(list):
    """The SQL of one request; equal to another if there are as many (so a failure shows
    both lists, and the repeated query is easy to spot)."""

    def __eq__(self, other):
        return len(self) == len(other)

    __hash__ = None

    def __repr__(self):
        return f"{len(self)} queries:\n" + "\n".join(f"  {sql[:160]}" for sql in self)


def count_queries(client, url: str) -> Queries:
    """The queries of one GET of ``url``, after a first GET that settles the session; the
    page's text is kept, to check the data was there."""
    assert client.get(url).status_code == 200
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    queries = Queries(q["sql"] for q in ctx.captured_queries)
    queries.text = response.content.decode()
    return queries


def page_queries(world, client_for, url: str, viewers=VIEWERS) -> dict[str, Queries]:
    """The queries of ``url`` for each viewer, signed in in turn."""
    return {viewer: count_queries(client_for(world.user(viewer)), url) for viewer in viewers}


def assert_shown(pages: dict[str, Queries], *texts: str) -> None:
    """The grown data is on every viewer's page (so it was read, and counted)."""
    for viewer, page in pages.items():
        for text in texts:
            assert text in page.text, f"{text!r} not shown to {viewer}"


def form(**fields) -> QueryDict:
    data = QueryDict(mutable=True)
    for name, value in fields.items():
        data.setlist(name, value if isinstance(value, list) else [value])
    return data


def seed(world) -> None:
    """One of everything, so that growing adds more of what is there, not a first of it."""
    pupil, portfolio = world.user("pupil@own"), world.portfolios["own"]
    note, upload = world.items["own"], world.uploads["own"]
    Project.objects.filter(pk=portfolio.project_id).update(success_criteria=["It works"])
    portfolio.project.refresh_from_db()
    services.update_item(
        pupil, note, title=note.title, stage=note.stage, importance=3, categories=["bees"]
    )
    services.update_item(
        pupil, upload, title=upload.title, stage=upload.stage, importance=1, categories=["bees"]
    )
    services.annotate(pupil, note, "First thought")
    services.annotate(pupil, upload, "A picture of it")
    services.save_note(pupil, note, "Second text about bees", 1)
    services.connect(pupil, portfolio, upload.pk, note.pk, "supports", "It shows it")
    services.set_stage_done(pupil, portfolio, "gather", True)
    # The board opens at Identify now: something there too, so growing adds more of it.
    services.add_note(pupil, portfolio, "identify", "A question")
    tools = {
        "gather": form(known="Bees make honey"),
        "identify": form(questions="Why?"),
        "generate": form(ideas="A hive\nA garden"),
        "decide": form(criteria="cost", score_0_0="2", score_1_0="1", chosen="0", why="Cheap"),
        "implement": form(step_0="Build", who_0="Me", by_0="Friday", done_0="on"),
        "evaluate": form(star_1="Good", star_2="Fun", wish="Faster", criterion_0="met"),
        "communicate": form(audience="Class", item=[str(note.pk)]),
        "learn": form(entry="I learned a lot"),
    }
    for stage, data in tools.items():
        save_stage_work(pupil, portfolio, stage, data, 0)


def more_item(portfolio, pupil, i: int) -> Item:
    """A note, an upload or a web clipping in turn, in each stage in turn."""
    kind = (Item.Kind.NOTE, Item.Kind.UPLOAD, Item.Kind.CLIPPING)[i % 3]
    extra = {
        Item.Kind.UPLOAD: {
            "file": f"portfolios/{portfolio.pk}/f{i}",
            "file_type": "image/png",
            "file_name": f"bees{i}.png",
            "file_size": 1000 + i,
            "thumbnail": f"portfolios/{portfolio.pk}/t{i}",
        },
        Item.Kind.CLIPPING: {"url": f"https://example.org/{i}", "clip_status": "ready"},
    }.get(kind, {})
    return Item(
        portfolio=portfolio,
        kind=kind,
        stage=STAGE_ORDER[i % len(STAGE_ORDER)],
        title=f"more note {i}",
        body="more bees",
        position=100 + i,
        importance=i % 6,
        created_by=pupil,
        **extra,
    )


def grow(world, n: int = GROWTH) -> None:
    """Many times more of everything in the pupil's portfolio, made in bulk."""
    pupil, teacher = world.user("pupil@own"), world.user("teacher@own")
    portfolio = world.portfolios["own"]
    note, upload = world.items["own"], world.uploads["own"]
    items = Item.objects.bulk_create(more_item(portfolio, pupil, i) for i in range(n * 3))
    everything = [note, upload, *items]
    categories = Category.objects.bulk_create(
        Category(portfolio=portfolio, name=f"topic {i}") for i in range(n)
    )
    bees = portfolio.categories.get(name="bees")
    Item.categories.through.objects.bulk_create(
        [Item.categories.through(item=i, category=bees) for i in items]
        + [
            Item.categories.through(item=i, category=c)
            for i in (note, upload, *items[:n])
            for c in categories
        ]
    )
    Annotation.objects.bulk_create(
        Annotation(item=i, author=(pupil, teacher)[k % 2], text=f"more bees {k}")
        for i in everything
        for k in range(3)
    )
    Annotation.objects.bulk_create(
        Annotation(item=i, author=pupil, text=f"thought {k}")
        for i in (note, upload)
        for k in range(n)
    )
    NoteRevision.objects.bulk_create(
        NoteRevision(item=note, version=v, body=f"text {v}", saved_by=(pupil, teacher)[v % 2])
        for v in range(3, 3 + 2 * n)
    )
    NoteRevision.objects.bulk_create(
        NoteRevision(item=i, version=1, body="more bees", saved_by=pupil)
        for i in items
        if i.kind == Item.Kind.NOTE
    )
    Item.objects.filter(pk=note.pk).update(version=2 + 2 * n)
    Connection.objects.bulk_create(
        Connection(portfolio=portfolio, source=a, target=b, label=label, reason="because")
        for a, b in itertools.pairwise(everything)
        for label in ("causes", "leads to")
    )
    StageProgress.objects.bulk_create(
        StageProgress(portfolio=portfolio, stage=s, status=StageProgress.Status.DONE)
        for s in STAGE_ORDER[1:4]
    )
    ideas = [f"idea {i}" for i in range(n)]
    criteria = [f"criterion {c}" for c in range(5)]
    data = {
        "gather": {"known": [f"fact {i}" for i in range(n)]},
        "identify": {"questions": [f"question {i}" for i in range(n)]},
        "generate": {"ideas": ideas},
        "decide": {
            "criteria": criteria,
            "scores": {str(i): {str(c): i % 4 for c in range(5)} for i in range(n)},
            "chosen": 1,
            "why": "Best",
        },
        "implement": {
            "steps": [
                {"text": f"step {i}", "who": "Me", "by": "", "done": i % 2 == 0} for i in range(n)
            ]
        },
        "evaluate": {
            "stars": ["a", "b"],
            "wish": "c",
            "criteria": {str(i): "met" for i in range(n)},
        },
        "communicate": {"audience": "Class", "items": [i.pk for i in everything]},
        "learn": {"entries": [{"text": f"entry {i}", "at": "2026-01-01T10:00"} for i in range(n)]},
    }
    for stage, stage_data in data.items():
        StageWork.objects.filter(portfolio=portfolio, stage=stage).update(data=stage_data)
    Project.objects.filter(pk=portfolio.project_id).update(
        success_criteria=[f"criterion {i}" for i in range(n)]
    )


# --- the pupil's portfolio, seen by the pupil and by their teacher ----------------------------

PORTFOLIO_QUERIES = [
    "",
    "?q=bees",
    "?stage=gather",
    "?category=bees",
    "?importance=1",
    "?q=bees&stage=gather&category=bees&importance=1",
]


@pytest.mark.parametrize("query", PORTFOLIO_QUERIES)
def test_portfolio_page(world, client_for, query):
    seed(world)
    url = reverse("portfolios:portfolio", args=[world.portfolios["own"].pk]) + query
    few = page_queries(world, client_for, url)
    grow(world)
    many = page_queries(world, client_for, url)
    assert many == few
    # The board shows one stage (Identify, where the pupil is, unless another is asked for),
    # or, when searching, what matches in every stage.
    assert_shown(many, "more note 9" if query == "" else "more note 8", "topic 14")


@pytest.mark.parametrize("page", ["portfolios:connections", "portfolios:graph"])
def test_connections_and_graph(world, client_for, page):
    seed(world)
    url = reverse(page, args=[world.portfolios["own"].pk])
    few = page_queries(world, client_for, url)
    grow(world)
    many = page_queries(world, client_for, url)
    assert many == few
    assert_shown(many, "more note 44", "leads to")


@pytest.mark.parametrize("which", ["items", "uploads"])
def test_item_page(world, client_for, which):
    """A note with many revisions, annotations and categories; an upload with many of the
    last two."""
    seed(world)
    url = reverse("portfolios:item", args=[getattr(world, which)["own"].pk])
    few = page_queries(world, client_for, url)
    grow(world)
    many = page_queries(world, client_for, url)
    assert many == few
    assert_shown(many, "thought 14", "more bees 2", "topic 14")
    if which == "items":
        assert_shown(many, "text 32")


GROWN_TOOL = {
    "gather": "fact 14",
    "identify": "question 14",
    "generate": "idea 14",
    "decide": "idea 14",
    "implement": "step 14",
    "evaluate": "criterion 14",
    "communicate": "more note 44",
    "learn": "entry 14",
}


@pytest.mark.parametrize("stage", STAGE_ORDER)
def test_stage_tool_page(world, client_for, stage):
    seed(world)
    url = reverse("portfolios:stage_tool", args=[world.portfolios["own"].pk, stage])
    few = page_queries(world, client_for, url)
    grow(world)
    many = page_queries(world, client_for, url)
    assert many == few
    assert_shown(many, GROWN_TOOL[stage])


# --- the teacher's progress grid -------------------------------------------------------------


def grow_class(world, n: int = GROWTH) -> None:
    """``n`` more pupils in the class of "own", each with a portfolio, items and progress."""
    project = world.projects["own"]
    for k in range(n):
        pupil = make_user(f"class.{k}", "Class", f"Pupil{k:02}")
        member(pupil, Role.PUPIL, school=world.schools["own"], teaching_group=world.groups["own"])
        portfolio = services.portfolio_for(pupil, project)
        Item.objects.bulk_create(
            Item(portfolio=portfolio, kind=Item.Kind.NOTE, stage=s, title="n", created_by=pupil)
            for s in STAGE_ORDER[: 1 + k % 8]
        )
        StageProgress.objects.bulk_create(
            StageProgress(portfolio=portfolio, stage=s, status=StageProgress.Status.DONE)
            for s in STAGE_ORDER[: k % 8]
        )
    # and some who have not opened the project yet
    for k in range(3):
        pupil = make_user(f"class.late{k}", "Late", f"Pupil{k}")
        member(pupil, Role.PUPIL, school=world.schools["own"], teaching_group=world.groups["own"])


@pytest.mark.parametrize("mode", [Project.Mode.INDIVIDUAL, Project.Mode.GROUP])
def test_project_progress_page(world, client_for, mode):
    seed(world)
    Project.objects.filter(pk=world.projects["own"].pk).update(mode=mode)
    url = reverse("portfolios:project_progress", args=[world.projects["own"].pk])
    few = page_queries(world, client_for, url, STAFF)
    Project.objects.filter(pk=world.projects["own"].pk).update(mode=Project.Mode.INDIVIDUAL)
    grow_class(world)  # portfolio_for makes one portfolio per pupil only in an individual project
    Project.objects.filter(pk=world.projects["own"].pk).update(mode=mode)
    many = page_queries(world, client_for, url, STAFF)
    assert many == few
    assert_shown(many, "Pupil14, Class", "Pupil2, Late")
