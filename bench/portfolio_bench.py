"""Portfolio benchmarks (issue 3), on SQLite or PostgreSQL.

1. Pages: a portfolio of 500 items and 1,000 connections — the portfolio page, the connections
   page and the graph data — timed in-process with Django's test client against ``/healthz``
   through the same client (the reference), with the SQL query count of each.
2. Autosave: a class of 30 pupils, each saving their own note every 1–2 s for 60 s against a
   real ``risingtide serve``: p50/p95 save latency, and every error (a "database is locked"
   would show as a 500).

    python bench/portfolio_bench.py --db sqlite
    python bench/portfolio_bench.py --db postgres
"""

import argparse
import json
import os
import random
import socket
import statistics
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from datetime import UTC, datetime
from http.cookiejar import CookieJar
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from worlds import RESULTS_DIR, fresh_database, manage, risingtide_command

PAGES_SCRIPT = r"""
import json, random, statistics, time
from django.db import connection
from django.test import Client
from risingtide.demo import world
from risingtide.people.models import User
from risingtide.portfolios.models import Connection, Item
from risingtide.portfolios.services import portfolio_for
from risingtide.tasc.models import Project, STAGE_ORDER

world.load_demo()
pupil = User.objects.get(username="pupil")
portfolio = portfolio_for(pupil, Project.objects.get(title="Design a bee hotel"))
rng = random.Random(1)
items = Item.objects.bulk_create(
    Item(portfolio=portfolio, kind="note", stage=STAGE_ORDER[n % 8], title=f"Item {n}",
         body="Bees " * 40, position=n, created_by=pupil, importance=n % 6)
    for n in range(500)
)
if items[0].pk is None:
    items = list(Item.objects.filter(portfolio=portfolio).order_by("pk"))
pairs = set()
while len(pairs) < 1000:
    a, b = rng.sample(items, 2)
    pairs.add((a.pk, b.pk))
Connection.objects.bulk_create(
    Connection(portfolio=portfolio, source_id=a, target_id=b, label="supports", reason="Because")
    for a, b in pairs
)
client = Client()
client.force_login(pupil)
urls = {
    "reference /healthz": "/healthz",
    "portfolio page": f"/portfolios/{portfolio.pk}/",
    "connections page": f"/portfolios/{portfolio.pk}/connections/",
    "graph data": f"/portfolios/{portfolio.pk}/graph.json",
}
out = {}
for name, url in urls.items():
    for _ in range(3):
        assert client.get(url, secure=True).status_code == 200, url
    q = []
    def count(execute, sql, params, many, context):
        q.append(sql)
        return execute(sql, params, many, context)
    with connection.execute_wrapper(count):
        client.get(url, secure=True)
    times = []
    for _ in range(REPEAT):
        t = time.perf_counter()
        r = client.get(url, secure=True)
        times.append(time.perf_counter() - t)
        assert r.status_code == 200
    times.sort()
    out[name] = {"queries": len(q), "p50_ms": statistics.median(times) * 1000,
                 "p95_ms": times[int(len(times) * 0.95) - 1] * 1000, "bytes": len(r.content)}
print("RESULT" + json.dumps(out))
"""


