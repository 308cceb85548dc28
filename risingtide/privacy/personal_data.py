"""What ``privacy`` holds about a person: the exports made about them, and who asked."""

from risingtide.lib.personal_data import Delete, Holding, declare

declare(
    Holding(
        "privacy.SubjectAccessExport",
        about=("pupil", "staff"),
        named=("requested_by",),
        erase=Delete(),  # the ZIP too: it is a copy of what erasure removes
    )
)
