"""An LTI 1.3 launch through the real server, against a bare view in the same run.

    python bench/lti_bench.py [--db sqlite|postgres] [--clients 4] [--duration 20]
        [--learners 200]

Builds a fresh data directory (and PostgreSQL database, dropped afterwards) with a small
generated world and registers the test platform simulator (risingtide/lti/tests/platform.py,
running in this process) for its first school, with its key set already kept: a production
server may not fetch from loopback, and a running site fetches a platform's keys once an hour.
Starts ``risingtide serve`` as ``serve_bench`` does (production settings behind a proxy) and has
a teacher launch once to make the course's group. Then ``--clients`` threads launch pupils for
``--duration`` seconds. A launch is what a browser does: the platform's login initiation (POST
/lti/login/, answered with a redirect and the state cookie), then the id_token POST
(/lti/launch/: signature against the platform's kept keys, every claim, the state used up, the
account found or made, the group joined, the person signed in). Its time is those two round
trips; signing the id_token is the platform's work and is left out. The first pass over
``--learners`` pupils makes their accounts ("first launch"); later passes find them ("launch").
``/healthz`` is the reference, measured with the same clients before and after.

Prints a table and writes it as JSON to bench/results/<time>-lti-<db>.json.
"""

import argparse
import json
import re
import secrets
import sys
import threading
import time
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import requests
import worlds
from serve_bench import HOST, PROXY_HEADERS, _free_port, _percentile, start_server, stop_server

sys.path.insert(0, str(worlds.REPO_DIR))
from risingtide.lti.tests.platform import Person, RunningPlatform, Simulator

PUBLIC_URL = "https://bench.invalid"
REGISTER = """
from risingtide.lti.models import Deployment, Platform
from risingtide.schools.models import School
school = School.objects.order_by("pk").first()
from django.utils import timezone
platform = Platform.objects.create(
    name="Bench platform", school=school, key_set={key_set}, key_set_fetched_at=timezone.now(),
    new_teachers="instructors",
    **{registration}
)
Deployment.objects.create(platform=platform, deployment_id={deployment!r})
"""


def one_launch(base: str, sim: Simulator, person: Person, session: requests.Session) -> float:
    """Seconds the server took for one launch (both requests), or raise."""
    started = time.perf_counter()
    first = session.post(
        f"{base}/lti/login/",
        data={
            "iss": sim.issuer,
            "login_hint": person.sub,
            "target_link_uri": PUBLIC_URL + "/lti/launch/",
            "client_id": sim.client_id,
            "lti_deployment_id": sim.deployment_id,
        },
        headers=PROXY_HEADERS,
        allow_redirects=False,
        timeout=30,
    )
    elapsed = time.perf_counter() - started
    if first.status_code != 302:
        raise RuntimeError(f"login initiation answered {first.status_code}")
    query = parse_qs(urlsplit(first.headers["Location"]).query)
    state, nonce = query["state"][0], query["nonce"][0]
    cookie = re.search(r"(rt-lti-[^=]+=[^;]+)", first.headers["Set-Cookie"]).group(1)
    token = sim.sign(sim.claims(person, nonce))  # the platform's work: not timed
    started = time.perf_counter()
    second = session.post(
        f"{base}/lti/launch/",
        data={"id_token": token, "state": state},
        headers={**PROXY_HEADERS, "Cookie": cookie},
        allow_redirects=False,
        timeout=30,
    )
    elapsed += time.perf_counter() - started
    if second.status_code != 302 or "sessionid" not in second.headers.get("Set-Cookie", ""):
        raise RuntimeError(f"launch answered {second.status_code}: {second.text[:300]}")
    return elapsed


