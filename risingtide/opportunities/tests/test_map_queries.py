"""The map as data: the grid's cells (year group × wave, component × term), the marketplace's
bookings as lines of their own (term from the session, years from the service, cancelled and
other schools' left out), the filters, and who sees which lines."""

from datetime import date

import pytest

from risingtide.opportunities import map_grids, map_queries
from risingtide.opportunities.map_queries import MapFilters
from risingtide.opportunities.map_services import withdraw_opportunity
from risingtide.opportunities.tests.map_world import YEAR, add, book_service
from risingtide.provision import bookings
from risingtide.provision.models import Service

pytestmark = pytest.mark.django_db


def titles(cell) -> list[str]:
    return [e.title for e in cell.entries]


def lines(world, who="leading_teacher@own", **filters):
    return map_queries.entries(
        world.user(who), world.schools["own"], MapFilters(academic_year=YEAR, **filters)
    )


@pytest.fixture
def mapped(world):
    add(world)  # Years 7–8, wave 2, autumn, curriculum + beyond
    add(
        world,
        title="Chess club",
        wave=1,
        year_from=7,
        year_to=11,
        components=["teaching"],
        term="year",
        subjects=[],
    )
    add(
        world,
        title="Early entry GCSE",
        kind="early_entry",
        wave=3,
        year_from=10,
        year_to=10,
        components=["curriculum"],
        term="summer",
        subjects=[],
    )
    add(world, title="Last year's trip", academic_year=YEAR - 1)
    add(world, title="Other school's club", school="other", by="head@other")
    book_service(world, title="Physics masterclass", years=(7, 9))
    return world


def test_year_by_wave_puts_each_line_in_every_year_it_is_open_to(mapped):
    school = mapped.schools["own"]
    filters = MapFilters(academic_year=YEAR)
    grid = map_grids.years_grid(school, lines(mapped), filters)
    assert [r.label for r in grid.rows] == ["Year 7", "Year 8", "Year 9", "Year 10", "Year 11"]
    assert [label for _, label in grid.columns] == [
        "Wave 1: whole class",
        "Wave 2: small group",
        "Wave 3: individual",
    ]
    by_year = {r.label: [titles(c) for c in r.cells] for r in grid.rows}
    assert by_year["Year 7"] == [["Chess club"], ["Maths circle", "Physics masterclass"], []]
    assert by_year["Year 8"] == [["Chess club"], ["Maths circle", "Physics masterclass"], []]
    assert by_year["Year 9"] == [["Chess club"], ["Physics masterclass"], []]
    assert by_year["Year 10"] == [["Chess club"], [], ["Early entry GCSE"]]
    assert "Last year's trip" not in str(by_year) and "Other school" not in str(by_year)


def test_component_by_term_puts_each_line_under_each_component(mapped):
    grid = map_grids.components_grid(lines(mapped), MapFilters(academic_year=YEAR))
    assert [label for _, label in grid.columns] == [
        "Autumn term",
        "Spring term",
        "Summer term",
        "All year",
    ]
    by_component = {r.key: [titles(c) for c in r.cells] for r in grid.rows}
    assert by_component["curriculum"] == [["Maths circle"], [], ["Early entry GCSE"], []]
    assert by_component["beyond"] == [["Maths circle"], ["Physics masterclass"], [], []]
    assert by_component["teaching"] == [[], [], [], ["Chess club"]]
    assert by_component["organisation"] == [[], [], [], []]
    assert map_grids.summary(lines(mapped)).gaps == [
        "Assessment for learning",
        "The school as a learning organisation",
    ]


def test_a_booked_service_is_a_marketplace_line_with_its_provider(mapped):
    booked = [e for e in lines(mapped) if e.marketplace]
    assert len(booked) == 1
    line = booked[0]
    assert (line.title, line.provider, line.term) == (
        "Physics masterclass",
        "own provider",
        "spring",
    )
    assert (line.year_from, line.year_to, line.wave) == (7, 9, 2)
    assert line.components == ("beyond",)
    assert line.places_taken == 1 and line.credits_each == 20
    assert line.starts_on == date(YEAR + 1, 2, 10)


