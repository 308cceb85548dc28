"""The parts of the site administrator's security overview, contributed by any app.

The overview page (``security``) sits high in the house and shows one line per part; the apps
that know something worth a line (backups, two-factor sign-in, a ``privacy`` app's pending
retention purges) may sit lower or beside it. So the list lives here, at the bottom: an app
adds a part from its ``AppConfig.ready`` and never imports the overview::

    from risingtide.lib.security_overview import Part, overview_part

    @overview_part
    def pending_purges() -> Part:
        due = retention.due()  # the app's own query: a fixed number of queries
        return Part("Retention", Part.ATTENTION if due else Part.OK, f"{len(due)} purges due")

A part is a function of no arguments, called on every view of the page: it must run a fixed
number of queries (the page asserts its query count) and never show a secret (a key, a
password, a token), only whether one is set. It may return None to say nothing.
"""

from collections.abc import Callable
from dataclasses import dataclass
from typing import ClassVar


@dataclass(frozen=True)
class Part:
    title: str
    state: str  # OK, ATTENTION or INFO: how the line is marked
    summary: str
    details: tuple[str, ...] = ()
    # Where to act on it: (link text, URL).
    link: tuple[str, str] | None = None

    OK: ClassVar[str] = "ok"
    ATTENTION: ClassVar[str] = "attention"
    INFO: ClassVar[str] = "info"


PARTS: list[Callable[[], Part | None]] = []


def overview_part(part: Callable[[], Part | None]) -> Callable[[], Part | None]:
    """Add ``part`` to the overview (once, in the order the apps become ready)."""
    if part not in PARTS:
        PARTS.append(part)
    return part


def overview() -> list[Part]:
    """Every part's line, in order; parts that say nothing are left out."""
    return [line for part in PARTS if (line := part()) is not None]
