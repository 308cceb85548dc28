"""``obtain``'s statements, compiled once per person and what they reach (decision 0028).

A kept statement must answer exactly as the ORM would, never outlive a change of what the
person reaches, and never serve one person's reach to another.
"""

from datetime import datetime, time, timedelta
from unittest import mock

import pytest
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.http import Http404
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from risingtide.access import compiled
from risingtide.access.core import SUBJECTS, _obtain_query, obtain, reach_key, visible
from risingtide.access.policy import CAPABILITIES, VIEW_CAPABILITY
from risingtide.people.models import Membership, Role, User
from risingtide.portfolios.services import portfolio_for
from risingtide.register.models import DataSharingAgreement, Pupil
from risingtide.tasc.models import Project

pytestmark = pytest.mark.django_db

OBJECT_ACTIONS = sorted(name for name, cap in CAPABILITIES.items() if cap.subject is not None)


def _orm_answer(user, action: str, pk):
    """What ``obtain`` answered before statements were kept: the ORM's query, every time."""
    cap = CAPABILITIES[action]
    view_action = VIEW_CAPABILITY[cap.subject]
    obj = _obtain_query(user, cap.subject, view_action, action, pk).first()
    if obj is None:
        return "404"
    if action != view_action and not obj._access_allowed:
        return "403"
    return _values(obj)


def _answer(user, action: str, pk):
    try:
        return _values(obtain(user, action, pk))
    except Http404:
        return "404"
    except PermissionDenied:
        return "403"


def _values(obj) -> dict:
    """Every field as loaded, with its Python type: the statement converts as the ORM does."""
    return {
        f.attname: (type(getattr(obj, f.attname)), getattr(obj, f.attname))
        for f in obj._meta.concrete_fields
    }


def test_kept_statements_answer_as_the_orm_for_every_person_action_and_object(world):
    """Every object action, for everyone in the tiny world, on a few objects of its subject
    (the first ones, and an id that does not exist): the same 404, 403 or object, field by
    field. Asked twice, so that the second answer comes from the kept statement."""
    compiled.clear()
    people = [User.objects.get(pk=u.pk) for u in world.users.values()]
    compared = 0
    for action in OBJECT_ACTIONS:
        model = SUBJECTS[CAPABILITIES[action].subject].model
        pks = [*model._default_manager.order_by("pk").values_list("pk", flat=True)[:2], 10**9]
        for person in people:
            for pk in pks:
                expected = _orm_answer(person, action, pk)
                assert _answer(person, action, pk) == expected, (action, person.username, pk)
                assert _answer(person, action, pk) == expected, (action, person.username, pk)
                compared += 1
    assert compared > 1000
    assert any(s not in (compiled.NOTHING, compiled.UNSUITABLE) for s in _kept())


def _kept():
    return list(compiled._statements.values())


def test_a_kept_obtain_is_one_query_and_none_without_a_grant(world):
    teacher = world.user("teacher@own")
    project = world.projects["own"]
    obtain(teacher, "project.edit", project.pk)
    with CaptureQueriesContext(connection) as ran:
        assert obtain(teacher, "project.edit", project.pk) == project
    assert len(ran) == 1
    pupil = world.user("pupil@own")
    with pytest.raises(Http404):
        obtain(pupil, "school.view", world.schools["own"].pk)
    with CaptureQueriesContext(connection) as ran, pytest.raises(Http404):
        obtain(pupil, "school.view", world.schools["own"].pk)
    assert len(ran) == 0  # no grant: nothing to ask the database, as before


def test_a_membership_taken_away_shows_on_the_next_request(world):
    teacher = world.user("teacher@own")
    project = world.projects["own"]
    assert obtain(teacher, "project.edit", project.pk) == project
    Membership.objects.filter(user=teacher).delete()
    with pytest.raises(Http404):
        obtain(world.user("teacher@own"), "project.edit", project.pk)  # the next request


def test_a_membership_given_shows_on_the_next_request(world):
    teacher = world.user("teacher@other")
    project = world.projects["own"]
    with pytest.raises(Http404):
        obtain(teacher, "project.edit", project.pk)
    Membership.objects.create(user=teacher, role=Role.TEACHER, school=world.schools["own"])
    assert obtain(world.user("teacher@other"), "project.edit", project.pk) == project


def test_a_school_moving_la_shows_on_the_next_request(world):
    """A change that is not the person's own membership: the LA lead's reach moves with it."""
    lead = world.user("la_lead@own")
    school = world.schools["other"]
    with pytest.raises(Http404):
        obtain(lead, "school.view", school.pk)
    school.local_authority = world.las["own"]
    school.save()
    assert obtain(world.user("la_lead@own"), "school.view", school.pk) == school


