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
"""

import math
import random
import time
from bisect import bisect_right
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from statistics import NormalDist

from django.db import connection, transaction

from risingtide.insights.models import BAND_EDGES, CensusRecord
from risingtide.register.models import academic_year
from risingtide.register.upn import CHECK_LETTERS, LA_CODE_RANGES
from risingtide.schools.models import LocalAuthority, Nation, School

NATION_NAME = "England (synthetic)"
ENGLAND = {"las": 152, "schools": 20_000, "pupils": 7_400_000}

SECONDARY_SHARE = 0.17
SIXTH_FORM_SHARE = 0.6  # of secondaries
FSM_RATE = 0.22
FSM_LEAVE = 0.10  # a year, of FSM pupils; joiners keep the rate steady
# Eligible for FSM in the years before they arrived: a Reception pupil, a Year 7 pupil.
EVER_6_BEFORE = {False: 0.03, True: 0.08}
GIRLS, NOT_KNOWN = 0.49, 0.002
LOOKED_AFTER = {False: 0.004, True: 0.01}  # by FSM
SEN_RATES = {"F": (0.085, 0.018), "M": (0.155, 0.042), "U": (0.12, 0.03)}  # (K, E)
PRE_2014_SEN = {"N": "N", "K": "P", "E": "S"}  # before 2014: School Action Plus, statement
# Major ethnic groups: national shares; the minority groups scale together by LA and school.
UNCLASSIFIED = 0.01
MINORITY = {"Asian": 0.12, "Black": 0.06, "Mixed": 0.06, "Chinese": 0.005, "Any other": 0.02}
EAL_RATES = {
    "White": 0.08,
    "Mixed": 0.12,
    "Asian": 0.72,
    "Black": 0.45,
    "Chinese": 0.75,
    "Any other": 0.8,
    "Unclassified": 0.2,
}
# Shifts of the latent score, in SDs.
FSM_GAP = -0.2
SEN_GAP = {"N": 0.0, "K": -0.5, "E": -1.0}
PRIOR_WEIGHT = 0.7  # attainment = 0.7 prior + the rest fresh: correlation about 0.7
FRESH_WEIGHT = math.sqrt(1 - PRIOR_WEIGHT**2)
# Identification: logit = ID_BASE + ID_SLOPE * attainment (SDs) + ID_FSM for an FSM pupil.
ID_BASE, ID_SLOPE, ID_FSM = -2.9, 1.6, -0.7
TOP_5_FROM = 1.2  # SDs of attainment, for an identified secondary pupil
MISSING_SCORE = 0.02
# The gaps above pull the mean down by this much: put back, so that scores average 100.
CENTRE = 0.135

NC_YEARS = ["R", *map(str, range(1, 14))]
PRIMARY_YEARS = range(0, 7)  # R to 6
SECONDARY_YEARS = range(7, 12)  # 7 to 11
SIXTH_FORM = (0.36, 0.34)  # years 12 and 13, as a share of a main year group

Progress = Callable[[str], None]


@dataclass
class PlannedSchool:
    index: int
    la: int  # index into the LAs
    phase: str
    pupils: int
    fsm: float  # the school's FSM rate
    minority: float  # its pupils not White (and not unclassified)
    sixth_form: bool = False
    estab: int = 0
    pk: int = 0
    la_code: str = ""


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


# --- the plan: where the schools are, how big, who attends ---------------------------------


def _mean_one(rng: random.Random, sigma: float) -> float:
    return rng.lognormvariate(-sigma * sigma / 2, sigma)


def _calibrate(values: list[float], weights: list[int], target: float, cap: float) -> list[float]:
    """``values`` scaled (and capped) so that their weighted mean is ``target``: the national
    share comes out right however few LAs and schools drew their variation."""
    total = sum(weights)
    for _ in range(20):
        mean = sum(v * w for v, w in zip(values, weights, strict=True)) / total
        if abs(mean - target) < 1e-6 or mean == 0:
            break
        values = [min(cap, v * target / mean) for v in values]
    return values


def _sizes(rng: random.Random, phases: list[str], pupils: int) -> list[int]:
    """Pupils per school (primary 100–600, secondary 600–2,000 as far as the total allows),
    adding up to ``pupils`` exactly."""
    bounds = {School.Phase.PRIMARY: (100, 600), School.Phase.SECONDARY: (600, 2000)}
    medians = {School.Phase.PRIMARY: (230, 0.4), School.Phase.SECONDARY: (900, 0.3)}
    raw = [rng.lognormvariate(math.log(medians[p][0]), medians[p][1]) for p in phases]
    for _ in range(30):  # scale towards the total, within the phase bounds
        factor = pupils / sum(raw)
        raw = [
            min(max(r * factor, bounds[p][0]), bounds[p][1])
            for r, p in zip(raw, phases, strict=True)
        ]
    factor = pupils / sum(raw)  # the bounds cannot hold this total: scale regardless
    sizes = [max(1, int(r * factor)) for r in raw]
    order = list(range(len(sizes)))
    rng.shuffle(order)
    step = 0
    while (gap := pupils - sum(sizes)) != 0:  # a pupil more (or fewer) here and there
        i = order[step % len(order)]
        if gap > 0 or sizes[i] > 1:
            sizes[i] += 1 if gap > 0 else -1
        step += 1
    return sizes


def _plan(las: int, schools: int, pupils: int, seed: int) -> list[PlannedSchool]:
    rng = random.Random(f"risingtide-synthetic:{seed}:plan")  # noqa: S311 (not for secrets)
    weights = [_mean_one(rng, 0.5) for _ in range(las)]
    # Every LA has a school while there are enough, the rest go by size.
    homes = list(range(min(las, schools)))
    total = sum(weights)
    homes += rng.choices(range(las), weights=[w / total for w in weights], k=schools - len(homes))
    rng.shuffle(homes)
    secondaries = set(rng.sample(range(schools), round(schools * SECONDARY_SHARE)))
    phases = [
        School.Phase.SECONDARY if i in secondaries else School.Phase.PRIMARY for i in range(schools)
    ]
    sizes = _sizes(rng, phases, pupils)
    la_fsm = [_mean_one(rng, 0.35) for _ in range(las)]
    la_minority = [_mean_one(rng, 0.8) for _ in range(las)]
    fsm = _calibrate(
        [la_fsm[homes[i]] * _mean_one(rng, 0.4) for i in range(schools)], sizes, FSM_RATE, 0.85
    )
    minority_share = sum(MINORITY.values())
    minority = _calibrate(
        [la_minority[homes[i]] * _mean_one(rng, 0.3) for i in range(schools)],
        sizes,
        minority_share,
        0.95 - UNCLASSIFIED,
    )
    plan = [
        PlannedSchool(
            index=i,
            la=homes[i],
            phase=phases[i],
            pupils=sizes[i],
            fsm=fsm[i],
            minority=minority[i],
            sixth_form=phases[i] == School.Phase.SECONDARY and rng.random() < SIXTH_FORM_SHARE,
        )
        for i in range(schools)
    ]
    counters: dict[tuple[int, str], int] = {}
    for school in plan:
        key = (school.la, school.phase)
        counters[key] = counters.get(key, 0) + 1
        base = 4000 if school.phase == School.Phase.SECONDARY else 2000
        school.estab = base + counters[key]
        if counters[key] > 1999:
            raise ValueError("Too many schools of one phase in one LA for 4-digit numbers.")
    return plan


def _year_sizes(school: PlannedSchool) -> list[int]:
    """Pupils in each NC year (index 0 is Reception), never rising from one year to the next
    within a school, so a cohort only ever loses pupils as it moves up."""
    if school.phase == School.Phase.PRIMARY:
        span, shares = PRIMARY_YEARS, [1.0] * len(PRIMARY_YEARS)
    else:
        span = range(SECONDARY_YEARS.start, SECONDARY_YEARS.stop + (2 if school.sixth_form else 0))
        shares = [1.0] * len(SECONDARY_YEARS) + (list(SIXTH_FORM) if school.sixth_form else [])
    whole = sum(shares)
    sizes = [int(school.pupils * s / whole) for s in shares]
    for i in range(school.pupils - sum(sizes)):
        sizes[i % len(sizes)] += 1
    by_year = [0] * len(NC_YEARS)
    for year, size in zip(span, sizes, strict=True):
        by_year[year] = size
    return by_year


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


# --- census records --------------------------------------------------------------------------

COLUMNS = (
    "school_id",
    "upn",
    "gender",
    "eal",
    "sen",
    "ethnic_group",
    "looked_after",
    "year",
    "nc_year",
    "fsm",
    "ever_6",
    "on_register",
    "gifted",
    "talented",
    "top_5",
    "prior_x10",
    "attainment_x10",
    "band",
)
CHUNK = 50_000  # rows a write carries


def _weighted(chars: str, first_weight: int) -> int:
    return sum((int(c) if c.isdigit() else CHECK_LETTERS.index(c)) * w
               for w, c in enumerate(chars, first_weight))  # fmt: skip


SERIAL_SUMS = [_weighted(f"{n:03d}", 11) for n in range(1000)]
YEAR_SUMS = [_weighted(f"{n:02d}", 9) for n in range(100)]


# Standard normal deviates at 65,536 evenly spaced quantiles: a table look-up by 16 random
# bits is several times faster than ``random.gauss`` and as good for synthetic scores.
NORMAL = [NormalDist().inv_cdf((i + 0.5) / 65536) for i in range(65536)]


def _score(z: float) -> int:
    """A standardised score in tenths of a point, kept within 40–160."""
    return min(1600, max(400, round(1000 + 150 * z)))


BAND_FROM = [edge * 10 for edge in BAND_EDGES]


def _band(prior_x10: int) -> int:
    """``models.prior_band``, by bisection."""
    return bisect_right(BAND_FROM, prior_x10)


def _write(plan: list[PlannedSchool], first: int, last: int, seed: int, say: Progress) -> int:
    postgres = connection.vendor == "postgresql"
    total = sum(s.pupils for s in plan) * (last - first + 1)
    started = time.monotonic()
    written = 0

    def report() -> None:
        rate = written / max(time.monotonic() - started, 1e-9)
        say(f"census records: {written:,} of {total:,} ({rate:,.0f} a second)")

    table = CensusRecord._meta.db_table
    columns = ", ".join(COLUMNS)
    with connection.cursor() as cursor:
        if postgres:
            rebuild = _drop_for_bulk_load(cursor, table) if total >= _rows_held(cursor) else []
            with cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
                for lines in _rows(plan, first, last, seed, text=True):
                    copy.write("".join(lines))
                    written += len(lines)
                    if written % (CHUNK * 20) < len(lines):
                        report()
            if rebuild:
                say("census records written; indexing them")
            for statement in rebuild:
                cursor.execute(statement)
        else:
            sql = f"INSERT INTO {table} ({columns}) VALUES ({', '.join(['%s'] * len(COLUMNS))})"  # noqa: S608
            for rows in _rows(plan, first, last, seed, text=False):
                cursor.executemany(sql, rows)
                written += len(rows)
                if written % (CHUNK * 20) < len(rows):
                    report()
    report()
    return written


def _rows_held(cursor) -> int:
    """PostgreSQL's estimate of the census records held (0 if it has none yet)."""
    cursor.execute(
        "SELECT GREATEST(reltuples, 0)::bigint FROM pg_class WHERE oid = %s::regclass",
        [CensusRecord._meta.db_table],
    )
    return cursor.fetchone()[0]


