"""A task for tests/test_scaleout.py: it leaves one file per run, named for the task's number
and the worker process that ran it, so the test can count how often each task ran and where."""

import os
import time
import uuid
from pathlib import Path

from django_tasks import task


def _workers_seen(folder: Path) -> set[str]:
    return {name.name.split("-")[1] for name in folder.iterdir()}


@task()
def note_run(number: int, folder: str) -> int:
    runs = Path(folder)
    Path(runs, f"{number}-{os.getpid()}-{uuid.uuid4().hex}").touch()
    # Two workers start unevenly on a busy machine, and one could run all forty tasks before
    # the other polls. So a worker waits, up to 10 s after the first run, until another worker
    # has run one too: the test then sees both take part unless the second never takes work.
    first = min(name.stat().st_mtime for name in runs.iterdir())
    while len(_workers_seen(runs)) < 2 and time.time() < first + 10:
        time.sleep(0.05)
    time.sleep(0.05)  # long enough that both workers find work
    return number
