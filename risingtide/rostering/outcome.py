"""What an import did or would do: counts by kind and action, the first changes by name, the
things skipped with their reason, and every problem by file, line, field and reason.

Its own module because the check, the write, the pages, the API and the command all read it;
the lists keep their first ``KEEP`` entries so a summary stays small for 40,000 users.
"""

from dataclasses import dataclass, field

from risingtide.rostering.bundle import Problem

KEEP = 200
KINDS = ("groups", "pupils", "staff", "memberships")
ACTIONS = ("created", "updated", "unchanged", "ended")


@dataclass
class Outcome:
    counts: dict[str, dict[str, int]] = field(
        default_factory=lambda: {kind: dict.fromkeys(ACTIONS, 0) for kind in KINDS}
    )
    schools: list[str] = field(default_factory=list)  # the schools the bundle's orgs matched
    problems: list[Problem] = field(default_factory=list)
    error_count: int = 0
    changes: list[dict] = field(default_factory=list)
    skipped: list[dict] = field(default_factory=list)
    skipped_count: int = 0
    users: int = 0  # user rows read (for the bench's users per second)
    rows: int = 0
    modes: dict[str, str] = field(default_factory=dict)
    source: str = ""
    written: bool = False
    listener: object = None  # called with each problem (the command prints them as they come)

    def problem(self, problem: Problem) -> None:
        self.error_count += 1
        if len(self.problems) < KEEP:
            self.problems.append(problem)
        if self.listener is not None:
            self.listener(problem)

    def take(self, problems: list[Problem]) -> None:
        """Move problems gathered by the reader (``bundle.rows``) into the outcome."""
        for problem in problems:
            self.problem(problem)
        problems.clear()

    def count(self, kind: str, action: str, n: int = 1, *, name: str = "", sid: str = "") -> None:
        self.counts[kind][action] += n
        if action != "unchanged" and name and len(self.changes) < KEEP:
            self.changes.append({"kind": kind, "action": action, "name": name, "sourcedId": sid})

    def skip(self, file: str, line: int, sid: str, reason: str) -> None:
        self.skipped_count += 1
        if len(self.skipped) < KEEP:
            self.skipped.append({"file": file, "line": line, "sourcedId": sid, "reason": reason})

    def as_summary(self) -> dict:
        return {
            "counts": self.counts,
            "schools": self.schools,
            "error_count": self.error_count,
            "errors": [p.as_dict() for p in self.problems],
            "changes": self.changes,
            "skipped": self.skipped,
            "skipped_count": self.skipped_count,
            "users": self.users,
            "rows": self.rows,
            "modes": self.modes,
            "source": self.source,
        }
