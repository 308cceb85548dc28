"""The classroom (CQS) pages and the API read the same lists (``standards.classroom.queries``):
a person's own reflections and those they observed, and the reflections a school's teachers
shared with the coordinator — for each person, the same ids in the same order."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from risingtide.api.tests.clients import as_user
from risingtide.lib.testing import linked_ids
from risingtide.standards.classroom import services
from risingtide.standards.models import ClassroomEvaluation

pytestmark = pytest.mark.django_db


@pytest.fixture
def reflections(world):
    """More reflections at "own": teacher@own's with leading_teacher@own observing, the leading
    teacher's own, the head's shared one; made in an order neither list follows."""
    own = world.schools["own"]
    teacher, lead, head = (
        world.user(k) for k in ("teacher@own", "leading_teacher@own", "head@own")
    )
    made = [
        services.start(teacher, own, "9C", colleague_id=lead.pk),
        services.start(lead, own, "Year 10 set 1"),
        services.start(head, own, "Assembly"),
        services.start(teacher, own, "7A again"),
    ]
    services.share(head, made[2], True)
    services.share(teacher, made[3], True)
    # Created at different times, in an order that is neither by id nor by teacher.
    now = timezone.now()
    for hours, evaluation in zip((5, 1, 3, 2), made, strict=True):
        ClassroomEvaluation.objects.filter(pk=evaluation.pk).update(
            created_at=now - dt.timedelta(hours=hours)
        )
    return world


# (person, how the API is asked)
MINE = [
    ("teacher@own", "token"),
    ("leading_teacher@own", "session"),
    ("head@own", "token"),
    ("teacher@other", "session"),
]


def _api(world, who, how, browser):
    return as_user(world.user(who)) if how == "token" else browser


@pytest.mark.parametrize("who, how", MINE)
def test_my_reflections_page_and_api_agree(reflections, client_for, who, how):
    browser = client_for(reflections.user(who))
    page = browser.get(reverse("standards:classroom_list"))
    assert page.status_code == 200
    shown = linked_ids(page.content.decode(), "/standards/classroom/")
    answer = _api(reflections, who, how, browser).get("/api/v1/classroom", secure=True)
    assert answer.status_code == 200
    assert [r["id"] for r in answer.json()] == shown
    assert shown


@pytest.mark.parametrize("who, how", [("leading_teacher@own", "token"), ("head@own", "session")])
def test_the_summary_page_and_api_list_the_same_shared_reflections(
    reflections, client_for, who, how
):
    school = reflections.schools["own"].pk
    browser = client_for(reflections.user(who))
    page = browser.get(reverse("standards:classroom_summary", args=[school]))
    assert page.status_code == 200
    shown = linked_ids(page.content.decode(), "/standards/classroom/")
    answer = _api(reflections, who, how, browser).get(
        f"/api/v1/schools/{school}/classroom-summary", secure=True
    )
    assert answer.status_code == 200
    assert [r["id"] for r in answer.json()["shared_reflections"]] == shown
    assert len(shown) == 3  # own_shared, the head's and teacher@own's second
