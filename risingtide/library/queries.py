"""Reads for the library pages; each makes a fixed number of queries however big it grows."""

import math
from dataclasses import dataclass, fields

from django.db.models import Avg, Count, FloatField, OuterRef, Q, Subquery, Window

from risingtide.access.core import visible
from risingtide.lib.counts import count_of
from risingtide.library import search as text_search
from risingtide.library.models import Resource, ResourceUse, Review, Subject
from risingtide.people.models import User
from risingtide.tasc.models import STAGE_ORDER, Project
from risingtide.tasc.queries import wheel_stages
from risingtide.tasc.wheels import ensure_default_wheel

PER_PAGE = 20
MAX_PAGE = 500  # no one reads 10,000 results page by page; deep pages only cost the database


@dataclass(frozen=True)
class Filters:
    """What a teacher searches for; every value is checked against its choices."""

    text: str = ""
    kind: str = ""
    subject: str = ""
    key_stage: str = ""
    stage: str = ""
    audience: str = ""
    licence: str = ""
    mine: bool = False

    CHOICES = {
        "kind": Resource.Kind.values,
        "subject": Subject.values,
        "key_stage": Project.KeyStage.values,
        "stage": STAGE_ORDER,
        "audience": Resource.Audience.values,
        "licence": Resource.Licence.values,
    }

    @classmethod
    def from_query(cls, query) -> "Filters":
        chosen = {
            name: query.get(name, "") if query.get(name, "") in allowed else ""
            for name, allowed in cls.CHOICES.items()
        }
        return cls(text=query.get("q", "").strip()[:200], mine=query.get("mine") == "1", **chosen)

    @property
    def active(self) -> bool:
        return any(getattr(self, f.name) for f in fields(self))

    def apply(self, resources):
        for name in ("kind", "subject", "audience", "licence"):
            if getattr(self, name):
                resources = resources.filter(**{name: getattr(self, name)})
        # A resource for any key stage or any TASC stage suits every one.
        if self.key_stage:
            resources = resources.filter(Q(key_stage=self.key_stage) | Q(key_stage=""))
        if self.stage:
            resources = resources.filter(Q(stage=self.stage) | Q(stage=""))
        return resources


@dataclass
class Results:
    resources: list[Resource]
    count: int
    page: int
    pages: int
    ranked: bool  # ordered by relevance (there were words to search for)

    @property
    def previous_page(self) -> int | None:
        return self.page - 1 if self.page > 1 else None

    @property
    def next_page(self) -> int | None:
        return self.page + 1 if self.page < self.pages else None


def _annotated(resources):
    """Rows to show in a list: who and where, average rating, reviews and uses."""
    average = (
        Review.objects.filter(resource=OuterRef("pk"))
        .order_by()
        .values("resource")
        .annotate(a=Avg("rating"))
        .values("a")
    )
    return resources.select_related("author", "school").annotate(
        rating=Subquery(average, output_field=FloatField()),
        review_count=count_of(Review.objects.all(), "resource"),
        use_count=count_of(ResourceUse.objects.all(), "resource"),
    )


def search(user: User, filters: Filters, page: int = 1, per_page: int = PER_PAGE) -> Results:
    """The resources ``user`` may see that match, best first (or newest first without search
    words), one page of them. Two queries: the page's keys with the total, the page's rows (two
    more for a page past the end).

    Withdrawn resources appear only in the author's own list (``mine``)."""
    resources = visible(user, "resource")
    if filters.mine:
        resources = resources.filter(author=user)
    else:
        resources = resources.filter(withdrawn_at__isnull=True)
    resources, ranked = text_search.matching(filters.apply(resources), filters.text)
    order = ("-rank", "-created_at", "-pk") if ranked else ("-created_at", "-pk")
    # The page's keys and the total in one statement: the database finds every match once.
    counted = resources.order_by(*order).annotate(total=Window(Count("pk")))
    page = min(max(1, page), MAX_PAGE)

    def keys_of(page: int) -> list[tuple[int, int]]:
        start = (page - 1) * per_page
        return list(counted.values_list("pk", "total")[start : start + per_page])

    found = keys_of(page)
    if found:
        count = found[0][1]
    elif page == 1:
        count = 0
    else:  # past the last page (an old link): count, then show the last page
        count = resources.count()
        page = max(1, min(math.ceil(count / per_page), MAX_PAGE))
        found = keys_of(page)
    pages = max(1, min(math.ceil(count / per_page), MAX_PAGE))
    keys = [key for key, _ in found]
    rows = {r.pk: r for r in _annotated(Resource.objects.filter(pk__in=keys))}
    return Results([rows[k] for k in keys], count, page, pages, ranked)


def resource_page(user: User, resource: Resource) -> dict:
    """A resource with its reviews (the reader's own first), rating, uses and, for a project,
    its stages with their prompts."""
    resource = _annotated(Resource.objects.filter(pk=resource.pk)).get()
    reviews = list(Review.objects.filter(resource=resource).select_related("author"))
    mine = next((r for r in reviews if r.author_id == user.pk), None)
    if mine is not None:
        reviews.remove(mine)
        reviews.insert(0, mine)
    context = {"resource": resource, "reviews": reviews, "my_review": mine}
    if resource.is_project:
        stages = wheel_stages(ensure_default_wheel(), resource.stage_prompts)
        context["stages"] = stages
    return context


def adapted_from(project: Project) -> ResourceUse | None:
    """The library resource a project was copied from, if it was."""
    return (
        ResourceUse.objects.filter(project=project, how=ResourceUse.How.COPIED)
        .select_related("resource")
        .first()
    )
