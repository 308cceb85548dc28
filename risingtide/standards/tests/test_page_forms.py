"""The standards pages' buttons and forms through Django's test client: what a button sends is
read through a form and refused in words when it is neither choice, changing nothing; an empty
post is refused field by field."""

import datetime as dt

import pytest
from django.urls import reverse

from risingtide.standards import plans
from risingtide.standards.models import ClassroomEvaluation
from risingtide.standards.tests import test_classroom as shared

cqs = shared.cqs
pytestmark = pytest.mark.django_db


def test_a_milestone_is_reached_or_reopened_and_nothing_else(world, client_for):
    lead = world.user("leading_teacher@other")
    plan = world.plans["other"]
    milestone = plans.add_milestone(lead, plan, "Governors review", dt.date(2027, 2, 1))
    history = plan.changes.count()
    client = client_for(lead)
    url = reverse("standards:plan_mark_milestone", args=[plan.pk, milestone.pk])
    response = client.post(url, {"done": "yes"}, follow=True)
    said = [str(m) for m in response.context["messages"]]
    assert said == ["Say whether the milestone is reached or reopened."]
    milestone.refresh_from_db()
    assert milestone.done_on is None and plan.changes.count() == history
    assert client.post(url, {"done": "1"}).status_code == 302
    milestone.refresh_from_db()
    assert milestone.done_on is not None


def test_an_empty_start_is_refused_field_by_field(world, cqs, client_for):
    client = client_for(world.user("teacher@own"))
    before = ClassroomEvaluation.objects.count()
    response = client.post(reverse("standards:classroom_list"), {})
    assert response.status_code == 400
    page = response.content.decode()
    assert 'id="id_class_name_error">' in page and 'id="id_subject_error">' in page
    assert ClassroomEvaluation.objects.count() == before
