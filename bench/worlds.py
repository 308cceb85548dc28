"""Throwaway databases holding a generated world, shared by the benchmarks in this folder.

A benchmark gets a fresh data directory (and, for PostgreSQL, a fresh database that is dropped
afterwards), fills it with the same commands an operator runs (``risingtide manage migrate``,
``risingtide manage generate_world``) and reads back one person for each role.

``python bench/worlds.py users`` prints those people as JSON; it runs with the benchmark's
``RISINGTIDE_*`` environment so that it reads the benchmark's database.
"""

import json
import os
import platform
import shutil
import sqlite3
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

BENCH_DIR = Path(__file__).resolve().parent
REPO_DIR = BENCH_DIR.parent
RESULTS_DIR = BENCH_DIR / "results"
DEFAULT_PG_SERVER = os.environ.get(
    "RISINGTIDE_BENCH_PG_SERVER", "postgresql://postgres@127.0.0.1:5432"
)
# The roles whose home page is measured, in the order of the home page's panels.
ROLES = ["pupil", "teacher", "leading_teacher", "head", "la_lead", "national_officer"]


@dataclass
class World:
    las: int
    schools: int
    pupils_per_school: int
    seed: int = 1

    @property
    def pupils(self) -> int:
        return self.schools * self.pupils_per_school

    def describe(self) -> str:
        return (
            f"{self.las} LAs, {self.schools} schools, {self.pupils_per_school:,} pupils per "
            f"school ({self.pupils:,} pupils)"
        )


def risingtide_command() -> list[str]:
    """The ``risingtide`` console script of the running interpreter's environment."""
    script = Path(sys.executable).parent / "risingtide"
    if script.exists():
        return [str(script)]
    return [sys.executable, "-m", "risingtide.cli"]


def _pg_admin(server: str, sql: str) -> None:
    import psycopg

    with psycopg.connect(f"{server}/postgres", autocommit=True) as conn:
        conn.execute(sql)


@contextmanager
def fresh_database(db: str, pg_server: str, pg_database: str) -> Iterator[dict[str, str]]:
    """The ``RISINGTIDE_*`` environment of an empty data directory and database, removed after.

    The PostgreSQL database must not exist yet: a benchmark never drops what it did not create.
    """
    data_dir = Path(tempfile.mkdtemp(prefix="risingtide-bench-"))
    env = {"RISINGTIDE_DATA_DIR": str(data_dir)}
    created = False
    try:
        if db == "postgres":
            _pg_admin(pg_server, f'CREATE DATABASE "{pg_database}"')
            created = True
            env["RISINGTIDE_DATABASE_URL"] = f"{pg_server}/{pg_database}"
        yield env
    finally:
        if created:
            _pg_admin(pg_server, f'DROP DATABASE IF EXISTS "{pg_database}" WITH (FORCE)')
        shutil.rmtree(data_dir, ignore_errors=True)


def manage(env: dict[str, str], *args: str) -> str:
    """Run ``risingtide manage ARGS`` against the benchmark's database; its output."""
    cmd = [*risingtide_command(), "manage", *args]
    result = subprocess.run(
        cmd, env={**os.environ, **env}, capture_output=True, text=True, check=False
    )
    if result.returncode:
        raise RuntimeError(f"{' '.join(cmd)} failed:\n{result.stdout}\n{result.stderr}")
    return result.stdout


def analyze(env: dict[str, str]) -> None:
    """Give PostgreSQL's planner the statistics autovacuum would gather in the next minute or
    so, so that every page is measured with the plans a running site has, not half without."""
    url = env.get("RISINGTIDE_DATABASE_URL", "")
    if url.startswith("postgres"):
        import psycopg

        with psycopg.connect(url, autocommit=True) as conn:
            conn.execute("ANALYZE")


def build_world(env: dict[str, str], world: World) -> str:
    manage(env, "migrate", "--verbosity", "0")
    output = manage(
        env,
        "generate_world",
        "--las",
        str(world.las),
        "--schools",
        str(world.schools),
        "--pupils-per-school",
        str(world.pupils_per_school),
        "--seed",
        str(world.seed),
    ).strip()
    analyze(env)
    return output


def pick_users() -> dict[str, str]:
    """One username per role, the first of its kind (needs Django set up).

    The teacher is a class teacher who holds nothing else (the leading teacher also holds a
    school-wide teacher membership), and the pupil is one placed in a teaching group.
    """
    from risingtide.people.models import Membership, Role

    def first(**lookup) -> str:
        membership = (
            Membership.objects.filter(**lookup).select_related("user").order_by("pk").first()
        )
        if membership is None:
            raise LookupError(f"no membership matches {lookup}")
        return membership.user.username

    return {
        "pupil": first(role=Role.PUPIL, teaching_group__isnull=False),
        "teacher": first(role=Role.TEACHER, teaching_group__isnull=False),
        "leading_teacher": first(role=Role.LEADING_TEACHER),
        "head": first(role=Role.HEAD),
        "la_lead": first(role=Role.LA_LEAD),
        "national_officer": first(role=Role.NATIONAL_OFFICER),
    }


