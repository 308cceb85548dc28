"""What a checked launch does: who is signed in, in which school and group, where they land;
deep linking a project; the score sent back (AGS); a group filled from the platform (NRPS);
the administrator's registration pages and our key set."""

import pytest
from django.urls import reverse
from joserfc import jwt
from joserfc.jwk import KeySet

from risingtide.lti import keys, outbound
from risingtide.lti.deep_linking import SESSION_KEY
from risingtide.lti.models import Context, GradeLink, Identity, Platform
from risingtide.lti.tests.conftest import PUPIL, PUPIL2, TEACHER, begin, launch
from risingtide.lti.tests.platform import Person
from risingtide.people.models import Membership, Role
from risingtide.portfolios import services as portfolio_services
from risingtide.tasc.models import Assignment, Project

pytestmark = pytest.mark.django_db
DL = "https://purl.imsglobal.org/spec/lti-dl/claim/"


@pytest.fixture
def school(world):
    """The tiny world's "own" school: its projects, library and people are needed here."""
    return world.schools["own"]


@pytest.fixture
def immediate_tasks(settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}


def test_a_teachers_first_launch_makes_their_account_and_the_course_group(client, sim, platform):
    response = launch(client, sim, TEACHER)
    context = Context.objects.get(platform=platform, context_id=sim.context_id)
    group = context.teaching_group
    assert response["Location"] == reverse("lti:group", args=[group.pk])
    assert group.school == platform.school and group.name == "Year 5 Science"
    assert group.year_group == 5
    teacher = Identity.objects.get(sub=TEACHER.sub).user
    assert (teacher.first_name, teacher.last_name) == ("Grace", "Hopper")
    assert not teacher.has_usable_password()
    held = set(
        Membership.objects.filter(user=teacher).values_list("role", "school", "teaching_group")
    )
    assert held == {
        (Role.TEACHER, platform.school_id, None),
        (Role.TEACHER, platform.school_id, group.pk),
    }
    assert context.memberships_url == sim.url + "/memberships"
    assert client.get(response["Location"]).status_code == 200


def test_a_pupil_before_their_teacher_is_told_the_class_is_not_ready(client, sim, platform):
    response = launch(client, sim, PUPIL)
    assert response.status_code == 400
    assert "not set up in Rising Tide yet" in response.content.decode()
    assert not Identity.objects.filter(sub=PUPIL.sub).exists()


def test_a_pupil_joins_the_course_group_in_the_platforms_school_only(client, sim, platform):
    launch(client, sim, TEACHER)
    client.logout()
    response = launch(client, sim, PUPIL)
    assert response["Location"] == reverse("home:home")
    pupil = Identity.objects.get(sub=PUPIL.sub).user
    group = Context.objects.get().teaching_group
    assert set(
        Membership.objects.filter(user=pupil).values_list("role", "school", "teaching_group")
    ) == {
        (Role.PUPIL, platform.school_id, None),
        (Role.PUPIL, platform.school_id, group.pk),
    }


def test_a_second_launch_signs_in_the_same_account(client, sim, platform):
    launch(client, sim, TEACHER)
    client.logout()
    launch(client, sim, TEACHER)
    assert Identity.objects.filter(sub=TEACHER.sub).count() == 1
    assert Context.objects.count() == 1


def _deep_link(client, sim):
    response = launch(client, sim, TEACHER, message="LtiDeepLinkingRequest")
    assert response["Location"] == reverse("lti:deep_link")
    return response


