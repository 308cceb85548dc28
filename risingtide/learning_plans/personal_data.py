"""What ``learning_plans`` holds about a pupil: their plan, targets, evidence, reviews and the
conversation about it (docs/privacy.md)."""

from risingtide.lib.personal_data import ERASED_NAME, Delete, Holding, Replace, declare

PLAN = ("plan__pupil",)
declare(
    Holding("learning_plans.LearningPlan", about=("pupil",), named=("created_by",), erase=Delete()),
    Holding("learning_plans.Target", about=PLAN, named=("written_by",), erase=Delete()),
    Holding(
        "learning_plans.Evidence",
        about=("target__plan__pupil",),
        named=("added_by",),
        erase=Delete(),
        title="Evidence for their targets",
    ),
    Holding(
        "learning_plans.Review",
        about=PLAN,
        named=("reviewed_by",),
        erase=Delete(),
        title="Reviews of learning plans",
    ),
    Holding(
        "learning_plans.Message",
        about=PLAN,
        named=("author",),
        erase=Delete(),
        erase_named=Replace({"author_name": ERASED_NAME}),
    ),
)
