"""Requests per second and latency of ``risingtide serve`` against a bare view, over loopback.

    python bench/serve_bench.py [--db sqlite|postgres] [--las N --schools N
        --pupils-per-school N] [--duration S] [--clients 30] [--workers W]

Builds a fresh data directory (and a fresh PostgreSQL database, dropped afterwards) with a
generated world, starts ``risingtide serve`` as a production run would (HTTPS settings, behind a
proxy: the clients send the proxy's ``X-Forwarded-*`` headers over plain loopback HTTP, so TLS
itself is not measured), signs one person of
each role in through the real sign-in form, then puts ``--clients`` concurrent keep-alive
clients on each page in turn for ``--duration`` seconds, shared out over ``--rounds`` rounds of
every page. ``/healthz`` (a bare Django view with no database access) is the reference,
measured first and last in each round: a page's throughput is reported as the median over the
rounds of its ratio to the mean of that round's two, so that a spell when the machine runs slow
(a virtual machine's neighbours) weighs on a round's pages and their reference alike.

Prints a table and writes it as JSON to bench/results/<time>-<db>.json. This is a benchmark, not
a test: it exits non-zero only when a response is not 200 or the server cannot start.
"""

import argparse
import http.client
import json
import math
import os
import re
import secrets
import signal
import socket
import statistics
import subprocess
import sys
import threading
import time
from collections import Counter
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import requests
import worlds

HOST = "127.0.0.1"
# The server runs as deployed, behind a proxy that ends TLS; the clients send what it would add.
PROXY_HEADERS = {"X-Forwarded-Proto": "https", "X-Forwarded-For": HOST}
CLK_TCK = os.sysconf("SC_CLK_TCK")
# A measurement during which other work took more of the machine than this is taken again.
DISTURBED_PERCENT = 10.0


@dataclass
class Target:
    label: str
    path: str
    role: str | None = None
    cookie: str = ""


@dataclass
class Result:
    label: str
    path: str
    requests: int
    errors: dict[str, int]
    seconds: float
    rps: float
    p50_ms: float
    p95_ms: float
    p99_ms: float
    max_ms: float
    # CPU milliseconds per request of each party, and of everything else the machine ran.
    server_cpu_ms: float
    db_cpu_ms: float
    client_cpu_ms: float
    other_cpu_ms: float
    machine_busy_percent: float
    other_percent: float
    steal_percent: float
    ratios: dict[str, float] = field(default_factory=dict)


# --- CPU accounting from /proc: who spent the machine's cores ------------------------------


@dataclass
class CpuSample:
    """Cumulative CPU seconds by party, and the machine's ticks, at one moment."""

    server: float  # the gunicorn master and its workers
    database: float  # every PostgreSQL process (a closed connection's time goes to its parent)
    client: float  # this process: the load generator
    busy: int
    steal: int  # time the hypervisor gave to other machines
    total: int

    @classmethod
    def take(cls, server_pid: int) -> "CpuSample":
        server = database = 0
        for stat in Path("/proc").glob("[0-9]*/stat"):
            try:
                # The command name may hold spaces; the numbers follow its closing bracket.
                pid_text, rest = stat.read_text().split(" (", 1)
                name, numbers = rest.rsplit(") ", 1)
                fields = numbers.split()
            except (OSError, ValueError):
                continue
            # utime, stime, and the same for children that have ended and been waited for
            ticks = sum(int(x) for x in fields[11:15])
            if int(pid_text) == server_pid or int(fields[1]) == server_pid:
                server += ticks
            elif name == "postgres":
                database += ticks
        # user nice system idle iowait irq softirq steal (guest time is inside user already)
        cpu = [int(v) for v in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:9]]
        return cls(
            server=server / CLK_TCK,
            database=database / CLK_TCK,
            client=time.process_time(),
            busy=cpu[0] + cpu[1] + cpu[2] + cpu[5] + cpu[6],
            steal=cpu[7],
            total=sum(cpu),
        )


def _workers(root_pid: int) -> int:
    count = 0
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(") ", 1)[1].split()
        except (OSError, IndexError):
            continue
        count += int(fields[1]) == root_pid
    return count


# --- The server -------------------------------------------------------------------------------


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        return sock.getsockname()[1]


