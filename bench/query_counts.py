"""SQL queries and in-process time of each role's home page, for worlds of different sizes.

    python bench/query_counts.py [--db sqlite|postgres] [--sizes 100,1000] [--las 2 --schools 6]

For each size (pupils per school) the same fresh database is emptied and filled with
``generate_world``; one person of each role is signed in with the test client (no password
hashing) and their home page is requested: the number of SQL queries must not change with the
size, while the time may (the counts the pages show are computed by the database). The asserting
test lives in risingtide/home/tests/; this is the measurement behind docs/performance.md.

Times are of the whole request through every middleware, one client, no HTTP server: the median
of ``--repeat`` requests. Beside it, the median time of the same SQL statements run again on
their own (execute and fetch every row): what the database costs, the rest being Python.
"""

import argparse
import json
import os
import secrets
import statistics
import sys
import time
import warnings
from datetime import UTC, datetime

import worlds

PAGES = [("/healthz", None), ("/accounts/login/", None)] + [("/", role) for role in worlds.ROLES]


def _label(path: str, role: str | None) -> str:
    return f"/ ({role})" if role else path


class _Recorder(list):
    """A database execute wrapper that keeps each statement with its parameters."""

    def __call__(self, execute, sql, params, many, context):
        self.append((sql, params))
        return execute(sql, params, many, context)


def _sql_seconds(statements: list[tuple[str, object]]) -> float:
    """Time to run a page's statements again, fetching every row, without the ORM."""
    from django.db import connection

    connection.ensure_connection()
    begun = time.perf_counter()
    with connection.cursor() as cursor:
        for sql, params in statements:
            cursor.execute(sql, params)
            if cursor.description:
                cursor.fetchall()
    return time.perf_counter() - begun


def measure_world(world: worlds.World, repeat: int) -> dict[str, dict[str, float]]:
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from risingtide.people.models import User

    call_command("flush", interactive=False, verbosity=0)
    call_command(
        "generate_world",
        las=world.las,
        schools=world.schools,
        pupils_per_school=world.pupils_per_school,
        seed=world.seed,
        verbosity=0,
        stdout=open(os.devnull, "w"),  # noqa: SIM115 - closed with the process
    )
    worlds.analyze({"RISINGTIDE_DATABASE_URL": os.environ.get("RISINGTIDE_DATABASE_URL", "")})
    users = worlds.pick_users()
    found = {}
    for path, role in PAGES:
        client = Client()
        if role:
            client.force_login(User.objects.get(username=users[role]))
        for _ in range(3):  # warm the template and URL caches
            client.get(path)
        statements = _Recorder()
        with CaptureQueriesContext(connection) as captured, connection.execute_wrapper(statements):
            response = client.get(path)
        # Read now: the next request clears the connection's query log this count comes from.
        count = len(captured.captured_queries)
        if response.status_code != 200:
            raise RuntimeError(f"{_label(path, role)} gave {response.status_code}")
        times = []
        for _ in range(repeat):
            begun = time.perf_counter()
            client.get(path)
            times.append(time.perf_counter() - begun)
        sql_times = [_sql_seconds(statements) for _ in range(repeat)]
        found[_label(path, role)] = {
            "queries": count,
            "median_ms": statistics.median(times) * 1000,
            "sql_median_ms": statistics.median(sql_times) * 1000,
            "sql": [sql for sql, _params in statements],
        }
    return found


def table(sizes: list[int], runs: dict[int, dict[str, dict[str, float]]]) -> str:
    first = runs[sizes[0]]
    cols = [f"q@{n}" for n in sizes] + [f"ms@{n}" for n in sizes] + [f"sql ms@{n}" for n in sizes]
    head = f"{'page':<22} " + " ".join(f"{c:>11}" for c in cols) + "  constant?"
    lines = [head, "-" * len(head)]
    for label in first:
        cells = [f"{runs[n][label]['queries']:>11}" for n in sizes]
        cells += [f"{runs[n][label]['median_ms']:>11.2f}" for n in sizes]
        cells += [f"{runs[n][label]['sql_median_ms']:>11.2f}" for n in sizes]
        constant = len({runs[n][label]["queries"] for n in sizes}) == 1
        lines.append(f"{label:<22} " + " ".join(cells) + ("  yes" if constant else "  NO"))
    return "\n".join(lines)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", choices=["sqlite", "postgres"], default="sqlite")
    parser.add_argument("--sizes", default="100,1000", help="pupils per school, comma-separated")
    parser.add_argument("--las", type=int, default=2)
    parser.add_argument("--schools", type=int, default=6)
    parser.add_argument("--repeat", type=int, default=100, help="timed requests per page")
    parser.add_argument("--pg-server", default=worlds.DEFAULT_PG_SERVER)
    parser.add_argument("--pg-database", default="bench", help="created, then dropped")
    args = parser.parse_args()
    sizes = [int(n) for n in args.sizes.split(",")]
    report: dict[str, object] = {
        "benchmark": "query_counts",
        "started_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "command": " ".join(["python", "bench/query_counts.py", *sys.argv[1:]]),
        "db": args.db,
        "machine": worlds.machine(),
        "source": worlds.source(),
    }
    runs = {}
    with worlds.fresh_database(args.db, args.pg_server, args.pg_database) as env:
        os.environ.update(
            env,
            DJANGO_SETTINGS_MODULE="risingtide.settings",
            RISINGTIDE_SECRET_KEY=secrets.token_urlsafe(50),
            RISINGTIDE_HTTPS="0",
            RISINGTIDE_ALLOWED_HOSTS="testserver",
        )
        # Static files are served from the app folders; there is no collected directory here.
        warnings.filterwarnings("ignore", message="No directory at")
        import django
        from django.core.management import call_command
        from django.db import connections

        django.setup()
        call_command("migrate", verbosity=0)
        try:
            for n in sizes:
                world = worlds.World(args.las, args.schools, n)
                print(f"{args.db}: {world.describe()}", flush=True)
                runs[n] = measure_world(world, args.repeat)
        finally:
            connections.close_all()
    report["sizes"] = sizes
    report["world"] = {"las": args.las, "schools": args.schools}
    report["results"] = {str(n): runs[n] for n in sizes}
    print()
    print(f"Rising Tide {report['source']['commit']} ({report['source']['path']})")
    print(table(sizes, runs))
    worlds.RESULTS_DIR.mkdir(exist_ok=True)
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    out = worlds.RESULTS_DIR / f"{stamp}-queries-{args.db}.json"
    out.write_text(json.dumps(report, indent=2) + "\n")
    print(f"\nWritten to {out.relative_to(worlds.REPO_DIR)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
