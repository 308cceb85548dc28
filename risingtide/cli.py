"""The ``risingtide`` command: demo, serve, worker, manage.

``demo`` is the one-command start for a new user: it prepares the data directory, migrates,
loads the demo world once, then runs the web server and the background worker together.
"""

import argparse
import os
import signal
import subprocess
import sys
import time
from pathlib import Path


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


def _run_together(commands: list[list[str]]) -> int:
    """Run processes side by side; stop all when one ends or on Ctrl-C."""
    procs = [subprocess.Popen(cmd) for cmd in commands]  # noqa: S603 - our own argv

    def stop(*_):
        for proc in procs:
            if proc.poll() is None:
                proc.terminate()

    signal.signal(signal.SIGTERM, stop)
    try:
        while all(proc.poll() is None for proc in procs):
            time.sleep(0.5)
    except KeyboardInterrupt:
        pass
    stop()
    for proc in procs:
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            proc.kill()
    return next((p.returncode for p in procs if p.returncode), 0)


def demo(args) -> int:
    data_dir = Path(os.environ.get("RISINGTIDE_DATA_DIR", "var")).resolve()
    os.environ["RISINGTIDE_DATA_DIR"] = str(data_dir)
    # The demo is SQLite in the data directory, whatever else is configured: its accounts have
    # a published password and must never land in a real database.
    os.environ["RISINGTIDE_DATABASE_URL"] = ""
    # The demo is a development run over plain HTTP on this machine.
    os.environ.setdefault("RISINGTIDE_HTTPS", "0")
    os.environ.setdefault("RISINGTIDE_ALLOWED_HOSTS", f"127.0.0.1,localhost,{args.host}")
    first_run = not data_dir.exists()
    data_dir.mkdir(parents=True, exist_ok=True)
    _django()
    from django.core.management import call_command

    from risingtide.demo import world  # needs the settings _django() has just set up

    call_command("migrate", interactive=False, verbosity=0)
    call_command("collectstatic", interactive=False, verbosity=0)
    if world.is_loaded():
        print(f"Reusing the demo data in {data_dir}.")
    else:
        started = time.monotonic()
        print(f"{'Creating' if first_run else 'Filling'} {data_dir} with the demo world…")
        world.load_demo()
        print(f"Demo world loaded in {time.monotonic() - started:.1f} s.")
    print(world.sign_in_text(f"http://{args.host}:{args.port}/"))
    return _run_together(
        [
            _gunicorn(args.host, args.port, workers=2, threads=4),
            [sys.executable, "-m", "risingtide.cli", "worker"],
        ]
    )


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
    return args.func(args) or 0


if __name__ == "__main__":
    sys.exit(main())
