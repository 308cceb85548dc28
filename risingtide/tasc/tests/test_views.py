"""Project pages: create, set, open, and what pupils see."""

import pytest
from django.urls import reverse

from risingtide.tasc.models import Project
from risingtide.tasc.wheels import ensure_default_wheel

pytestmark = pytest.mark.django_db


def test_teacher_creates_sets_and_opens_a_project(world, client_for):
    client = client_for(world.user("teacher@own"))
    assert client.get(reverse("projects")).status_code == 200
    form = client.get(reverse("project_new")).content.decode()
    assert "TASC wheel (v1)" in form and "KS1 wheel (v1)" in form  # own school's wording
    response = client.post(
        reverse("project_new"),
        {
            "title": "Bee hotel",
            "brief": "Design a hotel for bees.",
            "key_stage": "ks2",
            "success_criteria": "I can explain it\n\nI can test it",
            "wheel": ensure_default_wheel().pk,
            "mode": "individual",
            "prompts_gather": "What do bees eat?",
        },
    )
    project = Project.objects.get(title="Bee hotel")
    assert response["Location"] == reverse("project", args=[project.pk])
    assert project.success_criteria == ["I can explain it", "I can test it"]
    assert project.stage_prompts == {"gather": ["What do bees eat?"]}
    page = client.get(reverse("project", args=[project.pk])).content.decode()
    assert "What do bees eat?" in page and 'role="img"' in page
    client.post(reverse("project_assign", args=[project.pk]), {"group": [world.groups["own"].pk]})
    client.post(reverse("project_status", args=[project.pk]), {"status": "open"})
    project.refresh_from_db()
    assert project.status == "open"
    client.logout()
    pupil = client_for(world.user("pupil@own"))
    home = pupil.get(reverse("home")).content.decode()
    assert "Bee hotel" in home
    assert pupil.get(reverse("project", args=[project.pk])).status_code == 200


def test_bad_project_form_is_400_with_messages(world, client_for):
    client = client_for(world.user("teacher@own"))
    response = client.post(
        reverse("project_new"),
        {
            "title": "",
            "key_stage": "ks9",
            "wheel": world.wheels["other"].pk,
            "mode": "individual",
            "start_date": "2026-12-01",
            "due_date": "2026-11-01",
        },
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert "The project was not saved" in page
    assert "The due date is before the start date." in page
    assert not Project.objects.filter(key_stage="ks9").exists()


def test_opening_without_anyone_set_explains_why(world, client_for):
    client = client_for(world.user("teacher@own"))
    project = world.projects["own_draft"]
    project.assignments.all().delete()
    response = client.post(
        reverse("project_status", args=[project.pk]), {"status": "open"}, follow=True
    )
    assert "Assign the project to a class or to pupils before opening it." in (
        response.content.decode()
    )


def test_copy_and_reword_pages(world, client_for):
    client = client_for(world.user("leading_teacher@own"))
    response = client.post(reverse("project_copy", args=[world.projects["own"].pk]))
    copy = Project.objects.get(copied_from=world.projects["own"])
    assert response["Location"] == reverse("project_edit", args=[copy.pk])
    wheel = ensure_default_wheel()
    assert client.get(reverse("wheel", args=[wheel.pk])).status_code == 200
    data = {"name": "Year 1 words"}
    for s in wheel.stages.all():
        data[f"title_{s.stage}"] = s.title
        data[f"question_{s.stage}"] = s.question.upper()
        data[f"prompts_{s.stage}"] = ""
    response = client.post(reverse("wheel_reword", args=[wheel.pk]), data)
    assert response.status_code == 302
    page = client.get(response["Location"]).content.decode()
    assert "WHAT DO I KNOW ABOUT THIS?" in page


def test_project_pages_make_a_fixed_number_of_queries(
    world, client_for, django_assert_max_num_queries
):
    from risingtide.people.models import User
    from risingtide.tasc.models import Assignment

    client = client_for(world.user("head@own"))
    url = reverse("project", args=[world.projects["own"].pk])
    client.get(url)
    with django_assert_max_num_queries(16) as before:
        client.get(url)
        client.get(reverse("projects"))
    pupils = User.objects.bulk_create(User(username=f"x{n}") for n in range(30))
    Assignment.objects.bulk_create(
        Assignment(project=world.projects["own"], pupil_id=p.pk) for p in pupils if p.pk
    )
    for n in range(10):
        Project.objects.create(
            school=world.schools["own"],
            title=f"p{n}",
            key_stage="ks3",
            wheel=ensure_default_wheel(),
        )
    with django_assert_max_num_queries(len(before)):
        client.get(url)
        client.get(reverse("projects"))
