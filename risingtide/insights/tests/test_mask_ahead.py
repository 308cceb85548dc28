"""A full rebuild on PostgreSQL works its masks out from the census in a second connection while
the summaries are written (``mask_ahead``): the tables it builds are those the summaries give,
the hides stored are those of the plain path, and when its figures disagree with the summaries
or the thread fails, the year is worked out from the summaries instead."""

import logging

import pytest
from django.db import connection, transaction

from risingtide.insights import mask_ahead, masks, rollup, synthetic
from risingtide.insights.models import CensusRecord, HiddenFigure, Summary

YEAR = 2025
CENSUS = CensusRecord._meta.db_table
on_postgres = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="the census is read ahead on PostgreSQL only"
)


def _world() -> None:
    synthetic.generate_nation(las=5, schools=30, pupils=6000, years=2, last_year=YEAR, seed=4)


def _stored() -> list[tuple]:
    return sorted(
        HiddenFigure.objects.values_list(
            "year", "table", "level", "entity", "parent", "dimension", "subgroup"
        )
    )


def _from_summaries(year: int) -> masks.Tables:
    tables = masks.Tables(year, 3)
    nations = sorted(
        set(
            Summary.objects.filter(level=masks.NATION, year=year).values_list(
                "nation_id", flat=True
            )
        )
    )
    for nation in nations:
        tables.load_nation(nation, with_hides=False)
        for la in tables.shape[("nation", nation, masks.COLUMNED[0].key)][0]:
            tables.load_la(la, with_hides=False)
    return tables


def _from_census(year: int) -> masks.Tables:
    with connection.cursor() as cursor:
        cursor.execute(*rollup.mask_census_sql("year = %s", [year]))
        rows = [row[1:] for row in cursor.fetchall()]
    return mask_ahead.census_tables(year, 3, rows)[0]


@pytest.mark.django_db
def test_the_census_gives_the_tables_the_summaries_give():
    _world()
    rollup.rebuild_all()
    for year in (YEAR - 1, YEAR):
        census, summaries = _from_census(year), _from_summaries(year)
        assert len(census.values) > 500
        assert census.values == summaries.values
        assert census.shape == summaries.shape
        assert census.parent == summaries.parent
        assert {k: sorted(v) for k, v in census.children.items()} == {
            k: sorted(v) for k, v in summaries.children.items()
        }
        assert census.seen == summaries.seen
        assert census.loaded == summaries.loaded
        assert mask_ahead.agrees_with_summaries(census)
        # One school's figure off by one: the check sees it in its LA's and nation's sums.
        key = next(k for k in census.values if k[0] == masks.SCHOOL and k[2] == "fsm")
        for level, entity in ((masks.SCHOOL, key[1]), (masks.LA, census.parent[key[:2]])):
            census.values[(level, entity, *key[2:])][0] += 1
        assert not mask_ahead.agrees_with_summaries(census)


def _plain_hides() -> list[tuple]:
    """The hides of the plain path: every year worked out from the summaries, in this process."""
    with transaction.atomic():
        masks.rebuild(sorted(set(Summary.objects.values_list("year", flat=True))), workers=0)
    return _stored()


@on_postgres
@pytest.mark.django_db(transaction=True)
def test_a_rebuild_of_its_own_works_the_masks_out_ahead_and_stores_the_same(monkeypatch):
    _world()
    made = []
    monkeypatch.setattr(mask_ahead, "census_tables", _spy(made, mask_ahead.census_tables))
    rollup.rebuild_all()
    assert sorted(year for year, _ in made) == [YEAR - 1, YEAR]  # both years, in the thread
    assert {thread for _, thread in made} != {"MainThread"}
    ahead = _stored()
    assert len(ahead) > 100
    assert _plain_hides() == ahead


def _spy(made: list, census_tables):
    import threading

    def spy(year, threshold, rows):
        made.append((year, threading.current_thread().name))
        return census_tables(year, threshold, rows)

    return spy


