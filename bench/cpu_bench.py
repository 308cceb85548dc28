"""CPU per request of the pages ``serve_bench.py`` measures, in one process, against ``/healthz``.

    python bench/cpu_bench.py [--requests N] [--data-dir DIR] [--profile LABEL] [--only LABELS]

Throughput through the real server needs a quiet machine; the CPU a request costs in-process
barely depends on what else runs (a busy machine slows every request alike, so the *ratio* of a
page's CPU to ``/healthz``'s holds). This drives Django's WSGI handler directly, with the
production settings ``serve_bench.py`` uses (DEBUG off, HTTPS behind a proxy, the cached
template loader, persistent connections), real signed-in session cookies (each role signs in
through the real form), and the same generated world and pages (2 LAs, 6 schools, 6,000 pupils).

For each page: a few warm-up requests, then ``--requests`` timed ones (``time.process_time``) in
``--rounds`` rounds, each beside four times as many of ``/healthz``; every response must be a
200. The page's ratio is the median of the rounds' ratios, so that a spell of other work on the
machine weighs on the page and its reference alike. ``--profile LABEL`` prints a cProfile of
that page instead (by total and by own time). ``--data-dir`` keeps the world between runs
(built there if empty).

Rough translation to served throughput (docs/performance.md): the issue's 0.35× for the shell
needs a CPU ratio of about 2.8 or less, 0.25× for a page about 4, 0.05× about 20.
"""

import argparse
import cProfile
import io
import json
import os
import pstats
import re
import secrets
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

import worlds

HOST = "127.0.0.1"


def _environ(path: str, cookie: str = "", method: str = "GET", body: bytes = b"") -> dict:
    """What gunicorn hands the app for one request from behind the TLS-ending proxy."""
    environ = {
        "REQUEST_METHOD": method,
        "PATH_INFO": path,
        "QUERY_STRING": "",
        "SCRIPT_NAME": "",
        "SERVER_NAME": HOST,
        "SERVER_PORT": "8000",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "REMOTE_ADDR": HOST,
        "HTTP_HOST": HOST,
        "HTTP_ACCEPT": "text/html",
        "HTTP_X_FORWARDED_PROTO": "https",
        "HTTP_X_FORWARDED_FOR": HOST,
        "wsgi.version": (1, 0),
        "wsgi.url_scheme": "http",
        "wsgi.input": io.BytesIO(body),
        "wsgi.errors": sys.stderr,
        "wsgi.multithread": True,
        "wsgi.multiprocess": True,
        "wsgi.run_once": False,
    }
    if cookie:
        environ["HTTP_COOKIE"] = cookie
    if body:
        environ["CONTENT_TYPE"] = "application/x-www-form-urlencoded"
        environ["CONTENT_LENGTH"] = str(len(body))
    return environ


class App:
    """The WSGI handler, called the way a server calls it; the body read in full."""

    def __init__(self):
        from django.core.wsgi import get_wsgi_application

        self.handler = get_wsgi_application()

    def call(self, environ: dict) -> tuple[str, dict[str, list[str]], bytes]:
        answer = {}

        def start_response(status, headers, exc_info=None):
            answer["status"] = status
            answer["headers"] = headers

        chunks = self.handler(environ, start_response)
        try:
            body = b"".join(chunks)
        finally:
            if hasattr(chunks, "close"):
                chunks.close()
        headers: dict[str, list[str]] = {}
        for name, value in answer["headers"]:
            headers.setdefault(name.lower(), []).append(value.strip())
        return answer["status"], headers, body

    def get(self, path: str, cookie: str = "") -> bytes:
        status, _, body = self.call(_environ(path, cookie))
        if not status.startswith("200"):
            raise RuntimeError(f"GET {path} gave {status}")
        return body

    def sign_in(self, username: str, password: str) -> str:
        """Through the real form, as serve_bench does; the session's ``Cookie`` header."""
        from urllib.parse import urlencode

        status, headers, body = self.call(_environ("/accounts/login/"))
        token = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', body)
        csrf = next(c for c in headers["set-cookie"] if c.startswith("csrftoken="))
        csrf = csrf.split(";", 1)[0]
        form = urlencode(
            {"username": username, "password": password, "csrfmiddlewaretoken": token[1]}
        )
        environ = _environ("/accounts/login/", csrf, "POST", form.encode())
        environ["HTTP_ORIGIN"] = f"https://{HOST}"
        status, headers, _ = self.call(environ)
        session = [c for c in headers.get("set-cookie", []) if c.startswith("sessionid=")]
        if not status.startswith("302") or not session:
            raise RuntimeError(f"signing in as {username} gave {status}")
        # The session and the CSRF cookie, as a browser sends them (serve_bench.sign_in).
        rotated = [c for c in headers.get("set-cookie", []) if c.startswith("csrftoken=")]
        csrf = rotated[0].split(";", 1)[0] if rotated else csrf
        return f"{session[0].split(';', 1)[0]}; {csrf}"


