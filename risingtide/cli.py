"""The ``risingtide`` command: demo, serve, worker, manage.

``demo`` is the one-command start for a new user: it prepares the data directory, migrates,
loads the demo world once, then runs the web server and the background worker together. It
says what it is doing at each step and how long the step took, so a first run never looks hung.
"""

import argparse
import os
import subprocess
import sys
import threading
import time
import urllib.request
import wsgiref.util
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

_STARTED = time.monotonic()


def _django(settings_env: dict[str, str] | None = None):
    for key, value in (settings_env or {}).items():
        os.environ.setdefault(key, value)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "risingtide.settings")
    import django

    django.setup()


def _manage(args: list[str]) -> None:
    from django.core.management import execute_from_command_line

    execute_from_command_line(["risingtide manage", *args])


def _gunicorn(host: str, port: int, workers: int, threads: int) -> list[str]:
    return [
        sys.executable,
        "-m",
        "gunicorn",
        "risingtide.wsgi:application",
        "--bind",
        f"{host}:{port}",
        "--workers",
        str(workers),
        "--threads",
        str(threads),
        "--worker-class",
        "gthread",
        "--access-logfile",
        "-",
        "--graceful-timeout",
        "10",
    ]


@contextmanager
def _step(what: str) -> Iterator[None]:
    """Print what is happening, then how long it took, on one line."""
    print(f"{what}…", end=" ", flush=True)
    started = time.monotonic()
    yield
    print(f"{time.monotonic() - started:.1f} s", flush=True)


def _local(host: str) -> str:
    """How to reach a server bound to ``host`` from this machine, as a URL's host part."""
    if host in ("0.0.0.0", "::"):  # noqa: S104 - compared, not bound
        return "127.0.0.1"
    return f"[{host}]" if ":" in host else host


def _answers(url: str) -> bool:
    """Whether the web server answers ``url`` (our own, on this machine) with a 200."""
    try:
        with urllib.request.urlopen(url, timeout=2) as response:  # noqa: S310 - our own http URL
            return response.status == 200
    except OSError:
        return False


def _serve_demo(host: str, port: int, helpers: list[list[str]], on_ready: Callable[[], None]):
    """Serve the site with gunicorn from this process, which has loaded Django already: its
    workers are forked from it, so nothing starts Django again (a second or two of processor
    time, most of the wait after "Starting" on a busy machine). Once the site answers,
    ``on_ready`` is called and the ``helpers`` (the task worker) start, so they do not compete
    with the web server's start for the processor; they stop when it stops."""
    from django.core.wsgi import get_wsgi_application
    from django.db import connections
    from gunicorn.app.base import BaseApplication

    application = get_wsgi_application()
    local = _local(host)
    # One request before the workers fork, so they inherit the URL map, the API's routers and
    # the compiled templates instead of each building them for its first visitor.
    environ = {"PATH_INFO": "/accounts/login/", "HTTP_HOST": f"{local}:{port}"}
    wsgiref.util.setup_testing_defaults(environ)
    b"".join(application(environ, lambda status, headers, exc_info=None: None))
    connections.close_all()  # forked workers open their own
    ready_url = f"http://{local}:{port}/healthz"
    started: list[subprocess.Popen] = []

    def wait_until_answering() -> None:
        while not _answers(ready_url):
            time.sleep(0.2)
        started.extend(subprocess.Popen(cmd) for cmd in helpers)  # noqa: S603 - our own argv
        on_ready()

    def when_ready(server) -> None:  # the socket is bound; the workers start next
        threading.Thread(target=wait_until_answering, daemon=True).start()

    def on_exit(server) -> None:
        for proc in started:
            if proc.poll() is None:
                proc.terminate()
        for proc in started:
            try:
                proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                proc.kill()

    class DemoServer(BaseApplication):
        def load_config(self):
            settings = {
                "bind": [f"{host}:{port}"],
                "workers": 2,
                "threads": 4,
                "worker_class": "gthread",
                "accesslog": "-",
                "graceful_timeout": 10,
                "when_ready": when_ready,
                "on_exit": on_exit,
            }
            for key, value in settings.items():
                self.cfg.set(key, value)

        def load(self):
            return application

    try:
        DemoServer().run()
    except SystemExit as stopped:  # gunicorn ends its arbiter with sys.exit
        return stopped.code or 0
    return 0


