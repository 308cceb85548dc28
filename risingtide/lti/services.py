"""What a checked launch does here: the person it names is found or made in the platform's
school, the course is found or made as a teaching group, and the person goes where the link
points. Also NRPS (filling a group from the platform's member list).

Accounts are matched by the platform's own ``sub`` and nothing else (never an email or a name:
a platform's email is not verified by us), and only ever made in the school the platform was
registered for. A pupil's account is never made a teacher's by a launch, and a teacher's only
where the platform's registration allows it (``Platform.new_teachers``). Platform
administrators and roles other than Instructor and Learner get no account (decision 0026).
"""

import re
from dataclasses import dataclass
from datetime import date

from django.contrib.auth.hashers import make_password
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from risingtide.access.core import can
from risingtide.audit.models import record
from risingtide.lti import outbound
from risingtide.lti.claims import AGS, LTI, NRPS, RESOURCE_LINK, Launch
from risingtide.lti.models import Context, GradeLink, Identity, Platform
from risingtide.lti.refusals import Refused
from risingtide.people import credentials
from risingtide.people.models import Membership, Role, User
from risingtide.schools.models import TeachingGroup
from risingtide.tasc import services as tasc_services
from risingtide.tasc.models import Assignment, Project

PROJECT_PARAM = "rt_project"  # the custom parameter a deep-linked resource link carries
SCORE_SCOPE = "https://purl.imsglobal.org/spec/lti-ags/scope/score"
LINEITEM_SCOPE = "https://purl.imsglobal.org/spec/lti-ags/scope/lineitem"


def _academic_year(day: date | None = None) -> int:
    day = day or timezone.localdate()
    return day.year if day.month >= 9 else day.year - 1


def _name(claims: dict) -> tuple[str, str]:
    given = claims.get("given_name") if isinstance(claims.get("given_name"), str) else ""
    family = claims.get("family_name") if isinstance(claims.get("family_name"), str) else ""
    return given.strip()[:150], family.strip()[:150]


def _new_account(platform: Platform, sub: str, role: str, given: str, family: str) -> User:
    """A new account in the platform's school, with no password: it signs in by launch."""
    base = credentials.username_base(given or "lti", family or "user")
    taken = set(User.objects.filter(username__startswith=base).values_list("username", flat=True))
    user = User.objects.create(
        username=credentials.unique_usernames([base], taken)[0],
        first_name=given,
        last_name=family,
        password=make_password(None),
    )
    Membership.objects.create(user=user, role=role, school=platform.school)
    Identity.objects.create(platform=platform, sub=sub, user=user)
    record(None, "lti.account_made", user, school=platform.school, role=role, platform=platform.pk)
    return user


def _role_of(launch: Launch) -> str:
    if launch.is_teacher:
        return Role.TEACHER
    if launch.is_learner:
        return Role.PUPIL
    raise Refused("role_not_supported")


INSTITUTION = "http://purl.imsglobal.org/vocab/lis/v2/institution/person#"
STAFF_ROLES = {INSTITUTION + r for r in ("Faculty", "Staff", "Instructor", "Administrator")}


def _may_make_teacher(launch: Launch) -> None:
    """A first launch as a course's Instructor makes a teacher only where the site administrator
    let this platform add teachers: where pupils can make courses (Google Classroom), a pupil
    is the Instructor of their own. "staff" also asks for an institution staff role, which
    Moodle sends for site administrators only, so Moodle's teachers need "instructors"."""
    allowed = launch.platform.new_teachers
    if allowed == Platform.NewTeachers.INSTRUCTORS:
        return
    if allowed == Platform.NewTeachers.STAFF and STAFF_ROLES.intersection(launch.roles):
        return
    raise Refused("new_teacher" if allowed == Platform.NewTeachers.OFF else "new_teacher_staff")


