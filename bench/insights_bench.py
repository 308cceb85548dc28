"""Register insights at national scale: the summaries of a synthetic England, on SQLite or
PostgreSQL, with one census year and then with five.

For each number of years (``--years 1,5``; the later ones add earlier years to the same
nation, which gives the same records as generating them together):

0. Generate the synthetic nation (``insights.synthetic``): 152 LAs and, at ``--scale`` 1,
   20,000 schools and 7.4 million pupils a year (PostgreSQL's default; SQLite's is 1/20).
   VACUUM ANALYZE (PostgreSQL) or ANALYZE (SQLite) after.
1. Reference: one hand-written statement computing the school-level figures straight from the
   census records, into a TEMP table (``CREATE TEMP TABLE ... AS SELECT``, the nearest thing to
   the roll-up's INSERT, though a temporary table has no indexes and no WAL). PostgreSQL:
   ``GROUP BY school_id, year, on_register, GROUPING SETS ((), (fsm), ...)``; SQLite, which has
   no grouping sets: the UNION ALL of one GROUP BY per dimension, as the project's SQL does.
2. ``rollup.rebuild_all()``: every summary row (schools, then LAs and the nation as sums).
   Both best of ``--repeat``, alternating; target: the rebuild within 2x the reference.
3. One school's re-import reflected in the national figures: a synthetic secondary gets pupil
   records by importing a CSV made from its census records through the real import path
   (``importing.run_import``, as ``import_pupils`` runs it), then a changed file (10 more
   pupils eligible for FSM) is imported: the time from the start of that write until a query
   of the national FSM figures (level "nation", this academic year) shows the 10. Also
   ``rollup.school_data_changed([school])`` alone.
4. Pages (``measure_pages``): p50/p95 of ``--pages URL_NAME=ARGS`` through the test client
   signed in as a national officer (5 warm-up requests, then 50). ``{nation}``, ``{la}``,
   ``{school}`` and ``{year}`` in ARGS are filled in.

Prints a table and, last, one line of JSON; writes the JSON to bench/results/.

    python bench/insights_bench.py --db sqlite                   # scale 1/20
    python bench/insights_bench.py --db postgres                 # scale 1 (7.4M pupils)
    python bench/insights_bench.py --db postgres --scale 1/20 --years 1,5 --keep
"""

import argparse
import csv
import json
import os
import resource
import shutil
import statistics
import sys
import tempfile
import time
from contextlib import contextmanager, suppress
from datetime import UTC, date, datetime, timedelta
from fractions import Fraction
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from worlds import DEFAULT_PG_SERVER, RESULTS_DIR, machine

# URL_NAME=ARGS: a URL name has a colon of its own (its app's namespace).
DEFAULT_PAGES = ["insights:insights_nation={nation}", "insights:insights_la={la}"]
FLIPS = 10  # pupils made eligible for FSM by each changed file
ETHNICITY_CODES = {
    "White": "WBRI",
    "Mixed": "MWBC",
    "Asian": "APKN",
    "Black": "BAFR",
    "Chinese": "CHNE",
    "Any other": "OOTH",
    "Unclassified": "NOBT",
}


# --- the database -----------------------------------------------------------------------------


@contextmanager
def fresh_database(db: str, server: str, name: str, keep: bool):
    """A new data directory (and PostgreSQL database), as environment variables; removed
    afterwards unless ``keep``. An existing database is never touched."""
    import psycopg

    data_dir = Path(tempfile.mkdtemp(prefix="risingtide-insights-bench-"))
    (data_dir / "static").mkdir()  # collectstatic's folder: WhiteNoise warns without it
    env = {"RISINGTIDE_DATA_DIR": str(data_dir)}
    created = False
    try:
        if db == "postgres":
            with psycopg.connect(f"{server}/postgres", autocommit=True) as conn:
                if conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
                    sys.exit(f"Database {name} exists: drop it, or choose --pg-database.")
                conn.execute(f'CREATE DATABASE "{name}"')
            created = True
            env["RISINGTIDE_DATABASE_URL"] = f"{server}/{name}"
        yield env
    finally:
        if keep:
            print(f"Kept: data directory {data_dir}" + (f", database {name}" if created else ""))
        else:
            if created:
                from django.db import connections

                connections.close_all()
                with psycopg.connect(f"{server}/postgres", autocommit=True) as conn:
                    conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            shutil.rmtree(data_dir, ignore_errors=True)


