"""Building the summaries: census snapshots of a school's pupil records, the school's summary
rows straight from its census records in SQL, then its LA's and nation's rows as sums.

Every write here runs in one transaction that first locks the LA and nation rows it will
re-sum (in id order), so two schools changing at once cannot leave an LA or the nation
summing a stale school: the second waits, then reads what the first committed.
"""

from collections import defaultdict
from collections.abc import Iterable
from datetime import date, timedelta
from statistics import fmean

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from risingtide.insights import mask_ahead, masks
from risingtide.insights.groups import DIMENSIONS, NO, YES
from risingtide.insights.models import BANDS, MEASURES, CensusRecord, Summary, prior_band
from risingtide.lib import bulkload
from risingtide.register.models import (
    Attainment,
    Pupil,
    RegisterEntry,
    academic_year,
    ever_6,
    fsm_on,
)
from risingtide.schools.models import LocalAuthority, Nation, School

CENSUS = CensusRecord._meta.db_table
SUMMARY = Summary._meta.db_table
SCHOOL = School._meta.db_table
LA = LocalAuthority._meta.db_table


def census_day(year: int) -> date:
    """The spring School Census day of academic year ``year``: the third Thursday of January."""
    first = date(year + 1, 1, 1)
    return first + timedelta(days=(3 - first.weekday()) % 7 + 14)


# --- census snapshots -----------------------------------------------------------------------


def _scores(pupil_ids: list[int], year: int) -> dict[int, tuple[int | None, int | None]]:
    """Each pupil's starting point (their mean numeric result in the earliest year recorded)
    and attainment (their mean in the latest year up to ``year``), in tenths of a point. With
    results in one year only, that is their attainment and there is no starting point."""
    by_pupil: dict[int, dict[int, list[float]]] = defaultdict(lambda: defaultdict(list))
    rows = Attainment.objects.filter(
        pupil_id__in=pupil_ids, score__isnull=False, year__lte=year
    ).values_list("pupil_id", "year", "score")
    for pupil_id, result_year, score in rows.iterator(chunk_size=5000):
        by_pupil[pupil_id][result_year].append(score)
    scores = {}
    for pupil_id, years in by_pupil.items():
        first, last = min(years), max(years)
        attainment = round(fmean(years[last]) * 10)
        prior = round(fmean(years[first]) * 10) if first < last else None
        scores[pupil_id] = (prior, attainment)
    return scores


def take_census(school_ids: Iterable[int], year: int, *, as_of: date | None = None) -> int:
    """Snapshot the schools' pupils on roll, as they stand on census day of ``year`` (or today,
    if that is earlier), replacing the schools' census records for that year. Returns the
    number of records written."""
    school_ids = sorted(set(school_ids))
    today = as_of or timezone.localdate()
    day = min(census_day(year), today)
    pupils = list(
        Pupil.objects.filter(school_id__in=school_ids, on_roll=True)
        .annotate(fsm_now=fsm_on(day), ever6=ever_6(day))
        .values_list(
            "pk",
            "school_id",
            "upn",
            "nc_year",
            "gender",
            "ethnic_group",
            "eal",
            "sen",
            "looked_after",
            "fsm_now",
            "ever6",
        )
    )
    entries = {
        pupil_id: (gifted, talented, top_5)
        for pupil_id, gifted, talented, top_5 in RegisterEntry.objects.filter(
            school_id__in=school_ids,
            academic_year=year,
            current=True,
            status=RegisterEntry.Status.IDENTIFIED,
        ).values_list("pupil_id", "gifted", "talented", "top_5")
    }
    scores = _scores([p[0] for p in pupils], year)
    records = []
    for pk, school_id, upn, nc_year, gender, group, eal, sen, lac, fsm, ever6 in pupils:
        entry = entries.get(pk)
        prior, attainment = scores.get(pk, (None, None))
        records.append(
            CensusRecord(
                school_id=school_id,
                year=year,
                pupil_id=pk,
                upn=upn,
                nc_year=nc_year or "X",
                gender=gender or "U",
                fsm=fsm,
                ever_6=ever6,
                eal=eal,
                sen=sen or "N",
                ethnic_group=group or "Unclassified",
                looked_after=lac,
                on_register=entry is not None,
                gifted=bool(entry and entry[0]),
                talented=bool(entry and entry[1]),
                top_5=bool(entry and entry[2]),
                prior_x10=prior,
                attainment_x10=attainment,
                band=prior_band(prior) if attainment is not None else None,
            )
        )
    with transaction.atomic():
        CensusRecord.objects.filter(school_id__in=school_ids, year=year).delete()
        CensusRecord.objects.bulk_create(records, batch_size=2000)
    return len(records)