def account_for(launch: Launch) -> tuple[User, str]:
    """The person the launch names and their role here: theirs if the platform launched them
    before, else made now in the platform's school. An account keeps the role it was made
    with: a teacher launched as a learner (Moodle's "switch role to student") stays a teacher,
    and a pupil's account launched as a teacher is refused."""
    role = _role_of(launch)
    identity = (
        Identity.objects.select_related("user").filter(platform=launch.platform, sub=launch.sub)
    ).first()
    if identity is None:
        if role == Role.TEACHER:
            _may_make_teacher(launch)
        given, family = _name(launch.claims)
        try:
            with transaction.atomic():
                return _new_account(launch.platform, launch.sub, role, given, family), role
        except IntegrityError:  # two first launches at once: the other made the account
            identity = Identity.objects.select_related("user").get(
                platform=launch.platform, sub=launch.sub
            )
    user = identity.user
    if not user.is_active:
        raise Refused("role_not_supported")
    held = set(
        Membership.objects.filter(
            user=user, school=launch.platform.school, teaching_group__isnull=True
        ).values_list("role", flat=True)
    )
    if Role.PUPIL in held:
        if role == Role.TEACHER:
            raise Refused("role_changed")
        return user, Role.PUPIL
    if Role.TEACHER in held:
        return user, Role.TEACHER
    raise Refused("role_changed")  # the school took their membership away: not remade here


def _year_from(title: str) -> int:
    found = re.search(r"\b(?:year|yr|y)\s*(\d{1,2})\b", title, re.IGNORECASE)
    year = int(found.group(1)) if found else 7
    return year if 0 <= year <= 13 else 7


def _new_group(platform: Platform, title: str) -> TeachingGroup:
    name = (title or "Course from the learning platform")[:50]
    year = _academic_year()
    taken = set(
        TeachingGroup.objects.filter(
            school=platform.school, academic_year=year, name__startswith=name
        ).values_list("name", flat=True)
    )
    chosen = credentials.unique_usernames([name], taken)[0]
    return TeachingGroup.objects.create(
        school=platform.school, name=chosen, year_group=_year_from(title), academic_year=year
    )


def context_for(launch: Launch, user: User, role: str) -> Context:
    """The course as a teaching group, made on a teacher's first launch from it; the person is
    put in the group in their role."""
    claim = launch.context
    context = (
        Context.objects.select_related("teaching_group")
        .filter(platform=launch.platform, context_id=claim["id"])
        .first()
    )
    memberships = (launch.claims.get(NRPS) or {}).get("context_memberships_url")
    if context is None:
        if role != Role.TEACHER:
            raise Refused("class_not_ready")
        title = str(claim.get("title") or claim.get("label") or "")[:200]
        with transaction.atomic():
            group = _new_group(launch.platform, title)
            context, _ = Context.objects.get_or_create(
                platform=launch.platform,
                context_id=claim["id"],
                defaults={"title": title, "teaching_group": group},
            )
        record(user, "lti.context_linked", context.teaching_group, school=launch.platform.school)
    if context.teaching_group.school_id != launch.platform.school_id:
        raise Refused("school_moved")  # never put this school's people in another's group
    if isinstance(memberships, str) and memberships != context.memberships_url:
        Context.objects.filter(pk=context.pk).update(memberships_url=memberships[:500])
        context.memberships_url = memberships[:500]
    Membership.objects.get_or_create(
        user=user, role=role, school=launch.platform.school, teaching_group=context.teaching_group
    )
    return context


def _linked_project(launch: Launch, context: Context) -> Project | None:
    value = str(launch.custom.get(PROJECT_PARAM, ""))
    if not value:
        return None
    if not value.isdecimal() or len(value) > 18:
        raise Refused("project_not_here")
    project = Project.objects.filter(pk=int(value), school=launch.platform.school).first()
    if (
        project is None
        or not Assignment.objects.filter(
            project=project, teaching_group=context.teaching_group
        ).exists()
    ):
        raise Refused("project_not_here")
    return project


def _keep_grade_link(launch: Launch, user: User, project: Project) -> None:
    endpoint = launch.claims.get(AGS)
    if not isinstance(endpoint, dict):
        return
    scopes = [s for s in endpoint.get("scope") or [] if isinstance(s, str)]
    lineitem = endpoint.get("lineitem") if isinstance(endpoint.get("lineitem"), str) else ""
    lineitems = endpoint.get("lineitems") if isinstance(endpoint.get("lineitems"), str) else ""
    if SCORE_SCOPE not in scopes or not (lineitem or (lineitems and LINEITEM_SCOPE in scopes)):
        return
    GradeLink.objects.update_or_create(
        platform=launch.platform,
        pupil=user,
        project=project,
        resource_link_id=launch.claims[LTI + "resource_link"]["id"][:255],
        defaults={
            "sub": launch.sub,
            "lineitem_url": lineitem[:500],
            "lineitems_url": lineitems[:500],
            "scopes": scopes,
        },
    )