def start_django(env: dict[str, str]) -> None:
    os.environ.update(env)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "risingtide.settings")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def analyze() -> None:
    from django.db import connection

    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("VACUUM ANALYZE")
        else:
            cursor.execute("ANALYZE")


def best(runs: list[float]) -> float:
    return min(runs)


# --- 1. the reference ---------------------------------------------------------------------------

DIMENSION_COLUMNS = [
    "fsm",
    "ever_6",
    "gender",
    "eal",
    "sen",
    "ethnic_group",
    "looked_after",
    "nc_year",
]


def reference_sql(vendor: str) -> str:
    """The school-level figures, straight from the census records, in one statement."""
    from risingtide.insights.models import BANDS

    figures = ", ".join(
        [
            "COUNT(*) AS pupils",
            "COUNT(*) FILTER (WHERE gifted) AS gifted",
            "COUNT(*) FILTER (WHERE talented) AS talented",
            "COUNT(*) FILTER (WHERE top_5) AS top_5",
            "COUNT(attainment_x10) AS att_n",
            "COALESCE(SUM(attainment_x10), 0) AS att_sum",
            *(f"COUNT(*) FILTER (WHERE band = {b}) AS band_n_{b}" for b in range(BANDS)),
            *(
                f"COALESCE(SUM(attainment_x10) FILTER (WHERE band = {b}), 0) AS band_att_{b}"
                for b in range(BANDS)
            ),
        ]
    )
    if vendor == "postgresql":
        columns = ", ".join(DIMENSION_COLUMNS)
        sets = ", ".join(["()", *(f"({c})" for c in DIMENSION_COLUMNS)])
        return (
            f"SELECT school_id, year, on_register, GROUPING({columns}) AS grouping_set, "  # noqa: S608
            f"{columns}, {figures} FROM insights_censusrecord "
            f"GROUP BY school_id, year, on_register, GROUPING SETS ({sets})"
        )
    parts = [
        f"SELECT school_id, year, on_register, 'all' AS dimension, 'all' AS subgroup, {figures} "  # noqa: S608
        "FROM insights_censusrecord GROUP BY school_id, year, on_register"
    ]
    parts += [
        f"SELECT school_id, year, on_register, '{c}', {c}, {figures} "  # noqa: S608
        f"FROM insights_censusrecord GROUP BY school_id, year, on_register, {c}"
        for c in DIMENSION_COLUMNS
    ]
    return " UNION ALL ".join(parts)


def run_reference() -> tuple[float, int, int]:
    """Seconds, rows and pupils summed (over every row) of the reference statement."""
    from django.db import connection

    sql = reference_sql(connection.vendor)
    with connection.cursor() as cursor:
        cursor.execute("DROP TABLE IF EXISTS insights_reference")
        if connection.vendor == "postgresql":
            # The same sort memory the rebuild gives itself, so neither sorts on disk alone.
            cursor.execute("SET work_mem = '256MB'")
        started = time.perf_counter()
        cursor.execute(f"CREATE TEMP TABLE insights_reference AS {sql}")
        seconds = time.perf_counter() - started
        cursor.execute("SELECT COUNT(*), SUM(pupils) FROM insights_reference")
        rows, pupils = cursor.fetchone()
        cursor.execute("DROP TABLE insights_reference")
        if connection.vendor == "postgresql":
            cursor.execute("RESET work_mem")
    return seconds, rows, int(pupils)


# --- 2. the rebuild -----------------------------------------------------------------------------


def run_rebuild() -> tuple[float, int, float]:
    """Seconds and summary rows of the full rebuild, and the seconds of it spent working out
    the disclosure masks (``masks.rebuild``, timed from inside)."""
    from risingtide.insights import masks, rollup

    spent = []
    original = masks.rebuild

    def timed(years, **kwargs):
        started = time.perf_counter()
        try:
            return original(years, **kwargs)
        finally:
            spent.append(time.perf_counter() - started)

    masks.rebuild = timed
    try:
        started = time.perf_counter()
        rows = rollup.rebuild_all()
        return time.perf_counter() - started, rows, sum(spent)
    finally:
        masks.rebuild = original


