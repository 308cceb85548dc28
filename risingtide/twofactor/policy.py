"""Who is asked for a second factor, and when a check is fresh enough for a sensitive act.

Asked at sign-in: a person with a device of their own (whoever set one up uses it), or one whose
role reaches pupil records where a school, their LA or the site requires it. Never a pupil or a
carer: their roles are not asked, whatever is required.

Asked again (a "fresh" check) before a sensitive act: the roles that reach pupil records, and
anyone with a device. With a device, a check is a second factor; without one (and nothing
required), their sign-in or their password counts.

What the middleware needs on every page is decided once, at sign-in, and kept in the session
(``STATE``), so no page pays a query for it (page query counts stay as they were).
"""

import time

from django.conf import settings
from django.db.models import Q
from django_otp import devices_for_user

from risingtide.access.core import anchors
from risingtide.people.models import Role
from risingtide.twofactor.models import Requirement

# Roles that reach pupil records: a requirement always applies to them, teachers when it says so.
ASKED_ROLES = frozenset(
    {Role.LEADING_TEACHER, Role.HEAD, Role.LA_LEAD, Role.NATIONAL_OFFICER, Role.SITE_ADMIN}
)
# Only the site's requirement reaches roles anchored above LAs.
SITE_WIDE_ROLES = frozenset({Role.NATIONAL_OFFICER, Role.SITE_ADMIN})

# Session keys: what sign-in decided, and when the person was last checked (epoch seconds).
STATE = "twofactor_state"
CHECKED_AT = "twofactor_checked_at"
ASK, CLEAR = "ask", "clear"
HAS_DEVICE = "twofactor_has_device"


def required(user) -> bool:
    """Does a school, LA or the site require a second factor of one of this person's roles?"""
    held = {role: a for role, a in anchors(user).items() if role in ASKED_ROLES | {Role.TEACHER}}
    if not held:
        return False
    schools, las = set(), set()
    for role, places in held.items():
        if role not in SITE_WIDE_ROLES:
            schools |= places.schools
            las |= places.las
    found = Requirement.objects.filter(
        Q(site=True) | Q(school_id__in=schools) | Q(local_authority_id__in=las)
    ).values_list("site", "school_id", "local_authority_id", "include_teachers")
    for site, school_id, la_id, teachers in found:
        for role, places in held.items():
            if role == Role.TEACHER and not teachers:
                continue
            if site or (
                role not in SITE_WIDE_ROLES and (school_id in places.schools or la_id in places.las)
            ):
                return True
    return False


def has_device(user) -> bool:
    return any(True for _ in devices_for_user(user))


def reaches_pupil_records(user) -> bool:
    return bool(set(anchors(user)) & ASKED_ROLES)


def decide(session, user) -> str:
    """At sign-in: will this session be asked for a second factor? Kept in the session."""
    device = has_device(user)
    session[HAS_DEVICE] = device
    session[STATE] = ASK if device or required(user) else CLEAR
    return session[STATE]


def record_check(session) -> None:
    """The person has just proved who they are (sign-in, a second factor, their password)."""
    session[CHECKED_AT] = time.time()


def is_fresh(session) -> bool:
    at = session.get(CHECKED_AT)
    return at is not None and time.time() - at <= settings.TWO_FACTOR_FRESH_MINUTES * 60


def needs_fresh_check(request) -> bool:
    """Before a sensitive act: must this person prove who they are again?"""
    user, session = request.user, request.session
    if session.get(STATE) is None:
        decide(session, user)
    with_device = session.get(HAS_DEVICE, False)
    if not with_device and not reaches_pupil_records(user):
        return False
    if with_device and not user.is_verified():
        return True
    return not is_fresh(session)
