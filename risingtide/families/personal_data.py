"""What ``families`` holds about a pupil: invitations for their carers and what carers saw."""

from risingtide.lib.personal_data import Delete, Holding, declare

declare(
    Holding(
        "families.Invitation",
        about=("pupil",),
        named=("created_by", "used_by"),
        erase=Delete(),
        secret=("code_digest",),
    ),
    Holding(
        "families.Shown",
        about=("child",),
        named=("carer",),
        erase=Delete(),
        title="What carers were shown",
    ),
)