def test_deep_linking_places_a_project_and_answers_with_a_signed_link(client, sim, platform, world):
    _deep_link(client, sim)
    page = client.get(reverse("lti:deep_link"))
    assert page.status_code == 200
    project = Project.objects.filter(school=platform.school).exclude(status="closed").first()
    assert project.title in page.content.decode()
    answer = client.post(reverse("lti:deep_link"), {"project": project.pk})
    assert answer.status_code == 200
    body = answer.content.decode()
    assert f'action="{sim.url}/deep-link-return"' in body
    assert "<script>" not in body and "lti/autosubmit.js" in body
    assert sim.url in answer["Content-Security-Policy"]  # form-action opened for this page only
    token = body.split('name="JWT" value="')[1].split('"')[0]
    claims = jwt.decode(token, KeySet.import_key_set(keys.key_set()), algorithms=["RS256"]).claims
    assert claims["iss"] == sim.client_id and claims["aud"] == [sim.issuer]
    assert claims["https://purl.imsglobal.org/spec/lti/claim/message_type"] == (
        "LtiDeepLinkingResponse"
    )
    assert claims[DL + "data"] == "sim-data-7"
    (item,) = claims[DL + "content_items"]
    assert item["type"] == "ltiResourceLink" and item["custom"] == {"rt_project": str(project.pk)}
    group = Context.objects.get().teaching_group
    assert Assignment.objects.filter(project=project, teaching_group=group).exists()
    project.refresh_from_db()
    assert project.status == Project.Status.OPEN
    assert SESSION_KEY not in client.session  # used once


def test_deep_linking_refuses_a_project_of_another_school(client, sim, platform, world):
    _deep_link(client, sim)
    other = world.projects["other"]
    answer = client.post(reverse("lti:deep_link"), {"project": other.pk})
    assert answer.status_code == 400
    assert "not one you can place" in answer.content.decode()


def test_deep_linking_copies_a_library_template(client, sim, platform, world):
    _deep_link(client, sim)
    page = client.get(reverse("lti:deep_link")).content.decode()
    template = world.resources["own_la"]
    assert template.title in page
    assert world.resources["own_withdrawn"].title not in page
    assert world.resources["own_school"].title not in page  # a file, not a project
    answer = client.post(reverse("lti:deep_link"), {"template": template.pk})
    assert answer.status_code == 200
    copy = Project.objects.filter(school=platform.school, title=template.title).latest("pk")
    assert copy.status == Project.Status.OPEN


def test_a_refused_placing_leaves_no_copy_of_the_template(
    client, sim, platform, world, monkeypatch
):
    from django.core.exceptions import ValidationError

    from risingtide.tasc import services as tasc_services

    def refuse(*args, **kwargs):
        raise ValidationError("This project cannot be set to that class.")

    monkeypatch.setattr(tasc_services, "assign", refuse)
    _deep_link(client, sim)
    before = Project.objects.count()
    answer = client.post(reverse("lti:deep_link"), {"template": world.resources["own_la"].pk})
    assert answer.status_code == 400
    assert "cannot be set to that class" in answer.content.decode()
    assert Project.objects.count() == before


def test_a_pupil_cannot_deep_link(client, sim, platform):
    launch(client, sim, TEACHER)
    client.logout()
    response = launch(client, sim, PUPIL, message="LtiDeepLinkingRequest")
    assert response.status_code == 400
    assert "Only teachers" in response.content.decode()


def test_the_deep_link_page_without_a_launch_says_so(client, world):
    client.force_login(world.users["teacher@own"])
    response = client.get(reverse("lti:deep_link"))
    assert response.status_code == 400
    assert "No course is waiting" in response.content.decode()


def _placed_project(client, sim, platform) -> Project:
    _deep_link(client, sim)
    project = Project.objects.filter(school=platform.school).exclude(status="closed").first()
    client.post(reverse("lti:deep_link"), {"project": project.pk})
    client.logout()
    return project


def test_a_pupil_launching_a_placed_project_lands_in_their_portfolio(client, sim, platform):
    project = _placed_project(client, sim, platform)
    response = launch(client, sim, PUPIL, custom={"rt_project": str(project.pk)})
    assert response["Location"] == reverse("portfolios:my_portfolio", args=[project.pk])
    assert client.get(response["Location"], follow=True).status_code == 200
    link = GradeLink.objects.get()
    assert link.lineitems_url == sim.url + "/lineitems" and link.sub == PUPIL.sub


