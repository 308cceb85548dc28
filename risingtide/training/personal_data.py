"""What ``training`` holds about a member of staff: their progress, reflections, completions,
credentials and sessions, and what they authored (docs/privacy.md)."""

from risingtide.lib.personal_data import SCHOOL_WORK, STAFF_ONLY, Holding, declare

declare(
    Holding("training.ModuleVersion", named=("published_by",), erase=SCHOOL_WORK),
    Holding("training.Progress", about=("learner",), erase=STAFF_ONLY, title="Training progress"),
    Holding("training.Reflection", about=("progress__learner",), erase=STAFF_ONLY),
    Holding("training.ScormState", about=("progress__learner",), erase=STAFF_ONLY),
    Holding("training.Completion", about=("learner",), erase=STAFF_ONLY),
    Holding(
        "training.BadgeCredential",
        about=("learner",),
        named=("revoked_by",),
        erase=STAFF_ONLY,
        secret=("token",),
    ),
    Holding(
        "training.ModuleMedia", named=("uploaded_by",), erase=SCHOOL_WORK, title="Module media"
    ),
    Holding("training.SharedModule", named=("shared_by",), erase=SCHOOL_WORK),
    Holding("training.ModuleSource", named=("copied_by",), erase=SCHOOL_WORK),
    Holding("training.ScormPackage", named=("uploaded_by",), erase=SCHOOL_WORK),
    Holding(
        "training.Session",
        named=("scheduled_by",),
        erase=SCHOOL_WORK,
        title="Training sessions scheduled",
    ),
    Holding(
        "training.SignUp",
        about=("learner",),
        named=("marked_by",),
        erase=STAFF_ONLY,
        title="Training sign-ups",
    ),
)
