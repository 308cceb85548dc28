"""OneRoster 1.2 CSV import (issue 20): an LA's bundle of 50 schools, 40,000 users and 200,000
enrolments, made on the fly (``risingtide.rostering.sample``), through the command an LA's data
manager runs.

1. Reference: a bare ``csv.reader`` pass over every file of the same zip, streamed from the zip
   in this process (nothing checked, nothing written), with its peak Python memory
   (``tracemalloc``).
2. Import: ``risingtide manage import_oneroster ZIP --la 801`` into the LA's empty schools,
   timed from process start to exit, with the process's peak memory (its maximum resident set,
   from ``wait4``): users per second, rows per second.
3. Re-import of the same bundle (everything unchanged, nothing written but the links' marks).

``--fraction 0.1`` runs a tenth of the size (5 schools) on a busy machine; the full size is
the default.

    python bench/oneroster_bench.py --db sqlite [--fraction 0.1]
    python bench/oneroster_bench.py --db postgres
"""

import argparse
import csv
import io
import json
import os
import subprocess
import sys
import time
import tracemalloc
import zipfile
from datetime import UTC, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from worlds import RESULTS_DIR, fresh_database, machine, manage, risingtide_command

SETUP = r"""
from risingtide.schools.models import LocalAuthority, Nation, School
nation = Nation.objects.create(name="England")
la = LocalAuthority.objects.create(nation=nation, code="801", name="Bench LA")
School.objects.bulk_create(
    School(local_authority=la, name=f"School {n}", establishment_number=f"{2000 + n}",
           urn=f"{500000 + n}", phase="secondary")
    for n in range({schools})
)
print("RESULT", School.objects.count())
"""

WRITTEN = r"""
from risingtide.people.models import Membership, User
from risingtide.rostering.models import RosterLink
print("RESULT", User.objects.count(), Membership.objects.filter(teaching_group__isnull=False)
      .count(), RosterLink.objects.count())
"""

# Per school: 780 pupils and 20 teachers (800 users), 100 classes over Years 7 to 11, five
# classes a pupil: 50 schools make 40,000 users and 195,000 + 5,000 = 200,000 enrolments.
PER_SCHOOL = {"pupils": 780, "teachers": 20, "classes": 100, "per_pupil": 5}


def write_bundle(path: Path, schools: int) -> dict:
    from risingtide.rostering.sample import Plan, write_sample

    plan = Plan(
        la_code="801",
        schools=tuple((f"{500000 + n}", f"School {n}") for n in range(schools)),
        years=(7, 8, 9, 10, 11),
        **PER_SCHOOL,
    )
    write_sample(path, plan)
    users = schools * (plan.pupils + plan.teachers)
    enrolments = schools * (plan.pupils * plan.per_pupil + plan.classes)
    return {"schools": schools, "users": users, "enrolments": enrolments}


def bare_parse(path: Path) -> tuple[float, int, float]:
    """Seconds, rows and peak Python memory (MB) of a bare csv.reader pass over the zip."""
    tracemalloc.start()
    start = time.perf_counter()
    rows = 0
    with zipfile.ZipFile(path) as zf:
        for name in zf.namelist():
            with zf.open(name) as raw:
                text = io.TextIOWrapper(raw, encoding="utf-8-sig", newline="")
                rows += sum(1 for _ in csv.reader(text))
    seconds = time.perf_counter() - start
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return seconds, rows, peak / 1e6


def run_command(env: dict, *args: str) -> tuple[float, int, str]:
    """Seconds, peak resident memory (MB) and output of one ``risingtide manage`` process."""
    cmd = [*risingtide_command(), "manage", *args]
    start = time.perf_counter()
    process = subprocess.Popen(
        cmd, env={**os.environ, **env}, stdout=subprocess.PIPE, stderr=subprocess.STDOUT
    )
    output = process.stdout.read().decode()
    _, status, usage = os.wait4(process.pid, 0)
    seconds = time.perf_counter() - start
    code = os.waitstatus_to_exitcode(status)
    if code:
        raise RuntimeError(f"{' '.join(cmd)} exited {code}:\n{output[-3000:]}")
    return seconds, usage.ru_maxrss // 1024, output


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", choices=["sqlite", "postgres"], default="sqlite")
    parser.add_argument("--pg-server", default="postgresql://postgres@127.0.0.1:5432")
    parser.add_argument("--schools", type=int, default=50)
    parser.add_argument("--fraction", type=float, default=1.0, help="of the schools, e.g. 0.1")
    args = parser.parse_args()
    schools = max(1, round(args.schools * args.fraction))
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S")
    results: dict = {"db": args.db, "machine": machine(), "at": stamp}
    with fresh_database(args.db, args.pg_server, f"rt_bench_oneroster_{stamp.lower()}") as env:
        data = Path(env["RISINGTIDE_DATA_DIR"])
        manage(env, "migrate", "-v0")
        manage(env, "shell", "-c", SETUP.replace("{schools}", str(schools)))
        path = data / "la-801-oneroster.zip"
        started = time.perf_counter()
        size = write_bundle(path, schools)
        made = time.perf_counter() - started
        reference, rows, reference_mb = bare_parse(path)
        seconds, peak_mb, output = run_command(env, "import_oneroster", str(path), "--la", "801")
        assert "Imported." in output and "0 errors" in output, output[-3000:]
        users, memberships, links = map(
            int, manage(env, "shell", "-c", WRITTEN).split("RESULT", 1)[1].split()
        )
        assert users == size["users"] and memberships == size["enrolments"], (users, memberships)
        again, again_mb, again_out = run_command(env, "import_oneroster", str(path), "--la", "801")
        assert "pupils: 0 new, 0 updated" in again_out, again_out[-2000:]
        results["oneroster"] = {
            **size,
            "fraction": args.fraction,
            "zip_megabytes": round(path.stat().st_size / 1e6, 1),
            "rows": rows,
            "bundle_made_s": round(made, 1),
            "bare_csv_parse_s": round(reference, 2),
            "bare_csv_parse_peak_mb": round(reference_mb, 1),
            "import_s": round(seconds, 1),
            "users_per_s": round(size["users"] / seconds),
            "rows_per_s": round(rows / seconds),
            "import_peak_rss_mb": peak_mb,
            "bare_parse_speed_ratio": round(reference / seconds, 3),
            "reimport_unchanged_s": round(again, 1),
            "reimport_peak_rss_mb": again_mb,
            "links": links,
        }
        print(json.dumps(results["oneroster"], indent=2), flush=True)
    RESULTS_DIR.mkdir(exist_ok=True)
    (RESULTS_DIR / f"oneroster-{args.db}-{stamp}.json").write_text(json.dumps(results, indent=2))
    print(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
