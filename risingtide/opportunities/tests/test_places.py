"""Places on an opportunity: a place while one is left, then the waiting list; "give a place"
refuses when full and changes nothing; a freed place goes to whoever waited longest; and 20
grants at once for 5 places give exactly 5, on SQLite and on PostgreSQL (real threads, real
database; on SQLite the race runs in a child process on a database file, as the server's
processes share one)."""

import json
import os
import subprocess
import sys

import pytest
from django.core.exceptions import ValidationError

from risingtide.lib.testing import migrated_data_dir
from risingtide.opportunities import places
from risingtide.opportunities.models import Participation
from risingtide.opportunities.tests.menu_world import opportunity, pupils, requested

State = Participation.State
RACERS, CAPACITY = 20, 5
# The race in a child process on a SQLite file (the in-memory test database cannot be shared
# by threads the way a file is): it prints its result as JSON.
RUN_RACE = (
    "import django, json; django.setup(); "
    "from risingtide.opportunities.tests.test_places import race; print(json.dumps(race()))"
)


@pytest.fixture
def w(world):
    world.lead = world.user("leading_teacher@own")
    return world


def test_a_place_while_one_is_left_then_the_waiting_list_in_order(w):
    opp = opportunity(w.schools["own"], capacity=1)
    first, second, third = (requested(r, opp) for r in pupils(w.schools["own"], w.groups["own"], 3))
    assert places.grant(w.lead, first).state == State.PLACE
    assert places.grant(w.lead, second).state == State.WAITING
    assert places.grant(w.lead, third).state == State.WAITING
    assert places.places_left(opp) == 0
    # The first gives their place up: the longest waiting has it, the other stays waiting.
    places.release(first.pupil.account, first, State.DECLINED)
    second.refresh_from_db()
    third.refresh_from_db()
    assert (second.state, third.state) == (State.PLACE, State.WAITING)


def test_giving_a_place_when_full_is_refused_and_changes_nothing(w):
    opp = opportunity(w.schools["own"], capacity=1)
    first, second = (requested(r, opp) for r in pupils(w.schools["own"], w.groups["own"], 2))
    places.grant(w.lead, first)
    before = Participation.objects.get(pk=second.pk)
    with pytest.raises(ValidationError, match="is full: all 1 places are taken"):
        places.grant(w.lead, second, waiting=False)
    after = Participation.objects.get(pk=second.pk)
    assert (after.state, after.decided_by_id, after.updated_at) == (
        before.state,
        before.decided_by_id,
        before.updated_at,
    )


def test_no_limit_means_a_place_for_everyone(w):
    opp = opportunity(w.schools["own"], capacity=None)
    for record in pupils(w.schools["own"], w.groups["own"], 3):
        assert places.grant(w.lead, requested(record, opp)).state == State.PLACE
    assert places.places_left(opp) is None


def test_a_withdrawn_opportunity_takes_nobody(w):
    from django.utils import timezone

    opp = opportunity(w.schools["own"], capacity=3, withdrawn_at=timezone.now())
    p = requested(w.records["own"], opp)
    with pytest.raises(ValidationError, match="withdrawn"):
        places.grant(w.lead, p)


def test_a_settled_participation_is_not_released_again(w):
    opp = opportunity(w.schools["own"])
    p = requested(w.records["own"], opp)
    places.release(w.users["pupil@own"], p, State.WITHDRAWN)
    with pytest.raises(ValidationError, match="already settled"):
        places.release(w.users["pupil@own"], p, State.WITHDRAWN)


# --- twenty grants at once for five places ------------------------------------------------


def race(racers: int = RACERS) -> dict:
    """``racers`` pupils asked for an opportunity of ``CAPACITY`` places; their coordinator
    grants every request at the same instant, each in its own thread and connection."""
    from risingtide.credits.tests.race import _at_once
    from risingtide.demo.testing import make_user, member
    from risingtide.people.models import Role, User
    from risingtide.schools.models import LocalAuthority, Nation, School, TeachingGroup

    nation = Nation.objects.create(name="Raceland")
    la = LocalAuthority.objects.create(nation=nation, code="R02", name="Race LA")
    school = School.objects.create(
        local_authority=la, name="Race School", establishment_number="4999", urn="699999"
    )
    group = TeachingGroup.objects.create(
        school=school, name="Race 7", year_group=7, academic_year=2026
    )
    lead = make_user("race.lead")
    member(lead, Role.LEADING_TEACHER, school=school)
    opp = opportunity(school, "Race day", capacity=CAPACITY)
    ids = [requested(r, opp).pk for r in pupils(school, group, racers)]

    def one(pk):
        return lambda: places.grant(User.objects.get(pk=lead.pk), Participation.objects.get(pk=pk))

    outcomes = _at_once([one(pk) for pk in ids])
    states = list(Participation.objects.filter(opportunity=opp).values_list("state", flat=True))
    return {
        "outcomes": outcomes,
        "places": states.count(State.PLACE),
        "waiting": states.count(State.WAITING),
        "waiting_order": len(
            set(
                Participation.objects.filter(opportunity=opp, state=State.WAITING).values_list(
                    "waiting_since", flat=True
                )
            )
        ),
    }


@pytest.mark.django_db(transaction=True)
def test_twenty_grants_at_once_give_exactly_five_places(tmp_path):
    from django.db import connection

    if connection.vendor == "postgresql":
        found = race()
    else:
        env = {
            **os.environ,
            "RISINGTIDE_DATA_DIR": str(tmp_path),
            "RISINGTIDE_DATABASE_URL": "",
            "DJANGO_SETTINGS_MODULE": "risingtide.settings",
        }
        migrated_data_dir(tmp_path, env)
        done = subprocess.run(  # noqa: S603 - one of our own test modules
            [sys.executable, "-c", RUN_RACE],
            env=env,
            check=True,
            capture_output=True,
            text=True,
            timeout=300,
        )
        found = json.loads(done.stdout.strip().splitlines()[-1])
    assert [o for o in found["outcomes"] if o != "ok"] == []
    assert (found["places"], found["waiting"]) == (CAPACITY, RACERS - CAPACITY)
