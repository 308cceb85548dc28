"""Who may see and do what in two-factor sign-in. Registered when the app is ready.

Staff manage their own second factor; pupils and carers are never asked, so they have no
pages here. The head or coordinator sets their school's requirement, the LA lead their LA's,
the site administrator the site's. When someone has lost their phone and their recovery codes,
the school's head, the LA lead or the site administrator resets their second factor (audited):
the subject ``staff_member`` is a staff account seen from those places, and only one whose every
role sits within the place (a head never resets an LA lead's or the site administrator's second
factor because they also teach at the school)."""

from django.db.models import Q

from risingtide.access.core import Path, Subject, declare_subject
from risingtide.access.policy import Capability, Reach, declare
from risingtide.people.models import Membership, Role, User

STAFF_ROLES = (
    Role.TEACHER,
    Role.LEADING_TEACHER,
    Role.HEAD,
    Role.LA_LEAD,
    Role.NATIONAL_OFFICER,
    Role.SITE_ADMIN,
)
# Everyone who may be asked for a second factor, and so may set one up.
STAFF = {role: Reach.SELF for role in STAFF_ROLES}


def _staff_within(inside, words: str) -> Path:
    """Staff accounts whose every membership sits within the places (``inside(ids)``, a filter
    of memberships): a head reaches no account that also holds a role elsewhere, or above the
    school (an LA lead, a national officer, the site administrator who also teaches there),
    nor the site's own staff and superusers."""

    def build(ids: set[int]) -> Q:
        within = inside(ids)
        return (
            Q(pk__in=Membership.objects.filter(within, role__in=STAFF_ROLES).values("user_id"))
            & ~Q(pk__in=Membership.objects.exclude(within).values("user_id"))
            & Q(is_superuser=False, is_staff=False)
        )

    return Path(build, words)


def _at_schools(ids: set[int]) -> Q:
    return Q(school_id__in=ids) | Q(teaching_group__school_id__in=ids)


def _in_las(ids: set[int]) -> Q:
    return (
        Q(school__local_authority_id__in=ids)
        | Q(teaching_group__school__local_authority_id__in=ids)
        | Q(local_authority_id__in=ids)
    )


declare_subject(
    "staff_member",
    Subject(
        User,
        {
            Reach.SCHOOL: _staff_within(
                _at_schools,
                "a member of staff of the school whose every role is at the school (no role "
                "elsewhere or above it; not a Django staff account or superuser)",
            ),
            Reach.LA: _staff_within(
                _in_las,
                "a member of staff whose every role is in the LA or its schools (not a Django "
                "staff account or superuser)",
            ),
        },
        base=lambda: User.objects.filter(
            is_active=True,
            pk__in=Membership.objects.filter(role__in=STAFF_ROLES).values("user_id"),
        ),
        base_words="active accounts with a staff role",
        primary=False,
    ),
)
RESETTERS = {Role.HEAD: Reach.SCHOOL, Role.LA_LEAD: Reach.LA, Role.SITE_ADMIN: Reach.ANY}
declare(
    Capability(
        "twofactor.own",
        None,
        "Set up, give and see one's own second factor (staff; pupils and carers are never asked)",
        STAFF,
    ),
    Capability(
        "twofactor.change_own",
        None,
        "Make new recovery codes or remove one of one's own devices (after a fresh check)",
        STAFF,
        fresh=True,
    ),
    Capability(
        "school.require_two_factor",
        "school",
        "Require a second factor of the school's staff who reach pupil records",
        {Role.HEAD: Reach.SCHOOL, Role.LEADING_TEACHER: Reach.SCHOOL},
        fresh=True,
    ),
    Capability(
        "local_authority.require_two_factor",
        "local_authority",
        "Require a second factor of the staff of every school in the LA",
        {Role.LA_LEAD: Reach.LA},
        fresh=True,
    ),
    Capability(
        "site.require_two_factor",
        None,
        "Require a second factor of staff everywhere",
        {Role.SITE_ADMIN: Reach.ANY},
        fresh=True,
    ),
    Capability(
        "staff_member.view",
        "staff_member",
        "See whether a member of staff has a second factor",
        RESETTERS,
    ),
    Capability(
        "staff_member.reset_two_factor",
        "staff_member",
        "Reset the second factor of a member of staff who lost their phone and codes (audited)",
        RESETTERS,
        fresh=True,
    ),
)
