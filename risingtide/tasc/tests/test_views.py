"""Project pages: create, set, open, and what pupils see."""

import pytest
from django.urls import reverse

from risingtide.tasc.models import Project
from risingtide.tasc.wheels import ensure_default_wheel

pytestmark = pytest.mark.django_db


def test_teacher_creates_sets_and_opens_a_project(world, client_for):
    client = client_for(world.user("teacher@own"))
    assert client.get(reverse("tasc:projects")).status_code == 200
    form = client.get(reverse("tasc:project_new")).content.decode()
    assert "TASC wheel (v1)" in form and "KS1 wheel (v1)" in form  # own school's wording
    response = client.post(
        reverse("tasc:project_new"),
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
    assert response["Location"] == reverse("tasc:project", args=[project.pk])
    assert project.success_criteria == ["I can explain it", "I can test it"]
    assert project.stage_prompts == {"gather": ["What do bees eat?"]}
    page = client.get(reverse("tasc:project", args=[project.pk])).content.decode()
    assert "What do bees eat?" in page and 'role="img"' in page
    client.post(
        reverse("tasc:project_assign", args=[project.pk]), {"group": [world.groups["own"].pk]}
    )
    client.post(reverse("tasc:project_status", args=[project.pk]), {"status": "open"})
    project.refresh_from_db()
    assert project.status == "open"
    client.logout()
    pupil = client_for(world.user("pupil@own"))
    home = pupil.get(reverse("home:home")).content.decode()
    assert "Bee hotel" in home
    assert pupil.get(reverse("tasc:project", args=[project.pk])).status_code == 200


def test_bad_project_form_is_400_with_messages(world, client_for):
    client = client_for(world.user("teacher@own"))
    response = client.post(
        reverse("tasc:project_new"),
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
        reverse("tasc:project_status", args=[project.pk]), {"status": "open"}, follow=True
    )
    assert "Assign the project to a class or to pupils before opening it." in (
        response.content.decode()
    )


def test_copy_and_reword_pages(world, client_for):
    client = client_for(world.user("leading_teacher@own"))
    response = client.post(reverse("tasc:project_copy", args=[world.projects["own"].pk]))
    copy = Project.objects.get(copied_from=world.projects["own"])
    assert response["Location"] == reverse("tasc:project_edit", args=[copy.pk])
    wheel = ensure_default_wheel()
    assert client.get(reverse("tasc:wheel", args=[wheel.pk])).status_code == 200
    data = {"name": "Year 1 words"}
    for s in wheel.stages.all():
        data[f"title_{s.stage}"] = s.title
        data[f"question_{s.stage}"] = s.question.upper()
        data[f"prompts_{s.stage}"] = ""
    response = client.post(reverse("tasc:wheel_reword", args=[wheel.pk]), data)
    assert response.status_code == 302
    page = client.get(response["Location"]).content.decode()
    assert "WHAT DO I KNOW ABOUT THIS?" in page


def test_project_pages_make_a_fixed_number_of_queries(
    world, client_for, django_assert_max_num_queries
):
    from risingtide.people.models import User
    from risingtide.tasc.models import Assignment

    client = client_for(world.user("head@own"))
    url = reverse("tasc:project", args=[world.projects["own"].pk])
    client.get(url)
    with django_assert_max_num_queries(16) as before:
        client.get(url)
        client.get(reverse("tasc:projects"))
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
        client.get(reverse("tasc:projects"))


def test_the_rubric_levels_box_shows_the_levels_and_saving_it_keeps_them(world, client_for):
    """Regression: a template tag split over two lines showed its own source in the box, and
    saving the box stored that text as two levels."""
    import re

    from risingtide.feedback.services import levels_for

    project = world.projects["own"]
    project.success_criteria = ["I can explain why my design works"]
    project.save()
    client = client_for(world.user("teacher@own"))
    page = client.get(reverse("tasc:project", args=[project.pk])).content.decode()
    shown = re.search(r'<textarea name="levels"[^>]*>(.*?)</textarea>', page, re.S).group(1)
    assert "{{" not in shown and "join" not in shown
    assert shown.splitlines() == levels_for(project)
    client.post(reverse("feedback:project_rubric", args=[project.pk]), {"levels": shown})
    project.refresh_from_db()
    assert levels_for(project) == shown.splitlines()


def test_a_new_project_starts_at_the_key_stage_of_the_teachers_classes(world, client_for):
    # The tiny world's teacher@own teaches Own 7A: Year 7 is key stage 3.
    form = client_for(world.user("teacher@own")).get(reverse("tasc:project_new")).context["form"]
    assert form["key_stage"].value() == "ks3"
    assert Project.KeyStage.of_year(0) == "eyfs" and Project.KeyStage.of_year(2) == "ks1"
    assert Project.KeyStage.of_year(6) == "ks2" and Project.KeyStage.of_year(13) == "ks5"
    # Someone who teaches no class chooses: nothing is picked for them.
    lead = client_for(world.user("leading_teacher@own")).get(reverse("tasc:project_new"))
    assert lead.context["form"]["key_stage"].value() in ("", None)