def users_of(env: dict[str, str]) -> tuple[dict[str, str], str]:
    """``pick_users`` run in a child process with the benchmark's environment, and the
    password every generated person shares."""
    result = subprocess.run(
        [sys.executable, str(Path(__file__).resolve()), "users"],
        env={**os.environ, **env, "DJANGO_SETTINGS_MODULE": "risingtide.settings"},
        capture_output=True,
        text=True,
        check=False,
    )
    if result.returncode:
        raise RuntimeError(f"picking users failed:\n{result.stderr}")
    found = json.loads(result.stdout)
    return found["users"], found["password"]


def machine() -> dict[str, object]:
    """What the figures were measured on."""
    cpu = "unknown"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    mem_gb = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 1024**3
    from importlib.metadata import version

    import django

    return {
        "cpus": os.cpu_count(),
        "cpu_model": cpu,
        "memory_gb": round(mem_gb, 1),
        "os": platform.platform(),
        "python": platform.python_version(),
        "django": django.get_version(),
        "gunicorn": version("gunicorn"),
        "psycopg": version("psycopg"),
        "sqlite": sqlite3.sqlite_version,
        "load_average_at_start": [round(x, 2) for x in os.getloadavg()],
    }


def source() -> dict[str, str]:
    """Which Rising Tide was measured: where the package is imported from, and its commit."""
    import importlib.util

    package = Path(importlib.util.find_spec("risingtide").origin).parent
    found = {"path": str(package.parent), "commit": "unknown"}

    def git(*args: str) -> str:
        return subprocess.run(
            ["git", "-C", str(package.parent), *args],
            capture_output=True,
            text=True,
            check=False,
        ).stdout.strip()

    commit = git("rev-parse", "--short", "HEAD")
    if commit:
        dirty = git("status", "--porcelain", "--", "risingtide")
        found["commit"] = commit + (" with uncommitted changes" if dirty else "")
    return found


def postgres_version(server: str) -> str:
    import psycopg

    with psycopg.connect(f"{server}/postgres") as conn:
        return conn.execute("SHOW server_version").fetchone()[0]


def make_pages(teacher: str, pupil: str, class_size: int = 30) -> dict[str, str]:
    """Pages a class uses every day, made in the generated world (needs Django set up): a
    project set to ``class_size`` pupils of the teacher's group, each with a portfolio; the
    pupil's portfolio with 30 items; another project's portfolio with 500. Their paths."""
    from risingtide.people.models import Membership, Role, User
    from risingtide.portfolios.models import Item
    from risingtide.portfolios.services import portfolio_for
    from risingtide.tasc.models import STAGE_ORDER, Assignment, Project
    from risingtide.tasc.wheels import ensure_default_wheel

    teacher_user = User.objects.get(username=teacher)
    pupil_user = User.objects.get(username=pupil)
    group = Membership.objects.get(user=pupil_user, role=Role.PUPIL, teaching_group__isnull=False)
    group = group.teaching_group
    wheel = ensure_default_wheel()
    classmates = list(
        User.objects.filter(
            memberships__teaching_group=group, memberships__role=Role.PUPIL
        ).order_by("pk")[:class_size]
    )
    if pupil_user not in classmates:
        classmates[-1:] = [pupil_user]

    def project(title: str, pupils) -> Project:
        made = Project.objects.create(
            school=group.school,
            created_by=teacher_user,
            title=title,
            key_stage="ks3",
            wheel=wheel,
            status=Project.Status.OPEN,
        )
        Assignment.objects.bulk_create(Assignment(project=made, pupil=p) for p in pupils)
        return made

    def fill(portfolio, count: int) -> None:
        Item.objects.bulk_create(
            Item(
                portfolio=portfolio,
                kind="note",
                stage=STAGE_ORDER[n % 8],
                title=f"Item {n}",
                body="Bees nest in hollow stems. " * 8,
                position=n,
                created_by=pupil_user,
            )
            for n in range(count)
        )

    class_project = project("Design a bee hotel", classmates)
    for classmate in classmates:
        portfolio = portfolio_for(classmate, class_project)
        fill(portfolio, 30 if classmate == pupil_user else 8)
    big = portfolio_for(pupil_user, project("A year of bees", [pupil_user]))
    fill(big, 500)
    return {
        "portfolio_30": f"/portfolios/{portfolio_for(pupil_user, class_project).pk}/",
        "portfolio_500": f"/portfolios/{big.pk}/",
        "progress_30": f"/projects/{class_project.pk}/progress/",
        "shell": "/accounts/password/",
    }


