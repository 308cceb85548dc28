"""Group projects: one portfolio for several pupils, made by the teacher, with every change
attributed and no member's text ever overwritten by another's."""

import re

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from risingtide.audit.models import AuditEvent
from risingtide.people.models import User
from risingtide.portfolios import groups, queries, services
from risingtide.portfolios.models import NoteRevision, Portfolio
from risingtide.tasc.models import Assignment, Project
from risingtide.tasc.services import ProjectDetails, update_project

pytestmark = pytest.mark.django_db


@pytest.fixture
def group_project(world):
    project = Project.objects.create(
        school=world.schools["own"],
        title="Build a bee hotel",
        key_stage=Project.KeyStage.KS3,
        wheel=world.wheels["default"],
        mode=Project.Mode.GROUP,
        status=Project.Status.OPEN,
    )
    Assignment.objects.create(project=project, teaching_group=world.groups["own"])
    return project


def test_a_group_shares_one_portfolio_and_each_item_says_who_added_it(world, group_project):
    ada, ben = world.user("pupil@own"), world.user("pupil2@own")
    group = groups.form_group(world.user("teacher@own"), group_project, [ada, ben], "Bee Team")
    assert group.name == "Bee Team"
    assert services.portfolio_for(ada, group_project) == services.portfolio_for(ben, group_project)
    note = services.add_note(ada, group, "gather", "What we know")
    services.save_note(ben, note, "Bees like holes", base_version=1)
    services.add_note(ben, group, "identify", "Questions")
    added_by = {}
    for stage in ("gather", "identify"):  # the board shows one stage at a time
        page = queries.portfolio_page(ada, group, queries.ItemFilter(stage=stage))
        added_by |= {c.title: c.author for c in page["cards"]}
    assert added_by == {"What we know": "Ada", "Questions": "Ben"}
    assert [r.saved_by.first_name for r in note.revisions.all()] == ["Ada", "Ben"]
    assert AuditEvent.objects.filter(action="project.group_formed").count() == 1


def test_two_members_editing_one_note_keep_both_texts(world, group_project):
    ada, ben = world.user("pupil@own"), world.user("pupil2@own")
    group = groups.form_group(world.user("teacher@own"), group_project, [ada, ben])
    note = services.add_note(ada, group, "gather", "Plan")
    services.save_note(ada, note, "Ada's plan", base_version=1)
    with pytest.raises(services.EditConflict) as caught:
        services.save_note(ben, note, "Ben's plan", base_version=1)
    assert (caught.value.current_body, caught.value.yours) == ("Ada's plan", "Ben's plan")
    kept = set(NoteRevision.objects.filter(item=note).values_list("body", "saved_by__first_name"))
    assert {("Ada's plan", "Ada"), ("Ben's plan", "Ben")} <= kept
    # Ben keeps both: a save from the version the conflict named.
    services.save_note(ben, note, "Ada's plan\n\nBen's plan", caught.value.current_version)
    note.refresh_from_db()
    assert note.body == "Ada's plan\n\nBen's plan"


def test_a_pupil_waits_for_a_group(world, group_project, client_for):
    pupil = world.user("pupil@own")
    with pytest.raises(groups.NotInGroup):
        services.portfolio_for(pupil, group_project)
    page = client_for(pupil).get(reverse("portfolios:my_portfolio", args=[group_project.pk]))
    assert page.status_code == 200
    assert "not put you in a group yet" in page.content.decode()
    assert not Portfolio.objects.filter(project=group_project).exists()


