"""Roles, and who may see people and the organisation tree: the people app owns memberships,
so it tells the access engine where each person is anchored. Registered when the app is ready.
"""

from django.core.cache import cache
from django.db.models import Q

from risingtide.access.core import (
    Anchors,
    Path,
    Subject,
    by_field,
    declare_anchors,
    declare_subject,
)
from risingtide.access.policy import ANYONE_SIGNED_IN, Capability, Reach, declare, declare_roles
from risingtide.people.models import Membership, Role, User
from risingtide.schools.models import School

ANCHORS_SECONDS = 8 * 3600  # a session's length; a new version makes a new key before then

STAFF_IN_SCHOOL = {
    Role.TEACHER: Reach.SCHOOL,
    Role.LEADING_TEACHER: Reach.SCHOOL,
    Role.HEAD: Reach.SCHOOL,
}
PUPIL_CARERS = {
    Role.TEACHER: Reach.GROUP,
    Role.LEADING_TEACHER: Reach.SCHOOL,
    Role.HEAD: Reach.SCHOOL,
}


def pupils_in(path: str, words: str) -> Path:
    """Pupils (as accounts) with a pupil membership at the places ``path`` names."""
    return Path(
        lambda ids: Q(
            pk__in=Membership.objects.filter(role=Role.PUPIL, **{f"{path}__in": ids}).values(
                "user_id"
            )
        ),
        words,
    )


def pupils_in_groups(ids: set[int]):
    """The accounts of the pupils in these teaching groups (a subquery)."""
    return Membership.objects.filter(teaching_group__in=ids, role=Role.PUPIL).values("user_id")


def memberships_anchors(user: User) -> dict[str, Anchors]:
    """Where a person's memberships tie them to, by role (the engine keeps it per request)."""
    found: dict[str, Anchors] = {}
    memberships = list(
        Membership.objects.filter(user=user).select_related(
            "school__local_authority", "local_authority"
        )
    )
    cluster_ids = {m.cluster_id for m in memberships if m.cluster_id}
    cluster_schools: dict[int, list[tuple[int, int, int]]] = {}
    if cluster_ids:
        for school_id, cluster_id, la_id, nation_id in School.objects.filter(
            cluster_id__in=cluster_ids
        ).values_list("pk", "cluster_id", "local_authority_id", "local_authority__nation_id"):
            cluster_schools.setdefault(cluster_id, []).append((school_id, la_id, nation_id))
    if user.is_superuser:
        # `createsuperuser` makes a site administrator without a separate membership.
        found[Role.SITE_ADMIN] = Anchors(anywhere=True)
    for m in memberships:
        a = found.setdefault(m.role, Anchors())
        if m.role == Role.SITE_ADMIN:
            a.anywhere = True
        if m.teaching_group_id:
            a.groups.add(m.teaching_group_id)
        if m.school_id:
            a.schools.add(m.school_id)
            a.las.add(m.school.local_authority_id)
            a.nations.add(m.school.local_authority.nation_id)
        if m.cluster_id:
            for school_id, la_id, nation_id in cluster_schools.get(m.cluster_id, []):
                a.schools.add(school_id)
                a.las.add(la_id)
                a.nations.add(nation_id)
        if m.local_authority_id:
            a.las.add(m.local_authority_id)
            a.nations.add(m.local_authority.nation_id)
            a.above_school.setdefault(Reach.LA, set()).add(m.local_authority_id)
        if m.nation_id:
            a.nations.add(m.nation_id)
            a.above_school.setdefault(Reach.NATION, set()).add(m.nation_id)
        if m.provider_id:
            a.providers.add(m.provider_id)
        if m.child_id:
            a.children.add(m.child_id)
    return found


declare_roles(Role.choices)


def cached_anchors(user: User) -> dict[str, Anchors]:
    """``memberships_anchors``, kept in the cache under the person's ``access_version`` (read
    with the person on every request), so the memberships are read once until they change;
    ``people.signals`` moves the version on."""
    key = f"access-anchors:{user.pk}:{user.access_version}:{int(user.is_superuser)}"
    found = cache.get(key)
    if found is None:
        found = memberships_anchors(user)
        cache.set(key, found, ANCHORS_SECONDS)
    return found