def test_a_link_to_a_project_not_set_to_the_course_is_refused(client, sim, platform, world):
    launch(client, sim, TEACHER)
    client.logout()
    other = world.projects["other"]
    response = launch(client, sim, PUPIL, custom={"rt_project": str(other.pk)})
    assert response.status_code == 400
    assert "not available" in response.content.decode()


def test_stages_done_go_to_the_gradebook(
    client, sim, platform, immediate_tasks, django_capture_on_commit_callbacks
):
    project = _placed_project(client, sim, platform)
    launch(client, sim, PUPIL, custom={"rt_project": str(project.pk)})
    pupil = Identity.objects.get(sub=PUPIL.sub).user
    portfolio = portfolio_services.portfolio_for(pupil, project)
    for stage in ("gather", "identify"):
        with django_capture_on_commit_callbacks(execute=True):
            portfolio_services.set_stage_done(pupil, portfolio, stage, True)
    assert [s["scoreGiven"] for s in sim.scores] == [1, 2]
    last = sim.scores[-1]
    assert last["comment"] == "2 of 8 stages done"
    assert (last["scoreMaximum"], last["userId"]) == (8, PUPIL.sub)
    assert (last["activityProgress"], last["gradingProgress"]) == ("InProgress", "Pending")
    (item,) = sim.lineitems.values()  # made once through lineitems, then kept
    assert last["lineitem"] == item["id"].removeprefix(sim.url)
    assert item["scoreMaximum"] == 8 and item["resourceLinkId"] == "link-1"
    assert len(sim.tokens_issued) == 1  # the token is kept between scores
    link = GradeLink.objects.get()
    assert (link.last_sent, link.last_error) == ("2/8", "")


def test_tokens_never_reach_logs_pages_or_the_audit_trail(
    client, sim, platform, immediate_tasks, django_capture_on_commit_callbacks, caplog
):
    from risingtide.audit.models import AuditEvent

    caplog.set_level("DEBUG")
    project = _placed_project(client, sim, platform)
    state, nonce = begin(client, sim, PUPIL)
    id_token = sim.sign(sim.claims(PUPIL, nonce, custom={"rt_project": str(project.pk)}))
    landed = client.post(reverse("lti:launch"), {"id_token": id_token, "state": state}, follow=True)
    pupil = Identity.objects.get(sub=PUPIL.sub).user
    portfolio = portfolio_services.portfolio_for(pupil, project)
    with django_capture_on_commit_callbacks(execute=True):
        portfolio_services.set_stage_done(pupil, portfolio, "gather", True)
    refusal = client.post(reverse("lti:launch"), {"id_token": id_token, "state": state})
    secrets = [id_token, state, nonce, *sim.tokens_issued]
    assert sim.tokens_issued
    audit = repr(list(AuditEvent.objects.values_list("detail", "target_id")))
    for secret in secrets:
        assert secret not in caplog.text
        assert secret not in audit
        assert secret not in landed.content.decode()
        assert secret not in refusal.content.decode()


def test_a_score_goes_to_the_line_item_the_launch_named(
    client, sim, platform, immediate_tasks, django_capture_on_commit_callbacks
):
    project = _placed_project(client, sim, platform)
    named = sim.url + "/lineitems/77?type=x"
    launch(client, sim, PUPIL, custom={"rt_project": str(project.pk)}, lineitem=named)
    pupil = Identity.objects.get(sub=PUPIL.sub).user
    portfolio = portfolio_services.portfolio_for(pupil, project)
    with django_capture_on_commit_callbacks(execute=True):
        portfolio_services.set_stage_done(pupil, portfolio, "gather", True)
    assert sim.scores[-1]["lineitem"] == "/lineitems/77"
    assert not sim.lineitems


