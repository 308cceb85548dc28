"""Password sign-in refused where a school has chosen its provider alone.

A connection may say that password sign-in is no longer allowed. That holds for pupils and
teachers whose every school is served by such a connection (the school's own, or its LA's).
Coordinators, heads and everyone with a wider role keep their password: they manage the
connection, and a provider that breaks must not lock the school out of fixing it.

This backend sits before ``PersonBackend`` and never signs anyone in itself: for such a person
it stops the chain (Django then answers as for a wrong password, and axes counts it as one),
and otherwise it steps aside. It decides from the sign-in name alone, before any password is
checked, so a password is hashed once per attempt as before; a refused attempt hashes the
typed password anyway, so the answer takes as long as a wrong password's.
"""

from django.core.exceptions import PermissionDenied
from django.db.models import Q

from risingtide.people.models import Membership, Role, User
from risingtide.sso.models import IdentityProvider

PROVIDER_ONLY_ROLES = {Role.PUPIL, Role.TEACHER}


def password_refused(username: str) -> bool:
    rows = list(
        Membership.objects.filter(user__username=username, user__is_active=True).values_list(
            "role", "school_id", "school__local_authority_id"
        )
    )
    if not rows or any(role not in PROVIDER_ONLY_ROLES or not school for role, school, _ in rows):
        return False
    schools = {school for _, school, _ in rows}
    las = {la for _, _, la in rows}
    closed = IdentityProvider.objects.filter(enabled=True, password_sign_in=False).filter(
        Q(school_id__in=schools) | Q(local_authority_id__in=las)
    )
    closed_schools, closed_las = set(), set()
    for school, la in closed.values_list("school_id", "local_authority_id"):
        closed_schools.add(school)
        closed_las.add(la)
    return all(school in closed_schools or la in closed_las for _, school, la in rows)


class ProviderOnlyBackend:
    def authenticate(self, request, username=None, password=None, **kwargs):
        if username is None or password is None:
            return None
        if password_refused(username):
            User().set_password(password)  # as long as a wrong password takes
            raise PermissionDenied
        return None

    def get_user(self, user_id):
        return None  # signs nobody in, so no session ever names it