def test_forming_groups_is_refused_whole(world, group_project):
    teacher = world.user("teacher@own")
    ada, ben = world.user("pupil@own"), world.user("pupil2@own")
    groups.form_group(teacher, group_project, [ada])
    with pytest.raises(ValidationError, match="Already in a group: Ada Own"):
        groups.form_group(teacher, group_project, [ben, ada])
    assert not group_project.portfolios.filter(memberships__pupil=ben).exists()
    with pytest.raises(PermissionDenied):  # not set this project (another school)
        groups.form_group(teacher, group_project, [world.user("pupil@other")])
    with pytest.raises(PermissionDenied):  # a pupil cannot make groups
        groups.form_group(ada, group_project, [ben])
    with pytest.raises(ValidationError, match="individual project"):
        groups.form_group(teacher, world.projects["own"], [ben])


def test_split_the_rest_into_groups(world, group_project):
    Assignment.objects.create(project=group_project, pupil=world.users["pupil@own2"])
    lead = world.user("leading_teacher@own")  # sees the whole school, so all three pupils
    made = groups.split_into_groups(lead, group_project, 2)
    # Three pupils in groups of two: a last group of one joins the one before.
    assert [sorted(p.first_name for p in g.members.all()) for g in made] == [
        ["Ada", "Ben", "Pupil"]
    ]
    assert made[0].name == "Group 1"
    with pytest.raises(ValidationError, match="already in a group"):
        groups.split_into_groups(lead, group_project, 2)
    with pytest.raises(ValidationError, match="2 to 8"):
        groups.split_into_groups(lead, group_project, 1)


def test_leaving_a_group_keeps_the_work(world, group_project):
    teacher = world.user("teacher@own")
    ada, ben = world.user("pupil@own"), world.user("pupil2@own")
    group = groups.form_group(teacher, group_project, [ada, ben])
    note = services.add_note(ada, group, "gather", "Ada's note")
    groups.leave_group(teacher, group, ada.pk)
    assert list(group.members.all()) == [ben]
    note.refresh_from_db()
    assert note.created_by == ada and note.portfolio == group
    groups.leave_group(teacher, group, ben.pk)
    assert Portfolio.objects.filter(pk=group.pk).exists()  # its work stays
    empty = groups.form_group(teacher, group_project, [ada])
    groups.leave_group(teacher, empty, ada.pk)
    assert not Portfolio.objects.filter(pk=empty.pk).exists()  # nothing in it: gone
    groups.join_group(teacher, group, ada)
    assert list(group.members.all()) == [ada]


def test_mode_is_fixed_once_pupils_have_started(world, group_project):
    teacher = world.user("teacher@own")
    groups.form_group(teacher, group_project, [world.user("pupil@own")])
    details = ProjectDetails(
        title=group_project.title,
        brief="",
        subject="",
        key_stage=group_project.key_stage,
        success_criteria=[],
        wheel=group_project.wheel,
        stage_prompts={},
        start_date=None,
        due_date=None,
        mode=Project.Mode.INDIVIDUAL,
    )
    with pytest.raises(ValidationError, match="cannot switch"):
        update_project(teacher, group_project, details)


def test_groups_page_forms_and_moves_pupils(world, group_project, client_for):
    client = client_for(world.user("teacher@own"))
    url = reverse("portfolios:project_groups", args=[group_project.pk])
    page = client.get(url).content.decode()
    assert "Not in a group yet (2)" in page
    ada, ben = world.users["pupil@own"], world.users["pupil2@own"]
    response = client.post(url, {"action": "form", "pupil": [ada.pk], "name": "<b>Owls</b>"})
    assert response.status_code == 302
    page = client.get(url).content.decode()
    assert "&lt;b&gt;Owls&lt;/b&gt;" in page and "<b>Owls" not in page
    group = group_project.portfolios.get()
    client.post(url, {"action": "join", "group": group.pk, "pupil": ben.pk})
    assert set(group.members.values_list("pk", flat=True)) == {ada.pk, ben.pk}
    # A group of another project is not this page's to change.
    other = Portfolio.objects.get(pk=world.portfolios["own"].pk)
    response = client.post(
        url, {"action": "leave", "group": other.pk, "pupil": ada.pk}, follow=True
    )
    assert "Choose a group." in response.content.decode()
    assert other.memberships.count() == 1
    # The progress grid names each pupil's group.
    grid = client.get(
        reverse("portfolios:project_progress", args=[group_project.pk])
    ).content.decode()
    assert grid.count("&lt;b&gt;Owls&lt;/b&gt;") == 2