def test_a_refused_token_is_kept_as_the_links_error(
    client, sim, platform, immediate_tasks, django_capture_on_commit_callbacks
):
    project = _placed_project(client, sim, platform)
    launch(client, sim, PUPIL, custom={"rt_project": str(project.pk)})
    sim.client_id = "changed-on-the-platform"  # our assertion no longer names its client
    pupil = Identity.objects.get(sub=PUPIL.sub).user
    portfolio = portfolio_services.portfolio_for(pupil, project)
    with django_capture_on_commit_callbacks(execute=True):
        portfolio_services.set_stage_done(pupil, portfolio, "gather", True)
    assert not sim.scores
    assert "refused a token" in GradeLink.objects.get().last_error


def test_the_group_is_filled_from_the_platforms_member_list(client, sim, platform):
    launch(client, sim, TEACHER)
    group = Context.objects.get().teaching_group
    sim.members = [PUPIL, PUPIL2, TEACHER, Person("x-9", "Old", "Admin", "Administrator")]
    response = client.post(
        reverse("lti:group", args=[group.pk]), {"context": Context.objects.get().pk}, follow=True
    )
    assert "2 pupils from the course" in response.content.decode()
    pupils = Membership.objects.filter(teaching_group=group, role=Role.PUPIL)
    assert pupils.count() == 2
    assert set(
        Identity.objects.filter(user__in=pupils.values("user")).values_list("sub", flat=True)
    ) == {PUPIL.sub, PUPIL2.sub}
    assert (
        not Membership.objects.filter(user__in=pupils.values("user"))
        .exclude(school=platform.school)
        .exists()
    )
    # Again: nobody is made twice.
    client.post(reverse("lti:group", args=[group.pk]), {"context": Context.objects.get().pk})
    assert Identity.objects.count() == 3


def test_a_member_list_over_several_pages_is_read_to_the_end(client, sim, platform):
    """NRPS names a further page in a Link header (section 2.4.2): every page is read."""
    launch(client, sim, TEACHER)
    group = Context.objects.get().teaching_group
    sim.members = [Person(f"p-{n}", "Pupil", str(n), "Learner") for n in range(7)]
    sim.members_per_page = 3
    response = client.post(
        reverse("lti:group", args=[group.pk]), {"context": Context.objects.get().pk}, follow=True
    )
    assert "7 pupils from the course" in response.content.decode()
    assert Membership.objects.filter(teaching_group=group, role=Role.PUPIL).count() == 7


def test_a_next_page_is_read_only_from_the_platforms_own_site():
    assert outbound._next_page('<https://lms.example/m?page=2>; rel="next"') == (
        "https://lms.example/m?page=2"
    )
    assert outbound._next_page('<https://lms.example/m?page=1>; rel="prev"') is None
    assert outbound._next_page("") is None


def test_our_key_set_is_public(client):
    response = client.get(reverse("lti:jwks"))
    assert response.status_code == 200
    (key,) = response.json()["keys"]
    assert key["kid"] == keys.kid() and key["alg"] == "RS256" and "d" not in key


def test_a_site_administrator_registers_a_platform(client, world):
    client.force_login(world.users["site_admin@site"])
    page = client.get(reverse("lti:platform_new"))
    assert "https://testserver/lti/launch/" in page.content.decode() or page.status_code == 200
    response = client.post(
        reverse("lti:platform_new"),
        {
            "name": "Moodle",
            "issuer": "https://moodle.example.sch.uk",
            "client_id": "abc",
            "key_set_url": "https://moodle.example.sch.uk/mod/lti/certs.php",
            "auth_login_url": "https://moodle.example.sch.uk/mod/lti/auth.php",
            "token_url": "https://moodle.example.sch.uk/mod/lti/token.php",
            "school": world.schools["own"].pk,
            "new_teachers": "off",
            "active": "on",
            "deployment_ids": "1\n2\n\n1",
        },
    )
    assert response.status_code == 302
    platform = Platform.objects.get()
    assert sorted(platform.deployments.values_list("deployment_id", flat=True)) == ["1", "2"]
    edit = client.post(
        reverse("lti:platform_edit", args=[platform.pk]),
        {
            **{
                f: getattr(platform, f)
                for f in (
                    "name",
                    "issuer",
                    "client_id",
                    "key_set_url",
                    "auth_login_url",
                    "token_url",
                )
            },
            "school": platform.school_id,
            "new_teachers": "staff",
            "deployment_ids": "2",
        },
    )
    assert edit.status_code == 302
    assert list(platform.deployments.values_list("deployment_id", flat=True)) == ["2"]
    platform.refresh_from_db()
    assert platform.new_teachers == Platform.NewTeachers.STAFF