@dataclass(frozen=True)
class Entered:
    user: User
    context: Context
    next_url: str
    deep_linking: bool


def enter(launch: Launch) -> Entered:
    """Everything a checked launch does here, in one transaction: who, which group, where."""
    if launch.message_type != RESOURCE_LINK and not launch.is_teacher:
        raise Refused("teachers_only")
    with transaction.atomic():
        user, role = account_for(launch)
        context = context_for(launch, user, role)
        if launch.message_type != RESOURCE_LINK:
            return Entered(user, context, reverse("lti:deep_link"), True)
        project = _linked_project(launch, context)
        if project is None:
            where = reverse("lti:group", args=[context.teaching_group_id])
            if role == Role.PUPIL:
                where = reverse("home:home")
        elif role == Role.PUPIL:
            _keep_grade_link(launch, user, project)
            where = reverse("portfolios:my_portfolio", args=[project.pk])
        else:
            where = reverse("tasc:project", args=[project.pk])
        record(user, "lti.launched", context.teaching_group, school=launch.platform.school)
    return Entered(user, context, where, False)


# --- deep linking: placing a project in the course -----------------------------------------


def place_project(actor: User, project: Project, group: TeachingGroup) -> Project:
    """Set ``project`` to the course's group and open it, so its pupils can launch it."""
    if not can(actor, "project.edit", project) or project.school_id != group.school_id:
        raise PermissionDenied
    tasc_services.assign(actor, project, groups=[group])
    if project.status != Project.Status.OPEN:  # just assigned, so it may open
        tasc_services.set_status(actor, project, Project.Status.OPEN)
    return project


# --- NRPS: filling a group from the platform's member list ------------------------------------


@dataclass(frozen=True)
class Filled:
    added: int  # pupils put in the group (accounts made or already here)
    made: int  # of whom new accounts
    skipped: int  # members who are not learners, or not active


def fill_group(actor: User, context: Context) -> Filled:
    """Put the course's learners (as the platform lists them) in its teaching group, making
    pupil accounts in the platform's school for those it never launched."""
    group = context.teaching_group
    if not can(actor, "lti.fill_group", group):
        raise PermissionDenied
    if group.school_id != context.platform.school_id:
        raise ValidationError(
            "This course's platform is now registered for another school, so its members are "
            "not added to this class. Ask a Rising Tide site administrator to check the "
            "platform's registration."
        )
    if not context.memberships_url:
        raise ValidationError(
            "The platform has not offered its member list for this course: check that the tool "
            "may use Names and Role Provisioning Services in the platform's settings."
        )
    try:
        listed = outbound.members(context.platform, context.memberships_url)
    except outbound.ServiceError as failed:
        raise ValidationError(f"The member list could not be read: {failed.reason}.") from failed
    learners, skipped = [], 0
    for member in listed:
        roles = member.get("roles") if isinstance(member.get("roles"), list) else []
        sub = member.get("user_id")
        active = member.get("status", "Active") == "Active"
        is_learner = any(isinstance(r, str) and r.endswith("#Learner") for r in roles) or (
            "Learner" in roles
        )
        teaches = any(isinstance(r, str) and r.endswith("#Instructor") for r in roles)
        if (
            not (isinstance(sub, str) and sub and len(sub) <= 255 and active and is_learner)
            or teaches
        ):
            skipped += 1
        else:
            learners.append(member)
    made = added = 0
    with transaction.atomic():
        known = dict(
            Identity.objects.filter(
                platform=context.platform, sub__in=[m["user_id"] for m in learners]
            ).values_list("sub", "user_id")
        )
        pupil_ids = set(
            Membership.objects.filter(
                user_id__in=known.values(),
                role=Role.PUPIL,
                school=group.school_id,
                teaching_group__isnull=True,
            ).values_list("user_id", flat=True)
        )
        for member in learners:
            user_id = known.get(member["user_id"])
            if user_id is None:
                given, family = _name(member)
                user_id = _new_account(
                    context.platform, member["user_id"], Role.PUPIL, given, family
                ).pk
                pupil_ids.add(user_id)
                made += 1
            if user_id in pupil_ids:
                Membership.objects.get_or_create(
                    user_id=user_id, role=Role.PUPIL, school=group.school, teaching_group=group
                )
                added += 1
            else:
                skipped += 1  # an account of another role here: never made a pupil
        record(actor, "lti.group_filled", group, school=group.school, made=made)
    return Filled(added, made, skipped)
