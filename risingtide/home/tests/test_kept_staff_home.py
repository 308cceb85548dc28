"""Staff home pages kept per person (``home/kept.py``, decision 0015) under the content
versions of the schools they reach, which the database moves on (home/migrations/0001): each
write a member of staff would expect to see shows on their next page; the page is theirs
alone; and every table the pages read, or that belongs to a school, is covered or named."""

import re

import pytest
from django.apps import apps
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from risingtide.demo.testing import make_user, member
from risingtide.feedback import services as feedback
from risingtide.home import kept
from risingtide.home.tests.test_kept_home import ON_THE_NET, home
from risingtide.people.models import Role
from risingtide.portfolios.tests.test_kept_board import _watched_tables
from risingtide.schools.models import School, TeachingGroup
from risingtide.tasc import services as tasc
from risingtide.tasc.models import Project

pytestmark = pytest.mark.django_db


def _pupil_joins(w, group=True):
    pupil = make_user("new.pupil", "New", "Pupil")
    member(pupil, Role.PUPIL, school=w.schools["own"])
    if group:
        member(pupil, Role.PUPIL, school=w.schools["own"], teaching_group=w.groups["own"])


def _question(w):
    """A pupil answers the teacher's next step: a question waiting for the teacher."""
    comment = feedback.give(w.user("teacher@own"), w.portfolios["own"], "next_step", "Try it")
    feedback.reply(w.user("pupil@own"), comment, "How do I start?")


def _project_set(w):
    teacher, project = w.user("teacher@own"), w.portfolios["own"].project
    copy = tasc.copy_project(teacher, project)
    Project.objects.filter(pk=copy.pk).update(title="Rivers and floods")
    tasc.assign(teacher, copy, groups=[w.groups["own"]])
    tasc.set_status(teacher, copy, Project.Status.OPEN)


def _new_group(w):
    TeachingGroup.objects.create(
        school=w.schools["own"], name="Own 9Z", year_group=9, academic_year=2026
    )


# Who looks, what is written (by someone else), and that it shows on their next page.
WRITES = {
    "a pupil joins the teacher's class": ("teacher@own", _pupil_joins),
    "a pupil's question for the teacher": ("teacher@own", _question),
    "a project set to the teacher's class": ("teacher@own", _project_set),
    "a class added to the head's school": ("head@own", _new_group),
    "a pupil account in the coordinator's school": (
        "leading_teacher@own",
        lambda w: _pupil_joins(w, group=False),
    ),
    "a school of the LA renamed past the models": (
        "la_lead@own",
        lambda w: School.objects.filter(pk=w.schools["own"].pk).update(name="Renamed Academy"),
    ),
    "a pupil account in the nation": ("national_officer@nation", _pupil_joins),
}


@pytest.mark.parametrize("write", list(WRITES))
def test_every_write_shows_on_the_next_staff_home_page(world, client_for, write):
    who, do = WRITES[write]
    client = client_for(world.user(who))
    first = home(client)
    with CaptureQueriesContext(connection) as queries:
        assert home(client) == first  # kept: the same page
    assert len(queries) <= 6, [q["sql"] for q in queries]  # session, person, the version
    do(world)
    assert home(client) != first


def test_a_kept_staff_page_is_the_person_s_own(world, client_for):
    """Two teachers of one school: the second's page is not the first's kept one."""
    first, second = world.user("teacher@own"), make_user("second.teacher", "Second", "Teacher")
    member(second, Role.TEACHER, school=world.schools["own"])
    mine = home(client_for(first))
    theirs = home(client_for(second))
    assert "Own 7A" in mine and "Own 7A" not in theirs
    assert kept.staff_key(first, {Role.TEACHER}) != kept.staff_key(second, {Role.TEACHER})


# Tables holding a school's rows that no staff home page shows, and where they are shown.
NOT_ON_A_HOME_PAGE = {
    "audit_auditevent": "the audit log",
    "privacy_subjectaccessexport": "the pupil's or staff member's personal data page",
    "tasc_wheel": "the wheels page",
    "library_resource": "the library",
    "library_resourceuse": "the library",
    "register_columnmapping": "the register's import",
    "register_criteria": "the register's criteria page",
    "register_datasharingagreement": "the data-sharing page",
    "insights_censusrecord": "the insights pages",
    "insights_summary": "the insights pages",
    "standards_improvementplan": "the school improvement plan",
    "standards_classroomevaluation": "the classroom evaluations",
    "credits_account": "the credits pages",
    "provision_showntopupils": "the pupil's home page (its own version) and Opportunities",
    "provision_waitingentry": "the marketplace's waiting lists",
    "opportunities_opportunity": "the provision map and the pupils' menu",
    "opportunities_entitlement": "the entitlement page",
    "learners_personalisation": "the personalisation page and the pupils' menu",
    # issue 20: each on its own pages, none on a home page
    "badges_award": "My badges, the grid's award page and the pupil record's box",
    "badges_badgeclass": "the school's badges page",
    "badges_schoolbadgesettings": "the school's badges page",
    "lti_platform": "the learning platforms pages (site administrators)",
    "rostering_rosterimport": "the roster import pages",
    "rostering_rosterlink": "the roster import's own bookkeeping",
    "sso_identityprovider": "the sign-in providers pages and the sign-in page",
    "twofactor_requirement": "the two-factor requirement pages",
}