def pages_of(env: dict[str, str], users: dict[str, str]) -> dict[str, str]:
    """``make_pages`` run in a child process with the benchmark's environment."""
    result = subprocess.run(
        [sys.executable, str(Path(__file__).resolve()), "pages", users["teacher"], users["pupil"]],
        env={**os.environ, **env, "DJANGO_SETTINGS_MODULE": "risingtide.settings"},
        capture_output=True,
        text=True,
        check=False,
    )
    if result.returncode:
        raise RuntimeError(f"making the pages failed:\n{result.stderr}")
    return json.loads(result.stdout)


if __name__ == "__main__":
    if sys.argv[1:2] not in (["users"], ["pages"]):
        sys.exit("usage: worlds.py users | pages TEACHER PUPIL  (with the RISINGTIDE_* env)")
    import django

    django.setup()
    if sys.argv[1] == "pages":
        print(json.dumps(make_pages(sys.argv[2], sys.argv[3])))
        sys.exit(0)
    from risingtide.demo.world import DEMO_PASSWORD

    print(json.dumps({"users": pick_users(), "password": DEMO_PASSWORD}))


# --- Timing inside a bench's own Django process ------------------------------------------------

# A scenario bench sends its measuring script to ``risingtide manage shell -c``, so the timing
# loop it shares with the other benches is source text put in front of that script (``TIMING +
# script``), not an import: the shell's process does not have this folder on its path.
TIMING = r'''
import statistics as _statistics
import time as _time

from django.db import connection as _connection


def summary(times, queries):
    """p50 and p95 (in ms) of some timings, with the request count and the queries of one."""
    times = sorted(times)
    return {"requests": len(times), "queries": queries,
        "p50_ms": _statistics.median(times) * 1000,
        "p95_ms": times[max(int(len(times) * 0.95) - 1, 0)] * 1000}


def queries_of(call):
    """How many SQL queries one call makes."""
    seen = []
    def count(execute, sql, params_, many, context):
        seen.append(sql)
        return execute(sql, params_, many, context)
    with _connection.execute_wrapper(count):
        call()
    return len(seen)


def time_requests(request, repeat):
    """Warm up twice (each answer must be 200), count one request's queries, then time
    ``repeat`` requests: returns (times in seconds, queries). ``request`` makes one request."""
    for _ in range(2):
        response = request()
        assert response.status_code == 200, (response.status_code, response)
    queries = queries_of(request)
    times = []
    for _ in range(repeat):
        started = _time.perf_counter()
        request()
        times.append(_time.perf_counter() - started)
    return times, queries


def time_pages(client, urls, repeat):
    """Each URL of a scenario fetched ``repeat`` times (after warming up) through ``client``:
    the summary of all the timings, with the most queries any one URL made."""
    times, queries = [], 0
    for url in urls:
        some, made = time_requests(lambda url=url: client.get(url, secure=True), repeat)
        times += some
        queries = max(queries, made)
    return summary(times, queries)


def time_sql(sql, args, repeat):
    """The reference: the same answer in raw SQL, no Django. Returns (summary, last rows)."""
    times = []
    with _connection.cursor() as cursor:
        for _ in range(repeat):
            started = _time.perf_counter()
            cursor.execute(sql, args)
            rows = cursor.fetchall()
            times.append(_time.perf_counter() - started)
    return summary(times, 1), rows
'''


def print_table(results: dict, width: int, ratios: dict[str, tuple[str, float, str]]) -> None:
    """The results, one scenario a row. ``ratios`` names each ratio column: heading → (which
    time of a row, the reference's time, number format), e.g. ``{"p95 ÷ raw p50": ("p95_ms",
    raw, ".1f")}``."""
    heads = "".join(f" {head:>{max(len(head), 8)}}" for head in ratios)
    print(
        f"  {'scenario':<{width}} {'requests':>8} {'queries':>7} {'p50 ms':>8} {'p95 ms':>8}"
        + heads
    )
    for name, row in results.items():
        cells = "".join(
            f" {row[key] / reference:>{max(len(head), 8)}{fmt}}"
            for head, (key, reference, fmt) in ratios.items()
        )
        print(
            f"  {name:<{width}} {row['requests']:>8} {row['queries']:>7} {row['p50_ms']:>8.2f} "
            f"{row['p95_ms']:>8.2f}" + cells
        )
