"""A school (or a class) at work at once, against real ``risingtide serve`` processes on loopback.

    python bench/load_bench.py --school     # 300 people, PostgreSQL, two app servers
    python bench/load_bench.py --class      # a class of 30 and its teacher, embedded SQLite
    python bench/load_bench.py --db postgres --users 300 --servers 2 --duration 120

Builds a throwaway world (``worlds.py``: fresh data directory and database, ``generate_world``)
with one school, sets each teacher a project for the pupils they teach (each pupil's portfolio
with a note), signs every person in (a session made as the sign-in form makes it; the form
itself is measured by ``serve_bench.py``), starts ``--servers`` app servers and one background
worker, and then lets everyone work for ``--duration`` seconds after a ``--ramp`` in which they
arrive, each with a think time between actions, as people do:

- pupils open their board, autosave their note every few seconds (the editor's save: a
  version-checked POST) and now and then clip a web page (the page is fetched by the worker,
  from one of our own servers: nothing leaves the machine);
- teachers look at the progress grid of their class;
- the coordinator imports the school's pupil file (CSV), opens the import and polls its progress
  while the worker checks it.

Reports, per kind of request, p50/p95/p99, errors (any answer that is not the expected status)
and throughput, and writes them as JSON to bench/results/<time>-load-<db>.json. Bounded: every
client stops at the deadline, and a request waits at most 30 s. Exits non-zero on any error.
"""

import argparse
import json
import math
import os
import random
import secrets
import subprocess
import sys
import threading
import time
from collections import Counter, defaultdict
from datetime import UTC, datetime
from pathlib import Path

import load_people as people
import serve_bench
import worlds
from load_people import EXPECTED, HOST

# --- Preparing the world (runs in a child process with the benchmark's environment) -------------


def prepare(users: int, class_only: bool, out_dir: Path) -> dict:
    """Projects, portfolios, notes and sessions for ``users`` people of the generated school."""
    from django.contrib.auth import BACKEND_SESSION_KEY
    from django.test import Client

    from risingtide.people.backends import PERSON_BACKEND
    from risingtide.people.models import Membership, Role, User
    from risingtide.portfolios.services import add_note, portfolio_for
    from risingtide.register.tests.tabular_files import csv_bytes
    from risingtide.schools.models import School
    from risingtide.tasc.models import Assignment, Project
    from risingtide.tasc.wheels import ensure_default_wheel

    school = School.objects.order_by("pk").first()
    wheel = ensure_default_wheel()

    def session(user) -> str:
        client = Client()
        client.force_login(user, backend=PERSON_BACKEND)
        assert client.session[BACKEND_SESSION_KEY] == PERSON_BACKEND
        return client.cookies["sessionid"].value

    teaching = (
        Membership.objects.filter(school=school, role=Role.TEACHER, teaching_group__isnull=False)
        .select_related("user", "teaching_group")
        .order_by("pk")
    )
    by_teacher: dict[User, list] = defaultdict(list)
    for membership in teaching:
        by_teacher[membership.user].append(membership.teaching_group)
    teachers = list(by_teacher)[:1] if class_only else list(by_teacher)
    groups = [by_teacher[teachers[0]][0]] if class_only else None
    coordinator = None
    if not class_only:
        coordinator = (
            Membership.objects.filter(school=school, role=Role.LEADING_TEACHER).first().user
        )
    room = users - len(teachers) - (1 if coordinator else 0)
    plan = {"pupils": [], "teachers": [], "coordinator": None}
    for teacher in teachers:
        taught = groups or by_teacher[teacher]
        pupils = list(
            User.objects.filter(
                memberships__teaching_group__in=taught, memberships__role=Role.PUPIL
            )
            .distinct()
            .order_by("pk")
        )
        # The school's pupils shared out over its teachers; a class: the whole class.
        share = room if class_only else math.ceil(room / len(teachers))
        pupils = pupils[: max(0, min(share, room - len(plan["pupils"])))]
        project = Project.objects.create(
            school=school,
            created_by=teacher,
            title="Design a bee hotel",
            key_stage="ks3",
            wheel=wheel,
            status=Project.Status.OPEN,
        )
        Assignment.objects.bulk_create(Assignment(project=project, pupil=p) for p in pupils)
        for pupil in pupils:
            portfolio = portfolio_for(pupil, project)
            note = add_note(pupil, portfolio, "gather", "What I know", "Bees nest in stems.")
            plan["pupils"].append(
                {"cookie": session(pupil), "portfolio": portfolio.pk, "note": note.pk}
            )
        plan["teachers"].append(
            {"cookie": session(teacher), "progress": f"/projects/{project.pk}/progress/"}
        )
    if coordinator is not None:
        csv_path = out_dir / "pupils.csv"
        csv_path.write_bytes(csv_bytes(200, "sims"))
        plan["coordinator"] = {
            "cookie": session(coordinator),
            "imports": f"/schools/{school.pk}/register/imports/",
            "csv": str(csv_path),
        }
    return plan


