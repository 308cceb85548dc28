"""What the register announces to the apps above it, so it never imports them."""

from dataclasses import dataclass

from risingtide.lib.hooks import Hook

pupil_data_changed = Hook(
    "register.pupil_data_changed",
    "The pupil data or register of these schools changed (a decision, an import). "
    "Handlers get ``school_ids`` and ``as_of`` (the date the change counts from, or None for "
    "today) and run inside the change's transaction; insights rebuilds the figures.",
)
record_parts = Hook(
    "register.record_parts",
    "What another app adds to a pupil record's page (the personalised provision around the "
    "pupil: opportunities, their plan, their profile, their family). Handlers get ``viewer`` "
    "and ``pupil`` (the register.Pupil the viewer has passed access to) and return a "
    "``RecordPart`` or None (nothing the viewer may see), in a constant number of queries.",
)


@dataclass(frozen=True)
class RecordPart:
    """One box on the pupil record page: a heading, where to go for more, lines of text."""

    order: int  # boxes are shown in this order
    title: str
    href: str
    link_text: str
    lines: tuple[str, ...] = ()
    empty: str = ""  # said when there are no lines


def parts_for(viewer, pupil) -> list[RecordPart]:
    """The boxes the apps above add to this pupil's record page, in order."""
    return sorted((p for p in record_parts.send(viewer, pupil) if p), key=lambda p: p.order)
