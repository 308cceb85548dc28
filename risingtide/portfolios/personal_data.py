"""What ``portfolios`` holds about a pupil: their portfolios and everything in them; in a group
portfolio, what they made themselves (docs/privacy.md)."""

from risingtide.lib.personal_data import (
    GROUP_KEPT,
    Custom,
    Delete,
    Holding,
    declare,
)
from risingtide.portfolios.models import PortfolioMember


def _alone(portfolios, person) -> None:
    """A portfolio with no other member goes (and everything in it); a group's stays."""
    others = PortfolioMember.objects.exclude(pupil_id=person.user_id).values("portfolio_id")
    portfolios.exclude(pk__in=others).delete()


MEMBERS = ("portfolio__members",)
declare(
    Holding(
        "portfolios.Portfolio",
        about=("members",),
        erase=Custom(_alone, "deleted when the pupil was its only member; a group's stays"),
        order=-10,  # before the memberships go, which is how it knows whose it is
    ),
    Holding("portfolios.PortfolioMember", about=("pupil",), erase=Delete()),
    Holding("portfolios.StageProgress", about=MEMBERS, erase=GROUP_KEPT, title="Stage progress"),
    Holding(
        "portfolios.Item",
        about=MEMBERS,
        named=("created_by",),
        erase=GROUP_KEPT,
        erase_named=Delete(),
    ),
    Holding(
        "portfolios.NoteRevision",
        about=("item__portfolio__members",),
        named=("saved_by",),
        erase=GROUP_KEPT,
    ),
    Holding("portfolios.Connection", about=MEMBERS, named=("created_by",), erase=GROUP_KEPT),
    Holding("portfolios.Category", about=MEMBERS, erase=GROUP_KEPT, title="Categories"),
    Holding(
        "portfolios.Annotation",
        about=("item__portfolio__members",),
        named=("author",),
        erase=GROUP_KEPT,
        erase_named=Delete(),
    ),
    Holding(
        "portfolios.StageWork",
        about=MEMBERS,
        named=("updated_by",),
        erase=GROUP_KEPT,
        title="Stage tools' work",
    ),
    Holding(
        "portfolios.GroupMessage",
        about=MEMBERS,
        named=("author",),
        erase=GROUP_KEPT,
        erase_named=Delete(),
    ),
    Holding("portfolios.Contribution", about=("rater", "member"), erase=Delete()),
)
