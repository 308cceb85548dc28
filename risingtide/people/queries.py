"""Reads about people that pages and the API share."""

from django.db.models import QuerySet

from risingtide.access.core import visible
from risingtide.people.models import Role, User
from risingtide.schools.models import TeachingGroup


def group_pupils(user: User, group: TeachingGroup) -> QuerySet:
    """The pupils of ``group`` whom ``user`` may see, by name: the group page and
    ``/api/v1/groups/{id}/pupils`` list exactly these."""
    return (
        visible(user, "pupil")
        .filter(memberships__teaching_group=group, memberships__role=Role.PUPIL)
        .order_by("last_name", "first_name", "pk")
    )
