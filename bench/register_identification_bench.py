"""Identification support (issue 5 §4): the screening list and the equity check of one school,
on SQLite or PostgreSQL.

A fresh database (see ``worlds.py``) gets two schools of ``--pupils`` pupil records each (2,000
by default). Every pupil has 4 attainment results with a score (KS2 reading, maths and GPS
tests, a KS2 science teacher assessment) and 3 CAT scores (verbal, quantitative, non-verbal)
this year, which go together through a common ability as they do in a school; one pupil in five
has a progress score, one in four an FSM period (some ended); gender, EAL, SEN, ethnic group and
looked-after are mixed. About 12% are identified this year (mostly, not only, the able) and 4%
nominated; 3% are off roll. The second school holds the same kind of data, which the first's
queries must leave out.

For the first school, in-process (no HTTP): ``screening_list``, ``equity_check`` and
``equity_chart``, each ``--repeat`` times after a warm-up, against a reference measured in the
same run: a bare ``SELECT COUNT(*)`` over the school's pupil records, in raw SQL. Times are
medians; beside them the SQL query count of one call.

    python bench/register_identification_bench.py --db sqlite
    python bench/register_identification_bench.py --db postgres
"""

import argparse
import json
import sys
from datetime import UTC, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from worlds import RESULTS_DIR, TIMING, fresh_database, machine, manage