# --- the SQL that sums census records into summary rows ------------------------------------


def _group_sql(column: str | None, boolean: bool) -> str:
    if column is None:
        return "'all'"
    if boolean:
        return f"CASE WHEN {column} THEN '{YES}' ELSE '{NO}' END"
    return column


_AGGREGATE_SQL = [
    "COUNT(*)",
    "COUNT(*) FILTER (WHERE gifted)",
    "COUNT(*) FILTER (WHERE talented)",
    "COUNT(*) FILTER (WHERE top_5)",
    "COUNT(attainment_x10)",
    "COALESCE(SUM(attainment_x10), 0)",
    *(f"COUNT(*) FILTER (WHERE band = {b})" for b in range(BANDS)),
    *(f"COALESCE(SUM(attainment_x10) FILTER (WHERE band = {b}), 0)" for b in range(BANDS)),
]
# Each figure of models.MEASURES, in order, as an aggregate over census records.
AGGREGATES = ", ".join(
    f"{sql} AS {name}" for sql, name in zip(_AGGREGATE_SQL, MEASURES, strict=True)
)
KEYS = ("level", "school_id", "local_authority_id", "nation_id", "year", "dimension", "subgroup")
COLUMNS = ", ".join([*KEYS, "on_register", *MEASURES])
SUMS = ", ".join(f"SUM({m})" for m in MEASURES)
MEASURE_LIST = ", ".join(MEASURES)


def school_groups_sql(where: str = "") -> str:
    """One row per school, year, register status and subgroup of every dimension, with its
    figures, straight from the census records. PostgreSQL does it in one pass with GROUPING
    SETS; SQLite, which has none, in one pass per dimension."""
    return _groups_sql(where, "year, on_register", AGGREGATES)


# A school's pupils and those on its register per subgroup: what the disclosure masks take.
MASK_AGGREGATES = "COUNT(*) AS cohort, COUNT(*) FILTER (WHERE on_register) AS register"


def _groups_sql(where: str, by: str, aggregates: str) -> str:
    where = f"WHERE {where}" if where else ""
    if connection.vendor == "postgresql":
        dims = [d for d in DIMENSIONS if d.column]
        name = " ".join(f"WHEN GROUPING({d.column}) = 0 THEN '{d.key}'" for d in dims)
        value = " ".join(
            f"WHEN GROUPING({d.column}) = 0 THEN {_group_sql(d.column, d.boolean)}" for d in dims
        )
        sets = ", ".join(["()", *(f"({d.column})" for d in dims)])
        return (
            f"SELECT school_id, {by}, CASE {name} ELSE 'all' END AS dimension, "  # noqa: S608
            f"CASE {value} ELSE 'all' END AS subgroup, {aggregates} FROM {CENSUS} {where} "
            f"GROUP BY school_id, {by}, GROUPING SETS ({sets})"
        )
    return " UNION ALL ".join(
        f"SELECT school_id, {by}, '{d.key}' AS dimension, "  # noqa: S608
        f"{_group_sql(d.column, d.boolean)} AS subgroup, {aggregates} FROM {CENSUS} {where} "
        f"GROUP BY school_id, {by}, subgroup"
        for d in DIMENSIONS
    )


def mask_census_sql(where: str = "", params: Iterable = ()) -> tuple[str, list]:
    """The figures the disclosure masks take, straight from the census records: per school
    (with its LA and nation, as its summary rows have them), year and subgroup of every
    dimension, its pupils and those on the register; as ``masks`` sums them from the school
    summary rows, so a second connection can work the masks out while this one writes those."""
    groups = _groups_sql(where, "year", MASK_AGGREGATES)
    sql = (
        f"SELECT g.year, g.school_id, s.local_authority_id, la.nation_id, g.dimension, "  # noqa: S608
        f"g.subgroup, g.cohort, g.register FROM ({groups}) g "
        f"JOIN {SCHOOL} s ON s.id = g.school_id JOIN {LA} la ON la.id = s.local_authority_id"
    )
    return sql, _repeated(params)