def _school_watched() -> set[str]:
    return {t for t, name in _triggers() if name.startswith("version_school_")}


def _triggers() -> set[tuple[str, str]]:
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT event_object_table, trigger_name FROM information_schema.triggers"
                " WHERE trigger_name LIKE 'version_%%'"
            )
        else:
            cursor.execute(
                "SELECT tbl_name, name FROM sqlite_master WHERE type = 'trigger'"
                " AND name LIKE 'version_%'"
            )
        return set(cursor.fetchall())


def test_every_table_holding_a_school_s_rows_moves_its_version():
    """A table with a link to a school has the trigger that moves the school's version on, or
    is named above with the page that shows it instead (this also catches a later SQLite
    migration that rebuilds a table and drops its triggers)."""
    linked = {
        model._meta.db_table
        for model in apps.get_models(include_auto_created=True)
        for field in model._meta.concrete_fields
        if field.is_relation and field.related_model is School
    }
    watched = _school_watched()
    assert linked - watched - set(NOT_ON_A_HOME_PAGE) == set()
    assert {"tasc_assignment", "provision_place", "provision_booking"} <= watched
    assert not watched & set(NOT_ON_A_HOME_PAGE)


# Tables staff pages read with no trigger, and why they may wait for the safety net.
STAFF_ON_THE_NET = {
    "provision_session": "when a session ended (the rating window): set before it is delivered;"
    " moving it would move every school booked on it (home/migrations/0001)",
}

STAFF = ["teacher@own", "leading_teacher@own", "head@own", "la_lead@own", "national_officer@nation"]


@pytest.mark.parametrize("who", STAFF)
def test_every_table_a_staff_page_reads_is_in_its_version(world, client_for, who):
    client = client_for(world.user(who))
    client.get(reverse("home:home"))  # the session's first request reads its places
    cache.clear()
    with CaptureQueriesContext(connection) as queries:
        client.get(reverse("home:home"))
    read = set().union(*(set(re.findall(r'(?:FROM|JOIN) "(\w+)"', q["sql"])) for q in queries))
    shell = {"django_session", "people_user", "people_membership", "schools_localauthority"}
    net = set(ON_THE_NET) | set(STAFF_ON_THE_NET)
    covered = kept.STAFF_TABLES | _school_watched() | _watched_tables() | net | shell
    assert read - covered == set()
    assert "schools_school" in read  # the scan sees the page


def test_the_staff_version_reads_only_tables_it_names(world):
    with CaptureQueriesContext(connection) as queries:
        kept.staff_version(world.user("teacher@own"), {Role.TEACHER})
    read = set().union(*(set(re.findall(r"(?:FROM|JOIN) (\w+)", q["sql"])) for q in queries))
    assert read == kept.STAFF_TABLES


def test_a_report_run_finishing_moves_the_version_of_each_school_it_reported_on(world):
    from django.core.files.base import ContentFile

    from risingtide.insights.models import ReportRun, SchoolReportFile

    own, peer = world.schools["own"], world.schools["peer"]
    run = ReportRun.objects.create(
        local_authority=world.las["own"], year=2025, state=ReportRun.State.RUNNING
    )
    SchoolReportFile.objects.create(
        school=own, run=run, year=2025, pdf=ContentFile(b"%PDF", name="own.pdf")
    )
    before = dict(
        School.objects.filter(pk__in=[own.pk, peer.pk]).values_list("pk", "content_version")
    )
    run.state = ReportRun.State.DONE
    run.save(update_fields=["state"])
    after = dict(
        School.objects.filter(pk__in=[own.pk, peer.pk]).values_list("pk", "content_version")
    )
    assert after[own.pk] != before[own.pk]  # its home page now offers the report
    assert after[peer.pk] == before[peer.pk]  # no report of its own in the run
