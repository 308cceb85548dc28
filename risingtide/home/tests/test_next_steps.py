"""The home page's first screen says what to do next, for every role, in a fixed number of
queries."""

import re
from datetime import date, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from risingtide.access.core import anchors
from risingtide.feedback.queries import waiting_counts
from risingtide.feedback.services import mark_read, reply
from risingtide.home import next_steps
from risingtide.home.tests.test_home import _count, _grow
from risingtide.portfolios.services import portfolio_for, set_stage_done
from risingtide.register import services as register
from risingtide.register.models import Pupil, RegisterEntry
from risingtide.standards.models import MonitoringNote
from risingtide.tasc.models import STAGE_ORDER, Assignment, Project

pytestmark = pytest.mark.django_db


def steps_on_home(client, user) -> list[tuple[str, str, str]]:
    """(link, words, detail) of each step in the "What to do next" list."""
    client.force_login(user)
    html = client.get(reverse("home:home")).content.decode()
    section = html.split('aria-labelledby="next-title"')[1].split("</section>")[0]
    client.logout()
    found = re.findall(
        r'<li class="next-step[^"]*"><a href="([^"]*)">([^<]*)</a>'
        r'(?:<span class="next-detail">([^<]*)</span>)?',
        section,
    )
    return [(href, words.replace("&#x27;", "'"), detail) for href, words, detail in found]


def test_the_next_list_comes_first(world, client):
    client.force_login(world.user("teacher@own"))
    html = client.get(reverse("home:home")).content.decode()
    assert html.index("What to do next") < html.index('id="panel-teacher"')


def test_a_pupil_carries_on_at_the_stage_they_are_at(world, client):
    pupil = world.user("pupil@own")
    portfolio = world.portfolios["own"]
    set_stage_done(pupil, portfolio, "gather", True)
    steps = steps_on_home(client, pupil)
    href, words, detail = steps[0]
    assert href == reverse("portfolios:portfolio", args=[portfolio.pk]) + "#stage-identify"
    assert words == "Carry on with own project"
    assert detail == "You are at stage 2 of 8: Identify."
    assert ("/feedback/", "Read 1 new message from your teachers", "") in steps
    assert ("/feedback/", "Do 1 next step your teachers gave you", "") in steps
    # Read, the message is no longer new.
    mark_read(pupil, [world.comments["own"]])
    assert ("/feedback/", "Read 1 new message from your teachers", "") not in steps_on_home(
        client, pupil
    )


def test_a_pupil_who_has_not_opened_a_project_is_asked_to_start_it(world, client):
    pupil = world.user("pupil2@own")
    project = world.projects["own"]
    Project.objects.filter(pk=project.pk).update(due_date=date(2030, 7, 1))
    href, words, detail = steps_on_home(client, pupil)[0]
    assert (href, words, detail) == (
        reverse("portfolios:my_portfolio", args=[project.pk]),
        "Start own project",
        "Due 1 July.",
    )


def test_a_pupil_who_finished_every_stage_is_not_asked_to_carry_on(world, client):
    pupil = world.user("pupil@own")
    for stage in STAGE_ORDER:
        set_stage_done(pupil, world.portfolios["own"], stage, True)
    assert not any("own project" in words for _, words, _ in steps_on_home(client, pupil))


def test_a_teacher_sees_questions_to_answer_and_who_has_not_started(world, client):
    teacher = world.user("teacher@own")
    project = world.projects["own"]
    progress = reverse("portfolios:project_progress", args=[project.pk])
    # pupil@own has begun their portfolio; pupil2@own has not. The draft is not counted.
    assert steps_on_home(client, teacher) == [
        (progress, "See who has not started own project", "1 of 2 of your pupils have not started.")
    ]
    reply(world.user("pupil@own"), world.comments["own"], "I found it in a library book.")
    due = timezone.localdate() + timedelta(days=3)
    Project.objects.filter(pk=project.pk).update(due_date=due)
    assert steps_on_home(client, teacher) == [
        ("/feedback/#questions-title", "Answer 1 question from pupils", ""),
        (progress, f"own project is due {due:%-d %B}", "1 of 2 of your pupils have not started."),
    ]
    # Once everyone has begun, a project due soon still shows, saying so.
    portfolio = portfolio_for(world.user("pupil2@own"), project)
    set_stage_done(world.user("pupil2@own"), portfolio, "gather", True)
    assert steps_on_home(client, teacher)[1] == (
        progress,
        f"own project is due {due:%-d %B}",
        "All 2 of your pupils have started.",
    )
    # A project with no date where everyone has begun is not worth a line; nor one due later.
    Project.objects.filter(pk=project.pk).update(due_date=None)
    assert len(steps_on_home(client, teacher)) == 1
    Project.objects.filter(pk=project.pk).update(due_date=due + timedelta(days=30))
    assert len(steps_on_home(client, teacher)) == 1