def _repeated(params: Iterable) -> list:
    """The parameters of a ``where`` given to ``_groups_sql``, once per time it is written."""
    return list(params) * (1 if connection.vendor == "postgresql" else len(DIMENSIONS))


def _insert_school_rows(where: str = "", params: Iterable = ()) -> int:
    groups = school_groups_sql(where)
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {SUMMARY} ({COLUMNS}) "  # noqa: S608 (no user text in this SQL)
            f"SELECT 'school', g.school_id, s.local_authority_id, la.nation_id, g.year, "
            f"g.dimension, g.subgroup, g.on_register, g.{', g.'.join(MEASURES)} "
            f"FROM ({groups}) g JOIN {SCHOOL} s ON s.id = g.school_id "
            f"JOIN {LA} la ON la.id = s.local_authority_id",
            _repeated(params),
        )
        return cursor.rowcount


def _insert_sums(level: str, source: str, key: str, where: str, params: Iterable) -> int:
    """Rows of ``level`` summed from the rows of ``source``, grouped by ``key``."""
    la = "local_authority_id" if level == Summary.Level.LA else "NULL"
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {SUMMARY} ({COLUMNS}) "  # noqa: S608 (no user text in this SQL)
            f"SELECT '{level}', NULL, {la}, nation_id, year, dimension, subgroup, on_register, "
            f"{SUMS} FROM {SUMMARY} WHERE level = '{source}' {where} "
            f"GROUP BY {key}, year, dimension, subgroup, on_register",
            list(params),
        )
        return cursor.rowcount


def _in(column: str, values: Iterable[int]) -> tuple[str, list[int]]:
    values = sorted(set(values))
    return f"{column} IN ({', '.join(['%s'] * len(values))})", values


def rebuild_schools(school_ids: Iterable[int], years: Iterable[int]) -> None:
    """Rebuild these schools' summary rows for these years from their census records, then
    their LAs' and nation's sums. Only these schools are read; the LA sums read their LA's
    school rows and the national sums the LA rows."""
    school_ids, years = sorted(set(school_ids)), sorted(set(years))
    if not school_ids or not years:
        return
    with transaction.atomic():
        schools_in, school_params = _in("school_id", school_ids)
        years_in, year_params = _in("year", years)
        # The LAs to re-sum: the schools' LAs now, and any LA a school's old rows were in.
        las = set(
            School.objects.filter(pk__in=school_ids).values_list("local_authority_id", flat=True)
        ) | set(
            Summary.objects.filter(
                level=Summary.Level.SCHOOL, school_id__in=school_ids, year__in=years
            ).values_list("local_authority_id", flat=True)
        )
        locked = list(LocalAuthority.objects.select_for_update().filter(pk__in=las).order_by("pk"))
        nations = sorted({la.nation_id for la in locked})
        list(Nation.objects.select_for_update().filter(pk__in=nations).order_by("pk"))
        Summary.objects.filter(
            level=Summary.Level.SCHOOL, school_id__in=school_ids, year__in=years
        ).delete()
        _insert_school_rows(f"{schools_in} AND {years_in}", school_params + year_params)
        _resum(las, nations, years)
        masks.areas_changed(sorted(las), years)


def _resum(las: Iterable[int], nations: Iterable[int], years: list[int]) -> None:
    las_in, la_params = _in("local_authority_id", las)
    nations_in, nation_params = _in("nation_id", nations)
    years_in, year_params = _in("year", years)
    if la_params:
        Summary.objects.filter(
            level=Summary.Level.LA, local_authority_id__in=la_params, year__in=years
        ).delete()
        _insert_sums(
            Summary.Level.LA,
            Summary.Level.SCHOOL,
            "local_authority_id, nation_id",
            f"AND {las_in} AND {years_in}",
            la_params + year_params,
        )
    if nation_params:
        Summary.objects.filter(
            level=Summary.Level.NATION, nation_id__in=nation_params, year__in=years
        ).delete()
        _insert_sums(
            Summary.Level.NATION,
            Summary.Level.LA,
            "nation_id",
            f"AND {nations_in} AND {years_in}",
            nation_params + year_params,
        )


