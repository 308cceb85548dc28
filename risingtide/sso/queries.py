"""Reads of single sign-on connections, for the pages and the API alike (never the secret)."""

from django.db.models import QuerySet

from risingtide.access.core import visible
from risingtide.sso.models import IdentityProvider


def connections(user, *, school=None, local_authority=None) -> QuerySet:
    """The connections ``user`` may see that belong to ``school`` or ``local_authority``."""
    found = visible(user, IdentityProvider, "identity_provider.view").select_related(
        "school", "local_authority"
    )
    if school is not None:
        found = found.filter(school=school)
    if local_authority is not None:
        found = found.filter(local_authority=local_authority)
    return found.defer("client_secret")


def for_sign_in(slug: str) -> IdentityProvider | None:
    """The switched-on connection a school's sign-in address names, with its owner."""
    return (
        IdentityProvider.objects.filter(slug=slug, enabled=True)
        .select_related("school", "local_authority")
        .first()
    )
