"""Bookings per second through ``risingtide serve`` by many concurrent coordinators, against a
bare view, and the ledger checked balanced afterwards.

    python bench/booking_bench.py [--db postgres|sqlite] [--clients 50] [--duration 20]
        [--schools 10 --pupils-per-school 200]

Builds a fresh database with a generated world, gives every school e-credits and a coordinator
per client (clients share schools round-robin), publishes a service with sessions enough for
every booking, starts the server as deployed, and then has ``--clients`` keep-alive clients each
post the real booking form (one pupil of their school, a fresh idempotency key each time) as
fast as they can for ``--duration`` seconds. ``/healthz`` by the same number of clients is the
reference, measured in the same run. Afterwards: ``check_ledger`` must pass, every accepted
booking must be in the database, and no session may hold more places than its capacity.

Prints a table and writes it as JSON to bench/results/<time>-booking-<db>.json. A benchmark, not
a test: it exits non-zero only when the ledger or the counts do not add up, or the server fails.
"""

import argparse
import http.client
import json
import re
import secrets
import sys
import threading
import time
import uuid
from collections import Counter
from dataclasses import asdict
from datetime import UTC, datetime
from pathlib import Path

import requests
import serve_bench
import worlds
from serve_bench import HOST, PROXY_HEADERS, Result, Target

PASSWORD = "booking-bench-password"  # noqa: S105 - a throwaway database's test accounts

SETUP = """
import json
from datetime import timedelta
from django.contrib.auth.hashers import make_password
from django.utils import timezone
from risingtide.credits import services as credits
from risingtide.people.models import Membership, Role, User
from risingtide.provision.models import Service, Session
from risingtide.register.models import Pupil
from risingtide.schools.models import Nation, Provider

CLIENTS, PER_CLIENT, SESSIONS = {clients}, {per_client}, {sessions}
nation = Nation.objects.get()
national = User.objects.filter(memberships__role=Role.NATIONAL_OFFICER).first()
schools = []
for la in nation.local_authorities.order_by("pk"):
    lead = User.objects.filter(
        memberships__role=Role.LA_LEAD, memberships__local_authority=la
    ).first()
    la_schools = list(la.schools.order_by("pk"))
    credits.fund(national, nation, 10**9)
    credits.allocate(national, nation, la, 10**8, None)
    for school in la_schools:
        credits.allocate(lead, la, school, 10**6, None)
    schools += la_schools
schools = schools[:CLIENTS]
password = make_password("{password}")
clients = []
for n in range(CLIENTS):
    school = schools[n % len(schools)]
    user = User.objects.create(username=f"bench.booker.{{n}}", password=password)
    Membership.objects.create(user=user, role=Role.LEADING_TEACHER, school=school)
    clients.append({{"username": user.username, "school": school.pk}})
provider = Provider.objects.create(nation=nation, name="Bench provider")
service = Service.objects.create(
    provider=provider, title="Bench masterclass", kind="masterclass", audience="pupils",
    format="online", price=10, register_only=False, status="published")
start = timezone.now() + timedelta(days=60)
sessions = [Session.objects.create(service=service, starts_at=start, ends_at=start, capacity=10**6)
            for _ in range(SESSIONS)]
# The generated world has accounts but no register records: give each client pupil records of
# its own school, so that every booking is one that should succeed (never a pupil twice in a
# session). Eligibility is still checked against the school's whole roll on every booking.
records = []
for n, client in enumerate(clients):
    for k in range(PER_CLIENT):
        records.append(Pupil(
            school_id=client["school"], upn=f"B{{n:04}}{{k:08}}", legal_surname=f"Booked{{k}}",
            legal_forename=f"Client{{n}}", date_of_birth="2013-01-01", gender="F", nc_year="8"))
Pupil.objects.bulk_create(records, batch_size=2000)
for n, client in enumerate(clients):
    client["pupils"] = list(Pupil.objects.filter(legal_forename=f"Client{{n}}")
                            .order_by("pk").values_list("pk", flat=True))
print(json.dumps({{"clients": clients, "sessions": [s.pk for s in sessions]}}))
"""

CHECK = """
import json
from django.db.models import Count, F
from risingtide.credits.queries import problems
from risingtide.provision.models import Booking, Place, Session

sessions = Session.objects.filter(service__title="Bench masterclass")
print(json.dumps({
    "bookings": Booking.objects.filter(session__in=sessions).count(),
    "places": Place.objects.filter(session__in=sessions, active=True).count(),
    "taken": sum(s.places_taken for s in sessions),
    "overbooked": sessions.filter(places_taken__gt=F("capacity")).count(),
    "problems": problems(),
}))
"""