def cpu_ms(app: App, path: str, cookie: str, count: int, warmup: int) -> float:
    for _ in range(warmup):
        app.get(path, cookie)
    if not count:
        return 0.0
    began = time.process_time()
    for _ in range(count):
        app.get(path, cookie)
    return (time.process_time() - began) * 1000 / count


def interleaved(app: App, path: str, cookie: str, rounds: int, per_round: int) -> tuple:
    """The page and ``/healthz`` measured in turn, ``rounds`` times: the median of the page's
    CPU ms and of its ratio to the reference's CPU in the same round, so that other work
    slowing the machine for a while weighs on both sides alike."""
    cpu_ms(app, path, cookie, 0, 5)
    pages, ratios = [], []
    for _ in range(rounds):
        ref = cpu_ms(app, "/healthz", "", per_round * 4, 0)
        page = cpu_ms(app, path, cookie, per_round, 0)
        pages.append(page)
        ratios.append(page / ref)
    return statistics.median(pages), statistics.median(ratios)


def profile(app: App, path: str, cookie: str, count: int, limit: int = 45) -> None:
    for _ in range(3):
        app.get(path, cookie)
    profiler = cProfile.Profile()
    profiler.enable()
    for _ in range(count):
        app.get(path, cookie)
    profiler.disable()
    for order in ("cumulative", "tottime"):
        out = io.StringIO()
        pstats.Stats(profiler, stream=out).strip_dirs().sort_stats(order).print_stats(limit)
        print(out.getvalue())
    if os.environ.get("CPU_BENCH_CALLERS"):  # who calls a function: CPU_BENCH_CALLERS=_bind
        out = io.StringIO()
        stats = pstats.Stats(profiler, stream=out).strip_dirs().sort_stats("cumulative")
        stats.print_callers(os.environ["CPU_BENCH_CALLERS"])
        print(out.getvalue())
    if os.environ.get("CPU_BENCH_CALLEES"):  # what a function calls: CPU_BENCH_CALLEES=get_user
        out = io.StringIO()
        stats = pstats.Stats(profiler, stream=out).strip_dirs().sort_stats("cumulative")
        stats.print_callees(os.environ["CPU_BENCH_CALLEES"])
        print(out.getvalue())


def _prepare(data_dir: Path) -> dict[str, str]:
    """The environment of the data directory, with its world built once."""
    env = {
        "RISINGTIDE_DATA_DIR": str(data_dir),
        "RISINGTIDE_SECRET_KEY": secrets.token_urlsafe(50),
        "RISINGTIDE_HTTPS": "1",
        "RISINGTIDE_BEHIND_PROXY": "1",
        "RISINGTIDE_ALLOWED_HOSTS": HOST,
        "RISINGTIDE_LOG_LEVEL": "WARNING",
    }
    made = data_dir / "bench-world.json"
    if not (data_dir / "static" / "staticfiles.json").exists():
        # As `risingtide serve` does before it starts: pages name the hashed files. (Hashed,
        # not compressed: compressing takes a minute and changes no page.)
        worlds.manage({**env, "RISINGTIDE_STATIC_COMPRESS": "0"}, "collectstatic", "--noinput")
    if not made.exists():
        world = worlds.World(2, 6, 1000, 1)
        print(f"Generating a world in {data_dir}: {world.describe()}", flush=True)
        worlds.build_world(env, world)
        users, password = worlds.users_of(env)
        pages = worlds.pages_of(env, users)
        made.write_text(json.dumps({"users": users, "password": password, "pages": pages}))
    return env