declare_anchors(cached_anchors)
declare_subject(
    "pupil",
    Subject(
        User,
        {
            Reach.SELF: by_field("pk", "the pupil themself"),
            Reach.CHILD: by_field("pk", "a child the carer is linked to"),
            Reach.GROUP: pupils_in("teaching_group_id", "a pupil of one of the person's groups"),
            Reach.SCHOOL: pupils_in("school_id", "a pupil of one of the person's schools"),
            Reach.LA: pupils_in("school__local_authority_id", "a pupil of a school in the LA"),
            Reach.NATION: pupils_in(
                "school__local_authority__nation_id", "a pupil of a school in the nation"
            ),
        },
        # A pupil is an active account that is only ever a pupil: a teacher who also holds a
        # pupil membership by mistake must never have their password reset by another teacher.
        base=lambda: User.objects.filter(
            is_active=True,
            is_staff=False,
            is_superuser=False,
            pk__in=Membership.objects.filter(role=Role.PUPIL).values("user_id"),
        ).exclude(pk__in=Membership.objects.exclude(role=Role.PUPIL).values("user_id")),
        base_words="active accounts that hold only pupil memberships (never staff)",
        primary=False,
    ),
)
declare(
    Capability("site.home", None, "See one's own home page", ANYONE_SIGNED_IN),
    Capability(
        "site.profile",
        None,
        "See one's own roles (/api/v1/me), change one's password",
        ANYONE_SIGNED_IN,
    ),
    Capability(
        "site.api_tokens",
        None,
        "Create and revoke one's own API tokens",
        {
            role: Reach.ANY
            for role in Role.values
            if role not in (Role.PUPIL, Role.CARER)  # pupils and families use the site
        },
        fresh=True,
    ),
    Capability("site.admin", None, "Use the Django admin", {Role.SITE_ADMIN: Reach.ANY}),
    Capability(
        "site.list_schools",
        None,
        "List the schools one may see (/api/v1/schools)",
        {
            Role.TEACHER: Reach.ANY,
            Role.LEADING_TEACHER: Reach.ANY,
            Role.HEAD: Reach.ANY,
            Role.LA_LEAD: Reach.ANY,
            Role.NATIONAL_OFFICER: Reach.ANY,
            Role.SITE_ADMIN: Reach.ANY,
        },
    ),
    Capability(
        "nation.view",
        "nation",
        "See the nation's local authorities and school counts",
        {Role.NATIONAL_OFFICER: Reach.NATION, Role.SITE_ADMIN: Reach.ANY},
    ),
    Capability(
        "local_authority.view",
        "local_authority",
        "See a local authority and its schools",
        {
            Role.LA_LEAD: Reach.LA,
            Role.NATIONAL_OFFICER: Reach.NATION,
            Role.SITE_ADMIN: Reach.ANY,
        },
    ),
    Capability(
        "school.view",
        "school",
        "See a school's page: groups, staff and pupil numbers",
        {
            **STAFF_IN_SCHOOL,
            Role.LA_LEAD: Reach.LA,
            Role.NATIONAL_OFFICER: Reach.NATION,
            Role.SITE_ADMIN: Reach.ANY,
        },
    ),
    Capability(
        "provider.view",
        "provider",
        "See a provider's page",
        {
            Role.PROVIDER_STAFF: Reach.PROVIDER,
            Role.NATIONAL_OFFICER: Reach.NATION,
            Role.SITE_ADMIN: Reach.ANY,
        },
    ),
    Capability(
        "teaching_group.view",
        "teaching_group",
        "See a teaching group and its pupils",
        {**PUPIL_CARERS},
    ),
    Capability(
        "teaching_group.manage_pupils",
        "teaching_group",
        "Add pupils to a group, print sign-in cards",
        {**PUPIL_CARERS},
        fresh=True,
    ),
    Capability(
        "pupil.view",
        "pupil",
        "See a pupil's profile",
        {Role.PUPIL: Reach.SELF, **PUPIL_CARERS},
    ),
    Capability(
        "pupil.reset_password",
        "pupil",
        "Give a pupil a new password",
        {**PUPIL_CARERS},
        fresh=True,
    ),
)