def demo(args) -> int:
    data_dir = Path(os.environ.get("RISINGTIDE_DATA_DIR", "var")).resolve()
    os.environ["RISINGTIDE_DATA_DIR"] = str(data_dir)
    # The demo is SQLite in the data directory, whatever else is configured: its accounts have
    # a published password and must never land in a real database.
    os.environ["RISINGTIDE_DATABASE_URL"] = ""
    # The demo is a development run over plain HTTP on this machine.
    os.environ.setdefault("RISINGTIDE_HTTPS", "0")
    os.environ.setdefault("RISINGTIDE_ALLOWED_HOSTS", f"127.0.0.1,localhost,{args.host}")
    # SCORM modules play from another origin (decision 16): on this machine, the other name
    # of the loopback address, which has a cookie jar of its own.
    other = "localhost" if _local(args.host) == "127.0.0.1" else "127.0.0.1"
    os.environ.setdefault("RISINGTIDE_TRAINING_PLAYER_ORIGIN", f"http://{other}:{args.port}")
    # Hashed but not compressed: compressing every static file again took a minute a start.
    os.environ.setdefault("RISINGTIDE_STATIC_COMPRESS", "0")
    data_dir.mkdir(parents=True, exist_ok=True)
    print(f"Rising Tide demo: data in {data_dir}", flush=True)
    _django()
    from django.conf import settings
    from django.core.management import call_command

    from risingtide.demo import schema, world  # they need the settings _django() set up

    # A new database starts as the snapshot of an empty one: seconds of migrating saved.
    restored = schema.restore(Path(settings.DATABASES["default"]["NAME"]))
    with _step("Migrating the database" + (" (from the demo's snapshot)" if restored else "")):
        # Without Django's system checks (half a second): `serve` runs them, with --deploy.
        call_command("migrate", interactive=False, verbosity=0, skip_checks=True)
    with _step("Collecting static files"):
        call_command("collectstatic", interactive=False, verbosity=0)
    if world.is_loaded():
        print("Reusing the demo world already loaded.", flush=True)
    else:
        with _step("Loading the demo world"):
            # The demo pupils' clippings point at the demo's own pages, where it is served.
            world.load_demo(site=f"http://{_local(args.host)}:{args.port}")
    url = f"http://{args.host}:{args.port}/"
    print(f"Starting at {url} (web server and background worker)…")
    print(world.sign_in_text(url), flush=True)

    def say_ready() -> None:
        print(f"Ready after {time.monotonic() - _STARTED:.1f} s: open {url}", flush=True)

    worker = [sys.executable, "-m", "risingtide.cli", "worker"]
    return _serve_demo(args.host, args.port, [worker], say_ready)


def serve(args) -> int:
    if not args.dev:
        problems = []
        if not os.environ.get("RISINGTIDE_SECRET_KEY"):
            problems.append("RISINGTIDE_SECRET_KEY is not set")
        if os.environ.get("RISINGTIDE_DEBUG", "").lower() in {"1", "true", "yes", "on"}:
            problems.append("RISINGTIDE_DEBUG is on")
        if problems:
            print(
                "Refusing to start a production server: "
                + "; ".join(problems)
                + ". Fix the environment, or pass --dev for a development run.",
                file=sys.stderr,
            )
            return 2
    _django()
    from django.core.management import call_command
    from django.core.management.base import SystemCheckError

    if not args.dev:
        try:
            call_command("check", deploy=True, fail_level="WARNING")
        except SystemCheckError as exc:
            print(f"Refusing to start a production server:\n{exc}", file=sys.stderr)
            return 2
    if args.migrate:
        call_command("migrate", interactive=False, verbosity=1)
    if not args.no_collectstatic:
        call_command("collectstatic", interactive=False, verbosity=0)
    cmd = _gunicorn(args.host, args.port, args.workers, args.threads)
    os.execv(sys.executable, cmd)  # noqa: S606 - replace ourselves with gunicorn
    return 0


def worker(args) -> int:
    _django()
    _manage(["db_worker", *args.extra])
    return 0


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] == ["manage"]:
        _django()
        _manage(argv[1:])
        return 0
    if argv[:1] == ["worker"] and argv[1:2] not in (["-h"], ["--help"]):
        # db_worker's own options (--interval, --batch…) as given: argparse's REMAINDER
        # refused an option in first place ("unrecognized arguments: --interval").
        return worker(argparse.Namespace(extra=argv[1:]))
    parser = argparse.ArgumentParser(prog="risingtide", description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command", required=True)
    p = sub.add_parser("demo", help="create the demo world on SQLite and run server + worker")
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--port", type=int, default=8000)
    p.set_defaults(func=demo)
    p = sub.add_parser("serve", help="production web server (gunicorn, static files by whitenoise)")
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--port", type=int, default=8000)
    p.add_argument("--workers", type=int, default=max(2, (os.cpu_count() or 1) * 2))
    p.add_argument("--threads", type=int, default=4)
    p.add_argument("--migrate", action="store_true", help="apply migrations first")
    p.add_argument(
        "--dev",
        action="store_true",
        help="development run: allow DEBUG, a generated secret and plain HTTP",
    )
    p.add_argument(
        "--no-collectstatic", action="store_true", help="static files are collected already"
    )
    p.set_defaults(func=serve)
    p = sub.add_parser("worker", help="background task worker (django-tasks database backend)")
    p.add_argument("extra", nargs=argparse.REMAINDER)
    p.set_defaults(func=worker)
    sub.add_parser("manage", help="any Django management command: risingtide manage help")
    args = parser.parse_args(argv)
    try:
        return args.func(args) or 0
    except KeyboardInterrupt:  # Ctrl-C while starting: no traceback, just stop
        return 130


if __name__ == "__main__":
    sys.exit(main())
