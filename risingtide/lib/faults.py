"""Pause points for fault tests.

A test that must kill the server *in the middle* of some work (not before, not after) starts
the server with ``RISINGTIDE_PAUSE_AT=<point>:<file>``. When a request reaches
``pause_point(<point>)`` it creates ``<file>`` and sleeps, so the test knows the work is half
done and kills the process there (see ``tests/test_booking_durability.py``). Without the
variable, as in production, a pause point costs one comparison.
"""

import os
import time

_PAUSE_AT = os.environ.get("RISINGTIDE_PAUSE_AT", "")


def pause_point(name: str) -> None:
    if not _PAUSE_AT:
        return
    point, _, signal_file = _PAUSE_AT.partition(":")
    if point == name and signal_file:
        with open(signal_file, "w") as f:
            f.write(str(os.getpid()))
        time.sleep(120)  # long enough for any test to kill us; never reached in production