def test_people_who_reach_the_same_places_never_share_a_statement(world):
    """Two pupils of one class hold the same anchors; only their ids tell their own work
    apart. Each is refused the other's portfolio after both have opened their own."""
    ada, ben = world.user("pupil@own"), world.user("pupil2@own")
    assert reach_key(ada)[1] == reach_key(ben)[1]
    assert reach_key(ada) != reach_key(ben)
    mine = {ada: world.portfolios["own"], ben: portfolio_for(ben, world.projects["own"])}
    for person, portfolio in mine.items():
        assert obtain(person, "portfolio.view", portfolio.pk) == portfolio
    with pytest.raises(Http404):
        obtain(ben, "portfolio.view", mine[ada].pk)
    with pytest.raises(Http404):
        obtain(ada, "portfolio.view", mine[ben].pk)


def test_ids_the_orm_reads_otherwise_take_its_path(world):
    lead = world.user("la_lead@own")
    own = world.schools["own"]
    assert obtain(lead, "school.view", str(own.pk)) == own
    for strange in ("not-a-number", "", None, 2**70, -(2**70), str(2**70), "١٢"):
        with pytest.raises(Http404):
            obtain(lead, "school.view", strange)


def test_an_inactive_person_reaches_nothing(world):
    teacher = world.user("teacher@own")
    project = world.projects["own"]
    assert obtain(teacher, "project.edit", project.pk) == project
    teacher.is_active = False
    with pytest.raises(Http404):
        obtain(teacher, "project.edit", project.pk)


def test_every_subject_builds_its_filters_from_ids_and_the_day_alone(
    world, django_assert_num_queries
):
    """The premise of keeping statements: what ``visible`` compiles to follows from the
    person, their anchors and the day only. Building and compiling every subject's filter for
    everyone reads nothing from the database, and gives the same SQL at any time of the day
    (and not on another day: data-sharing agreements end)."""
    people = [User.objects.get(pk=u.pk) for u in world.users.values()]
    for person in people:
        reach_key(person)  # their anchors, read once per request as usual

    def every_sql() -> list[str]:
        found = []
        for action in OBJECT_ACTIONS:
            subject = CAPABILITIES[action].subject
            for person in people:
                qs = visible(person, subject, action)
                found.append(str(qs.query) if qs.query.is_empty() is False else "nothing")
        return found

    day = timezone.localdate()
    zone = timezone.get_current_timezone()
    early = datetime.combine(day, time(0, 0, 1), zone)
    late = datetime.combine(day, time(23, 59, 58), zone)
    with django_assert_num_queries(0), mock.patch("django.utils.timezone.now", return_value=early):
        first = every_sql()
    with mock.patch("django.utils.timezone.now", return_value=late):
        assert every_sql() == first
    with mock.patch("django.utils.timezone.now", return_value=late + timedelta(days=1)):
        assert every_sql() != first


def test_an_agreement_that_ends_stops_a_kept_statement_the_next_day(world):
    """The LA lead reaches a pupil's record only while the school shares its data: a
    statement kept today must not be used tomorrow, after the agreement's last day."""
    lead = world.user("la_lead@own")
    record = Pupil.objects.filter(school=world.schools["own"]).first()
    today = timezone.localdate()
    DataSharingAgreement.objects.filter(school=world.schools["own"]).delete()
    DataSharingAgreement.objects.create(
        school=world.schools["own"], reference="DSA-T", starts_on=today, ends_on=today
    )
    assert obtain(lead, "pupil_record.view", record.pk) == record
    tomorrow = timezone.now() + timedelta(days=1)
    with mock.patch("django.utils.timezone.now", return_value=tomorrow), pytest.raises(Http404):
        obtain(world.user("la_lead@own"), "pupil_record.view", record.pk)


def test_a_query_whose_rows_are_not_the_models_columns_is_left_to_the_orm(world):
    """``compile_first`` loads only the model's own columns then boolean annotations; any
    other shape (a joined ``select_related``) is refused, and kept as such."""
    project = world.projects["own"]
    joined = Project.objects.select_related("school").filter(pk=compiled.Slot(Project._meta.pk))
    with pytest.raises(ValueError, match="Not a statement"):
        compiled.compile_first(joined)
    key = ("test", "unsuitable", project.pk)
    assert compiled.kept(key, lambda: compiled.compile_first(joined)) is compiled.UNSUITABLE
    plain = Project.objects.filter(pk=compiled.Slot(Project._meta.pk))
    assert compiled.compile_first(plain).first(project.pk) == project
