"""Census snapshots and roll-ups: the figures are right, additive, and follow a school's change."""

from collections import Counter, defaultdict
from datetime import date

import pytest
from django.db import connection
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from risingtide.insights import rollup
from risingtide.insights.groups import DIMENSIONS, NO, YES
from risingtide.insights.models import BANDS, MEASURES, CensusRecord, Summary, prior_band
from risingtide.register.models import (
    Attainment,
    FsmPeriod,
    Pupil,
    RegisterEntry,
    academic_year,
)
from risingtide.register.services import add_evidence, decide
from risingtide.schools.models import School

pytestmark = pytest.mark.django_db


def test_census_day_is_the_third_thursday_of_january():
    assert rollup.census_day(2026) == date(2027, 1, 21)
    assert rollup.census_day(2019) == date(2020, 1, 16)
    assert all(rollup.census_day(y).weekday() == 3 for y in range(2000, 2040))
    assert all(15 <= rollup.census_day(y).day <= 21 for y in range(2000, 2040))


def test_prior_bands_follow_the_standardised_scale():
    assert prior_band(None) is None
    assert prior_band(600) == 0 and prior_band(749) == 0 and prior_band(750) == 1
    assert prior_band(1000) == 3 and prior_band(1049) == 3 and prior_band(1050) == 4
    assert prior_band(1349) == 6 and prior_band(1350) == BANDS - 1 == 7


def test_the_census_snapshots_a_school_as_it_stands_on_census_day(world):
    own = world.schools["own"]
    ada = world.records["own"]
    FsmPeriod.objects.create(pupil=ada, start=date(2024, 9, 1))
    ben = world.records["2@own"]
    FsmPeriod.objects.create(pupil=ben, start=date(2020, 9, 1), end=date(2022, 7, 20))
    ben.sen, ben.eal, ben.ethnic_group, ben.nc_year = "K", True, "", ""
    ben.save()
    RegisterEntry.objects.create(
        pupil=ada, school=own, academic_year=2025, status="identified", gifted=True, top_5=True
    )
    for year, score in ((2022, 110.0), (2022, 114.0), (2025, 121.5)):
        Attainment.objects.create(
            pupil=ada, stage="KS", subject=f"S{score}", year=year, result=str(score), score=score
        )
    Attainment.objects.create(pupil=ben, stage="KS2", subject="Maths", year=2025, result="99")
    Attainment.objects.filter(pupil=ben).update(score=99)
    left = world.records["own2"]
    left.on_roll = False
    left.save()

    written = rollup.take_census([own.pk], 2025, as_of=date(2026, 6, 1))

    assert written == 2  # the pupil who left is not counted
    records = {r.pupil_id: r for r in CensusRecord.objects.filter(school=own, year=2025)}
    a, b = records[ada.pk], records[ben.pk]
    assert (a.fsm, a.ever_6, a.on_register, a.gifted, a.talented, a.top_5) == (
        True,
        True,
        True,
        True,
        False,
        True,
    )
    assert (a.prior_x10, a.attainment_x10, a.band) == (1120, 1215, 4)
    assert (a.nc_year, a.gender, a.sen, a.ethnic_group) == ("7", "F", "N", "White")
    # FSM ended in 2022: not FSM on census day, but Ever-6.
    assert (b.fsm, b.ever_6, b.eal, b.sen) == (False, True, True, "K")
    assert (b.ethnic_group, b.nc_year) == ("Unclassified", "X")
    # Results in one year only: attainment, but no starting point and so no band.
    assert (b.prior_x10, b.attainment_x10, b.band) == (None, 990, None)
    # Taken again, it replaces the year's records rather than adding to them.
    assert rollup.take_census([own.pk], 2025, as_of=date(2026, 6, 1)) == 2
    assert CensusRecord.objects.filter(school=own, year=2025).count() == 2


def _figures(**where) -> dict[tuple, dict[str, int]]:
    return {
        (r["dimension"], r["subgroup"], r["on_register"]): {m: r[m] for m in MEASURES}
        for r in Summary.objects.filter(**where).values(
            "dimension", "subgroup", "on_register", *MEASURES
        )
    }