def _drop_for_bulk_load(cursor, table: str) -> list[str]:
    """Drop the table's secondary indexes and foreign keys; the statements that put them back.

    PostgreSQL's advice for loading a table that will more than double ("Populating a
    Database"): one index build after the load is several times faster than keeping each
    index up to date row by row, and the deferred foreign-key checks cost one trigger event a
    row, more than the load itself. Both come back in the same transaction (DDL is
    transactional), the foreign keys checked in one pass; the table is locked meanwhile.
    """
    cursor.execute(
        "SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint "
        "WHERE conrelid = %s::regclass AND contype = 'f' ORDER BY conname",
        [table],
    )
    keys = cursor.fetchall()
    cursor.execute(
        "SELECT i.relname, pg_get_indexdef(i.oid) FROM pg_index x "
        "JOIN pg_class i ON i.oid = x.indexrelid "
        "WHERE x.indrelid = %s::regclass AND NOT x.indisprimary ORDER BY i.relname",
        [table],
    )
    indexes = cursor.fetchall()
    quote = connection.ops.quote_name
    # Checks still deferred in this transaction would forbid the ALTER TABLE: run them now.
    connection.check_constraints()
    for name, _ in keys:
        cursor.execute(f"ALTER TABLE {quote(table)} DROP CONSTRAINT {quote(name)}")
    for name, _ in indexes:
        cursor.execute(f"DROP INDEX {quote(name)}")
    return [definition for _, definition in indexes] + [
        f"ALTER TABLE {quote(table)} ADD CONSTRAINT {quote(name)} {definition}"
        for name, definition in keys
    ]


