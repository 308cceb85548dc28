"""What the register announces to the apps above it, so it never imports them."""

from risingtide.lib.hooks import Hook

pupil_data_changed = Hook(
    "register.pupil_data_changed",
    "The pupil data or register of these schools changed (a decision, an import). "
    "Handlers get ``school_ids`` and ``as_of`` (the date the change counts from, or None for "
    "today) and run inside the change's transaction; insights rebuilds the figures.",
)