def test_a_registration_without_deployments_is_refused(client, world):
    client.force_login(world.users["site_admin@site"])
    response = client.post(reverse("lti:platform_new"), {"name": "x", "deployment_ids": "y" * 256})
    assert response.status_code == 400
    assert "at most 255 characters" in response.content.decode()
    assert not Platform.objects.exists()


def test_the_platform_list_reads_the_same_queries_for_any_number(
    client, world, django_assert_num_queries
):
    client.force_login(world.users["site_admin@site"])
    client.get(reverse("lti:platforms"))
    school = world.schools["own"]

    def add(n):
        for i in range(n):
            p = Platform.objects.create(
                name=f"P{i}{n}",
                issuer=f"https://p{i}{n}.example",
                client_id="c",
                key_set_url="https://x.example/k",
                auth_login_url="https://x.example/a",
                token_url="https://x.example/t",
                school=school,
            )
            p.deployments.create(deployment_id="1")

    add(1)
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as one:
        client.get(reverse("lti:platforms"))
    add(3)
    with django_assert_num_queries(len(one)):
        assert client.get(reverse("lti:platforms")).status_code == 200


def test_a_launch_reads_the_same_queries_however_big_the_class(client, sim, platform):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    launch(client, sim, TEACHER)
    client.logout()
    launch(client, sim, PUPIL)
    client.logout()

    def counted() -> int:
        state, nonce = begin(client, sim, PUPIL)
        token = sim.sign(sim.claims(PUPIL, nonce))
        with CaptureQueriesContext(connection) as queries:
            assert (
                client.post(reverse("lti:launch"), {"id_token": token, "state": state}).status_code
                == 302
            )
        client.logout()
        return len(queries)

    few = counted()
    group = Context.objects.get().teaching_group
    sim.members = [Person(f"m-{n}", "Member", str(n), "Learner") for n in range(12)]
    launch(client, sim, TEACHER)
    client.post(reverse("lti:group", args=[group.pk]), {"context": Context.objects.get().pk})
    client.logout()
    assert Membership.objects.filter(teaching_group=group, role=Role.PUPIL).count() == 13
    assert counted() == few
    # 25 on SQLite (docs/performance.md): state, claims, person, group, session, and whether the
    # person owes a second factor (twofactor decides at every sign-in).
    assert few <= 27


def _site_admin_posts(client, world, platform, school_id, new_teachers=None):
    client.force_login(world.users["site_admin@site"])
    fields = ("name", "issuer", "client_id", "key_set_url", "auth_login_url", "token_url")
    return client.post(
        reverse("lti:platform_edit", args=[platform.pk]),
        {
            **{f: getattr(platform, f) for f in fields},
            "school": school_id,
            "active": "on",
            "new_teachers": new_teachers or platform.new_teachers,
            "deployment_ids": "\n".join(
                platform.deployments.values_list("deployment_id", flat=True)
            ),
        },
    )


