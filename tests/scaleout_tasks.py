"""A task for tests/test_scaleout.py: it leaves one file per run, named for the task's number
and the worker process that ran it, so the test can count how often each task ran and where."""

import os
import time
import uuid
from pathlib import Path

from django_tasks import task


@task()
def note_run(number: int, folder: str) -> int:
    time.sleep(0.05)  # long enough that both workers find work
    Path(folder, f"{number}-{os.getpid()}-{uuid.uuid4().hex}").touch()
    return number