def sign_in(port: int, username: str) -> dict[str, str]:
    """The session and CSRF cookies of ``username``, signed in through the real form."""
    base = f"http://{HOST}:{port}"
    page = requests.get(f"{base}/accounts/login/", headers=PROXY_HEADERS, timeout=30)
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text)[1]
    answer = requests.post(
        f"{base}/accounts/login/",
        data={"username": username, "password": PASSWORD, "csrfmiddlewaretoken": token},
        headers={
            **PROXY_HEADERS,
            "Cookie": f"csrftoken={page.cookies['csrftoken']}",
            "Origin": f"https://{HOST}:{port}",
        },
        allow_redirects=False,
        timeout=60,
    )
    if answer.status_code != 302:
        raise RuntimeError(f"signing in as {username} gave {answer.status_code}")
    return {"sessionid": answer.cookies["sessionid"], "csrftoken": answer.cookies["csrftoken"]}


def _booker(port, client, sessions, cookies, measure_from, stop_at, out, ready):
    """One coordinator: post the booking form for the next pupil, read the answer, repeat."""
    conn = http.client.HTTPConnection(HOST, port, timeout=60)
    headers = {
        **PROXY_HEADERS,
        "Cookie": f"sessionid={cookies['sessionid']}; csrftoken={cookies['csrftoken']}",
        "X-CSRFToken": cookies["csrftoken"],
        "Origin": f"https://{HOST}:{port}",
        "Content-Type": "application/x-www-form-urlencoded",
    }
    turns = [(s, p) for s in sessions for p in client["pupils"]]
    ready.wait()
    n = 0
    try:
        while (begun := time.perf_counter()) < stop_at and n < len(turns):
            session, pupil = turns[n]
            n += 1
            path = f"/provision/schools/{client['school']}/sessions/{session}/book/"
            body = f"pupils={pupil}&key={uuid.uuid4().hex}"
            try:
                conn.request("POST", path, body=body, headers=headers)
                response = conn.getresponse()
                response.read()
                ok = response.status == 302 and "/provision/bookings/" in (
                    response.getheader("Location") or ""
                )
                status = "booked" if ok else str(response.status)
            except (OSError, http.client.HTTPException) as exc:
                conn.close()
                status = type(exc).__name__
            if begun >= measure_from:
                if status == "booked":
                    out["latencies"].append(time.perf_counter() - begun)
                out["status"][status] += 1
            elif status == "booked":
                out["warmup_booked"] += 1
    finally:
        conn.close()


def measure_bookings(port, clients, sessions, cookies, server_pid, args) -> tuple[Result, dict]:
    outs = [{"latencies": [], "status": Counter(), "warmup_booked": 0} for _ in clients]
    ready = threading.Event()
    measure_from = time.perf_counter() + 0.5 + args.warmup
    stop_at = measure_from + args.duration
    threads = [
        threading.Thread(
            target=_booker,
            args=(port, c, sessions, cookies[n], measure_from, stop_at, outs[n], ready),
        )
        for n, c in enumerate(clients)
    ]
    for t in threads:
        t.start()
    while time.perf_counter() < measure_from:
        time.sleep(0.01)
    cpu_before = serve_bench.CpuSample.take(server_pid)
    ready.set()
    for t in threads:
        t.join()
    cpu_after = serve_bench.CpuSample.take(server_pid)
    latencies = sorted(x for o in outs for x in o["latencies"])
    status = sum((o["status"] for o in outs), Counter())
    booked = status.pop("booked", 0)
    # Only the successful bookings' latencies count, as only 200s do for pages.
    target = Target(
        f"book a pupil ({len(clients)} clients)",
        "/provision/schools/<school>/sessions/<session>/book/",
    )
    result = serve_bench.result_of(target, latencies, status, cpu_before, cpu_after, args.duration)
    accepted = booked + sum(o["warmup_booked"] for o in outs)
    return result, {"accepted": accepted}


