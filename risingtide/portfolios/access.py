"""Who may see and add to portfolios, items and presentations, and how they reach people:
through the portfolio's members. Registered with the access engine when the app is ready."""

from django.db.models import Q, QuerySet

from risingtide.access.core import Path, Subject, by_field, declare_subject
from risingtide.access.policy import Capability, Reach, declare
from risingtide.people.access import PUPIL_CARERS, pupils_in_groups
from risingtide.people.models import Membership, Role
from risingtide.portfolios.models import Item, Portfolio, PortfolioMember
from risingtide.schools.models import TeachingGroup


def _portfolios_of(pupils: QuerySet | set[int]) -> QuerySet:
    return PortfolioMember.objects.filter(pupil__in=pupils).values("portfolio_id")


def portfolio_paths(prefix: str) -> dict[Reach, Path]:
    """A portfolio (or, with ``prefix``, what belongs to one) reached through its members."""
    return {
        Reach.SELF: Path(
            lambda ids: Q(**{f"{prefix}pk__in": _portfolios_of(ids)}),
            "a portfolio the pupil is a member of",
        ),
        # A teacher sees their pupils' portfolios for their own school's projects only: a
        # pupil's work at a previous school stays there.
        Reach.GROUP: Path(
            lambda ids: Q(
                **{
                    f"{prefix}pk__in": _portfolios_of(pupils_in_groups(ids)),
                    f"{prefix}project__school__in": TeachingGroup.objects.filter(pk__in=ids).values(
                        "school_id"
                    ),
                }
            ),
            "a portfolio of a pupil in one of the person's groups, for a project of that "
            "group's school (work from a previous school stays there)",
        ),
        Reach.SCHOOL: by_field(f"{prefix}project__school_id"),
    }


def _presentations_for(ids: set[int]) -> Q:
    """A pupil's own presentations, and those shared with a class they are in or their school."""
    mine = Membership.objects.filter(user__in=ids, role=Role.PUPIL)
    classmates = Membership.objects.filter(
        role=Role.PUPIL,
        teaching_group__in=mine.filter(teaching_group__isnull=False).values("teaching_group_id"),
    ).values("user_id")
    return (
        Q(pk__in=_portfolios_of(ids))
        | Q(
            shared_with=Portfolio.Sharing.CLASS,
            pk__in=_portfolios_of(classmates),
            project__school__in=mine.values("school_id"),
        )
        | Q(
            shared_with=Portfolio.Sharing.SCHOOL,
            project__school__in=mine.values("school_id"),
        )
    )


declare_subject("portfolio", Subject(Portfolio, portfolio_paths("")))
declare_subject("item", Subject(Item, portfolio_paths("portfolio__")))
declare_subject(
    "presentation",
    Subject(
        Portfolio,
        {
            **portfolio_paths(""),
            Reach.SELF: Path(
                _presentations_for,
                "the pupil's own, or one shared with a class they are in or with their school",
            ),
        },
        primary=False,
    ),
)
declare(
    Capability(
        "portfolio.view",
        "portfolio",
        "See a pupil's portfolio (staff read only)",
        {Role.PUPIL: Reach.SELF, **PUPIL_CARERS},
    ),
    Capability(
        "portfolio.edit",
        "portfolio",
        "Add to one's own portfolio and mark stages done",
        {Role.PUPIL: Reach.SELF},
    ),
    Capability(
        "presentation.view",
        "presentation",
        "See a pupil's Communicate presentation (pupils: their own, or one shared with "
        "their class or school)",
        {Role.PUPIL: Reach.SELF, **PUPIL_CARERS},
    ),
    Capability(
        "item.view",
        "item",
        "See a portfolio item",
        {Role.PUPIL: Reach.SELF, **PUPIL_CARERS},
    ),
    Capability(
        "item.edit",
        "item",
        "Change an item in one's own portfolio",
        {Role.PUPIL: Reach.SELF},
    ),
)