def school_rows_and_pupils() -> tuple[int, int]:
    from django.db.models import Count, Sum

    from risingtide.insights.models import Summary

    found = Summary.objects.filter(level="school").aggregate(n=Count("pk"), pupils=Sum("pupils"))
    return found["n"], found["pupils"] or 0


# --- 3. one school's re-import --------------------------------------------------------------


def pick_school(year: int):
    """A secondary of about the median secondary's size."""
    from django.db.models import Count

    from risingtide.insights.models import CensusRecord
    from risingtide.insights.synthetic import NATION_NAME
    from risingtide.schools.models import School

    sizes = dict(
        CensusRecord.objects.filter(
            year=year, school__phase="secondary", school__local_authority__nation__name=NATION_NAME
        )
        .values("school_id")
        .annotate(n=Count("pk"))
        .values_list("school_id", "n")
    )
    median = statistics.median_low(sizes.values())
    school_id = min(sizes, key=lambda pk: (abs(sizes[pk] - median), pk))
    return School.objects.select_related("local_authority").get(pk=school_id)


def census_pupils(school, year: int) -> list[dict]:
    from risingtide.insights.models import CensusRecord

    return list(
        CensusRecord.objects.filter(school=school, year=year, pupil__isnull=True)
        .order_by("upn")
        .values()
    )


def write_csv(path: Path, pupils: list[dict], year: int, fsm_upns: set[str]) -> None:
    """A school's pupil export, in the shape of a SIMS report, from its census records: FSM
    as recorded, or yes for ``fsm_upns``."""
    with path.open("w", newline="", encoding="utf-8") as handle:
        out = csv.writer(handle)
        out.writerow(["UPN", "Legal Surname", "Legal Forename", "DOB", "Gender", "NC Year",
                      "Ethnicity", "First Language", "SEN Provision", "FSM Eligible", "In Care",
                      "G&T", "Gifted", "Talented", "Top 5%"])  # fmt: skip
        for n, p in enumerate(pupils):
            nc = 0 if p["nc_year"] == "R" else int(p["nc_year"])
            born = date(year - 5 - nc, 9, 1) + timedelta(days=n % 365)
            on = p["on_register"]
            out.writerow([
                p["upn"], f"Surname{n}", f"Forename{n}", born.isoformat(), p["gender"],
                p["nc_year"], ETHNICITY_CODES[p["ethnic_group"]],
                "POL" if p["eal"] else "ENG", p["sen"],
                "Y" if p["fsm"] or p["upn"] in fsm_upns else "N",
                "Y" if p["looked_after"] else "N", "Y" if on else "N",
                ("Y" if p["gifted"] else "N") if on else "",
                ("Y" if p["talented"] else "N") if on else "",
                ("Y" if p["top_5"] else "N") if on else "",
            ])  # fmt: skip


def import_file(path: Path, school) -> tuple[float, object]:
    from risingtide.register.column_mapping import guess_mapping
    from risingtide.register.import_files import Source
    from risingtide.register.importing import run_import
    from risingtide.register.table_files import headers

    source = Source(path=str(path), format="csv", name=path.name)
    source.mapping = guess_mapping(headers(source.path, "csv"))
    started = time.perf_counter()
    outcome = run_import(source, school=school, write=True, source_label="insights bench")
    seconds = time.perf_counter() - started
    if not outcome.written:
        raise RuntimeError(f"the import wrote nothing: {outcome.errors[:5]}")
    return seconds, outcome


def national_fsm(year: int) -> int:
    from django.db.models import Sum

    from risingtide.insights.models import Summary

    rows = Summary.objects.filter(level="nation", year=year, dimension="fsm", subgroup="Y")
    return rows.aggregate(n=Sum("pupils"))["n"] or 0