def prepared(env: dict[str, str], users: int, class_only: bool) -> dict:
    out_dir = Path(env["RISINGTIDE_DATA_DIR"])
    result = subprocess.run(
        [sys.executable, __file__, "prepare", str(users), str(int(class_only)), str(out_dir)],
        env={**os.environ, **env, "DJANGO_SETTINGS_MODULE": "risingtide.settings"},
        capture_output=True,
        text=True,
        check=False,
    )
    if result.returncode:
        raise RuntimeError(f"preparing the world failed:\n{result.stderr}")
    return json.loads(result.stdout)


# --- Running it -----------------------------------------------------------------------------------


def _percentile(ordered: list[float], q: float) -> float:
    return ordered[max(0, math.ceil(q * len(ordered)) - 1)] * 1000 if ordered else math.nan


def run_load(plan: dict, ports: list[int], args) -> tuple[dict, list[str], float]:
    start = time.perf_counter() + 0.5
    measure_from = start + args.ramp
    deadline = measure_from + args.duration
    master = random.Random(args.seed)
    threads, tallies = [], []

    def arrive(delay, work, cookie, item):
        time.sleep(delay)
        tally = people.Tally()
        tallies.append(tally)
        rng = random.Random(master.random())
        work(people.Person(ports, cookie, deadline, measure_from, rng, tally), item)

    crowd = [(people.pupil, p) for p in plan["pupils"]]
    crowd += [(people.teacher, t) for t in plan["teachers"]]
    if plan["coordinator"]:
        crowd.append((people.coordinator, plan["coordinator"]))
    for work, item in crowd:
        work_of = work if work is not people.pupil else (lambda p, i: people.pupil(p, i, ports[0]))
        delay = max(0.0, start - time.perf_counter()) + master.uniform(0, args.ramp)
        thread = threading.Thread(
            target=arrive, args=(delay, work_of, item["cookie"], item), daemon=True
        )
        threads.append(thread)
        thread.start()
    for thread in threads:
        thread.join(timeout=max(1.0, deadline - time.perf_counter() + 35))
    times, errors, examples, conflicts = defaultdict(list), defaultdict(Counter), [], 0
    for tally in tallies:
        for kind, some in tally.times.items():
            times[kind] += some
        for kind, counts in tally.errors.items():
            errors[kind] += counts
        examples += tally.examples
        conflicts += tally.conflicts
    rows = {}
    for kind in EXPECTED:
        ordered = sorted(times.get(kind, []))
        rows[kind] = {
            "requests": len(ordered),
            "errors": dict(errors.get(kind, {})),
            "rps": len(ordered) / args.duration,
            "p50_ms": _percentile(ordered, 0.50),
            "p95_ms": _percentile(ordered, 0.95),
            "p99_ms": _percentile(ordered, 0.99),
            "max_ms": ordered[-1] * 1000 if ordered else math.nan,
        }
    rows["autosave (pupil)"]["conflicts_after_timeouts"] = conflicts
    return rows, examples[:10], len(crowd)


def start_worker(env: dict[str, str], log: Path) -> subprocess.Popen:
    with log.open("wb") as out:
        return subprocess.Popen(
            [*worlds.risingtide_command(), "worker"],
            env={**os.environ, **env},
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )


def table(rows: dict) -> str:
    head = (
        f"{'kind':<30} {'requests':>8} {'errors':>6} {'req/s':>6} {'p50 ms':>7} "
        f"{'p95 ms':>7} {'p99 ms':>7}"
    )
    lines = [head, "-" * len(head)]
    for kind, r in rows.items():
        if not r["requests"] and not r["errors"]:
            continue  # a kind nobody in this run does (a class has no coordinator)
        lines.append(
            f"{kind:<30} {r['requests']:>8} {sum(r['errors'].values()):>6} {r['rps']:>6.1f} "
            f"{r['p50_ms']:>7.0f} {r['p95_ms']:>7.0f} {r['p99_ms']:>7.0f}"
        )
    total = sum(r["requests"] for r in rows.values())
    failed = sum(sum(r["errors"].values()) for r in rows.values())
    lines.append(f"{'all':<30} {total:>8} {failed:>6} {sum(r['rps'] for r in rows.values()):>6.1f}")
    return "\n".join(lines)