def run_clients(clients: int, duration: float, work) -> tuple[list[float], int, float]:
    """``work(i)`` in ``clients`` threads for at most ``duration`` seconds: sorted times,
    errors, and the seconds it took."""
    began = time.monotonic()
    times: list[float] = []
    errors = [0]
    lock = threading.Lock()
    stop_at = time.monotonic() + duration

    def loop(n: int) -> None:
        session = requests.Session()
        i = n
        while time.monotonic() < stop_at:
            try:
                took = work(i, session)
            except Exception as exc:
                with lock:
                    errors[0] += 1
                    if errors[0] <= 3:
                        print(f"    error: {exc}", flush=True)
            else:
                if took is None:  # nothing left to do
                    break
                with lock:
                    times.append(took)
            i += clients

    threads = [threading.Thread(target=loop, args=(n,)) for n in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return sorted(times), errors[0], time.monotonic() - began


def summary(label: str, times: list[float], errors: int, seconds: float) -> dict:
    ms = [t * 1000 for t in times]
    return {
        "label": label,
        "requests": len(ms),
        "errors": errors,
        "per_second": round(len(ms) / seconds, 1),
        "p50_ms": round(_percentile(times, 0.50), 1) if ms else None,  # takes seconds
        "p95_ms": round(_percentile(times, 0.95), 1) if ms else None,
        "max_ms": round(ms[-1], 1) if ms else None,
    }


def healthz(base: str):
    def work(_i, session):
        started = time.perf_counter()
        answer = session.get(f"{base}/healthz", headers=PROXY_HEADERS, timeout=10)
        if answer.status_code != 200:
            raise RuntimeError(f"/healthz answered {answer.status_code}")
        return time.perf_counter() - started

    return work


def run(args) -> int:
    world = worlds.World(1, 2, args.pupils_per_school, 1)
    report: dict = {
        "benchmark": "lti",
        "started_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "command": " ".join(["python", "bench/lti_bench.py", *sys.argv[1:]]),
        "db": args.db,
        "clients": args.clients,
        "duration_s": args.duration,
        "learners": args.learners,
        "machine": worlds.machine(),
        "source": worlds.source(),
    }
    sim = Simulator()
    with (
        RunningPlatform(sim),
        worlds.fresh_database(args.db, args.pg_server, args.pg_database) as env,
    ):
        env.update(
            RISINGTIDE_SECRET_KEY=secrets.token_urlsafe(50),
            RISINGTIDE_HTTPS="1",
            RISINGTIDE_BEHIND_PROXY="1",
            RISINGTIDE_ALLOWED_HOSTS=HOST,
            RISINGTIDE_PUBLIC_URL=PUBLIC_URL,
        )
        print(f"Generating a world on {args.db}: {world.describe()}", flush=True)
        worlds.build_world(env, world)
        code = REGISTER.format(
            registration=sim.registration(), deployment=sim.deployment_id, key_set=sim.key_set()
        )
        worlds.manage(env, "shell", "-c", code)
        port = _free_port()
        base = f"http://{HOST}:{port}"
        server = start_server(env, args, port, Path(env["RISINGTIDE_DATA_DIR"]) / "server.log")
        try:
            teacher = Person("bench-teacher", "Bench", "Teacher", "Instructor")
            one_launch(base, sim, teacher, requests.Session())  # makes the course's group
            learners = [
                Person(f"bench-pupil-{n}", f"Pupil{n}", "Bench", "Learner")
                for n in range(args.learners)
            ]
            made = set()

            def first(i, session):
                if i >= len(learners):
                    return None
                made.add(i)
                return one_launch(base, sim, learners[i], session)

            def again(i, session):
                return one_launch(base, sim, learners[i % len(made)], session)

            results = []
            for label, work, seconds in (
                ("/healthz (reference)", healthz(base), args.duration),
                ("first launch (account made)", first, args.duration),
                ("launch (account found)", again, args.duration),
                ("/healthz (again)", healthz(base), args.duration),
            ):
                print(f"  {label}: {args.clients} clients for {seconds} s", flush=True)
                times, errors, seconds = run_clients(args.clients, seconds, work)
                results.append(summary(label, times, errors, seconds))
        finally:
            stop_server(server)
    reference = results[0]["p95_ms"] or 1
    for row in results:
        row["p95_vs_healthz"] = round((row["p95_ms"] or 0) / reference, 1)
    report["results"] = results
    print()
    print(f"{'':32} {'n':>6} {'/s':>7} {'p50 ms':>8} {'p95 ms':>8} {'max ms':>8} {'p95 x':>6}")
    for r in results:
        print(
            f"{r['label']:32} {r['requests']:>6} {r['per_second']:>7} {r['p50_ms']:>8} "
            f"{r['p95_ms']:>8} {r['max_ms']:>8} {r['p95_vs_healthz']:>6}"
        )
    worlds.RESULTS_DIR.mkdir(exist_ok=True)
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    out = worlds.RESULTS_DIR / f"{stamp}-lti-{args.db}.json"
    out.write_text(json.dumps(report, indent=2) + "\n")
    print(f"\nWritten to {out.relative_to(worlds.REPO_DIR)}")
    return 1 if any(r["errors"] for r in results) else 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", choices=["sqlite", "postgres"], default="sqlite")
    parser.add_argument("--pupils-per-school", type=int, default=100)
    parser.add_argument("--duration", type=float, default=20, help="seconds per measurement")
    parser.add_argument("--clients", type=int, default=4)
    parser.add_argument("--learners", type=int, default=200, help="distinct pupils launched")
    parser.add_argument("--workers", type=int, help="default: risingtide serve's own")
    parser.add_argument("--threads", type=int, help="default: risingtide serve's own")
    parser.add_argument("--pg-server", default=worlds.DEFAULT_PG_SERVER)
    parser.add_argument("--pg-database", default="bench_lti", help="created, then dropped")
    return run(parser.parse_args())


if __name__ == "__main__":
    sys.exit(main())
