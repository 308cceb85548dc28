"""Importing pupil data (issue 5): a school's CTF of 2,000 pupils, and an LA-wide CSV of
200,000 pupils, each through the command a data manager runs.

1. CTF, parse and validate: ``read_ctf`` on a 2,000-pupil CTF against a bare lxml parse of
   the same bytes (``etree.fromstring``, nothing else), ``--repeat`` runs of each, interleaved,
   in one process; the ratio also as the median of each pair's (``--ctf-read-only``: only
   this step). Target: the parse-and-validate stage at least half the bare parse's speed.
2. CTF, end to end: ``risingtide manage import_pupils FILE --school URN`` into an empty school
   (read, check, write pupils, FSM periods and results in one transaction), then the same file
   again (every pupil unchanged, nothing written).
3. LA-wide CSV: ``risingtide manage import_pupils FILE --la 801 --format csv`` with 200,000
   pupils over 100 schools, timed from process start to exit, with the process's peak memory
   (its maximum resident set, from ``wait4``). Reference: a bare ``csv.reader`` pass over the
   same file in this process. Targets: at least 10,000 pupils/s end to end on PostgreSQL, peak
   memory under 500 MB.

    python bench/register_import_bench.py --db sqlite
    python bench/register_import_bench.py --db postgres
"""

import argparse
import csv
import json
import os
import subprocess
import sys
import time
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

PARSE = r"""
import statistics, time
from lxml import etree
from risingtide.register.ctf.reading import read_ctf
data = open({path!r}, "rb").read()
def timed(fn):
    start = time.perf_counter(); fn(); return time.perf_counter() - start
# Interleaved, so a busy machine slows both alike; the ratio is the median of the pairs'.
bares, checks = [], []
for _ in range({repeat}):
    bares.append(timed(lambda: etree.fromstring(data)))
    checks.append(timed(lambda: read_ctf(data)))
bare, checked = statistics.median(bares), statistics.median(checks)
paired = statistics.median(b / c for b, c in zip(bares, checks))
parsed = read_ctf(data)
assert not parsed.errors and len(parsed.pupils) == {pupils}, parsed.errors[:3]
print("RESULT", bare, checked, paired)
"""


# What the two imports wrote: every pupil, and an FSM period for each fourth one of each file.
WRITTEN = r"""
from risingtide.register.models import FsmPeriod, Pupil
print("RESULT", Pupil.objects.count(), FsmPeriod.objects.count())
"""


def write_ctf(path: Path, pupils: int) -> None:
    from risingtide.register.tests import ctf_files

    layouts = ctf_files.LAYOUTS
    path.write_bytes(ctf_files.ctf([ctf_files.pupil_xml(n, layouts[n % 2]) for n in range(pupils)]))


ETHNICITIES = ["WBRI", "WIRI", "APKN", "AIND", "BAFR", "BCRB", "MWBC", "CHNE", "WROM", "NOBT"]


