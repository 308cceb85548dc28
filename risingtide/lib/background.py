"""What a background job's row shows while a worker makes it: how far it has got, and whether
it stalled. Shared by the jobs that run as QUEUED → RUNNING → DONE or FAILED (an LA's report
run, a subject-access export), so each page can say the same true thing about a job whose
worker was killed (a deploy, a crash): it will not finish on its own (tests/test_faults.py).
"""

from datetime import timedelta

from django.conf import settings
from django.utils import timezone


class Progress:
    """How far a job has got, for its progress bar. Mixed into a model with ``state``,
    ``done``, ``total`` and a ``State`` with ``DONE`` (a roster import too, whose other states
    and whose stall are its own)."""

    @property
    def percent(self) -> int:
        if self.state == self.State.DONE:
            return 100
        return min(100, int(100 * self.done / self.total)) if self.total else 0


class BackgroundRun(Progress):
    """Mixed into a model with ``state``, ``done``, ``total``, ``created_at`` and a ``State``
    with ``QUEUED``, ``RUNNING`` and ``DONE``."""

    @property
    def stalled(self) -> bool:
        """Running for longer than any such job takes (``RISINGTIDE_TASK_STALLED_MINUTES``):
        nothing will finish it. Pages show it as failed; asking again clears it away."""
        limit = timedelta(minutes=settings.TASK_STALLED_MINUTES)
        return self.state == self.State.RUNNING and timezone.now() - self.created_at >= limit

    @property
    def running(self) -> bool:
        return self.state in (self.State.QUEUED, self.State.RUNNING) and not self.stalled