def start_server(env: dict[str, str], args, port: int, log: Path) -> subprocess.Popen:
    cmd = [*worlds.risingtide_command(), "serve", "--host", HOST, "--port", str(port)]
    if args.workers:
        cmd += ["--workers", str(args.workers)]
    if args.threads:
        cmd += ["--threads", str(args.threads)]
    print("  $", " ".join(["risingtide", *cmd[cmd.index("serve") :]]), flush=True)
    with log.open("wb") as out:
        # A session of its own, so that stopping it never signals this process.
        proc = subprocess.Popen(
            cmd,
            env={**os.environ, **env},
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    deadline = time.monotonic() + 180  # a busy machine collects static files slowly
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"the server stopped (exit {proc.returncode}):\n{_tail(log)}")
        try:
            if requests.get(f"http://{HOST}:{port}/healthz", timeout=2).text == "ok":
                return proc
        except requests.RequestException:
            pass
        time.sleep(0.3)
    raise RuntimeError(f"the server did not answer /healthz within 180 s:\n{_tail(log)}")


def stop_server(proc: subprocess.Popen) -> None:
    if proc.poll() is None:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()


def _tail(log: Path, lines: int = 30) -> str:
    try:
        return "\n".join(log.read_text(errors="replace").splitlines()[-lines:])
    except OSError:
        return ""


def sign_in(port: int, role: str, username: str, password: str) -> str:
    """Sign in through the real form; the ``Cookie`` header a browser then sends.

    The cookies are Secure (the site believes it is on HTTPS), so they are carried by hand.
    Any failure stops the benchmark at once: the sign-in throttle counts failures.
    """
    base = f"http://{HOST}:{port}"
    page = requests.get(f"{base}/accounts/login/", headers=PROXY_HEADERS, timeout=10)
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text)
    if page.status_code != 200 or token is None or "csrftoken" not in page.cookies:
        raise RuntimeError(f"the sign-in page gave {page.status_code} without a CSRF token")
    answer = requests.post(
        f"{base}/accounts/login/",
        data={"username": username, "password": password, "csrfmiddlewaretoken": token[1]},
        headers={
            **PROXY_HEADERS,
            "Cookie": f"csrftoken={page.cookies['csrftoken']}",
            # What a browser sends, and what Django's CSRF check compares with the host.
            "Origin": f"https://{HOST}:{port}",
        },
        allow_redirects=False,
        timeout=30,
    )
    if answer.status_code != 302 or "sessionid" not in answer.cookies:
        raise RuntimeError(f"signing in as {role} ({username}) gave {answer.status_code}")
    # What a browser sends from now on: the session and the CSRF cookie (new at sign-in, as
    # Django rotates it). Without the second, every page made and set a fresh CSRF secret, work
    # no browser asks for after its first page.
    csrf = answer.cookies.get("csrftoken") or page.cookies["csrftoken"]
    cookie = f"sessionid={answer.cookies['sessionid']}; csrftoken={csrf}"
    home = requests.get(f"{base}/", headers={**PROXY_HEADERS, "Cookie": cookie}, timeout=30)
    if home.status_code != 200 or f'id="panel-{role}"' not in home.text:
        raise RuntimeError(f"the home page of {role} gave {home.status_code} without its panel")
    return cookie


# --- The load ---------------------------------------------------------------------------------


def _client(port, target, measure_from, stop_at, latencies, errors, ready) -> None:
    """One keep-alive client: request, read the whole body, repeat until ``stop_at``."""
    conn = http.client.HTTPConnection(HOST, port, timeout=30)
    headers = {**PROXY_HEADERS, "Accept": "text/html"}
    if target.cookie:
        headers["Cookie"] = target.cookie
    ready.wait()
    try:
        while (begun := time.perf_counter()) < stop_at:
            try:
                conn.request("GET", target.path, headers=headers)
                response = conn.getresponse()
                response.read()
                status = str(response.status)
            except (OSError, http.client.HTTPException) as exc:
                conn.close()  # the next request opens a new connection
                status = type(exc).__name__
            elapsed = time.perf_counter() - begun
            if begun >= measure_from:
                if status == "200":
                    latencies.append(elapsed)
                else:
                    errors[status] += 1
    finally:
        conn.close()


def _percentile(ordered: list[float], q: float) -> float:
    """Nearest-rank percentile of a sorted list, in milliseconds."""
    if not ordered:
        return math.nan
    return ordered[max(0, math.ceil(q * len(ordered)) - 1)] * 1000