def test_a_project_set_to_one_pupil_counts_that_pupil_and_a_new_one_the_class(world, client):
    # own2_pupil is set to the one pupil of Own 8B, whom teacher+lead@own teaches: she has begun.
    lead = world.user("teacher+lead@own")
    assert not any("own2_pupil" in words for _, words, _ in steps_on_home(client, lead))
    project = Project.objects.create(
        school=world.schools["own"],
        title="Bridges",
        key_stage=Project.KeyStage.KS3,
        wheel=world.wheels["default"],
        status=Project.Status.OPEN,
    )
    Assignment.objects.create(project=project, teaching_group=world.groups["own2"])
    assert (
        reverse("portfolios:project_progress", args=[project.pk]),
        "See who has not started Bridges",
        "1 of 1 of your pupils have not started.",
    ) in steps_on_home(client, lead)


def test_a_coordinator_sees_nominations_an_import_and_the_draft(world, client):
    school = world.schools["own"]
    nominee = RegisterEntry.objects.get(
        school=school, current=True, status=RegisterEntry.Status.NOMINATED
    ).pupil_id
    expected = [
        (
            # One waiting: straight to that pupil's Decide form.
            reverse("register:register_pupil", args=[nominee]) + "#decide",
            "Decide 1 nomination",
            "",
        ),
        (
            reverse("register:register_import", args=[world.imports["own"].pk]),
            "Check and confirm the import of pupils.xml",
            "",
        ),
        (
            reverse("standards:self_evaluation", args=[world.evaluations["own"].pk]),
            "Carry on with the self-evaluation draft",
            "",
        ),
    ]
    assert steps_on_home(client, world.user("leading_teacher@own")) == expected
    assert steps_on_home(client, world.user("head@own")) == expected
    # A teacher who coordinates too: the teacher's steps (none) and the coordinator's, once.
    assert steps_on_home(client, world.user("teacher+lead@own")) == expected


def test_several_nominations_open_the_register_filtered_to_them(world, client):
    school = world.schools["own"]
    entry = RegisterEntry.objects.get(
        school=school, current=True, status=RegisterEntry.Status.NOMINATED
    )
    other = Pupil.objects.filter(school=school).exclude(pk=entry.pupil_id).first()
    register.nominate(world.user("leading_teacher@own"), other, domains=["art"], summary="Paints.")
    steps = steps_on_home(client, world.user("leading_teacher@own"))
    assert steps[0][:2] == (
        reverse("register:register", args=[school.pk]) + "?status=nominated",
        "Decide 2 nominations",
    )


def test_a_cluster_coordinator_is_told_which_school_each_step_is_for(world, client):
    steps = steps_on_home(client, world.user("leading_teacher@cluster"))
    assert [detail for _, _, detail in steps] == ["Own School"] * 3


def test_an_la_lead_is_asked_to_look_at_a_submitted_self_evaluation_until_they_note_it(
    world, client
):
    lead = world.user("la_lead@other")
    school = world.schools["other"]
    (href, words, detail), *rest = steps_on_home(client, lead)
    assert href == reverse("standards:standards_school", args=[school.pk])
    assert words == "Look at Other School's self-evaluation"
    assert detail.startswith("Submitted ") and detail.endswith("; no LA note since.")
    assert rest == []
    assert steps_on_home(client, world.user("la_lead@own")) == []
    MonitoringNote.objects.create(
        school=school, author=lead, reviewed_on=timezone.localdate(), text="Seen."
    )
    assert steps_on_home(client, lead) == []