def run(args) -> int:
    class_only = args.db == "sqlite" and args.servers == 1 and args.users <= 40
    pupils_per_school = 210 if class_only else args.users
    world = worlds.World(1, 1, pupils_per_school, args.seed)
    started = time.monotonic()
    report: dict[str, object] = {
        "benchmark": "load",
        "started_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "command": " ".join(["python", "bench/load_bench.py", *sys.argv[1:]]),
        "db": args.db,
        "users": args.users,
        "servers": args.servers,
        "workers_per_server": args.workers,
        "duration_s": args.duration,
        "ramp_s": args.ramp,
        "machine": worlds.machine(),
        "machine_busy_before_percent": round(serve_bench.machine_busy_percent(), 1),
        "source": worlds.source(),
    }
    with worlds.fresh_database(args.db, args.pg_server, args.pg_database) as env:
        ports = [serve_bench._free_port() for _ in range(args.servers)]
        env.update(
            RISINGTIDE_SECRET_KEY=secrets.token_urlsafe(50),
            RISINGTIDE_HTTPS="1",
            RISINGTIDE_BEHIND_PROXY="1",
            RISINGTIDE_ALLOWED_HOSTS=HOST,
            # Brotli copies of the static files are minutes of processor time on a busy
            # machine, and no request here fetches a static file.
            RISINGTIDE_STATIC_COMPRESS="0",
        )
        print(f"Generating a world on {args.db}: {world.describe()}", flush=True)
        print(" ", worlds.build_world(env, world).removeprefix("Generated "), flush=True)
        plan = prepared(env, args.users, class_only)
        print(
            f"  {len(plan['pupils'])} pupils, {len(plan['teachers'])} teachers, "
            f"{1 if plan['coordinator'] else 0} coordinator signed in",
            flush=True,
        )
        data_dir = Path(env["RISINGTIDE_DATA_DIR"])
        servers, worker = [], None
        try:
            for number, port in enumerate(ports):
                server_args = argparse.Namespace(workers=args.workers, threads=args.threads)
                log = data_dir / f"server-{number}.log"
                servers.append(serve_bench.start_server(env, server_args, port, log))
            # Clippings are fetched by the worker from our own first server: nothing leaves
            # loopback. (Only the worker is told: a server refuses to start with it set.)
            worker_env = {**env, "RISINGTIDE_FETCH_ALLOW_HOSTS": f"{HOST}:{ports[0]}"}
            worker = start_worker(worker_env, data_dir / "worker.log")
            print(f"  {args.servers} servers on ports {ports}, one worker", flush=True)
            rows, examples, crowd = run_load(plan, ports, args)
        finally:
            for server in servers:
                serve_bench.stop_server(server)
            if worker is not None:
                serve_bench.stop_server(worker)
    report["people"] = crowd
    report["results"] = rows
    report["error_examples"] = examples
    report["load_average_at_end"] = [round(x, 2) for x in os.getloadavg()]
    report["elapsed_s"] = round(time.monotonic() - started, 1)
    print()
    print(
        f"Rising Tide {report['source']['commit']}: {args.db}, {crowd} people, "
        f"{args.servers} server(s) × {args.workers} workers, {args.duration:.0f} s measured"
    )
    print(table(rows))
    conflicts = rows["autosave (pupil)"]["conflicts_after_timeouts"]
    if conflicts:
        print(f"autosaves a version behind after a timed-out save (409, not errors): {conflicts}")
    print(f"load average at the end: {report['load_average_at_end']}")
    for line in examples:
        print("  error:", line)
    worlds.RESULTS_DIR.mkdir(exist_ok=True)
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    out = worlds.RESULTS_DIR / f"{stamp}-load-{args.db}.json"
    out.write_text(json.dumps(report, indent=2) + "\n")
    print(f"\nWritten to {out.relative_to(worlds.REPO_DIR)} ({report['elapsed_s']} s in all)")
    failed = sum(sum(r["errors"].values()) for r in rows.values())
    return 1 if failed else 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    preset = parser.add_mutually_exclusive_group()
    preset.add_argument("--school", action="store_true", help="300 people, PostgreSQL, two servers")
    preset.add_argument(
        "--class", dest="klass", action="store_true", help="a class of 30 on SQLite"
    )
    parser.add_argument("--db", choices=["sqlite", "postgres"], default="sqlite")
    parser.add_argument("--users", type=int, default=31)
    parser.add_argument("--servers", type=int, default=1)
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers per server")
    parser.add_argument("--threads", type=int, default=4, help="threads per gunicorn worker")
    parser.add_argument("--duration", type=float, default=90, help="seconds measured")
    parser.add_argument("--ramp", type=float, default=15, help="seconds in which people arrive")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--pg-server", default=worlds.DEFAULT_PG_SERVER)
    parser.add_argument("--pg-database", default="bench_load", help="created, then dropped")
    args = parser.parse_args()
    if args.school:
        args.db, args.users, args.servers = "postgres", 300, 2
    elif args.klass:
        args.db, args.users, args.servers = "sqlite", 31, 1
    return run(args)


if __name__ == "__main__":
    if sys.argv[1:2] == ["prepare"]:
        import django

        django.setup()
        print(json.dumps(prepare(int(sys.argv[2]), sys.argv[3] == "1", Path(sys.argv[4]))))
        sys.exit(0)
    sys.exit(main())
