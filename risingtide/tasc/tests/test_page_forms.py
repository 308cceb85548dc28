"""TASC's page forms through Django's test client: a service's refusal lands on the field it
names, a class the teacher cannot reach is refused rather than quietly left out, and a refused
form writes nothing."""

import pytest
from django.db import IntegrityError
from django.urls import reverse

from risingtide.tasc import services
from risingtide.tasc.forms import ProjectForm
from risingtide.tasc.models import Assignment, Project, Wheel
from risingtide.tasc.wheels import ensure_default_wheel

pytestmark = pytest.mark.django_db


def test_switching_a_started_project_to_group_work_is_refused_on_its_field(world, client_for):
    project = world.projects["own"]  # pupil@own has a portfolio in it
    client = client_for(world.user("teacher@own"))
    data = {k: v for k, v in ProjectForm.initial_for(project).items() if v is not None}
    data.update(success_criteria="", mode="group")
    response = client.post(reverse("tasc:project_edit", args=[project.pk]), data)
    assert response.status_code == 400
    page = response.content.decode()
    assert '<fieldset aria-describedby="id_mode_error">' in page
    assert 'id="id_mode_error">Pupils have started this project' in page
    project.refresh_from_db()
    assert project.mode == Project.Mode.INDIVIDUAL


def test_setting_a_project_to_a_class_out_of_reach_is_refused_whole(world, client_for):
    project = world.projects["own_draft"]
    project.assignments.all().delete()
    client = client_for(world.user("teacher@own"))
    url = reverse("tasc:project_assign", args=[project.pk])
    other_school = world.groups["other"].pk
    response = client.post(url, {"group": [world.groups["own"].pk, other_school]})
    assert response.status_code == 400
    page = response.content.decode()
    assert 'id="group_error">That class or set is not one you can set this to.' in page
    # The class that could be chosen stays chosen, to send again.
    assert f'value="{world.groups["own"].pk}" id="group-{world.groups["own"].pk}" checked' in page
    assert not Assignment.objects.filter(project=project).exists()
    for bad in ("x", "99999999999999999999999"):
        assert client.post(url, {"pupil": [bad]}).status_code == 400
    assert client.post(url, {"group": [world.groups["own"].pk]}).status_code == 302
    assert project.assignments.get().teaching_group == world.groups["own"]


def test_a_status_that_is_none_is_said_and_changes_nothing(world, client_for):
    project = world.projects["own"]
    client = client_for(world.user("teacher@own"))
    response = client.post(
        reverse("tasc:project_status", args=[project.pk]), {"status": "archived"}, follow=True
    )
    assert [str(m) for m in response.context["messages"]] == ["Choose draft, open or closed."]
    project.refresh_from_db()
    assert project.status == Project.Status.OPEN


def test_a_reword_the_service_refuses_is_shown_on_the_form(world, client_for, monkeypatch):
    def clash(*args, **kwargs):
        raise IntegrityError("two teachers at once")

    monkeypatch.setattr(services, "_new_wheel_version", clash)
    wheel = ensure_default_wheel()
    data = {"name": "Year 1 words"}
    for s in wheel.stages.all():
        data.update({f"title_{s.stage}": s.title, f"question_{s.stage}": s.question})
    before = Wheel.objects.count()
    client = client_for(world.user("leading_teacher@own"))
    response = client.post(reverse("tasc:wheel_reword", args=[wheel.pk]), data)
    assert response.status_code == 400
    assert "Someone saved this wheel just now: try again." in response.content.decode()
    assert Wheel.objects.count() == before
