"""README's first command: ``risingtide demo`` brings the platform up with demo data, and a
second run reuses it. Runs the real command (gunicorn + worker) on a free loopback port."""

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start(data_dir, port):
    env = {**os.environ, "RISINGTIDE_DATA_DIR": str(data_dir)}
    env.pop("RISINGTIDE_DATABASE_URL", None)  # the demo is SQLite
    return subprocess.Popen(
        [sys.executable, "-m", "risingtide.cli", "demo", "--port", str(port)],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,
    )


def wait_for(url, proc, seconds=240):  # the first run migrates and loads the demo
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise AssertionError(f"demo exited early:\n{proc.stdout.read()}")
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                return response.read().decode()
        except OSError:
            time.sleep(0.5)
    raise AssertionError(f"{url} did not answer within {seconds} s")


def stop(proc) -> str:
    os.killpg(proc.pid, signal.SIGINT)
    try:
        output, _ = proc.communicate(timeout=30)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        output, _ = proc.communicate()
    return output


def test_demo_starts_serves_and_restarts_with_the_same_data(tmp_path):
    data_dir = tmp_path / "var"
    port = free_port()
    proc = start(data_dir, port)
    try:
        page = wait_for(f"http://127.0.0.1:{port}/accounts/login/", proc)
        assert "Sign in to Rising Tide" in page
        css_link = page.split('rel="stylesheet" href="')[1].split('"')[0]
        assert wait_for(f"http://127.0.0.1:{port}{css_link}", proc).startswith("/*")
    finally:
        output = stop(proc)
    assert "Every demo account's password is: rising-tide-demo" in output
    assert "Demo world loaded in" in output
    assert (data_dir / "risingtide.sqlite3").exists()

    proc = start(data_dir, port)
    try:
        wait_for(f"http://127.0.0.1:{port}/healthz", proc)
    finally:
        output = stop(proc)
    assert "Reusing the demo data" in output
