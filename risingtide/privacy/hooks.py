"""Where privacy shows itself on lower apps' pages, through their hooks."""

from collections import Counter

from django.urls import reverse

from risingtide.access.core import roles
from risingtide.lib.security_overview import Part, overview_part
from risingtide.people.models import Role
from risingtide.register.events import RecordPart, record_parts

ASKERS = {Role.HEAD, Role.LEADING_TEACHER}


def record_part(viewer, pupil) -> RecordPart | None:
    """A box on the pupil record linking to their personal data page, for whoever may ask for
    an export (no query: the page itself checks the grant at the pupil's school)."""
    if not roles(viewer) & ASKERS:
        return None
    return RecordPart(
        order=90,
        title="Personal data",
        href=reverse("privacy:pupil", args=[pupil.pk]),
        link_text="Export or erase their personal data",
        lines=("Answer a subject-access request, or erase the pupil for good.",),
    )


def pending_purges() -> Part:
    """The security overview's retention line: what the next purge would take (a fixed number
    of queries, however much is due), and each kind's period."""
    from risingtide.privacy import retention  # imports erasure, and with it most apps' models

    due = Counter()
    for item in retention.due():
        due[item.kind] += item.count
    policy = retention.policies()
    if not due:
        return Part("Retention", Part.OK, "Nothing is due for purging.", policy)
    counts = ", ".join(retention.counted(kind, n) for kind, n in sorted(due.items()))
    return Part(
        "Retention",
        Part.ATTENTION,
        f"Due for purging: {counts}. Run `risingtide manage purge` (daily, from a timer).",
        policy,
    )


def connect() -> None:
    record_parts.connect(record_part)
    overview_part(pending_purges)