def run(args) -> int:
    world = worlds.World(args.las, args.schools, args.pupils_per_school, args.seed)
    started = time.monotonic()
    report = {
        "benchmark": "booking",
        "started_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "command": " ".join(["python", "bench/booking_bench.py", *sys.argv[1:]]),
        "db": args.db,
        "world": asdict(world),
        "clients": args.clients,
        "duration_s": args.duration,
        "machine": worlds.machine(),
        "source": worlds.source(),
        "machine_busy_before_percent": round(serve_bench.machine_busy_percent(), 1),
    }
    failed = 0
    with worlds.fresh_database(args.db, args.pg_server, args.pg_database) as env:
        env.update(
            RISINGTIDE_SECRET_KEY=secrets.token_urlsafe(50),
            RISINGTIDE_HTTPS="1",
            RISINGTIDE_BEHIND_PROXY="1",
            RISINGTIDE_ALLOWED_HOSTS=HOST,
        )
        print(f"Generating a world on {args.db}: {world.describe()}", flush=True)
        print(" ", worlds.build_world(env, world).removeprefix("Generated "), flush=True)
        per_client = args.pupils_per_client
        setup = SETUP.format(
            clients=args.clients, per_client=per_client, sessions=args.sessions, password=PASSWORD
        )
        made = json.loads(worlds.manage(env, "shell", "-c", setup).strip().splitlines()[-1])
        worlds.analyze(env)
        port = serve_bench._free_port()
        log = Path(env["RISINGTIDE_DATA_DIR"]) / "server.log"
        server = None
        try:
            server = serve_bench.start_server(env, args, port, log)
            print(f"  server up on port {port}; signing in {args.clients} coordinators")
            cookies = [sign_in(port, c["username"]) for c in made["clients"]]
            print(f"  /healthz (reference): {args.clients} clients for {args.duration} s")
            reference = serve_bench.measure(
                port, Target("/healthz (reference)", "/healthz"), server.pid, args
            )
            print(f"  booking: {args.clients} clients for {args.duration} s")
            booking, counts = measure_bookings(
                port, made["clients"], made["sessions"], cookies, server.pid, args
            )
        finally:
            if server is not None:
                serve_bench.stop_server(server)
        check = json.loads(worlds.manage(env, "shell", "-c", CHECK).strip().splitlines()[-1])
        ledger = worlds.manage(env, "check_ledger").strip()
    results = [reference, booking]
    serve_bench.with_ratios(results)
    report["results"] = [asdict(r) for r in results]
    report["after"] = {**check, **counts, "check_ledger": ledger}
    report["elapsed_s"] = round(time.monotonic() - started, 1)
    print()
    print(f"Rising Tide {report['source']['commit']} ({report['source']['path']})")
    print(f"{args.db}, {world.describe()}, {args.clients} clients, {args.duration} s each")
    print(serve_bench.table(results))
    print(
        f"After: {check['bookings']} bookings in the database for {counts['accepted']} accepted; "
        f"{check['places']} places, sessions' counters {check['taken']}, "
        f"{check['overbooked']} overbooked; {ledger}"
    )
    if check["bookings"] != counts["accepted"] or check["places"] != check["taken"]:
        print("The bookings do not add up", file=sys.stderr)
        failed = 1
    if check["problems"] or check["overbooked"]:
        print(f"The ledger or capacity failed: {check}", file=sys.stderr)
        failed = 1
    worlds.RESULTS_DIR.mkdir(exist_ok=True)
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    out = worlds.RESULTS_DIR / f"{stamp}-booking-{args.db}.json"
    out.write_text(json.dumps(report, indent=2) + "\n")
    print(f"\nWritten to {out.relative_to(worlds.REPO_DIR)} ({report['elapsed_s']} s in all)")
    return failed


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", choices=["sqlite", "postgres"], default="postgres")
    parser.add_argument("--las", type=int, default=2)
    parser.add_argument("--schools", type=int, default=10)
    parser.add_argument("--pupils-per-school", type=int, default=200)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--pupils-per-client", type=int, default=40, help="register records each")
    parser.add_argument("--sessions", type=int, default=5, help="sessions of the one service")
    parser.add_argument("--duration", type=float, default=20, help="seconds measured")
    parser.add_argument("--warmup", type=float, default=2, help="seconds unmeasured before")
    parser.add_argument("--workers", type=int, help="default: risingtide serve's own")
    parser.add_argument("--threads", type=int, help="default: risingtide serve's own")
    parser.add_argument("--pg-server", default=worlds.DEFAULT_PG_SERVER)
    parser.add_argument("--pg-database", default="bench_booking", help="created, then dropped")
    return run(parser.parse_args())


if __name__ == "__main__":
    sys.exit(main())
