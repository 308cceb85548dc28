"""The portfolios' lists — a portfolio's items, a project's portfolios, the portfolios a person
may see — as scoped querysets with one filter each, read by the pages and the API alike.

Before, the API built its own copies and disagreed with the pages: a portfolio's items came
back with the stages in alphabetical order (Act before Gather) where the page follows the wheel,
and could not be filtered as the page filters them; a project's portfolios came back most
recently active first where the teacher's progress page lists them by pupil. Now both read
here; what a layer adds is only how it reads its input (a page ignores a value it does not
know, the API refuses it) and how it shows the rows.
"""

from dataclasses import dataclass

from django.db.models import Case, IntegerField, OuterRef, Q, QuerySet, Subquery, Value, When

from risingtide.access.core import visible
from risingtide.people.models import User
from risingtide.portfolios.groups import assigned_pupils
from risingtide.portfolios.models import Item, Portfolio, PortfolioMember
from risingtide.tasc.models import STAGE_ORDER, Project

IMPORTANCE = (1, 2, 3, 4, 5)


@dataclass(frozen=True)
class ItemFilter:
    """Which of a portfolio's items to list: one stage, one category, an importance of at least
    ``min_importance``, words in the title, text, file name or an annotation."""

    stage: str = ""
    category: str = ""
    min_importance: int | None = None
    text: str = ""

    @classmethod
    def from_query(cls, query) -> "ItemFilter":
        """The portfolio page's form. A value the page does not offer means no filter, as a
        hand-edited address should."""
        raw = query.get("importance", "")
        return cls(
            stage=query.get("stage", "") if query.get("stage", "") in STAGE_ORDER else "",
            category=query.get("category", "")[:40],
            min_importance=int(raw) if raw in {str(n) for n in IMPORTANCE} else None,
            text=query.get("q", "").strip()[:100],
        )

    @property
    def active(self) -> bool:
        return bool(self.stage or self.category or self.min_importance or self.text)

    @property
    def searching(self) -> bool:
        """Words, a category or an importance asked for: the pupil's board then shows what
        matches in every stage rather than one stage's items."""
        return bool(self.category or self.min_importance or self.text)

    def apply(self, items: QuerySet) -> QuerySet:
        if self.stage:
            items = items.filter(stage=self.stage)
        if self.category:
            items = items.filter(categories__name=self.category)
        if self.min_importance:
            items = items.filter(importance__gte=self.min_importance)
        if self.text:
            items = items.filter(
                Q(title__icontains=self.text)
                | Q(body__icontains=self.text)
                | Q(file_name__icontains=self.text)
                | Q(annotations__text__icontains=self.text)
            )
        return items.distinct()


EVERY_ITEM = ItemFilter()


def wheel_order(field: str = "stage") -> Case:
    """A stage's place round the wheel (Gather first), to sort by in SQL."""
    return Case(
        *(When(**{field: stage}, then=Value(n)) for n, stage in enumerate(STAGE_ORDER)),
        default=Value(len(STAGE_ORDER)),
        output_field=IntegerField(),
    )


def portfolio_items(user: User, portfolio: Portfolio, f: ItemFilter = EVERY_ITEM) -> QuerySet:
    """The items of ``portfolio`` that ``user`` may see, filtered, as the portfolio page shows
    them: stage by stage round the wheel, each stage in the pupil's order."""
    items = visible(user, Item).filter(portfolio=portfolio)
    return f.apply(items).order_by(wheel_order(), "position", "pk")


def project_portfolios(user: User, project: Project) -> QuerySet:
    """The portfolios of ``project`` that ``user`` may see, of the pupils it is set to whom
    ``user`` may see, as the teacher's progress page lists them: by pupil (surname, first name),
    a group's portfolio once, at its first such member."""
    pupils = assigned_pupils(user, project)
    first = PortfolioMember.objects.filter(portfolio=OuterRef("pk"), pupil__in=pupils).order_by(
        "pupil__last_name", "pupil__first_name", "pupil_id"
    )
    return (
        visible(user, Portfolio)
        .filter(
            project=project,
            pk__in=PortfolioMember.objects.filter(project=project, pupil__in=pupils).values(
                "portfolio_id"
            ),
        )
        .annotate(
            first_surname=Subquery(first.values("pupil__last_name")[:1]),
            first_forename=Subquery(first.values("pupil__first_name")[:1]),
            first_pupil=Subquery(first.values("pupil_id")[:1]),
        )
        .order_by("first_surname", "first_forename", "first_pupil")
    )


def seen_portfolios(user: User) -> QuerySet:
    """Every portfolio ``user`` may see, most recently active first (the API's list without a
    project; no page lists portfolios across projects)."""
    return visible(user, Portfolio).order_by("-last_activity_at", "-pk")