class Reimport:
    """One school given pupil records once, then a file with ``FLIPS`` more FSM pupils each
    time ``measure`` runs."""

    def __init__(self, year: int, folder: Path):
        self.year, self.folder = year, folder
        self.school = None
        self.pupils: list[dict] = []
        self.flipped: set[str] = set()
        self.first: dict = {}

    def _first_import(self) -> None:
        from risingtide.register.models import Pupil

        self.school = pick_school(self.year)
        self.pupils = census_pupils(self.school, self.year)
        before = national_fsm(self.year)
        path = self.folder / "pupils-0.csv"
        write_csv(path, self.pupils, self.year, set())
        seconds, outcome = import_file(path, self.school)
        assert Pupil.objects.filter(school=self.school).count() == len(self.pupils)
        self.first = {
            "school_urn": self.school.urn,
            "pupils": len(self.pupils),
            "first_import_s": round(seconds, 3),
            "created": outcome.creates,
            # The same pupils eligible, now from pupil records: the figure should not move.
            "first_import_national_fsm": [before, national_fsm(self.year)],
        }

    def measure(self, repeat: int) -> dict:
        from django.db import transaction

        from risingtide.insights import rollup

        if self.school is None:
            self._first_import()
        eligible = [p["upn"] for p in self.pupils if not p["fsm"] and p["upn"] not in self.flipped]
        self.flipped.update(eligible[:FLIPS])
        path = self.folder / f"pupils-{len(self.flipped)}.csv"
        write_csv(path, self.pupils, self.year, self.flipped)
        before = national_fsm(self.year)
        started = time.perf_counter()
        import_seconds, outcome = import_file(path, self.school)
        while (after := national_fsm(self.year)) != before + FLIPS:
            if time.perf_counter() - started > 120:
                raise RuntimeError(f"national FSM still {after}, not {before + FLIPS}")
            time.sleep(0.01)
        seen = time.perf_counter() - started
        alone = []
        for _ in range(repeat):
            begun = time.perf_counter()
            with transaction.atomic():
                rollup.school_data_changed([self.school.pk])
            alone.append(time.perf_counter() - begun)
        assert national_fsm(self.year) == after
        return {
            **self.first,
            "updated": outcome.updates,
            "national_fsm_before": before,
            "national_fsm_after": after,
            "reimport_to_national_s": round(seen, 3),
            "reimport_import_s": round(import_seconds, 3),
            "school_data_changed_s": round(best(alone), 3),
        }


# --- 4. pages -------------------------------------------------------------------------------


def measure_pages(specs: list[str], context: dict, warmup: int = 5, requests: int = 50) -> dict:
    """p50/p95 (ms) of each page ``URL_NAME=ARG,ARG`` for a national officer, through the test
    client. A URL name that does not resolve is reported as not built yet."""
    from django.test import Client
    from django.test.utils import setup_test_environment
    from django.urls import reverse

    from risingtide.people.models import Membership, Role, User

    # The test client's host, "testserver", allowed (already, for an earlier number of years).
    with suppress(RuntimeError):
        setup_test_environment()
    user, _ = User.objects.get_or_create(username="bench.national")
    Membership.objects.get_or_create(
        user=user, role=Role.NATIONAL_OFFICER, nation_id=context["nation"]
    )
    client = Client()
    client.force_login(user)
    found: dict = {}
    for spec in specs:
        name, _, args = spec.partition("=")
        values = [a.format(**context) for a in args.split(",") if a]
        try:
            url = reverse(name, args=values)
        except Exception as exc:  # not routed yet, or its views do not import yet
            print(f"pages: not built yet ({name}: {type(exc).__name__}: {exc})")
            found[spec] = {"status": "not built yet"}
            continue
        statuses = {client.get(url, secure=True).status_code for _ in range(warmup)}
        times = []
        for _ in range(requests):
            begun = time.perf_counter()
            response = client.get(url, secure=True)
            times.append(time.perf_counter() - begun)
            statuses.add(response.status_code)
        times.sort()
        found[spec] = {
            "url": url,
            "statuses": sorted(statuses),
            "p50_ms": round(statistics.median(times) * 1000, 1),
            "p95_ms": round(times[int(0.95 * len(times)) - 1] * 1000, 1),
            "bytes": len(response.content),
        }
    return found


