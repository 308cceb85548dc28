"""Wheels and projects: wording versions, creating, copying, setting and opening projects."""

from datetime import date

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from risingtide.audit.models import AuditEvent
from risingtide.tasc import services
from risingtide.tasc.models import STAGE_ORDER, Project, Wheel
from risingtide.tasc.queries import pupil_projects, wheel_segments, wheel_stages
from risingtide.tasc.wheels import ensure_default_wheel

pytestmark = pytest.mark.django_db


def details(wheel, **overrides):
    values = dict(
        title="Design a bee hotel",
        brief="Find out what solitary bees need.",
        subject="Science",
        key_stage=Project.KeyStage.KS2,
        success_criteria=["I can explain my design"],
        wheel=wheel,
        stage_prompts={"gather": ["What do bees eat?"]},
        start_date=date(2026, 11, 1),
        due_date=date(2026, 12, 1),
        mode=Project.Mode.INDIVIDUAL,
    )
    values.update(overrides)
    return services.ProjectDetails(**values)


def test_default_wheel_has_the_eight_stages_in_order(world):
    wheel = ensure_default_wheel()
    assert ensure_default_wheel() == wheel
    stages = wheel_stages(wheel)
    assert [s.stage for s in stages] == STAGE_ORDER
    assert (
        stages[0].title == "Gather and Organise"
        and stages[0].question == "What do I know about this?"
    )
    assert stages[7].title == "Learn from Experience"


def test_rewording_makes_a_new_version_and_keeps_stage_identity(world):
    default = ensure_default_wheel()
    lead = world.user("leading_teacher@own")
    words = {"gather": services.StageWording("Think", "What do I know?", ["Draw it", " "])}
    ks1 = services.reword_wheel(lead, default, world.schools["own"], words, name="KS1 words")
    again = services.reword_wheel(lead, ks1, world.schools["own"], {}, name="KS1 words")
    assert (ks1.version, again.version) == (1, 2) and again.based_on == ks1
    first = wheel_stages(ks1)[0]
    assert (first.stage, first.title, first.prompts) == ("gather", "Think", ["Draw it"])
    assert wheel_stages(ks1)[1].question == "What is the task?"  # untouched stages kept
    assert [s.stage for s in wheel_stages(again)] == STAGE_ORDER
    assert default.stages.get(stage="gather").title == "Gather and Organise"  # old unchanged


def test_rewording_is_refused_outside_ones_school_and_for_bad_stages(world):
    default = ensure_default_wheel()
    with pytest.raises(PermissionDenied):
        services.reword_wheel(world.user("teacher@own"), default, world.schools["other"], {})
    with pytest.raises(PermissionDenied):
        services.reword_wheel(world.user("la_lead@own"), default, world.schools["own"], {})
    with pytest.raises(ValidationError):
        services.reword_wheel(
            world.user("teacher@own"),
            default,
            world.schools["own"],
            {"dance": services.StageWording("a", "b", [])},
        )


def test_create_copy_assign_open(world):
    teacher = world.user("teacher@own")
    project = services.create_project(
        teacher, world.schools["own"], details(ensure_default_wheel())
    )
    assert project.status == Project.Status.DRAFT and project.created_by == teacher
    with pytest.raises(ValidationError, match="Assign the project"):
        services.set_status(teacher, project, Project.Status.OPEN)
    services.assign(teacher, project, groups=[world.groups["own"]])
    services.set_status(teacher, project, Project.Status.OPEN)
    assert project in pupil_projects(world.user("pupil@own"))
    assert project not in pupil_projects(world.user("pupil@own2"))
    copy = services.copy_project(teacher, project)
    assert copy.copied_from == project and copy.status == Project.Status.DRAFT
    assert not copy.assignments.exists()
    assert copy.stage_prompts == {"gather": ["What do bees eat?"]}
    assert AuditEvent.objects.filter(action="project.copied").exists()


def test_assigning_is_all_or_nothing_and_in_reach(world):
    teacher = world.user("teacher@own")
    project = world.projects["own_draft"]
    before = project.assignments.count()
    with pytest.raises(PermissionDenied):  # a group the teacher does not teach
        services.assign(teacher, project, groups=[world.groups["own"], world.groups["own2"]])
    with pytest.raises(PermissionDenied):  # a pupil of another school
        services.assign(teacher, project, pupils=[world.users["pupil@other"]])
    assert project.assignments.count() == before
    services.assign(world.user("leading_teacher@own"), project, pupils=[world.users["pupil@own2"]])
    assert project.assignments.count() == before + 1


def test_projects_belong_to_staff_schools_and_wheels_to_theirs(world):
    with pytest.raises(PermissionDenied):
        services.create_project(
            world.user("teacher@own"), world.schools["other"], details(ensure_default_wheel())
        )
    with pytest.raises(PermissionDenied):  # another school's wording
        services.create_project(
            world.user("teacher@own"), world.schools["own"], details(world.wheels["other"])
        )
    with pytest.raises(ValidationError):
        services.create_project(
            world.user("teacher@own"),
            world.schools["own"],
            details(ensure_default_wheel(), due_date=date(2026, 1, 1)),
        )
    with pytest.raises(PermissionDenied):
        services.copy_project(world.user("teacher@other"), world.projects["own"])


def test_pupils_never_see_drafts(world):
    titles = {p.title for p in pupil_projects(world.user("pupil@own"))}
    assert titles == {"own project"}
    assert {p.title for p in pupil_projects(world.user("pupil@own2"))} == {"own2_pupil project"}


def test_wheel_segments_mark_done_and_current():
    wheel = Wheel(name="w")
    stages = [type("S", (), {"stage": s, "title": s, "question": "?"})() for s in STAGE_ORDER]
    segments = wheel_segments(stages, done={"gather", "identify"}, current="generate")
    assert [s.state for s in segments[:4]] == ["done", "done", "current", "todo"]
    assert all(s.path.startswith("M ") and s.path.endswith("Z") for s in segments)
    assert str(wheel) == "w (v1)"


def test_two_rewordings_at_once_both_land_with_their_own_numbers(world, monkeypatch):
    """The second of two simultaneous rewordings hits the unique version and tries again."""
    from django.db import IntegrityError

    lead = world.user("leading_teacher@own")
    default = world.wheels["default"]
    real = services._new_wheel_version
    calls = []

    def first_one_collides(*args):
        calls.append(args)
        if len(calls) == 1:
            real(*args)  # the other teacher's save lands first…
            raise IntegrityError("wheel_unique_version")  # …so ours collides
        return real(*args)

    monkeypatch.setattr(services, "_new_wheel_version", first_one_collides)
    mine = services.reword_wheel(lead, default, world.schools["own"], {}, name="Race")
    assert mine.version == 2 and len(calls) == 2
