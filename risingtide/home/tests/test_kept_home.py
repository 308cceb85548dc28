"""The pupil's kept home page (``home/kept.py``, decision 0015): shown again from the cache
until something it shows is written, then at once built afresh, whoever wrote it and however;
the pupil's own, never another's. The last tests check that every table the page reads is in
its version, moved on by a trigger, or named with the reason it may wait for the safety net."""

import re

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from risingtide.feedback import services as feedback
from risingtide.home import kept
from risingtide.people.models import Membership, Role
from risingtide.portfolios import services as portfolios
from risingtide.portfolios.models import PortfolioMember
from risingtide.portfolios.tests.test_kept_board import _watched_tables
from risingtide.provision import opportunities
from risingtide.provision.tests.test_opportunities import service
from risingtide.register.models import Pupil
from risingtide.tasc import services as tasc
from risingtide.tasc.models import Project

pytestmark = pytest.mark.django_db

_TOKENS = re.compile(r'(csrfmiddlewaretoken" value=")[^"]+')


def home(client) -> str:
    html = client.get(reverse("home:home")).content.decode()
    return _TOKENS.sub("", html.split('<main id="main"')[1])


def _new_project(w, title: str) -> Project:
    """A project set to the pupil's class and opened, as a teacher does it."""
    project = tasc.copy_project(w.t, w.f.project)
    Project.objects.filter(pk=project.pk).update(title=title)
    project.refresh_from_db()
    tasc.assign(w.t, project, groups=[w.groups["own"]])
    tasc.set_status(w.t, project, Project.Status.OPEN)
    return project


def _show_opportunity(w):
    Pupil.objects.filter(account=w.p).update(nc_year="7")
    opportunities.show(w.user("leading_teacher@own"), w.schools["own"], service(w))


# Each way of writing what the pupil's home page shows, and words it shows afterwards ("!…":
# no longer shows).
WRITES = {
    "teacher's feedback": (
        lambda w: feedback.give(w.t, w.f, "question", "Where next for the bees?"),
        "Where next for the bees?",
    ),
    "a new project set to the class": (
        lambda w: _new_project(w, "Rivers and floods"),
        "Start Rivers and floods",
    ),
    "the project renamed past the models": (
        lambda w: Project.objects.filter(pk=w.f.project_id).update(title="Renamed quietly"),
        "Renamed quietly",
    ),
    "the project closed": (
        lambda w: tasc.set_status(w.t, w.f.project, Project.Status.CLOSED),
        "finished",
    ),
    "a stage finished": (
        lambda w: portfolios.set_stage_done(w.p, w.f, w.f.current_stage, True),
        "You are at stage 2",
    ),
    "a portfolio opened": (
        lambda w: portfolios.portfolio_for(w.p, _new_project(w, "Bridges")),
        "Carry on with Bridges",
    ),
    "the school shows an opportunity": (_show_opportunity, "new in Opportunities"),
    "the pupil leaves the class": (
        lambda w: Membership.objects.filter(
            user=w.p, role=Role.PUPIL, teaching_group=w.groups["own"]
        ).delete(),
        "!Own 7A",
    ),
}


@pytest.mark.parametrize("write", list(WRITES))
def test_every_write_shows_on_the_next_home_page(world, client_for, write):
    w = world
    w.p, w.t, w.f = w.user("pupil@own"), w.user("teacher@own"), w.portfolios["own"]
    client = client_for(w.p)
    first = home(client)
    with CaptureQueriesContext(connection) as queries:
        assert home(client) == first  # kept: the same page
    assert len(queries) <= 8, [q["sql"] for q in queries]  # session, person, six for the version
    do, shown = WRITES[write]
    do(w)
    w.p.refresh_from_db()
    after = home(client)
    if shown.startswith("!"):
        assert shown[1:] in first and shown[1:] not in after
    else:
        assert shown in after and shown not in first


def test_a_kept_home_page_is_the_pupil_s_own(world, client_for):
    """Two pupils of one class, the first's page kept: the second sees their own name and
    their own feedback, not the first's."""
    w = world
    mine, other = w.user("pupil@own"), w.user("pupil@own2")
    feedback.give(w.user("teacher@own"), w.portfolios["own"], "praise", "Lovely hive drawing")
    first = home(client_for(mine))
    theirs = home(client_for(other))
    assert "Lovely hive drawing" in first and "Lovely hive drawing" not in theirs
    assert kept.pupil_key(mine) != kept.pupil_key(other)
    assert home(client_for(mine)) == first


def test_the_kept_page_gets_the_request_s_own_token(world, client_for):
    client = client_for(world.user("pupil@own"))
    client.get(reverse("home:home"))
    html = client.get(reverse("home:home")).content.decode()  # kept
    assert "\x1b" not in html
    assert re.search(r'csrfmiddlewaretoken" value="[^"]+"', html)  # the sign-out form's


# Tables the pupil's page reads that neither its version nor a trigger covers, and why they may
# wait for the safety net (``lib.kept.KEEP_SECONDS``).
ON_THE_NET = {
    "schools_teachinggroup": "a class renamed or moved to another year",
    "schools_school": "a school renamed",
    "people_user": "a teacher's name on feedback (the pupil's own moves their access version)",
}


def _tables(sql: str) -> set[str]:
    return set(re.findall(r'(?:FROM|JOIN) "(\w+)"', sql))


def test_every_table_the_pupil_s_page_reads_is_in_its_version(world, client_for):
    """Building the page afresh reads only tables that the version reads, that move a
    portfolio's content version by trigger, or that are named above. A new read on the page
    (a panel, a step) fails here until its table is covered."""
    pupil = world.user("pupil@own")
    feedback.give(world.user("teacher@own"), world.portfolios["own"], "praise", "Good")
    client = client_for(pupil)
    client.get(reverse("home:home"))  # the session's first request reads its places
    PortfolioMember.objects.filter(pupil=pupil).first().portfolio.save()  # nothing moves
    cache.clear()
    with CaptureQueriesContext(connection) as queries:
        client.get(reverse("home:home"))
    read = set().union(*(_tables(q["sql"]) for q in queries))
    # The shell's: the session, the person, and their places (memberships with their schools
    # and LAs), which follow the person's access version.
    shell = {"django_session", "people_user", "people_membership", "schools_localauthority"}
    covered = kept.PUPIL_TABLES | _watched_tables() | set(ON_THE_NET) | shell
    assert read - covered == set()
    assert "feedback_comment" in read and "tasc_project" in read  # the scan sees the page


def test_the_version_reads_only_tables_it_names(world):
    with CaptureQueriesContext(connection) as queries:
        kept.pupil_version(world.user("pupil@own"))
    read = set().union(*(set(re.findall(r"(?:FROM|JOIN) (\w+)", q["sql"])) for q in queries))
    assert read == kept.PUPIL_TABLES