# --- the run --------------------------------------------------------------------------------


def scale_of(text: str) -> float:
    return float(Fraction(text))


def peak_mb() -> int:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", choices=["sqlite", "postgres"], default="sqlite")
    parser.add_argument("--scale", type=scale_of, help="of England (1 = 7.4M pupils), e.g. 1/20")
    parser.add_argument("--years", default="1,5", help="census years, in turn, e.g. 1,5")
    parser.add_argument("--repeat", type=int, default=2, help="runs of each timing; the best")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--pages", action="append", help="URL_NAME=ARGS, repeatable")
    parser.add_argument("--keep", action="store_true", help="keep the database and data dir")
    parser.add_argument("--pg-server", default=DEFAULT_PG_SERVER)
    parser.add_argument("--pg-database", default="rt_insights_bench")
    args = parser.parse_args()
    scale = args.scale if args.scale is not None else (1.0 if args.db == "postgres" else 1 / 20)
    steps = sorted({int(n) for n in args.years.split(",")})
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S")
    results: dict = {"db": args.db, "scale": scale, "at": stamp, "machine": machine()}
    with fresh_database(args.db, args.pg_server, args.pg_database, args.keep) as env:
        start_django(env)
        from risingtide.insights import synthetic
        from risingtide.register.models import academic_year
        from risingtide.schools.models import LocalAuthority, Nation

        size = synthetic.scaled(scale)
        results["nation"] = size
        this_year = academic_year()  # the re-import takes this year's census
        reimport = Reimport(this_year, Path(env["RISINGTIDE_DATA_DIR"]))
        results["runs"] = []
        held = 0
        for years in steps:
            print(f"\n== {years} census year(s): {size} ==", flush=True)
            started = time.perf_counter()
            counts = synthetic.generate_nation(
                **size,
                years=years - held,
                last_year=this_year - held,
                seed=args.seed,
                progress=lambda message: print(f"  {message}", flush=True),
            )
            generated = time.perf_counter() - started
            held = years
            started = time.perf_counter()
            analyze()
            analysed = time.perf_counter() - started
            run: dict = {
                "years": years,
                "census_records": census_count(),
                "generated_records": counts["census_records"],
                "generate_s": round(generated, 1),
                "generate_per_s": round(counts["census_records"] / generated),
                "analyze_s": round(analysed, 1),
            }
            print(f"  generated in {generated:.1f} s; analysed in {analysed:.1f} s", flush=True)
            references, rebuilds, masked = [], [], []
            for attempt in range(args.repeat):
                seconds, ref_rows, ref_pupils = run_reference()
                references.append(seconds)
                print(f"  reference {attempt + 1}: {seconds:.2f} s ({ref_rows:,} rows)", flush=True)
                seconds, summary_rows, masks_s = run_rebuild()
                rebuilds.append(seconds)
                masked.append(masks_s)
                print(
                    f"  rebuild {attempt + 1}: {seconds:.2f} s ({summary_rows:,} rows; masks "
                    f"{masks_s:.2f} s)",
                    flush=True,
                )
            school_rows, school_pupils = school_rows_and_pupils()
            # The reference and the rebuild's school rows must be the same figures.
            assert (ref_rows, ref_pupils) == (school_rows, school_pupils), (
                (ref_rows, ref_pupils),
                (school_rows, school_pupils),
            )
            run.update(
                reference_s=round(best(references), 2),
                rebuild_s=round(best(rebuilds), 2),
                rebuild_vs_reference=round(best(rebuilds) / best(references), 2),
                # Each rebuild over the reference just before it, the median: on a shared
                # machine the load moves both of a pair alike.
                paired_ratios=[round(b / a, 2) for a, b in zip(references, rebuilds, strict=True)],
                paired_ratio_median=round(
                    statistics.median(b / a for a, b in zip(references, rebuilds, strict=True)), 2
                ),
                masks_s=round(masked[rebuilds.index(best(rebuilds))], 2),
                summaries_vs_reference=round(
                    (best(rebuilds) - masked[rebuilds.index(best(rebuilds))]) / best(references),
                    2,
                ),
                summary_rows=summary_rows,
                school_summary_rows=school_rows,
            )
            run["reimport"] = reimport.measure(args.repeat)
            print(f"  re-import: {run['reimport']}", flush=True)
            nation = Nation.objects.get(name=synthetic.NATION_NAME)
            context = {
                "nation": nation.pk,
                "la": LocalAuthority.objects.filter(nation=nation).order_by("pk").first().pk,
                "school": reimport.school.pk,
                "year": this_year,
            }
            run["pages"] = measure_pages(args.pages or DEFAULT_PAGES, context)
            run["peak_rss_mb"] = peak_mb()
            results["runs"].append(run)
        print_table(results)
    RESULTS_DIR.mkdir(exist_ok=True)
    (RESULTS_DIR / f"insights-{args.db}-{stamp}.json").write_text(json.dumps(results, indent=2))
    print(json.dumps(summary_line(results)))