def run_pages(env: dict[str, str], repeat: int) -> dict:
    code = PAGES_SCRIPT.replace("REPEAT", str(repeat))
    output = manage({**env, "RISINGTIDE_ALLOWED_HOSTS": "testserver"}, "shell", "-c", code)
    return json.loads(output.split("RESULT", 1)[1])


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def run_autosave(env: dict[str, str], pupils: int, seconds: float) -> dict:
    """30 pupils autosaving through a real server: each has their own note in one class."""
    setup = f"""
from risingtide.people.models import User, Membership
from risingtide.portfolios.services import add_note, portfolio_for
from risingtide.tasc.models import Project
project = Project.objects.get(title="Design a bee hotel")
group = project.assignments.first().teaching_group
members = Membership.objects.filter(teaching_group=group, role="pupil")
ids = list(members.values_list("user_id", flat=True)[:{pupils}])
out = []
for user in User.objects.filter(pk__in=ids):
    note = add_note(user, portfolio_for(user, project), "gather", "My note")
    out.append([user.username, note.pk])
print("RESULT" + __import__("json").dumps(out))
"""
    notes = json.loads(manage(env, "shell", "-c", setup).split("RESULT", 1)[1])
    port = _free_port()
    server_env = {
        **os.environ,
        **env,
        "RISINGTIDE_SECRET_KEY": "bench-" + "s" * 50,
        "RISINGTIDE_HTTPS": "0",
        "RISINGTIDE_ALLOWED_HOSTS": "127.0.0.1",
    }
    server = subprocess.Popen(
        [
            *risingtide_command(),
            "serve",
            "--dev",
            "--port",
            str(port),
            "--workers",
            "2",
            "--threads",
            "8",
            "--no-collectstatic",
        ],
        env=server_env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(120):
            try:
                urllib.request.urlopen(base + "/healthz", timeout=1).read()
                break
            except OSError:
                time.sleep(0.25)
        latencies: list[float] = []
        errors: list[str] = []
        lock = threading.Lock()

        def pupil(username: str, note: int) -> None:
            jar = CookieJar()
            opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
            opener.open(base + "/accounts/login/").read()
            token = next(c.value for c in jar if c.name == "csrftoken")
            form = {
                "username": username,
                "password": "rising-tide-demo",
                "csrfmiddlewaretoken": token,
            }
            request = urllib.request.Request(
                base + "/accounts/login/",
                urllib.parse.urlencode(form).encode(),
                headers={"Referer": base + "/accounts/login/"},
            )
            opener.open(request).read()
            token = next(c.value for c in jar if c.name == "csrftoken")
            version, text, rng = 1, "", random.Random(note)
            end = time.monotonic() + seconds
            while time.monotonic() < end:
                text += rng.choice(["Bees ", "nest ", "in ", "stems. "])
                body = urllib.parse.urlencode({"body": text, "version": version}).encode()
                request = urllib.request.Request(
                    f"{base}/items/{note}/save/",
                    body,
                    headers={"X-CSRFToken": token, "Referer": base + "/"},
                )
                started = time.perf_counter()
                try:
                    with opener.open(request, timeout=30) as response:
                        version = json.loads(response.read())["version"]
                    with lock:
                        latencies.append(time.perf_counter() - started)
                except urllib.error.HTTPError as exc:
                    with lock:
                        errors.append(f"HTTP {exc.code}: {exc.read()[:200]!r}")
                except OSError as exc:
                    with lock:
                        errors.append(str(exc))
                time.sleep(rng.uniform(1.0, 2.0))

        threads = [threading.Thread(target=pupil, args=n) for n in notes]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
    finally:
        server.terminate()
        server.wait(timeout=30)
    latencies.sort()
    return {
        "pupils": len(notes),
        "seconds": seconds,
        "saves": len(latencies),
        "errors": len(errors),
        "error_samples": errors[:5],
        "p50_ms": statistics.median(latencies) * 1000 if latencies else None,
        "p95_ms": latencies[int(len(latencies) * 0.95) - 1] * 1000 if latencies else None,
        "max_ms": latencies[-1] * 1000 if latencies else None,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", choices=["sqlite", "postgres"], default="sqlite")
    parser.add_argument("--repeat", type=int, default=30, help="timed requests per page")
    parser.add_argument("--pupils", type=int, default=30)
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--pg-server", default="postgresql://postgres@127.0.0.1:5432")
    args = parser.parse_args()
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    with fresh_database(args.db, args.pg_server, f"rt_bench_portfolio_{stamp.lower()}") as env:
        manage(env, "migrate", "-v0")
        pages = run_pages(env, args.repeat)
        autosave = run_autosave(env, args.pupils, args.seconds)
    reference = pages["reference /healthz"]["p50_ms"]
    print(f"Portfolio of 500 items and 1,000 connections ({args.db}):")
    print(f"  {'page':<20} {'queries':>7} {'p50 ms':>8} {'p95 ms':>8} {'× ref p50':>9}")
    for name, row in pages.items():
        print(
            f"  {name:<20} {row['queries']:>7} {row['p50_ms']:>8.1f} {row['p95_ms']:>8.1f} "
            f"{row['p50_ms'] / reference:>9.1f}"
        )
    print(
        f"Autosave, {autosave['pupils']} pupils for {autosave['seconds']:.0f} s: "
        f"{autosave['saves']} saves, {autosave['errors']} errors, p50 {autosave['p50_ms']:.1f} ms, "
        f"p95 {autosave['p95_ms']:.1f} ms, max {autosave['max_ms']:.1f} ms"
    )
    RESULTS_DIR.mkdir(exist_ok=True)
    path = RESULTS_DIR / f"{stamp}-portfolio-{args.db}.json"
    path.write_text(json.dumps({"db": args.db, "pages": pages, "autosave": autosave}, indent=2))
    print(f"written {path}")


if __name__ == "__main__":
    main()
