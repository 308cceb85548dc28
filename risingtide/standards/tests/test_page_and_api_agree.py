"""The quality-standards pages and the API read the same lists (``standards.queries``,
``standards.monitoring``): a school's self-evaluations, an improvement plan's actions and
milestones, the LA's monitoring table and the frameworks — for every filter both offer and each
person who may read them, the same ids in the same order. They once differed: the API listed
every framework's self-evaluations by when they were started where the page lists one
framework's by when they were submitted, and read an element number the page ignores."""

import datetime as dt
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from risingtide.api.tests.clients import as_user
from risingtide.lib.testing import linked_ids
from risingtide.schools.models import School
from risingtide.standards import frameworks, plans, services
from risingtide.standards.models import Judgement, PlanAction

pytestmark = pytest.mark.django_db


def _api(world, who: str, how: str, browser):
    """The API as a script (a token) or as the signed-in browser (its session)."""
    return as_user(world.user(who)) if how == "token" else browser


def _judge_and_submit(lead, evaluation, level: int):
    Judgement.objects.filter(evaluation=evaluation).update(level=level, evidence="Seen.")
    return services.submit(lead, evaluation)


# --- a school's self-evaluations -----------------------------------------------------------


@pytest.fixture
def evaluations(world):
    """Each school a judgement in force, an earlier one it replaced, and a draft under way;
    "own" also a draft on a second whole-school framework, which its IQS page does not list."""
    for key in ("own", "other"):
        lead = world.user(f"leading_teacher@{key}")
        school = world.schools[key]
        if key == "own":
            _judge_and_submit(lead, services.start(lead, school), 1)
        _judge_and_submit(lead, services.start(lead, school), 2)
        services.start(lead, school)
    local = frameworks.export(services.current_version("iqs"), "json")
    local = local.replace('"key": "iqs"', '"key": "local"').encode()
    frameworks.load(frameworks.parse(local, "local.json"))
    services.start(world.user("leading_teacher@own"), world.schools["own"], "local")
    return world


SCHOOL_READERS = [
    ("leading_teacher@own", "own", "token"),
    ("teacher@own", "own", "session"),
    ("head@other", "other", "session"),
    ("la_lead@other", "other", "token"),  # judgements only: a draft is the school's own
]


@pytest.mark.parametrize("who, school, how", SCHOOL_READERS)
def test_the_school_page_and_api_list_the_same_self_evaluations(
    evaluations, client_for, who, school, how
):
    school = evaluations.schools[school].pk
    browser = client_for(evaluations.user(who))
    page = browser.get(reverse("standards:standards_school", args=[school]))
    assert page.status_code == 200
    linked = linked_ids(page.content.decode(), "/standards/evaluations/")
    listed = [e.pk for e in page.context["standing"].evaluations]
    answer = _api(evaluations, who, how, browser).get(
        f"/api/v1/schools/{school}/self-evaluations", secure=True
    )
    assert answer.status_code == 200
    ids = [e["id"] for e in answer.json()]
    assert ids == listed and set(ids) == set(linked)
    assert len(ids) >= 2
    drafts = [e for e in answer.json() if e["status"] == "draft"]
    assert len(drafts) == (0 if who.startswith("la_lead") else 1)


def test_the_api_lists_another_framework_when_asked(evaluations):
    api = as_user(evaluations.user("leading_teacher@own"))
    school = evaluations.schools["own"].pk
    answer = api.get(f"/api/v1/schools/{school}/self-evaluations?framework=local", secure=True)
    assert [(e["framework"], e["status"]) for e in answer.json()] == [("local", "draft")]


def test_the_api_refuses_a_framework_the_school_is_not_judged_on(evaluations):
    api = as_user(evaluations.user("leading_teacher@own"))
    school = evaluations.schools["own"].pk
    answer = api.get(f"/api/v1/schools/{school}/self-evaluations?framework=cqs", secure=True)
    assert answer.status_code == 400 and "framework" in answer.json()["errors"]


# --- an improvement plan -------------------------------------------------------------------


@pytest.fixture
def plan(world):
    """Other's plan (made from its judgement's next steps) with actions moved out of the order
    they were added in, due on different days, and milestones added out of date order."""
    plan = world.plans["other"]
    lead = world.user("leading_teacher@other")
    today = timezone.localdate()
    for n, what in enumerate(("Masterclass", "Audit", "Parents' evening")):
        plans.add_action(
            lead, plan, plans.ActionInput(what=what, due_on=today + dt.timedelta(days=5 - 9 * n))
        )
    actions = list(plan.actions.order_by("pk"))
    for position, action in zip(range(len(actions), 0, -1), actions, strict=True):
        PlanAction.objects.filter(pk=action.pk).update(position=position)
    for days, title in ((60, "Review"), (10, "Launch"), (30, "Mid-point")):
        plans.add_milestone(lead, plan, title, today + dt.timedelta(days=days))
    return plan


