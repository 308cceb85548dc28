"""A synthetic nation for benchmarks and tests: local authorities, schools and several years of
census records at national scale (England: 152 LAs, about 20,000 state schools, 7.4 million
pupils), deterministic for a seed.

The same pupils move up a year each year; subgroup shares are roughly England's; scores are
standardised (mean 100, SD 15) with attainment correlated with the starting point. The
register is driven by attainment but under-identifies disadvantaged pupils (at equal
attainment an FSM pupil is about half as likely to be identified), so that the reports have a
gap to find. Synthetic pupils have no pupil records (``CensusRecord.pupil`` stays empty).

A year's records do not depend on which other years are generated with it, so years can be
added later (``years=4, last_year=L - 1`` after ``years=1, last_year=L``) and the result is the
same as generating the five together.

Census records are written straight to the table (COPY on PostgreSQL, ``executemany`` on
SQLite): at this scale a model instance per row would take hours. On PostgreSQL a load at
least as big as the table drops the table's secondary indexes and foreign keys and puts them
back after, in the same transaction (the table is locked meanwhile): this is for benchmark
and test databases, not a live site. Summaries are not built: the caller runs
``rollup.rebuild_all()``.

This package is the nation itself: :func:`generate_nation` (the entry point) and its LAs and
schools, found again or made. The rest is split by idea: :mod:`.population` is the shape of the
nation (its shares, and where the schools are, how big and who attends), :mod:`.pupils` draws
each school's pupils year by year as census rows, and :mod:`.census` writes those rows (COPY
or ``executemany``, and the bulk-load index and key handling on PostgreSQL).
"""

from collections.abc import Iterator

from django.db import transaction

from risingtide.insights.models import CensusRecord
from risingtide.insights.synthetic.census import Progress, _write
from risingtide.insights.synthetic.population import PlannedSchool, _plan
from risingtide.register.models import academic_year
from risingtide.register.upn import LA_CODE_RANGES
from risingtide.schools.models import LocalAuthority, Nation, School

NATION_NAME = "England (synthetic)"
ENGLAND = {"las": 152, "schools": 20_000, "pupils": 7_400_000}


def scaled(scale: float) -> dict[str, int]:
    """England's LAs with its schools and pupils scaled (1/20: 1,000 schools, 370,000
    pupils); every scale keeps the 152 LAs."""
    return {
        "las": ENGLAND["las"],
        "schools": max(1, round(ENGLAND["schools"] * scale)),
        "pupils": max(1, round(ENGLAND["pupils"] * scale)),
    }


def generate_nation(
    *,
    las: int = ENGLAND["las"],
    schools: int = ENGLAND["schools"],
    pupils: int = ENGLAND["pupils"],
    years: int = 5,
    last_year: int | None = None,
    seed: int = 1,
    progress: Progress | None = None,
) -> dict[str, int]:
    """Create (or reuse) the synthetic nation, its ``las`` LAs and ``schools`` schools, and
    write census records for ``years`` years to ``last_year`` (default: last academic year)
    with ``pupils`` pupils on roll in each, replacing any the schools had in those years.
    Everything follows from the arguments (and ``seed``); the LAs and schools are found again
    by name and establishment number when they exist. Returns the counts."""
    if las < 1 or schools < 1 or pupils < schools or years < 1:
        raise ValueError("Need at least one LA, one school, a pupil per school and one year.")
    last_year = academic_year() - 1 if last_year is None else last_year
    first_year = last_year - years + 1
    say = progress or (lambda message: None)
    plan = _plan(las, schools, pupils, seed)
    with transaction.atomic():
        nation, _ = Nation.objects.get_or_create(name=NATION_NAME)
        authorities, las_created = _authorities(nation, las)
        schools_created = _schools(plan, authorities)
        say(f"{las} LAs ({las_created} new), {schools} schools ({schools_created} new)")
        CensusRecord.objects.filter(
            school__local_authority__in=authorities, year__gte=first_year, year__lte=last_year
        ).delete()
        rows = _write(plan, first_year, last_year, seed, say)
    return {
        "las": las,
        "las_created": las_created,
        "schools": schools,
        "schools_created": schools_created,
        "primary": sum(s.phase == School.Phase.PRIMARY for s in plan),
        "secondary": sum(s.phase == School.Phase.SECONDARY for s in plan),
        "pupils_per_year": sum(s.pupils for s in plan),
        "years": years,
        "first_year": first_year,
        "last_year": last_year,
        "census_records": rows,
    }


# --- organisations ---------------------------------------------------------------------------


def _free_codes(taken: set[str]) -> Iterator[str]:
    """LA codes not in use: codes a UPN may carry first, so that synthetic UPNs are valid."""
    valid = [f"{c:03d}" for low, high in LA_CODE_RANGES for c in range(low, high + 1)]
    others = sorted({f"{c:03d}" for c in range(100, 1000)} - set(valid))
    return (code for code in valid + others if code not in taken)


def _authorities(nation: Nation, count: int) -> tuple[list[LocalAuthority], int]:
    names = [f"Synthetic LA {i + 1:03d}" for i in range(count)]
    existing = {la.name: la for la in LocalAuthority.objects.filter(nation=nation, name__in=names)}
    codes = _free_codes(set(LocalAuthority.objects.values_list("code", flat=True)))
    missing = [
        LocalAuthority(nation=nation, code=next(codes), name=name)
        for name in names
        if name not in existing
    ]
    LocalAuthority.objects.bulk_create(missing)
    existing.update({la.name: la for la in LocalAuthority.objects.filter(nation=nation)})
    return [existing[name] for name in names], len(missing)


def _schools(plan: list[PlannedSchool], authorities: list[LocalAuthority]) -> int:
    """Create the planned schools the LAs do not have yet (by establishment number); fill in
    each planned school's id."""
    held = {
        (s.local_authority_id, s.establishment_number): s
        for s in School.objects.filter(local_authority__in=authorities)
    }
    taken = set(School.objects.values_list("urn", flat=True))
    urns = (u for u in (f"{n:06d}" for n in range(700000, 1000000)) if u not in taken)
    new, changed = [], []
    for school in plan:
        la = authorities[school.la]
        school.la_code = la.code
        name = f"Synthetic {school.phase.title()} {school.index + 1:05d}"
        found = held.get((la.pk, f"{school.estab:04d}"))
        if found is None:
            new.append(
                School(
                    local_authority=la,
                    name=name,
                    establishment_number=f"{school.estab:04d}",
                    urn=next(urns),
                    phase=school.phase,
                )
            )
        elif (found.phase, found.name) != (school.phase, name):
            found.phase, found.name = school.phase, name
            changed.append(found)
    School.objects.bulk_create(new, batch_size=2000)
    School.objects.bulk_update(changed, ["phase", "name"], batch_size=2000)
    ids = {
        (s.local_authority_id, s.establishment_number): s.pk
        for s in School.objects.filter(local_authority__in=authorities)
    }
    for school in plan:
        school.pk = ids[(authorities[school.la].pk, f"{school.estab:04d}")]
    return len(new)
