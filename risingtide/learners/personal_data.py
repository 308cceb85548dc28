"""What ``learners`` holds about a pupil: their profile and its history, staff observations and
their learning guide (docs/privacy.md)."""

from risingtide.lib.personal_data import (
    ERASED_NAME,
    SCHOOL_WORK,
    Delete,
    Holding,
    Replace,
    declare,
)

declare(
    Holding("learners.LearnerProfile", about=("pupil",), named=("updated_by",), erase=Delete()),
    Holding(
        "learners.ProfileChange",
        about=("profile__pupil",),
        named=("changed_by",),
        erase=Delete(),
        erase_named=Replace({"changed_by_name": ERASED_NAME}),
    ),
    Holding(
        "learners.Observation",
        about=("pupil",),
        named=("author", "withdrawn_by"),
        erase=Delete(),
    ),
    Holding(
        "learners.LearningGuide", about=("pupil",), named=("guide", "assigned_by"), erase=Delete()
    ),
    Holding("learners.Personalisation", named=("changed_by",), erase=SCHOOL_WORK),
)