@dataclass
class Slice:
    """One spell of load on one page: its latencies (s), errors and CPU samples."""

    latencies: list[float]
    errors: Counter
    before: "CpuSample"
    after: "CpuSample"
    seconds: float

    @property
    def rps(self) -> float:
        return len(self.latencies) / self.seconds


def measure(port: int, target: Target, server_pid: int, args, seconds: float, warmup: float):
    # One list and one counter per client: nothing shared between the threads.
    latencies_by_client = [[] for _ in range(args.clients)]
    errors_by_client = [Counter() for _ in range(args.clients)]
    ready = threading.Barrier(args.clients + 1)
    start = time.perf_counter() + 0.2
    measure_from = start + warmup
    stop_at = measure_from + seconds
    threads = [
        threading.Thread(
            target=_client,
            args=(
                port,
                target,
                measure_from,
                stop_at,
                latencies_by_client[i],
                errors_by_client[i],
                ready,
            ),
            daemon=True,
        )
        for i in range(args.clients)
    ]
    for thread in threads:
        thread.start()
    ready.wait()
    time.sleep(max(0.0, measure_from - time.perf_counter()))
    before = CpuSample.take(server_pid)
    time.sleep(max(0.0, stop_at - time.perf_counter()))
    after = CpuSample.take(server_pid)
    for thread in threads:
        thread.join()
    latencies = [x for per_client in latencies_by_client for x in per_client]
    return Slice(latencies, sum(errors_by_client, Counter()), before, after, seconds)


def result_of(target, slices: list[Slice]) -> Result:
    """A page's figures over its slices: the latencies (s) of the successful requests, the
    errors by status, and the CPU spent between each slice's two samples."""
    ordered = sorted(x for one in slices for x in one.latencies)
    errors = sum((one.errors for one in slices), Counter())
    duration = sum(one.seconds for one in slices)

    def spent(name: str) -> float:
        return sum(getattr(one.after, name) - getattr(one.before, name) for one in slices)

    count = len(ordered)
    per_request = 1000 / max(count, 1)
    server, database, client = spent("server"), spent("database"), spent("client")
    busy = spent("busy") / CLK_TCK
    total = max(spent("total"), 1) / CLK_TCK
    other = max(0.0, busy - server - database - client)
    steal = spent("steal")
    return Result(
        label=target.label,
        path=target.path,
        requests=count,
        errors=dict(errors),
        seconds=duration,
        rps=count / duration,
        p50_ms=_percentile(ordered, 0.50),
        p95_ms=_percentile(ordered, 0.95),
        p99_ms=_percentile(ordered, 0.99),
        max_ms=ordered[-1] * 1000 if ordered else math.nan,
        server_cpu_ms=server * per_request,
        db_cpu_ms=database * per_request,
        client_cpu_ms=client * per_request,
        other_cpu_ms=other * per_request,
        machine_busy_percent=100 * busy / total,
        other_percent=100 * other / total,
        steal_percent=100 * steal / CLK_TCK / total,
    )


def machine_busy_percent(seconds: float = 2.0) -> float:
    """How busy the machine is over ``seconds``, while this benchmark puts no load on it."""
    before = CpuSample.take(0)
    time.sleep(seconds)
    after = CpuSample.take(0)
    return 100 * (after.busy - before.busy) / max(after.total - before.total, 1)


def wait_until_quiet(limit_s: float, threshold: float = 10.0) -> float:
    """Wait (at most ``limit_s``) for other work on the machine to stop; its last busy %."""
    deadline = time.monotonic() + limit_s
    busy = machine_busy_percent()
    if busy > threshold:
        print(f"    the machine is {busy:.0f}% busy with other work; waiting", flush=True)
        while busy > threshold and time.monotonic() < deadline:
            busy = machine_busy_percent()
    return busy