def rebuild_all(years: Iterable[int] | None = None) -> int:
    """Rebuild every summary (for ``years``, or all) from the census records: the recovery
    path, and what the benchmark times. Returns the number of summary rows written."""
    years = sorted(set(years)) if years is not None else None
    if years == []:
        return 0
    where, params = ("", []) if years is None else _in("year", years)
    # On PostgreSQL, and when this is its own transaction (its census all committed), the
    # masks are worked out from the census on the other core while the summaries are written.
    ahead_possible = (
        connection.vendor == "postgresql"
        and not connection.in_atomic_block
        and connection.get_autocommit()
    )
    ahead = None
    with transaction.atomic():
        if ahead_possible:
            # No census record changes until this commits, so the second connection reads the
            # census the summaries sum. SHARE lets reads through; it comes before the LA locks,
            # as a census writer's rows come before its LA's lock (no deadlock).
            with connection.cursor() as cursor:
                cursor.execute(f"LOCK TABLE {CENSUS} IN SHARE MODE")
        list(LocalAuthority.objects.select_for_update().order_by("pk"))
        list(Nation.objects.select_for_update().order_by("pk"))
        try:
            if ahead_possible:
                threshold = settings.SUPPRESSION_THRESHOLD
                ahead = mask_ahead.Ahead(*mask_census_sql(where, params), threshold)
            written = _write_summaries(years, where, params)
            rebuild_masks(years, ahead=ahead)
        finally:
            if ahead is not None:
                ahead.close()
        return written


def _write_summaries(years: list[int] | None, where: str, params: list) -> int:
    put_back: list[str] = []  # the indexes dropped for a load of the whole table
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            # GROUPING SETS sorts the census once per dimension: in memory, not on disk.
            cursor.execute("SET LOCAL work_mem = '256MB'")
            if years is None:
                # TRUNCATE refuses while deferred foreign-key checks are pending.
                cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
                cursor.execute(f"TRUNCATE {SUMMARY}")
                # Every row is new: one build of each index after the load, not a million
                # updates of each (the table is locked by the TRUNCATE until commit anyway).
                put_back = bulkload.drop_for_bulk_load(cursor, SUMMARY)
    if years is None and connection.vendor != "postgresql":
        Summary.objects.all().delete()
    elif years is not None:
        Summary.objects.filter(year__in=years).delete()
    written = (
        _insert_school_rows(where, params)
        + _insert_sums(
            Summary.Level.LA,
            Summary.Level.SCHOOL,
            "local_authority_id, nation_id",
            f"AND {where}" if where else "",
            params,
        )
        + _insert_sums(
            Summary.Level.NATION,
            Summary.Level.LA,
            "nation_id",
            f"AND {where}" if where else "",
            params,
        )
    )
    if put_back:
        with connection.cursor() as cursor:
            for statement in put_back:
                cursor.execute(statement)
    return written


def rebuild_masks(years: Iterable[int] | None = None, *, ahead=None) -> int:
    """Work out the disclosure masks of ``years`` (or of every year with figures) afresh, as
    a full rebuild does; on its own after the threshold changes. Returns the hides stored.
    ``ahead``: masks already worked out from the census (``mask_ahead``)."""
    if years is None:
        # Every year with figures has national ones: read through their index.
        years = Summary.objects.filter(level=Summary.Level.NATION).values_list("year", flat=True)
    return masks.rebuild(sorted(set(years)), ahead=ahead)


def school_data_changed(school_ids: Iterable[int], *, as_of: date | None = None) -> None:
    """A school's pupil data or register changed: take this year's census again and rebuild
    its summaries, so its LA's and the national figures follow at once. Runs inside the
    caller's transaction, so the change and the figures commit together."""
    school_ids = sorted(set(school_ids))
    if not school_ids:
        return
    year = academic_year(as_of)
    with transaction.atomic():
        take_census(school_ids, year, as_of=as_of)
        rebuild_schools(school_ids, [year])