def test_groups_page_query_count_does_not_grow_with_groups(world, group_project, client_for):
    lead = world.user("leading_teacher@own")
    client = client_for(lead)
    url = reverse("portfolios:project_groups", args=[group_project.pk])

    def count():
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(url).status_code == 200
        return len(ctx.captured_queries)

    groups.form_group(lead, group_project, [world.user("pupil@own")])
    few = count()
    for n in range(6):
        pupil = User.objects.create(username=f"extra{n}", first_name="X", last_name=f"P{n}")
        from risingtide.demo.testing import member
        from risingtide.people.models import Role

        member(pupil, Role.PUPIL, school=world.schools["own"], teaching_group=world.groups["own"])
        groups.form_group(lead, group_project, [pupil])
    assert count() == few


@pytest.fixture
def teacher_of_8b(world):
    """A plain teacher of Own 8B only: they cannot see 7A's pupils."""
    from risingtide.demo.testing import make_user, member
    from risingtide.people.models import Role

    teacher = make_user("teacher.8b", "Eight", "Teacher")
    member(teacher, Role.TEACHER, school=world.schools["own"], teaching_group=world.groups["own2"])
    return User.objects.get(pk=teacher.pk)


def test_a_teacher_changes_only_groups_of_pupils_they_may_see(
    world, group_project, teacher_of_8b, client_for
):
    ada, ben = world.user("pupil@own"), world.user("pupil2@own")
    group = groups.form_group(world.user("teacher@own"), group_project, [ada, ben], "Bees")
    Assignment.objects.create(project=group_project, teaching_group=world.groups["own2"])
    page = client_for(teacher_of_8b).get(
        reverse("portfolios:project_groups", args=[group_project.pk])
    )
    text = page.content.decode()
    assert not re.search(r"\bAda\b", text) and "and 2 pupils from another class" in text
    with pytest.raises(PermissionDenied):  # taking out a pupil they cannot see
        groups.leave_group(teacher_of_8b, group, ada.pk)
    with pytest.raises(PermissionDenied):  # adding their own pupil to see the others' work
        groups.join_group(teacher_of_8b, group, world.user("pupil@own2"))
    assert set(group.members.values_list("pk", flat=True)) == {ada.pk, ben.pk}


def test_taking_out_the_last_member_keeps_a_group_that_has_any_work(world, group_project):
    from risingtide.portfolios import tools
    from risingtide.portfolios.tests.test_tools import form

    teacher, ada = world.user("teacher@own"), world.user("pupil@own")
    group = groups.form_group(teacher, group_project, [ada])
    tools.save_stage_work(ada, group, "gather", form(known="bees sting"), 0)
    groups.leave_group(teacher, group, ada.pk)
    assert Portfolio.objects.filter(pk=group.pk).exists()
    event = AuditEvent.objects.get(action="project.group_left")
    assert event.detail["group"] == group.pk


def test_odd_group_names_do_not_break_numbering(world, group_project):
    teacher = world.user("teacher@own")
    groups.form_group(teacher, group_project, [world.user("pupil@own")], "Group ²")
    assert groups.form_group(teacher, group_project, [world.user("pupil2@own")]).name == "Group 1"


def test_taking_a_class_off_a_group_project_takes_its_pupils_out_of_groups(world, group_project):
    from risingtide.tasc.services import unassign

    teacher = world.user("teacher@own")
    ada = world.user("pupil@own")
    group = groups.form_group(teacher, group_project, [ada, world.user("pupil2@own")])
    note = services.add_note(ada, group, "gather", "Ada's")
    unassign(teacher, group_project, group_project.assignments.get().pk)
    assert not group.memberships.exists()
    from risingtide.access.core import can

    assert not can(ada, "portfolio.view", group)
    assert Portfolio.objects.get(pk=group.pk).items.get() == note  # the work stays