def with_ratios(results: list[Result], rounds: list[list[Slice]]) -> None:
    """Each result against the first ``/healthz`` run: median and CPU cost; throughput as the
    median over the rounds of the page's requests a second against the mean of that round's
    two ``/healthz`` runs (first and last), so that a spell when the machine ran slow weighs on
    the pages of that round and their reference alike."""
    ref = results[0]
    for index, r in enumerate(results):
        per_round = [
            one[index].rps / ((one[0].rps + one[-1].rps) / 2 or math.inf) for one in rounds
        ]
        r.ratios = {
            "rps_vs_ref": statistics.median(per_round),
            "rps_vs_ref_by_round": [round(x, 3) for x in per_round],
            "p50_vs_ref": r.p50_ms / ref.p50_ms,
            "p95_vs_ref": r.p95_ms / ref.p95_ms,
            "cpu_vs_ref": (r.server_cpu_ms + r.db_cpu_ms) / (ref.server_cpu_ms + ref.db_cpu_ms),
        }


def table(results: list[Result]) -> str:
    head = (
        f"{'target':<24} {'requests':>8} {'errors':>6} {'req/s':>6} {'p50 ms':>7} "
        f"{'p95 ms':>7} {'req/s÷ref':>9} {'p50÷ref':>7} {'app CPU':>7} {'DB CPU':>6} "
        f"{'CPU÷ref':>7} {'other':>5}"
    )
    lines = [head, "-" * len(head)]
    for r in results:
        lines.append(
            f"{r.label:<24} {r.requests:>8} {sum(r.errors.values()):>6} {r.rps:>6.0f} "
            f"{r.p50_ms:>7.1f} {r.p95_ms:>7.1f} {r.ratios['rps_vs_ref']:>9.2f} "
            f"{r.ratios['p50_vs_ref']:>7.2f} {r.server_cpu_ms:>7.2f} {r.db_cpu_ms:>6.2f} "
            f"{r.ratios['cpu_vs_ref']:>7.2f} {r.other_percent:>4.0f}%"
        )
    lines.append(
        "app/DB CPU: CPU ms per request of the gunicorn processes / of PostgreSQL; CPU÷ref: both"
        " against the reference; other: share of the machine used by anything else meanwhile."
    )
    return "\n".join(lines)