def test_a_decision_reaches_the_national_figures_at_once(world):
    own, lead = world.schools["own"], world.users["leading_teacher@own"]
    year = academic_year()
    add_evidence(lead, world.records["own"], kind="test_score", summary="CAT 131", score=131)
    decide(lead, world.records["own"], status="identified", domains=["maths"])

    nation = _figures(level="nation", nation=world.nation, year=year)
    la = _figures(level="la", local_authority=world.las["own"], year=year)
    school = _figures(level="school", school=own, year=year)
    assert school[("all", "all", True)]["pupils"] == 1
    assert school[("all", "all", False)]["pupils"] == 2
    assert school[("all", "all", True)]["gifted"] == 1
    assert la == school == nation  # the only school with a census yet
    # The other LA's school changes: its LA and the nation follow; "own"'s LA does not move.
    other = world.schools["other"]
    rollup.school_data_changed([other.pk])
    nation = _figures(level="nation", nation=world.nation, year=year)
    assert nation[("all", "all", False)]["pupils"] == 3
    assert _figures(level="la", local_authority=world.las["own"], year=year) == la
    # And a removal takes the pupil off the register everywhere.
    decide(lead, world.records["own"], status="removed", reason="Moved to another set")
    nation = _figures(level="nation", nation=world.nation, year=year)
    assert ("all", "all", True) not in nation
    assert nation[("all", "all", False)]["pupils"] == 4


# --- the roll-up is additive and right, for any census ---------------------------------------

_record = st.fixed_dictionaries(
    {
        "school": st.integers(0, 3),
        "year": st.sampled_from([2023, 2024, 2025]),
        "nc_year": st.sampled_from(["R", "3", "7", "11", "X"]),
        "gender": st.sampled_from(["F", "M", "U"]),
        "fsm": st.booleans(),
        "ever_6": st.booleans(),
        "eal": st.booleans(),
        "sen": st.sampled_from(["N", "K", "E"]),
        "ethnic_group": st.sampled_from(["White", "Asian", "Black", "Unclassified"]),
        "looked_after": st.booleans(),
        "on_register": st.booleans(),
        "gifted": st.booleans(),
        "talented": st.booleans(),
        "top_5": st.booleans(),
        "prior_x10": st.none() | st.integers(550, 1450),
        "attainment_x10": st.none() | st.integers(550, 1450),
    }
)


def _expected(records: list[dict]) -> dict[tuple, Counter]:
    """The school figures, counted pupil by pupil in Python (independently of the SQL)."""
    out: dict[tuple, Counter] = defaultdict(Counter)
    for r in records:
        band = prior_band(r["prior_x10"]) if r["attainment_x10"] is not None else None
        for d in DIMENSIONS:
            value = r[d.column] if d.column else "all"
            if d.boolean:
                value = YES if value else NO
            cell = out[(r["school_id"], r["year"], d.key, value, r["on_register"])]
            cell["pupils"] += 1
            for flag in ("gifted", "talented", "top_5"):
                cell[flag] += r[flag]
            if r["attainment_x10"] is not None:
                cell["att_n"] += 1
                cell["att_sum"] += r["attainment_x10"]
            if band is not None:
                cell[f"band_n_{band}"] += 1
                cell[f"band_att_{band}"] += r["attainment_x10"]
    return out


def _rows(level: str) -> dict[tuple, dict[str, int]]:
    key = {"school": "school_id", "la": "local_authority_id", "nation": "nation_id"}[level]
    return {
        (r[key], r["year"], r["dimension"], r["subgroup"], r["on_register"]): {
            m: r[m] for m in MEASURES
        }
        for r in Summary.objects.filter(level=level).values(
            key, "year", "dimension", "subgroup", "on_register", *MEASURES
        )
    }