def test_pupils_start_or_join_groups_when_the_project_lets_them(world, group_project, client_for):
    ada, ben = world.user("pupil@own"), world.user("pupil2@own")
    with pytest.raises(ValidationError, match="Your teacher puts you in a group"):
        groups.choose_group(ada, group_project, None)
    Project.objects.filter(pk=group_project.pk).update(pupils_choose_groups=True)
    group_project.refresh_from_db()
    page = (
        client_for(ada)
        .get(reverse("portfolios:my_portfolio", args=[group_project.pk]))
        .content.decode()
    )
    assert "Start a new group" in page
    started = groups.choose_group(ada, group_project, None)
    assert started.name == "Group 1" and list(started.members.all()) == [ada]
    page = (
        client_for(ben)
        .get(reverse("portfolios:my_portfolio", args=[group_project.pk]))
        .content.decode()
    )
    assert (
        "Group 1" in page and "(1 in it)" in page and not re.search(r"\bAda\b", page)
    )  # sizes, not names
    response = client_for(ben).post(
        reverse("portfolios:choose_group", args=[group_project.pk]), {"group": started.pk}
    )
    assert response.status_code == 302
    assert set(started.members.all()) == {ada, ben}
    with pytest.raises(ValidationError, match="already in a group"):
        groups.choose_group(ben, group_project, None)
    with pytest.raises(ValidationError, match="not in this project"):
        groups.choose_group(ada, group_project, world.portfolios["own"].pk)
    with pytest.raises(PermissionDenied):  # not set this project
        groups.choose_group(world.user("pupil@other"), group_project, started.pk)


def test_group_discussion_and_contributions(world, group_project, client_for):
    ada, ben = world.user("pupil@own"), world.user("pupil2@own")
    group = groups.form_group(world.user("teacher@own"), group_project, [ada, ben])
    groups.post_message(ada, group, "Shall we use bamboo?")
    groups.post_message(world.user("teacher@own"), group, "Think about the rain.")
    with pytest.raises(PermissionDenied):
        groups.post_message(world.user("pupil@own2"), group, "Hi")
    page = client_for(ben).get(reverse("portfolios:discussion", args=[group.pk])).content.decode()
    assert "Shall we use bamboo?" in page and "Think about the rain." in page
    client_for(ben).post(reverse("portfolios:discussion", args=[group.pk]), {"body": "<b>Yes</b>"})
    page = client_for(ada).get(reverse("portfolios:discussion", args=[group.pk])).content.decode()
    assert "&lt;b&gt;Yes&lt;/b&gt;" in page

    groups.rate_contributions(ada, group, {ada.pk: (3, "Research"), ben.pk: (4, "Built it")})
    groups.rate_contributions(ben, group, {ada.pk: (2, "")})
    with pytest.raises(ValidationError):
        groups.rate_contributions(ada, group, {world.users["pupil@other"].pk: (3, "")})
    with pytest.raises(PermissionDenied):
        groups.rate_contributions(world.user("teacher@own"), group, {ada.pk: (1, "")})
    # Ada sees what she gave, not what Ben said of her; the teacher sees everything.
    mine = (
        client_for(ada).get(reverse("portfolios:contributions", args=[group.pk])).content.decode()
    )
    assert "Built it" in mine and "What each member said" not in mine
    staff = client_for(world.user("teacher@own")).get(
        reverse("portfolios:contributions", args=[group.pk])
    )
    text = staff.content.decode()
    assert "What each member said" in text and "Built it" in text and "Some" in text
    response = client_for(ben).post(
        reverse("portfolios:contributions", args=[group.pk]),
        {f"share_{ben.pk}": "4", f"comment_{ben.pk}": "x"},
    )
    assert response.status_code == 302
