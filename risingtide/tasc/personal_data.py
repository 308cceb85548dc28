"""What ``tasc`` holds about a person (docs/privacy.md)."""

from risingtide.lib.personal_data import SCHOOL_WORK, Delete, Holding, declare

declare(
    Holding("tasc.Wheel", named=("created_by",), erase=SCHOOL_WORK),
    Holding("tasc.Project", named=("created_by",), erase=SCHOOL_WORK),
    Holding("tasc.Assignment", about=("pupil",), erase=Delete()),
)