def _sum_up(rows: dict, parent_of) -> dict:
    out: dict[tuple, Counter] = defaultdict(Counter)
    for (child, *rest), figures in rows.items():
        out[(parent_of(child), *rest)].update(figures)
    return {k: {m: v.get(m, 0) for m in MEASURES} for k, v in out.items()}


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(records=st.lists(_record, max_size=40), changed=st.lists(_record, max_size=8))
def test_every_figure_is_the_sum_below_it_however_it_was_built(world, records, changed):
    CensusRecord.objects.all().delete()
    Summary.objects.all().delete()
    schools = [
        world.schools["own"],
        world.schools["peer"],
        world.schools["other"],
        School.objects.get_or_create(
            urn="900004",
            defaults={
                "local_authority": world.las["other"],
                "name": "Fourth School",
                "establishment_number": "4003",
                "phase": "secondary",
            },
        )[0],
    ]
    rows = [
        {
            **{k: v for k, v in r.items() if k != "school"},
            "school_id": schools[r["school"]].pk,
            "upn": f"A{n:012d}",
        }
        for n, r in enumerate(records)
    ]
    CensusRecord.objects.bulk_create(
        CensusRecord(
            **r, band=prior_band(r["prior_x10"]) if r["attainment_x10"] is not None else None
        )
        for r in rows
    )
    assert rollup.rebuild_all() == Summary.objects.count()  # the rows it wrote

    expected = {k: {m: v.get(m, 0) for m in MEASURES} for k, v in _expected(rows).items()}
    school_rows = _rows("school")
    assert school_rows == expected
    la_of = {s.pk: s.local_authority_id for s in schools}
    la_rows = _rows("la")
    assert la_rows == _sum_up(school_rows, la_of.get)
    assert _rows("nation") == _sum_up(la_rows, lambda la: world.nation.pk)

    # One school's census changes: rebuilding just it gives what a full rebuild gives.
    target = schools[1]
    CensusRecord.objects.filter(school=target).delete()
    new = [
        {
            **{k: v for k, v in r.items() if k != "school"},
            "school_id": target.pk,
            "upn": f"B{n:012d}",
        }
        for n, r in enumerate(changed)
    ]
    CensusRecord.objects.bulk_create(
        CensusRecord(
            **r, band=prior_band(r["prior_x10"]) if r["attainment_x10"] is not None else None
        )
        for r in new
    )
    rollup.rebuild_schools([target.pk], [2023, 2024, 2025])
    incremental = (_rows("school"), _rows("la"), _rows("nation"))
    written = rollup.rebuild_all([2024])  # one year: only its rows are written
    assert written == Summary.objects.filter(year=2024).count()
    assert incremental == (_rows("school"), _rows("la"), _rows("nation"))
    rollup.rebuild_all()
    assert incremental == (_rows("school"), _rows("la"), _rows("nation"))


def test_the_school_rows_come_from_one_statement_on_postgresql():
    sql = rollup.school_groups_sql()
    if connection.vendor == "postgresql":
        assert "GROUPING SETS" in sql and "UNION" not in sql
    else:
        assert sql.count("UNION ALL") == len(DIMENSIONS) - 1


def test_an_import_reaches_the_national_figures_in_the_same_transaction(world):
    from risingtide.register.importing import import_rows
    from risingtide.register.rows import RowError
    from risingtide.register.tests.test_importing import _row

    peer = world.schools["peer"]
    today = date(academic_year() + 1, 1, 10)
    rows = [_row(n, fsm_now=n < 4) for n in range(10)]
    outcome = import_rows(rows, school=peer, write=True, as_of=today)
    assert outcome.written and outcome.creates == 10
    nation = _figures(level="nation", nation=world.nation, year=academic_year(today))
    assert nation[("all", "all", False)]["pupils"] == 10
    assert nation[("fsm", "Y", False)]["pupils"] == 4
    # A file with an error writes nothing, and so changes no figure.
    bad = [_row(98, fsm_now=True), RowError(99, "A801400120099", "Date of birth", "not a date")]
    assert not import_rows(bad, school=peer, write=True, as_of=today).written
    assert _figures(level="nation", nation=world.nation, year=academic_year(today)) == nation


def test_rebuild_insights_can_take_this_years_census_again(world):
    from io import StringIO

    from django.core.management import call_command

    year = academic_year()
    CensusRecord.objects.all().delete()
    out = StringIO()
    call_command("rebuild_insights", "--recensus", stdout=out)
    on_roll = Pupil.objects.filter(on_roll=True).count()
    assert f"Took this year's census again: {on_roll:,} pupils" in out.getvalue()
    assert CensusRecord.objects.filter(year=year).count() == on_roll
    nation = Summary.objects.get(
        level="nation", year=year, dimension="all", subgroup="all", on_register=False
    )
    assert nation.pupils == on_roll - CensusRecord.objects.filter(on_register=True).count()