def test_bookings_in_two_terms_are_two_lines_and_cancelled_ones_none(world):
    service, _ = book_service(world, title="Mentoring", kind=Service.Kind.MENTORING)
    from risingtide.provision.models import Session

    later = Session.objects.create(
        service=service,
        starts_at=service.sessions.first().starts_at.replace(month=5),
        ends_at=service.sessions.first().ends_at.replace(month=5),
        capacity=5,
    )
    bookings.book(
        world.user("leading_teacher@own"),
        later,
        world.schools["own"],
        pupil_ids=[world.records["2@own"].pk, world.records["own2"].pk],
        key="summer",
        now=later.starts_at.replace(month=4),
    )
    _, cancelled = book_service(world, title="Cancelled day")
    bookings.cancel(world.user("leading_teacher@own"), cancelled, now=cancelled.created_at)
    book_service(
        world, title="Other school's booking", school="other", pupils=("other",), provider="other"
    )
    found = [(e.title, e.term, e.wave, e.places_taken) for e in lines(world)]
    assert found == [("Mentoring", "spring", 3, 1), ("Mentoring", "summer", 3, 2)]


def test_a_course_for_teachers_is_not_pupils_provision(world):
    book_service(
        world,
        title="CPD day",
        kind=Service.Kind.TEACHER_CPD,
        audience=Service.Audience.EDUCATORS,
        pupils=(),
        staff=("teacher@own",),
    )
    assert lines(world) == []


@pytest.mark.parametrize(
    ("filters", "expected"),
    [
        ({"wave": 1}, ["Chess club"]),
        ({"component": "beyond"}, ["Maths circle", "Physics masterclass"]),
        ({"term": "summer"}, ["Early entry GCSE"]),
        ({"year": 9}, ["Chess club", "Physics masterclass"]),
        ({"source": "marketplace"}, ["Physics masterclass"]),
        ({"kind": "early_entry"}, ["Early entry GCSE"]),
        ({"domain": "talented"}, ["Physics masterclass"]),  # a service for any domain: both
    ],
)
def test_filters(mapped, filters, expected):
    assert sorted(e.title for e in lines(mapped, **filters)) == sorted(expected)


def test_withdrawn_lines_only_when_asked_for(mapped):
    chess = next(e for e in lines(mapped) if e.title == "Chess club")
    from risingtide.opportunities.models import Opportunity

    withdraw_opportunity(mapped.user("head@own"), Opportunity.objects.get(pk=chess.pk))
    assert "Chess club" not in [e.title for e in lines(mapped)]
    shown = [e for e in lines(mapped, withdrawn=True) if e.title == "Chess club"]
    assert shown[0].withdrawn


def test_teachers_see_the_map_and_nobody_outside_the_school_does(mapped):
    assert len(lines(mapped, who="teacher@own")) == 4
    for who in ("leading_teacher@other", "la_lead@own", "provider_staff@own"):
        assert lines(mapped, who=who) == []


def test_the_year_rows_follow_the_school_and_its_lines(world):
    school = world.schools["peer"]  # a primary school
    add(
        world,
        school="peer",
        by="head@peer",
        year_from=5,
        year_to=6,
        title="Young scientists",
    )
    filters = MapFilters(academic_year=YEAR)
    found = map_queries.entries(world.user("leading_teacher@cluster"), school, filters)
    grid = map_grids.years_grid(school, found, filters)
    assert [r.label for r in grid.rows] == ["Reception", *[f"Year {y}" for y in range(1, 7)]]
    grid = map_grids.years_grid(school, found, MapFilters(academic_year=YEAR, year=5))
    assert [r.label for r in grid.rows] == ["Year 5"]