def census_count() -> int:
    from risingtide.insights.models import CensusRecord

    return CensusRecord.objects.count()


def print_table(results: dict) -> None:
    print(f"\nRegister insights, {results['db']}, scale {results['scale']:g}: {results['nation']}")
    header = (
        f"{'years':>5} {'census rows':>12} {'gen s':>7} {'rows/s':>8} {'ref s':>8} "
        f"{'rebuild s':>9} {'ratio':>6} {'masks s':>8} {'summary':>9} {'reimport→nation s':>18} "
        f"{'import s':>9} {'changed s':>9} {'RSS MB':>7}"
    )
    print(header)
    print("-" * len(header))
    for run in results["runs"]:
        r = run["reimport"]
        print(
            f"{run['years']:>5} {run['census_records']:>12,} {run['generate_s']:>7.1f} "
            f"{run['generate_per_s']:>8,} {run['reference_s']:>8.2f} {run['rebuild_s']:>9.2f} "
            f"{run['rebuild_vs_reference']:>6.2f} {run['masks_s']:>8.2f} {run['summary_rows']:>9,} "
            f"{r['reimport_to_national_s']:>18.3f} {r['reimport_import_s']:>9.3f} "
            f"{r['school_data_changed_s']:>9.3f} {run['peak_rss_mb']:>7}"
        )
    for run in results["runs"]:
        r = run["reimport"]
        print(
            f"{run['years']} year(s): rebuild ÷ reference in each pair {run['paired_ratios']}, "
            f"median {run['paired_ratio_median']}"
        )
        print(
            f"{run['years']} year(s): school {r['school_urn']} ({r['pupils']} pupils; first "
            f"import {r['first_import_s']} s, national FSM {r['first_import_national_fsm']}); "
            f"{FLIPS} more FSM: national FSM {r['national_fsm_before']:,} → "
            f"{r['national_fsm_after']:,}"
        )
        for spec, page in run["pages"].items():
            if "p50_ms" in page:
                print(
                    f"  {spec} {page['url']}: p50 {page['p50_ms']} ms, p95 {page['p95_ms']} ms, "
                    f"status {page['statuses']}"
                )
            else:
                print(f"  {spec}: {page['status']}")


def summary_line(results: dict) -> dict:
    return {
        "bench": "insights",
        "db": results["db"],
        "scale": results["scale"],
        "runs": [
            {
                "years": run["years"],
                "census_records": run["census_records"],
                "generate_per_s": run["generate_per_s"],
                "reference_s": run["reference_s"],
                "rebuild_s": run["rebuild_s"],
                "rebuild_vs_reference": run["rebuild_vs_reference"],
                "paired_ratio_median": run["paired_ratio_median"],
                "masks_s": run["masks_s"],
                "summaries_vs_reference": run["summaries_vs_reference"],
                "reimport_to_national_s": run["reimport"]["reimport_to_national_s"],
                "school_data_changed_s": run["reimport"]["school_data_changed_s"],
                "pages": {
                    spec: [page.get("p50_ms"), page.get("p95_ms")]
                    for spec, page in run["pages"].items()
                },
                "peak_rss_mb": run["peak_rss_mb"],
            }
            for run in results["runs"]
        ],
    }


if __name__ == "__main__":
    main()