@on_postgres
@pytest.mark.django_db(transaction=True)
def test_figures_read_ahead_that_disagree_are_worked_out_again(monkeypatch, caplog):
    _world()
    census_tables = mask_ahead.census_tables

    def off_by_one(year, threshold, rows):
        # As if a census record had been written by a path that took no LA lock.
        school, la, nation, dim, sub, cohort, register = rows[0]
        return census_tables(
            year, threshold, [(school, la, nation, dim, sub, cohort + 1, register), *rows[1:]]
        )

    monkeypatch.setattr(mask_ahead, "census_tables", off_by_one)
    with caplog.at_level(logging.WARNING, logger="risingtide.insights.mask_ahead"):
        rollup.rebuild_all()
    assert [r.getMessage() for r in caplog.records].count(
        f"census read ahead for {YEAR} differs from its summaries"
    ) == 1
    assert _stored() == _plain_hides()


@on_postgres
@pytest.mark.django_db(transaction=True)
def test_a_thread_that_fails_leaves_the_masks_to_the_rebuild(monkeypatch, caplog):
    _world()
    monkeypatch.setattr(
        rollup, "mask_census_sql", lambda where, params: ("SELECT no_such_column", [])
    )
    with caplog.at_level(logging.ERROR, logger="risingtide.insights.mask_ahead"):
        rollup.rebuild_all()
    assert any("worked out again" in r.getMessage() for r in caplog.records)
    stored = _stored()
    assert len(stored) > 100 and stored == _plain_hides()


@on_postgres
@pytest.mark.django_db
def test_a_rebuild_inside_a_callers_transaction_reads_no_census_ahead(monkeypatch):
    # The caller's census records are not committed: another connection would not see them.
    _world()
    started = []
    monkeypatch.setattr(mask_ahead, "Ahead", lambda *a: started.append(a))
    rollup.rebuild_all()
    assert started == []
    assert len(_stored()) > 100


def _summary_indexes() -> list[str]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT indexdef FROM pg_indexes WHERE tablename = %s ORDER BY indexname",
            [Summary._meta.db_table],
        )
        return [row[0] for row in cursor.fetchall()]


@on_postgres
@pytest.mark.django_db
def test_a_full_rebuild_puts_back_every_index_it_drops_for_the_load():
    _world()
    before = _summary_indexes()
    assert len(before) >= 4  # the key and the three the pages read through
    rollup.rebuild_all()
    assert _summary_indexes() == before
    assert Summary.objects.filter(level=masks.NATION).count() > 0


@on_postgres
@pytest.mark.django_db(transaction=True)
def test_no_census_record_changes_while_a_rebuild_reads_ahead(monkeypatch):
    import threading

    import psycopg
    from django.db import connections

    _world()
    write_summaries = rollup._write_summaries
    tried = []

    def census_write_meanwhile():
        # Another connection changing a census record while the summaries are being written.
        settings = connections["default"].get_connection_params()
        with psycopg.connect(**settings, autocommit=True) as other:
            other.execute("SET lock_timeout = '300ms'")
            try:
                other.execute(
                    f"UPDATE {CENSUS} SET gifted = NOT gifted "  # noqa: S608
                    f"WHERE id = (SELECT min(id) FROM {CENSUS})"
                )
                tried.append("written")
            except psycopg.errors.LockNotAvailable:
                tried.append("waited")

    def writing(*args):
        other = threading.Thread(target=census_write_meanwhile)
        other.start()
        other.join()
        return write_summaries(*args)

    monkeypatch.setattr(rollup, "_write_summaries", writing)
    rollup.rebuild_all()
    assert tried == ["waited"]


@on_postgres
@pytest.mark.django_db(transaction=True)
def test_a_rebuild_that_fails_stops_the_thread_at_once(monkeypatch, caplog):
    import threading

    _world()

    def failing(*args):
        raise RuntimeError("the disk is full")

    monkeypatch.setattr(rollup, "_write_summaries", failing)
    logged = caplog.at_level(logging.ERROR, logger="risingtide.insights.mask_ahead")
    with logged, pytest.raises(RuntimeError):
        rollup.rebuild_all()
    assert not [t for t in threading.enumerate() if t.name == "insights-masks"]
    assert not caplog.records  # abandoned, not failed: nothing to report