def write_csv(path: Path, pupils: int, schools: int) -> None:
    """An LA-wide export in the shape of a SIMS report: one row per pupil, school by URN."""
    from risingtide.register.upn import make_upn

    with path.open("w", newline="", encoding="utf-8") as handle:
        out = csv.writer(handle)
        out.writerow(["URN", "UPN", "Legal Surname", "Legal Forename", "Preferred Forename",
                      "DOB", "Gender", "NC Year", "Ethnicity", "First Language", "SEN Provision",
                      "FSM Eligible", "In Care"])  # fmt: skip
        for n in range(pupils):
            school, place = n % schools, n // schools
            out.writerow([
                500000 + school, make_upn(801, 2000 + school, 10 + place // 1000, place % 1000),
                f"Surname{n}", f"Forename{n}", "" if n % 7 else f"Pref{n}",
                f"{(n % 28) + 1:02d}/{(n % 12) + 1:02d}/{2008 + n % 8}", "MF"[n % 2],
                str(7 + n % 5), ETHNICITIES[n % 10], "ENG" if n % 5 else "URD",
                "K" if n % 9 == 0 else "", "Y" if n % 4 == 0 else "N", "N",
            ])  # fmt: skip


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
    process.returncode = os.waitstatus_to_exitcode(status)
    if process.returncode:
        raise RuntimeError(f"{' '.join(cmd)} exited {process.returncode}:\n{output[-3000:]}")
    return seconds, usage.ru_maxrss // 1024, output


def bare_csv(path: Path) -> float:
    start = time.perf_counter()
    with path.open(newline="", encoding="utf-8") as handle:
        rows = sum(1 for _ in csv.reader(handle))
    assert rows > 1
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", choices=["sqlite", "postgres"], default="sqlite")
    parser.add_argument("--pg-server", default="postgresql://postgres@127.0.0.1:5432")
    parser.add_argument("--ctf-pupils", type=int, default=2000)
    parser.add_argument("--csv-pupils", type=int, default=200_000)
    parser.add_argument("--schools", type=int, default=100)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument(
        "--ctf-read-only", action="store_true", help="only step 1: read_ctf against the parse"
    )
    args = parser.parse_args()
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S")
    results: dict = {"db": args.db, "machine": machine(), "at": stamp}
    with fresh_database(args.db, args.pg_server, f"rt_bench_register_{stamp.lower()}") as env:
        data = Path(env["RISINGTIDE_DATA_DIR"])
        manage(env, "migrate", "-v0")
        manage(env, "shell", "-c", SETUP.replace("{schools}", str(args.schools)))

        ctf_path = data / "8012000_CTF_8012000_001.xml"
        write_ctf(ctf_path, args.ctf_pupils)
        out = manage(env, "shell", "-c", PARSE.format(path=str(ctf_path), repeat=args.repeat,
                                                      pupils=args.ctf_pupils))  # fmt: skip
        bare, checked, paired = map(float, out.split("RESULT", 1)[1].split())
        results["ctf"] = {
            "pupils": args.ctf_pupils,
            "bytes": ctf_path.stat().st_size,
            "bare_parse_ms": round(bare * 1000, 1),
            "read_ctf_ms": round(checked * 1000, 1),
            "speed_vs_bare_parse": round(bare / checked, 2),
            "paired_speed_median": round(paired, 2),
        }
        if args.ctf_read_only:
            print(json.dumps(results["ctf"], indent=2), flush=True)
            return
        first, first_mb, _ = run_command(env, "import_pupils", str(ctf_path), "--school", "500000")
        again, _, again_out = run_command(env, "import_pupils", str(ctf_path), "--school", "500000")
        assert f"{args.ctf_pupils} unchanged" in again_out, again_out
        results["ctf"] |= {
            "import_s": round(first, 2),
            "import_peak_mb": first_mb,
            "reimport_unchanged_s": round(again, 2),
        }
        print(json.dumps(results["ctf"], indent=2), flush=True)

        csv_path = data / "la-801-pupils.csv"
        write_csv(csv_path, args.csv_pupils, args.schools)
        reference = bare_csv(csv_path)
        seconds, peak_mb, output = run_command(
            env, "import_pupils", str(csv_path), "--la", "801", "--format", "csv"
        )
        assert f"{args.csv_pupils} new" in output, output[-2000:]
        written = manage(env, "shell", "-c", WRITTEN).split("RESULT", 1)[1].split()
        expected = (
            args.ctf_pupils + args.csv_pupils,
            -(-args.ctf_pupils // 4) - (-args.csv_pupils // 4),
        )
        assert tuple(map(int, written)) == expected, (written, expected)
        results["csv"] = {
            "pupils": args.csv_pupils,
            "schools": args.schools,
            "megabytes": round(csv_path.stat().st_size / 1e6, 1),
            "bare_csv_reader_s": round(reference, 2),
            "import_s": round(seconds, 1),
            "pupils_per_s": round(args.csv_pupils / seconds),
            "peak_mb": peak_mb,
            "bare_reader_speed_ratio": round(reference / seconds, 3),
        }
        print(json.dumps(results["csv"], indent=2), flush=True)
    RESULTS_DIR.mkdir(exist_ok=True)
    (RESULTS_DIR / f"register-import-{args.db}-{stamp}.json").write_text(
        json.dumps(results, indent=2)
    )
    print(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
