"""What the people app announces to the apps above it, so it never imports them."""

from risingtide.access.core import anchors
from risingtide.lib.hooks import Hook
from risingtide.people.models import Role

carer_saw = Hook(
    "people.carer_saw",
    "A parent or carer was shown something of their child (their profile, plan or "
    "opportunities) on a page or in the API. Handlers get ``carer``, ``child_id`` (the "
    "pupil's account), ``what`` and ``summary``; families records it, so that a pupil of 13 or "
    "over can see everything their carer was shown, wherever it was shown.",
)


def note_if_carer(viewer, child_id: int | None, what: str, summary: str = "") -> None:
    """Tell the apps above that a carer saw this of their child; nothing for anyone else (the
    person's anchors are already read for the request, so this costs no query)."""
    held = anchors(viewer).get(Role.CARER)
    if child_id is not None and held is not None and child_id in held.children:
        carer_saw.send(viewer, child_id, what, summary)
