"""What ``badges`` holds about a pupil: the badges awarded to them."""

from risingtide.lib.personal_data import Delete, Holding, declare

declare(
    Holding(
        "badges.Award",
        about=("pupil",),
        named=("awarded_by", "revoked_by"),
        erase=Delete(),
        secret=("token",),
        title="Badges awarded",
    )
)