SCRIPT = r"""
import json, random, statistics, time
from datetime import date
from django.db import connection
from risingtide.register.equity import equity_chart, equity_check
from risingtide.register.models import (Attainment, Criteria, Evidence, FsmPeriod, Pupil,
    RegisterEntry, academic_year)
from risingtide.register.screening import screening_list
from risingtide.register.upn import make_upn
from risingtide.schools.models import LocalAuthority, Nation, School

PUPILS, REPEAT = PUPILS_VALUE, REPEAT_VALUE
rng = random.Random(5)
year = academic_year()
nation = Nation.objects.create(name="Benchland")
la = LocalAuthority.objects.create(nation=nation, code="801", name="Bench LA")
schools = [School.objects.create(local_authority=la, name=f"School {n}",
    establishment_number=f"400{n}", urn=f"90000{n}", phase="secondary") for n in (1, 2)]
ETHNIC = ["White"] * 14 + ["Mixed", "Asian", "Asian", "Black", "Chinese", "Any other", ""]
for school in schools:
    Pupil.objects.bulk_create([Pupil(
        school=school, upn=make_upn(801, 4000 + school.pk, 10 + n // 1000, n % 1000),
        legal_surname=f"Surname{rng.randrange(10_000):04d}", legal_forename=f"Forename{n}",
        date_of_birth=date(2012, 1, 1), gender=rng.choice("MF"), nc_year=str(rng.randint(7, 11)),
        ethnic_group=rng.choice(ETHNIC), eal=rng.random() < 0.2,
        sen=rng.choice([""] * 8 + ["K", "E", "A", "S"]), looked_after=rng.random() < 0.01,
        on_roll=rng.random() < 0.97,
    ) for n in range(PUPILS)], batch_size=1000)
    pupils = list(Pupil.objects.filter(school=school).values_list("pk", flat=True))
    # Results go together as they do in a school: each pupil's share a common ability.
    ability = {pk: rng.gauss(0, 1) for pk in pupils}
    def score(pk, mean, sd):
        return round(mean + sd * (0.8 * ability[pk] + 0.6 * rng.gauss(0, 1)))
    Attainment.objects.bulk_create([Attainment(pupil_id=pk, stage="KS2", subject=subject,
        method=method, result="", score=score(pk, mean, sd), year=2022)
        for pk in pupils for subject, method, mean, sd in (("REA", "TT", 105, 6),
            ("MAT", "TT", 104, 6), ("GPS", "TT", 106, 6), ("SCI", "TA", 3, 1))],
        batch_size=2000)
    Evidence.objects.bulk_create([Evidence(pupil_id=pk, academic_year=year, kind="test_score",
        summary="CAT", measure=f"CAT {battery}", score=score(pk, 100, 15))
        for pk in pupils for battery in ("verbal", "quantitative", "non-verbal")],
        batch_size=2000)
    Evidence.objects.bulk_create([Evidence(pupil_id=pk, academic_year=year, kind="progress",
        summary="VA", measure="KS2-KS3", score=round(rng.gauss(0, 0.6), 1))
        for pk in pupils if rng.random() < 0.2], batch_size=2000)
    PERIODS = [(date(2019, 9, 1), None), (date(2024, 9, 1), None),
        (date(2020, 9, 1), date(2022, 7, 20)), (date(2014, 9, 1), date(2017, 12, 31))]
    FsmPeriod.objects.bulk_create([FsmPeriod(pupil_id=pk, start=start, end=end)
        for pk in pupils if rng.random() < 0.25 for start, end in [rng.choice(PERIODS)]],
        batch_size=2000)
    # The school identifies mostly, not only, the able: 12% identified, 4% nominated.
    def decision(pk):
        seen = ability[pk] + rng.gauss(0, 0.7)
        return "identified" if seen > 1.45 else "nominated" if seen > 1.2 else None
    RegisterEntry.objects.bulk_create([RegisterEntry(pupil_id=pk, school=school,
        academic_year=year, status=status, current=True)
        for pk in pupils for status in [decision(pk)] if status], batch_size=2000)
if connection.vendor == "postgresql":
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")

school = schools[0]
criteria = Criteria(school=school)
table = Pupil._meta.db_table

def reference():
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT COUNT(*) FROM {table} WHERE school_id = %s", [school.pk])
        return cursor.fetchone()[0]

def measure(work):
    for _ in range(2):
        result = work()
    queries = queries_of(work)
    times = []
    for _ in range(REPEAT):
        started = time.perf_counter()
        work()
        times.append(time.perf_counter() - started)
    return {"queries": queries, "median_ms": statistics.median(times) * 1000}, result

equity = equity_check(school, criteria)
out = {}
out["reference SELECT COUNT(*)"], pupils_in = measure(reference)
out["screening_list"], screened = measure(lambda: screening_list(school, criteria))
out["equity_check"], equity = measure(lambda: equity_check(school, criteria))
out["equity_chart"], svg = measure(lambda: str(equity_chart(equity)))
facts = {"pupils": pupils_in, "on_roll": equity.cohort, "identified": equity.identified,
    "screened": len(screened), "flagged_groups": len(equity.flagged), "svg_bytes": len(svg),
    "attainment_rows": Attainment.objects.count(), "evidence_rows": Evidence.objects.count()}
print("RESULT" + json.dumps({"steps": out, "facts": facts}))
"""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", choices=["sqlite", "postgres"], default="sqlite")
    parser.add_argument("--pupils", type=int, default=2000, help="pupil records per school")
    parser.add_argument("--repeat", type=int, default=20)
    parser.add_argument("--pg-server", default="postgresql://postgres@127.0.0.1:5432")
    args = parser.parse_args()
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    database = f"rt_bench_identification_{stamp.lower()}"
    with fresh_database(args.db, args.pg_server, database) as env:
        manage(env, "migrate", "-v0")
        script = SCRIPT.replace("PUPILS_VALUE", str(args.pupils)).replace(
            "REPEAT_VALUE", str(args.repeat)
        )
        output = manage(env, "shell", "-c", TIMING + script)
    found = json.loads(output.split("RESULT", 1)[1])
    steps, facts = found["steps"], found["facts"]
    reference = steps["reference SELECT COUNT(*)"]["median_ms"]
    print(
        f"Identification support ({args.db}): {facts['pupils']:,} pupil records at the school "
        f"({facts['on_roll']:,} on roll, {facts['identified']} identified), "
        f"{facts['attainment_rows']:,} results and {facts['evidence_rows']:,} pieces of "
        f"evidence in two schools; {facts['screened']} screened, "
        f"{facts['flagged_groups']} groups flagged"
    )
    print(f"  {'step':<28} {'queries':>7} {'median ms':>10} {'× ref':>8}")
    for name, row in steps.items():
        print(
            f"  {name:<28} {row['queries']:>7} {row['median_ms']:>10.2f} "
            f"{row['median_ms'] / reference:>8.0f}"
        )
    RESULTS_DIR.mkdir(exist_ok=True)
    path = RESULTS_DIR / f"{stamp}-identification-{args.db}.json"
    path.write_text(
        json.dumps({"db": args.db, "repeat": args.repeat, "machine": machine(), **found}, indent=2)
        + "\n"
    )
    print(f"written {path}")


if __name__ == "__main__":
    main()