def test_a_national_officer_sees_what_is_pending(world, client):
    href = reverse("standards:standards_nation", args=[world.nation.pk])
    assert steps_on_home(client, world.user("national_officer@nation")) == [
        (
            href,
            "1 school submitted a self-evaluation in the last 30 days",
            "See how the indicator has moved.",
        ),
        (href, "2 of 3 schools have no self-evaluation yet", "Their LAs may need a word."),
    ]


def test_provider_staff_reach_their_services_and_their_profile(world, client):
    provider = world.providers["own"]
    href = reverse("home:provider", args=[provider.pk])
    services = reverse("provision:provider", args=[provider.pk])
    assert steps_on_home(client, world.user("provider_staff@own")) == [
        (
            services,
            "Offer a service or record attendance for own provider",
            "Your services, their approval and the places schools booked.",
        ),
        (href, "Check own provider's profile", "What schools will see."),
    ]
    client.force_login(world.user("provider_staff@own"))
    home = client.get(reverse("home:home")).content.decode()
    # The panel leads to the services and bookings, rather than promising they will appear.
    assert f'href="{services}"' in home.split("My organisation")[1]
    assert "will appear here" not in home
    html = client.get(href).content.decode()
    assert "Services and bookings" in html and f'href="{services}"' in html
    assert "3 in 2 local authorities" in html  # the schools it could serve
    assert "Prov own" in html  # its people
    assert "This is what schools will see." in html


def test_nothing_waiting_is_said_plainly(world, client):
    client.force_login(world.user("site_admin@site"))
    assert "Nothing is waiting for you." in client.get(reverse("home:home")).content.decode()


def _queries(fn, *args) -> int:
    with CaptureQueriesContext(connection) as queries:
        fn(*args)
    return len(queries)


def test_each_roles_next_steps_take_a_fixed_number_of_queries(world):
    """Counted with work to show (a project due soon, pupils started, a question asked), then
    again after every school has grown tenfold."""
    reply(world.user("pupil@own"), world.comments["own"], "Where should I look?")
    soon = timezone.localdate() + timedelta(days=2)
    Project.objects.filter(
        pk__in=[world.projects["own"].pk, world.projects["own2_pupil"].pk]
    ).update(due_date=soon)

    def person(key):
        user = world.user(key)
        anchors(user)  # read once per request, before any page's own queries
        return user

    def counts():
        teacher = person("teacher@own")
        return {
            "pupil": _queries(next_steps.pupil, person("pupil@own")),
            "teacher": _queries(
                next_steps.teacher,
                teacher,
                waiting_counts(teacher),
                anchors(teacher)["teacher"].groups,
            ),
            "coordinator": _queries(
                next_steps.coordinator,
                person("leading_teacher@cluster"),
                {world.schools["own"].pk, world.schools["peer"].pk},
            ),
            "la_lead": _queries(
                next_steps.la_lead, person("la_lead@other"), {world.las["other"].pk}
            ),
            "national": _queries(
                next_steps.national, person("national_officer@nation"), {world.nation.pk}
            ),
        }

    before = counts()
    assert before == {"pupil": 4, "teacher": 4, "coordinator": 1, "la_lead": 1, "national": 1}
    _grow(world, pupils_per_group=20, extra_groups=5)
    for group in world.schools["own"].teaching_groups.all():
        Assignment.objects.get_or_create(project=world.projects["own"], teaching_group=group)
    assert counts() == before


def test_home_with_work_to_show_takes_no_more_queries_as_schools_grow(world, client):
    Project.objects.filter(pk=world.projects["own"].pk).update(
        due_date=timezone.localdate() + timedelta(days=1)
    )
    keys = ["pupil@own", "teacher@own", "teacher+lead@own", "leading_teacher@cluster"]
    before = {key: _count(client, world.user(key), reverse("home:home")) for key in keys}
    _grow(world, pupils_per_group=20, extra_groups=5)
    after = {key: _count(client, world.user(key), reverse("home:home")) for key in keys}
    assert after == before