def _rows(plan: list[PlannedSchool], first: int, last: int, seed: int, *, text: bool):
    """Chunks of census rows (COLUMNS, in order), school by school: for PostgreSQL's COPY
    lines of text (``text``), otherwise tuples of values."""
    buffer: list = []
    for school in plan:
        buffer.extend(_school_rows(school, first, last, seed, text))
        if len(buffer) >= CHUNK:
            yield buffer
            buffer = []
    if buffer:
        yield buffer


def _fsm_history(
    fsm: bool, switches: list[int], before: int, cohort: int, span: int
) -> tuple[list[bool], list[bool]]:
    """FSM and Ever-6 in each year of a pupil's time at the school, from their eligibility on
    arrival, the years it changed and the last year they were eligible before (-99: never)."""
    eligible, ever, last = [], [], before
    for offset in range(span):
        if switches and switches[0] == offset:
            fsm = not fsm
            switches = switches[1:]
        if fsm:
            last = cohort + offset
        eligible.append(fsm)
        ever.append(cohort + offset - last < 6)
    return eligible, ever


def _school_rows(school: PlannedSchool, first: int, last: int, seed: int, text: bool) -> list:
    """Every census row of one school in years ``first``..``last``.

    Each cohort (the pupils who started in the school's first year group in one academic
    year) draws from its own random stream, and each pupil draws the same whatever years are
    written: their characteristics, when their FSM eligibility changes (the waits between
    changes are geometric, as for a yearly chance) and a packet of random bits for each
    year's score. A year's records are therefore the same whichever years are generated with
    it, so years can be added later and match, and no time goes on the years not written."""
    if text:
        true, false, null = "t", "f", r"\N"
    else:
        true, false, null = True, False, None
    sizes = _year_sizes(school)
    years_on = [k for k, n in enumerate(sizes) if n]
    low, high = years_on[0], years_on[-1]
    span = high - low + 1
    secondary = low >= SECONDARY_YEARS.start
    ever_6_before = EVER_6_BEFORE[secondary]
    # Ethnic groups by cumulative share, with each group's EAL rate.
    shares = {"White": 1 - school.minority - UNCLASSIFIED, "Unclassified": UNCLASSIFIED}
    minority_total = sum(MINORITY.values())
    shares.update({g: school.minority * s / minority_total for g, s in MINORITY.items()})
    groups = list(shares)
    eal_rates = [EAL_RATES[g] for g in groups]
    cumulative, running = [], 0.0
    for share in shares.values():
        running += share
        cumulative.append(running)
    cumulative[-1] = 2.0  # whatever rounding left over
    fsm_rate = school.fsm
    fsm_join = min(FSM_LEAVE * fsm_rate / max(1 - fsm_rate, 0.05), 0.99)
    # log(1 - chance of a change a year), by whether the pupil is eligible now.
    stay = {True: math.log(1 - FSM_LEAVE), False: math.log(1 - fsm_join)}
    upn_la = school.la_code if _valid(school.la_code) else "801"
    upn_body = f"{upn_la}{school.estab:04d}"
    upn_sum = _weighted(upn_body, 2)
    # What a row says about registration: (on register, gifted, talented, top 5%).
    flag_sets = {}
    for on, gifted, talented, top in (
        (False, False, False, False),
        *((True, g, t, top) for g, t in ((True, False), (False, True), (True, True))
          for top in (False, True)),
    ):  # fmt: skip
        values = tuple(true if v else false for v in (on, gifted, talented, top))
        flag_sets[on, gifted, talented, top] = "\t".join(values) if text else values
    off_register = flag_sets[False, False, False, False]
    missing_below = round(MISSING_SCORE * 256)
    packet = 24 * span  # a year's bits: 16 pick the score's noise, 8 whether it is missing
    head: tuple | str
    tail: tuple | str
    out: list = []
    append = out.append
    log = math.log
    for cohort in range(first - span + 1, last + 1):
        rng = random.Random(f"risingtide-synthetic:{seed}:{school.index}:{cohort}")  # noqa: S311
        rand, bits = rng.random, rng.getrandbits
        # The offsets (NC year - low) written: those of the years first..last.
        written = range(max(first - cohort, 0), min(last - cohort, span - 1) + 1)
        for position in range(sizes[low]):
            u = rand()
            gender = "F" if u < GIRLS else ("U" if u > 1 - NOT_KNOWN else "M")
            which = bisect_right(cumulative, rand())
            group = groups[which]
            eal = rand() < eal_rates[which]
            u = rand()
            k_rate, e_rate = SEN_RATES[gender]
            sen = "K" if u < k_rate else ("E" if u < k_rate + e_rate else "N")
            fsm = rand() < fsm_rate
            looked_after = rand() < LOOKED_AFTER[fsm]
            # The year the pupil was last eligible for FSM before arriving (-99: never).
            before = cohort - 1 - int(rand() * 5) if rand() < ever_6_before else -99
            switches, now, offset = [], fsm, 0
            while True:
                offset += 1 + int(log(1.0 - rand()) / stay[now])
                if offset >= span:
                    break
                switches.append(offset)
                now = not now
            latent = CENTRE + NORMAL[bits(16)] + SEN_GAP[sen] + (FSM_GAP if fsm else 0.0)
            if looked_after:
                latent -= 0.5
            # How readily the school identifies this pupil: they are on the register in a
            # year when their odds (in logits) beat this.
            chance = min(max(rand(), 1e-9), 1 - 1e-9)
            kind = rand()
            noise = bits(packet)
            if position >= sizes[low + written.start] if written else True:
                continue  # gone before the first year written (or arrives after the last)
            threshold = log(chance / (1 - chance))
            gifted, talented = (True, False) if kind < 0.62 else (
                (False, True) if kind < 0.92 else (True, True))  # fmt: skip
            prior = _score(latent)
            band = _band(prior)
            if switches:
                fsm_at, ever_at = _fsm_history(fsm, switches, before, cohort, span)
            issued = (cohort + 20 * (position // 1000)) % 100
            letter = CHECK_LETTERS[
                (upn_sum + YEAR_SUMS[issued] + SERIAL_SUMS[position % 1000]) % 23
            ]
            upn = f"{letter}{upn_body}{issued:02d}{position % 1000:03d}"
            if text:
                head = f"{school.pk}\t{upn}\t{gender}\t{true if eal else false}\t"
                tail = f"\t{group}\t{true if looked_after else false}\t"
                prior_cell, band_cell = f"{prior}\t", f"\t{band}"
            else:
                head = (school.pk, upn, gender, eal)
                tail = (group, looked_after)
            for offset in written:
                nc = low + offset
                if position >= sizes[nc]:
                    break  # left: the year group above is smaller
                year = cohort + offset
                if switches:
                    fsm, ever_6 = fsm_at[offset], ever_at[offset]
                else:
                    ever_6 = fsm or year - before < 6
                # Scores: none in Reception, attainment only in Year 1, both after.
                year_bits = noise >> (24 * offset)
                if nc == 0 or (year_bits >> 16) & 255 < missing_below:
                    attainment = None
                    ability = latent
                else:
                    ability = PRIOR_WEIGHT * latent + FRESH_WEIGHT * NORMAL[year_bits & 65535]
                    attainment = int(1000.5 + 150 * ability)
                    attainment = 400 if attainment < 400 else min(attainment, 1600)
                if ID_BASE + ID_SLOPE * ability + (ID_FSM if fsm else 0.0) > threshold:
                    top = secondary and attainment is not None and ability >= TOP_5_FROM
                    flags = flag_sets[True, gifted, talented, top]
                else:
                    flags = off_register
                sen_now = sen if year >= 2014 else PRE_2014_SEN[sen]
                if text:
                    if attainment is None:
                        scores = "\\N\t\\N\t\\N"
                    elif nc == 1:
                        scores = f"\\N\t{attainment}\t\\N"
                    else:
                        scores = f"{prior_cell}{attainment}{band_cell}"
                    append(
                        f"{head}{sen_now}{tail}{year}\t{NC_YEARS[nc]}\t"
                        f"{true if fsm else false}\t{true if ever_6 else false}\t{flags}\t"
                        f"{scores}\n"
                    )
                else:
                    both = attainment is not None and nc > 1
                    append(
                        (*head, sen_now, *tail, year, NC_YEARS[nc], fsm, ever_6, *flags,
                         prior if both else null, attainment, band if both else null)
                    )  # fmt: skip
    return out


def _valid(code: str) -> bool:
    return any(low <= int(code) <= high for low, high in LA_CODE_RANGES)