def targets(pages: dict[str, str], roles: list[str]) -> list[tuple[str, str, str | None]]:
    found = [("/healthz (reference)", "/healthz", None)]
    found += [(f"/ ({role})", "/", role) for role in roles]
    found += [
        ("signed-in shell (teacher)", pages["shell"], "teacher"),
        ("portfolio, 30 items (pupil)", pages["portfolio_30"], "pupil"),
        ("portfolio, 500 items (pupil)", pages["portfolio_500"], "pupil"),
        ("progress grid, 30 pupils (teacher)", pages["progress_30"], "teacher"),
    ]
    return found


def run(args) -> int:
    data_dir = Path(args.data_dir or tempfile.mkdtemp(prefix="risingtide-cpu-"))
    data_dir.mkdir(parents=True, exist_ok=True)
    env = _prepare(data_dir)
    os.environ.update(env)
    os.environ["DJANGO_SETTINGS_MODULE"] = "risingtide.settings"
    made = json.loads((data_dir / "bench-world.json").read_text())
    import django

    django.setup()
    app = App()
    roles = list(worlds.ROLES)
    cookies = {role: app.sign_in(made["users"][role], made["password"]) for role in roles}
    chosen = targets(made["pages"], roles)
    if args.profile:
        label, path, role = next(t for t in chosen if args.profile in t[0])
        print(f"Profile of {label} ({path}), {args.requests} requests")
        profile(app, path, cookies.get(role, ""), args.requests)
        return 0
    if args.only:
        chosen = [chosen[0], *(t for t in chosen[1:] if any(o in t[0] for o in args.only))]
    rows = []
    per_round = max(1, args.requests // args.rounds)
    for label, path, role in chosen:
        rows.append(
            (label, path, *interleaved(app, path, cookies.get(role, ""), args.rounds, per_round))
        )
    ref = rows[0][2]
    print(f"Rising Tide {worlds.source()['commit']}: CPU ms per request in one process,")
    print(
        f"{args.rounds} rounds of {per_round} requests of each page beside {per_round * 4} of"
        f" /healthz (medians); /healthz {ref:.3f} ms"
    )
    overhead = args.server_overhead_ms
    print(f"{'target':<36} {'CPU ms':>8} {'CPU÷ref':>8} {'served≈':>8}")
    for label, _, ms, ratio in rows:
        served = (ratio * ref + overhead) / (ref + overhead)
        print(f"{label:<36} {ms:>8.2f} {ratio:>8.1f} {served:>8.1f}")
    print(
        f"served≈: the CPU ratio through gunicorn if it adds {overhead} ms a request to both"
        " (--server-overhead-ms; the 14:30 served run: 0.88 ms at /healthz, 0.19 here)."
        " Goals there: shell ≤ 2.8, pages ≤ 4, the 500-item portfolio ≤ 20."
    )
    results = worlds.RESULTS_DIR
    results.mkdir(exist_ok=True)
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    out = results / f"{stamp}-cpu.json"
    report = {
        "benchmark": "cpu",
        "command": " ".join(["python", "bench/cpu_bench.py", *sys.argv[1:]]),
        "source": worlds.source(),
        "requests": args.requests,
        "reference_cpu_ms": ref,
        "results": [
            {"label": label, "path": path, "cpu_ms": ms, "cpu_vs_ref": ratio}
            for label, path, ms, ratio in rows
        ],
    }
    out.write_text(json.dumps(report, indent=2) + "\n")
    print(f"Written to {out.relative_to(worlds.REPO_DIR)}")
    return 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=200, help="timed requests per page")
    parser.add_argument("--rounds", type=int, default=10, help="page and reference in turn")
    parser.add_argument(
        "--server-overhead-ms",
        type=float,
        default=0.69,
        help="CPU gunicorn adds per request (served /healthz minus in-process), for served≈",
    )
    parser.add_argument("--data-dir", help="keep the world here between runs")
    parser.add_argument("--profile", metavar="LABEL", help="cProfile the page whose label has this")
    parser.add_argument("--only", nargs="*", help="only the pages whose labels hold one of these")
    return run(parser.parse_args())


if __name__ == "__main__":
    sys.exit(main())
