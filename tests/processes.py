"""Real processes for the scale-out and fault tests: app servers (``risingtide serve``, i.e.
gunicorn) and task workers (``risingtide worker``) started on loopback against the test's own
PostgreSQL database and the shared Redis, each in a session of its own so a test can SIGKILL
it (and its gunicorn workers) as a crash would, and always stops it afterwards."""

import contextlib
import os
import signal
import subprocess
import sys
import time
import urllib.request

from django.db import connection

from risingtide.lib.tests.redis_testing import TEST_REDIS_URL, drop_prefix, unique_prefix
from tests.test_demo_command import free_port

SECRET = "scale-out-test-" + "s" * 50


def database_url(port: int | None = None) -> str:
    """The URL of the test database pytest-django made (``test_…``), optionally through a proxy
    on another loopback port."""
    s = connection.settings_dict
    user = s["USER"] or "postgres"
    password = f":{s['PASSWORD']}" if s["PASSWORD"] else ""
    host = s["HOST"] or "127.0.0.1"
    return f"postgres://{user}{password}@{host}:{port or s['PORT'] or 5432}/{s['NAME']}"


class Site:
    """The environment several processes share: one database, one Redis prefix of the test's
    own (in db 5), one media directory, one secret key."""

    def __init__(self, tmp_path, *, db_port=None, redis_url=TEST_REDIS_URL, **extra):
        self.prefix = unique_prefix()
        self.env = {
            **{k: v for k, v in os.environ.items() if not k.startswith("RISINGTIDE_")},
            "RISINGTIDE_DATA_DIR": str(tmp_path / "data"),
            "RISINGTIDE_DATABASE_URL": database_url(db_port),
            "RISINGTIDE_REDIS_URL": redis_url,
            "RISINGTIDE_REDIS_KEY_PREFIX": self.prefix,
            "RISINGTIDE_MEDIA_DIR": str(tmp_path / "shared-media"),
            "RISINGTIDE_SECRET_KEY": SECRET,
            "RISINGTIDE_HTTPS": "0",
            "RISINGTIDE_STATIC_COMPRESS": "0",
            "PYTHONPATH": os.getcwd(),
            **extra,
        }
        self.processes: list[subprocess.Popen] = []
        # Each process's output, to read when a test fails.
        self.logs = tmp_path / "logs"
        self.logs.mkdir(exist_ok=True)

    def start_server(self, **env) -> str:
        port = free_port()
        self._start(
            ["serve", "--dev", "--port", str(port), "--workers", "1", "--no-collectstatic"], env
        )
        return f"http://127.0.0.1:{port}"

    def start_worker(self, **env) -> subprocess.Popen:
        return self._start(["worker", "--interval", "0.1", "--no-startup-delay"], env)

    def _start(self, args, env) -> subprocess.Popen:
        log = open(self.logs / f"{args[0]}-{len(self.processes)}.log", "w")  # noqa: SIM115
        process = subprocess.Popen(
            [sys.executable, "-m", "risingtide.cli", *args],
            env={**self.env, **env},
            stdout=log,
            stderr=log,
            start_new_session=True,
        )
        self.processes.append(process)
        return process

    def kill(self, process: subprocess.Popen) -> None:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=10)

    def stop(self) -> None:
        for process in self.processes:
            if process.poll() is None:
                self.kill(process)
        drop_prefix(self.prefix)


def wait_up(*bases: str, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    for base in bases:
        while True:
            try:
                urllib.request.urlopen(base + "/healthz", timeout=2).read()
                break
            except OSError:
                assert time.monotonic() < deadline, f"{base} did not start"
                time.sleep(0.2)


def wait_for(condition, seconds: float = 30, what: str = "the condition"):
    deadline = time.monotonic() + seconds
    while True:
        answer = condition()
        if answer:
            return answer
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        time.sleep(0.1)