def run(args) -> int:
    world = worlds.World(args.las, args.schools, args.pupils_per_school, args.seed)
    started = time.monotonic()
    report: dict[str, object] = {
        "benchmark": "serve",
        "started_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "command": " ".join(["python", "bench/serve_bench.py", *sys.argv[1:]]),
        "db": args.db,
        "world": asdict(world),
        "clients": args.clients,
        "duration_s": args.duration,
        "warmup_s": args.warmup,
        "machine": worlds.machine(),
        "source": worlds.source(),
    }
    busy = machine_busy_percent()
    report["machine_busy_before_percent"] = round(busy, 1)
    if busy > DISTURBED_PERCENT:
        print(f"Warning: the machine is {busy:.0f}% busy before the benchmark starts.")
    if args.db == "postgres":
        report["machine"]["postgres"] = worlds.postgres_version(args.pg_server)
    with worlds.fresh_database(args.db, args.pg_server, args.pg_database) as env:
        env.update(
            RISINGTIDE_SECRET_KEY=secrets.token_urlsafe(50),
            RISINGTIDE_HTTPS="1",
            RISINGTIDE_BEHIND_PROXY="1",
            RISINGTIDE_ALLOWED_HOSTS=HOST,
        )
        if args.conn_max_age is not None:
            env["RISINGTIDE_DB_CONN_MAX_AGE"] = str(args.conn_max_age)
        report["conn_max_age"] = env.get("RISINGTIDE_DB_CONN_MAX_AGE", "the app's default")
        report["server_env"] = {k: v for k, v in env.items() if k != "RISINGTIDE_SECRET_KEY"}
        print(f"Generating a world on {args.db}: {world.describe()}", flush=True)
        print(" ", worlds.build_world(env, world).removeprefix("Generated "), flush=True)
        users, password = worlds.users_of(env)
        report["users"] = users
        pages = worlds.pages_of(env, users)
        report["pages"] = pages
        port = _free_port()
        log = Path(env["RISINGTIDE_DATA_DIR"]) / "server.log"
        server = None
        try:
            server = start_server(env, args, port, log)
            report["server"] = {
                "workers": _workers(server.pid),
                "threads": args.threads or "risingtide serve's default",
            }
            print(f"  server up with {report['server']['workers']} workers on port {port}")
            targets = [Target("/healthz (reference)", "/healthz")]
            targets.append(Target("/accounts/login/ (GET)", "/accounts/login/"))
            cookies = {}
            for role in args.roles.split(","):
                cookies[role] = cookie = sign_in(port, role, users[role], password)
                targets.append(Target(f"/ ({role})", "/", role, cookie))
            # The signed-in shell (a page of one small form, with the layout and the menu),
            # the pupil's portfolio at 30 and 500 items, the teacher's grid of 30 pupils.
            for label, path, role in (
                ("signed-in shell (teacher)", pages["shell"], "teacher"),
                ("portfolio, 30 items (pupil)", pages["portfolio_30"], "pupil"),
                ("portfolio, 500 items (pupil)", pages["portfolio_500"], "pupil"),
                ("progress grid, 30 pupils (teacher)", pages["progress_30"], "teacher"),
            ):
                if role in cookies:
                    targets.append(Target(label, path, role, cookies[role]))
            targets.append(Target("/healthz (again)", "/healthz"))
            # Every page in each round, for its share of --duration: a slow spell of the
            # machine falls on a round's pages and its two /healthz runs, not on one page.
            rounds: list[list[Slice]] = []
            seconds = args.duration / args.rounds
            for number in range(args.rounds):
                print(f"  round {number + 1} of {args.rounds}: {seconds:g} s a page", flush=True)
                slices = []
                for target in targets:
                    warmup = args.warmup if number == 0 else min(args.warmup, 0.5)
                    for attempt in range(args.retries + 1):
                        if args.quiet_wait:
                            wait_until_quiet(args.quiet_wait)
                        one = measure(port, target, server.pid, args, seconds, warmup)
                        disturbed = result_of(target, [one]).other_percent
                        if disturbed <= DISTURBED_PERCENT or attempt == args.retries:
                            break
                        print(f"    {target.label}: other work took {disturbed:.0f}%; again")
                    slices.append(one)
                rounds.append(slices)
            results = [
                result_of(target, [one[i] for one in rounds]) for i, target in enumerate(targets)
            ]
        finally:
            if server is not None:
                stop_server(server)
    with_ratios(results, rounds)
    report["rounds"] = args.rounds
    report["results"] = [asdict(r) for r in results]
    report["elapsed_s"] = round(time.monotonic() - started, 1)
    print()
    print(f"Rising Tide {report['source']['commit']} ({report['source']['path']})")
    print(f"{args.db}, {world.describe()}, {args.clients} clients, {args.duration} s each")
    print(table(results))
    worlds.RESULTS_DIR.mkdir(exist_ok=True)
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    out = worlds.RESULTS_DIR / f"{stamp}-{args.db}.json"
    out.write_text(json.dumps(report, indent=2) + "\n")
    print(f"\nWritten to {out.relative_to(worlds.REPO_DIR)} ({report['elapsed_s']} s in all)")
    failed = sum(sum(r.errors.values()) for r in results)
    if failed:
        print(f"{failed} responses were not 200", file=sys.stderr)
    return 1 if failed else 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", choices=["sqlite", "postgres"], default="sqlite")
    parser.add_argument("--las", type=int, default=2)
    parser.add_argument("--schools", type=int, default=6)
    parser.add_argument("--pupils-per-school", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--duration", type=float, default=10, help="seconds measured per page")
    parser.add_argument(
        "--rounds", type=int, default=5, help="rounds over every page, --duration shared out"
    )
    parser.add_argument("--warmup", type=float, default=2, help="seconds unmeasured before")
    parser.add_argument("--clients", type=int, default=30)
    parser.add_argument(
        "--roles", default=",".join(worlds.ROLES), help="whose home pages, comma-separated"
    )
    parser.add_argument("--workers", type=int, help="default: risingtide serve's own")
    parser.add_argument("--threads", type=int, help="default: risingtide serve's own")
    parser.add_argument(
        "--conn-max-age", type=int, help="RISINGTIDE_DB_CONN_MAX_AGE (default: the app's)"
    )
    parser.add_argument(
        "--quiet-wait",
        type=float,
        default=120,
        help="seconds to wait, before each page, for other work on the machine to stop",
    )
    parser.add_argument(
        "--retries", type=int, default=2, help="measurements taken again when disturbed"
    )
    parser.add_argument("--pg-server", default=worlds.DEFAULT_PG_SERVER)
    parser.add_argument("--pg-database", default="bench", help="created, then dropped")
    return run(parser.parse_args())


if __name__ == "__main__":
    sys.exit(main())