@pytest.mark.parametrize(
    "who, how",
    [("leading_teacher@other", "token"), ("teacher@other", "session"), ("la_lead@other", "token")],
)
def test_the_plan_page_and_api_list_the_same_actions_and_milestones(
    plan, world, client_for, who, how
):
    browser = client_for(world.user(who))
    page = browser.get(reverse("standards:plan", args=[plan.pk]))
    assert page.status_code == 200
    shown = [
        (int(pk), rag)
        for pk, rag in re.findall(
            r'id="action-(\d+)-row".*?class="tag rag-(\w+)"', page.content.decode()
        )
    ]
    milestones = [m.pk for m in page.context["milestones"]]
    answer = _api(world, who, how, browser).get(f"/api/v1/plans/{plan.pk}", secure=True)
    assert answer.status_code == 200
    body = answer.json()
    assert [(a["id"], a["rag"]) for a in body["actions"]] == shown
    assert [m["id"] for m in body["milestones"]] == milestones
    assert body["rag"] == page.context["rag"]
    assert len(shown) > 3 and {rag for _, rag in shown} > {"red"} and len(milestones) == 3


# --- the LA's monitoring table -------------------------------------------------------------


@pytest.fixture
def la_schools(evaluations):
    """More schools in own's LA, named out of the order they were made in; own has a
    submitted judgement (Developing) and a plan, peer neither."""
    la = evaluations.las["own"]
    for n, name in enumerate(("Zebra Academy", "Acorn Primary", "Maple School")):
        School.objects.create(
            local_authority=la,
            name=name,
            establishment_number=f"{6000 + n}",
            urn=f"{700000 + n}",
            phase=School.Phase.PRIMARY,
        )
    return evaluations


# (page query, API query): the same filter
MONITORING_FILTERS = [
    ("", ""),
    ("flag=no_plan", "flag=no_plan"),
    ("flag=no_judgement", "flag=no_judgement"),
    ("flag=no_leading_teacher", "flag=no_leading_teacher"),
    ("element=1&level=0", "element=1&level=0"),
    ("element=1&level=2", "element=1&level=2"),
    ("element=3&level=0&flag=no_leading_teacher", "element=3&level=0&flag=no_leading_teacher"),
    ("flag=nonsense", "flag=nonsense"),  # unknown: every school, on both
]


@pytest.mark.parametrize(
    "who, how", [("la_lead@own", "token"), ("national_officer@nation", "session")]
)
@pytest.mark.parametrize("page_query, api_query", MONITORING_FILTERS)
def test_the_la_page_and_api_list_the_same_schools(
    la_schools, client_for, who, how, page_query, api_query
):
    la = la_schools.las["own"].pk
    browser = client_for(la_schools.user(who))
    page = browser.get(f"{reverse('standards:standards_la', args=[la])}?{page_query}")
    assert page.status_code == 200
    shown = [line.school.pk for line in page.context["monitoring"].lines]
    answer = _api(la_schools, who, how, browser).get(
        f"/api/v1/las/{la}/standards?{api_query}", secure=True
    )
    assert answer.status_code == 200
    assert [line["school"] for line in answer.json()["lines"]] == shown
    assert shown  # every filter here matches a school
    assert set(linked_ids(page.content.decode(), "/schools/")) >= set(shown)


def test_the_api_refuses_an_element_the_page_would_ignore(la_schools):
    api = as_user(la_schools.user("la_lead@own"))
    la = la_schools.las["own"].pk
    assert api.get(f"/api/v1/las/{la}/standards?element=0&level=1", secure=True).status_code == 422


# --- the frameworks ------------------------------------------------------------------------


@pytest.mark.parametrize("who, how", [("teacher@own", "token"), ("la_lead@own", "session")])
def test_the_frameworks_page_and_api_list_the_same_versions(world, client_for, who, how):
    browser = client_for(world.user(who))
    page = browser.get(reverse("standards:frameworks"))
    assert page.status_code == 200
    shown = linked_ids(page.content.decode(), "/standards/frameworks/versions/")
    answer = _api(world, who, how, browser).get("/api/v1/frameworks", secure=True)
    assert answer.status_code == 200
    assert [v["id"] for f in answer.json() for v in f["versions"]] == shown
    assert len(shown) >= 3