def test_a_platform_that_launched_anyone_keeps_its_school(client, sim, platform, world):
    other = world.schools["other"]
    assert _site_admin_posts(client, world, platform, other.pk).status_code == 302
    platform.refresh_from_db()
    assert platform.school == other  # nobody came from it yet: it may still move
    platform.school = world.schools["own"]
    platform.save()
    client.logout()
    launch(client, sim, TEACHER)
    client.force_login(world.users["site_admin@site"])
    page = client.get(reverse("lti:platform_edit", args=[platform.pk])).content.decode()
    assert "would split them between two schools" in page
    assert _site_admin_posts(client, world, platform, other.pk).status_code == 302
    platform.refresh_from_db()
    assert platform.school == world.schools["own"]


def test_a_launch_into_a_course_of_another_school_is_refused(client, sim, platform, world):
    launch(client, sim, TEACHER)
    group = Context.objects.get().teaching_group
    Platform.objects.filter(pk=platform.pk).update(school=world.schools["other"])
    client.logout()
    response = launch(client, sim, PUPIL)
    assert response.status_code == 400
    assert "belongs to another school" in response.content.decode()
    assert not Identity.objects.filter(sub=PUPIL.sub).exists()
    assert not Membership.objects.filter(teaching_group=group, role=Role.PUPIL).exists()


def test_filling_a_course_of_another_school_is_refused(client, sim, platform, world):
    launch(client, sim, TEACHER)
    context = Context.objects.get()
    Platform.objects.filter(pk=platform.pk).update(school=world.schools["other"])
    sim.members = [PUPIL, PUPIL2]
    response = client.post(
        reverse("lti:group", args=[context.teaching_group_id]),
        {"context": context.pk},
        follow=True,
    )
    assert "registered for another school" in response.content.decode()
    assert not Identity.objects.filter(sub__in=[PUPIL.sub, PUPIL2.sub]).exists()


INSTITUTION = "http://purl.imsglobal.org/vocab/lis/v2/institution/person#"


def _roles_plus(*extra):
    def edit(made):
        made["https://purl.imsglobal.org/spec/lti/claim/roles"].extend(extra)

    return edit


def test_a_platform_adds_no_teachers_unless_it_is_allowed_to(client, sim, platform):
    Platform.objects.filter(pk=platform.pk).update(new_teachers=Platform.NewTeachers.OFF)
    response = launch(client, sim, TEACHER, claims=_roles_plus(INSTITUTION + "Faculty"))
    assert response.status_code == 400
    page = response.content.decode()
    assert "Ask your school&#x27;s G&amp;T coordinator to let this platform add teachers" in page
    assert not Identity.objects.exists() and not Context.objects.exists()


def test_a_teacher_already_linked_launches_when_new_teachers_are_off(client, sim, platform):
    launch(client, sim, TEACHER)
    client.logout()
    Platform.objects.filter(pk=platform.pk).update(new_teachers=Platform.NewTeachers.OFF)
    assert launch(client, sim, TEACHER).status_code == 302


def test_staff_only_platforms_add_instructors_with_an_institution_staff_role(client, sim, platform):
    """Google Classroom: a pupil who makes a course is its Instructor, but not staff."""
    Platform.objects.filter(pk=platform.pk).update(new_teachers=Platform.NewTeachers.STAFF)
    pupil_course = launch(client, sim, TEACHER, claims=_roles_plus(INSTITUTION + "Student"))
    assert pupil_course.status_code == 400
    assert "not that you are a member of staff" in pupil_course.content.decode()
    assert not Identity.objects.exists()
    assert (
        launch(client, sim, TEACHER, claims=_roles_plus(INSTITUTION + "Faculty")).status_code == 302
    )
    teacher = Identity.objects.get(sub=TEACHER.sub).user
    assert Membership.objects.filter(user=teacher, role=Role.TEACHER).exists()


def test_the_registration_form_sets_new_teachers(client, world, sim, platform):
    response = _site_admin_posts(client, world, platform, platform.school_id, "off")
    assert response.status_code == 302
    platform.refresh_from_db()
    assert platform.new_teachers == Platform.NewTeachers.OFF
    page = client.get(reverse("lti:platform_new")).content.decode()
    assert "New teachers from launches" in page and "Google Classroom" in page
