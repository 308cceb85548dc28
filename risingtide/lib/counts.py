"""Counting related rows in one query, without the join fan-out of several ``Count``s."""

from django.db.models import Count, IntegerField, OuterRef, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce


def count_of(related: QuerySet, link: str, outer: str = "pk") -> Coalesce:
    """An annotation: how many rows of ``related`` have ``link`` equal to the outer row's key."""
    counted = (
        related.filter(**{link: OuterRef(outer)})
        .order_by()
        .values(link)
        .annotate(n=Count("*"))
        .values("n")
    )
    return Coalesce(Subquery(counted, output_field=IntegerField()), Value(0))
