"""The authorisation engine: ``can`` and ``visible`` over the declaration in ``policy``.

``visible(user, subject, capability)`` returns a queryset filtered in the database to the objects
the user reaches; nothing is ever loaded and then filtered. ``can`` asks the same question of one
object. A person's memberships are read once per request and kept on the user object.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from functools import wraps

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.db.models import Model, Q, QuerySet
from django.http import Http404

from risingtide.access.policy import SIGNED_IN, VIEW_CAPABILITY, Reach, capability, reaches
from risingtide.feedback.models import Comment
from risingtide.library.models import Resource
from risingtide.people.models import Membership, Role, User
from risingtide.portfolios.models import Item, Portfolio, PortfolioMember
from risingtide.register.models import DataSharingAgreement, ImportBatch
from risingtide.register.models import Pupil as PupilRecord
from risingtide.schools.models import (
    Cluster,
    LocalAuthority,
    Nation,
    Provider,
    School,
    TeachingGroup,
)
from risingtide.standards.models import ClassroomEvaluation, ImprovementPlan, SelfEvaluation
from risingtide.tasc.models import Assignment, Project, Wheel

PathBuilder = Callable[[set[int]], Q]


def _field(path: str) -> PathBuilder:
    return lambda ids: Q(**{f"{path}__in": ids})


def _pupils_where(**lookup: str) -> Callable[[str], PathBuilder]:
    def build(path: str) -> PathBuilder:
        return lambda ids: Q(
            pk__in=Membership.objects.filter(
                role=Role.PUPIL, **{f"{path}__in": ids}, **lookup
            ).values("user_id")
        )

    return build


_pupil_path = _pupils_where()


@dataclass(frozen=True)
class Subject:
    """How objects of one kind sit in the organisation tree, level by level."""

    model: type[Model]
    paths: dict[Reach, PathBuilder]
    base: Callable[[], QuerySet] | None = None

    def queryset(self) -> QuerySet:
        return self.base() if self.base else self.model._default_manager.all()


SUBJECTS: dict[str, Subject] = {
    "nation": Subject(Nation, {Reach.NATION: _field("pk")}),
    "local_authority": Subject(
        LocalAuthority, {Reach.LA: _field("pk"), Reach.NATION: _field("nation_id")}
    ),
    "school": Subject(
        School,
        {
            Reach.SCHOOL: _field("pk"),
            Reach.LA: _field("local_authority_id"),
            Reach.NATION: _field("local_authority__nation_id"),
        },
    ),
    "cluster": Subject(
        Cluster,
        {
            Reach.SCHOOL: lambda ids: Q(
                pk__in=School.objects.filter(pk__in=ids).values("cluster_id")
            ),
            Reach.LA: _field("local_authority_id"),
            Reach.NATION: _field("local_authority__nation_id"),
        },
    ),
    "teaching_group": Subject(
        TeachingGroup,
        {
            Reach.GROUP: _field("pk"),
            Reach.SCHOOL: _field("school_id"),
            Reach.LA: _field("school__local_authority_id"),
            Reach.NATION: _field("school__local_authority__nation_id"),
        },
    ),
    "provider": Subject(
        Provider, {Reach.PROVIDER: _field("pk"), Reach.NATION: _field("nation_id")}
    ),
    "pupil": Subject(
        User,
        {
            Reach.SELF: _field("pk"),
            Reach.GROUP: _pupil_path("teaching_group_id"),
            Reach.SCHOOL: _pupil_path("school_id"),
            Reach.LA: _pupil_path("school__local_authority_id"),
            Reach.NATION: _pupil_path("school__local_authority__nation_id"),
        },
        # A pupil is an active account that is only ever a pupil: a teacher who also holds a
        # pupil membership by mistake must never have their password reset by another teacher.
        base=lambda: User.objects.filter(
            is_active=True,
            is_staff=False,
            is_superuser=False,
            pk__in=Membership.objects.filter(role=Role.PUPIL).values("user_id"),
        ).exclude(pk__in=Membership.objects.exclude(role=Role.PUPIL).values("user_id")),
    ),
}


def _projects_set_to(ids: set[int]) -> Q:
    """Open or closed projects set to these pupils, directly or through one of their groups."""
    groups = Membership.objects.filter(
        user__in=ids, role=Role.PUPIL, teaching_group__isnull=False
    ).values("teaching_group_id")
    assigned = Assignment.objects.filter(Q(pupil__in=ids) | Q(teaching_group__in=groups))
    return Q(pk__in=assigned.values("project_id")) & ~Q(status=Project.Status.DRAFT)


SUBJECTS["project"] = Subject(
    Project,
    {
        Reach.SELF: _projects_set_to,
        Reach.SCHOOL: _field("school_id"),
        Reach.LA: _field("school__local_authority_id"),
        Reach.NATION: _field("school__local_authority__nation_id"),
    },
)


def _portfolios_of(pupils: QuerySet | set[int]) -> QuerySet:
    return PortfolioMember.objects.filter(pupil__in=pupils).values("portfolio_id")


def _pupils_in_groups(ids: set[int]) -> QuerySet:
    return Membership.objects.filter(teaching_group__in=ids, role=Role.PUPIL).values("user_id")


def _portfolio_paths(prefix: str) -> dict[Reach, PathBuilder]:
    """A portfolio (or, with ``prefix``, what belongs to one) reached through its members."""
    return {
        Reach.SELF: lambda ids: Q(**{f"{prefix}pk__in": _portfolios_of(ids)}),
        # A teacher sees their pupils' portfolios for their own school's projects only: a
        # pupil's work at a previous school stays there.
        Reach.GROUP: lambda ids: Q(
            **{
                f"{prefix}pk__in": _portfolios_of(_pupils_in_groups(ids)),
                f"{prefix}project__school__in": TeachingGroup.objects.filter(pk__in=ids).values(
                    "school_id"
                ),
            }
        ),
        Reach.SCHOOL: _field(f"{prefix}project__school_id"),
    }


SUBJECTS["portfolio"] = Subject(Portfolio, _portfolio_paths(""))
SUBJECTS["item"] = Subject(Item, _portfolio_paths("portfolio__"))
SUBJECTS["comment"] = Subject(Comment, _portfolio_paths("portfolio__"))


def _presentations_for(ids: set[int]) -> Q:
    """A pupil's own presentations, and those shared with a class they are in or their school."""
    mine = Membership.objects.filter(user__in=ids, role=Role.PUPIL)
    classmates = Membership.objects.filter(
        role=Role.PUPIL,
        teaching_group__in=mine.filter(teaching_group__isnull=False).values("teaching_group_id"),
    ).values("user_id")
    return (
        Q(pk__in=_portfolios_of(ids))
        | Q(
            shared_with=Portfolio.Sharing.CLASS,
            pk__in=_portfolios_of(classmates),
            project__school__in=mine.values("school_id"),
        )
        | Q(
            shared_with=Portfolio.Sharing.SCHOOL,
            project__school__in=mine.values("school_id"),
        )
    )


SUBJECTS["presentation"] = Subject(
    Portfolio, {**_portfolio_paths(""), Reach.SELF: _presentations_for}
)
SUBJECTS["wheel"] = Subject(
    Wheel,
    {
        # The platform's default wording is everyone's; a school's own only its staff's.
        Reach.SCHOOL: lambda ids: Q(school_id__in=ids) | Q(school__isnull=True),
    },
)


def _resources_for(ids: set[int]) -> Q:
    """What staff of these schools find in the library: what is shared with their school, their
    LA or every school; a withdrawn resource only in the school it came from."""
    las = School.objects.filter(pk__in=ids).values("local_authority_id")
    shared = (
        Q(audience=Resource.Audience.EVERYONE)
        | Q(audience=Resource.Audience.LA, local_authority__in=las)
        | Q(audience=Resource.Audience.SCHOOL, school__in=ids)
    )
    return (Q(withdrawn_at__isnull=True) & shared) | Q(withdrawn_at__isnull=False, school__in=ids)


SUBJECTS["resource"] = Subject(
    Resource, {Reach.SELF: _field("author_id"), Reach.SCHOOL: _resources_for}
)


def _sharing_la(prefix: str) -> PathBuilder:
    """An LA reaches a school's pupil-level data only while the school has a data-sharing
    agreement in force."""
    return lambda ids: Q(
        **{
            f"{prefix}local_authority_id__in": ids,
            f"{prefix}pk__in": DataSharingAgreement.schools_in_force(),
        }
    )


# A school's register and pupil data as a whole (the school itself is the subject).
SUBJECTS["register"] = Subject(School, {Reach.SCHOOL: _field("pk"), Reach.LA: _sharing_la("")})
SUBJECTS["pupil_record"] = Subject(
    PupilRecord,
    {
        # A teacher reaches the records of the pupils in their groups, at the group's school.
        Reach.GROUP: lambda ids: Q(
            account__in=_pupils_in_groups(ids),
            school__in=TeachingGroup.objects.filter(pk__in=ids).values("school_id"),
        ),
        Reach.SCHOOL: _field("school_id"),
        Reach.LA: _sharing_la("school__"),
    },
)
# A school's register insights (its summary figures; no pupil-level data leaves the school).
SUBJECTS["insights"] = Subject(School, SUBJECTS["school"].paths)
SUBJECTS["import"] = Subject(
    ImportBatch, {Reach.SELF: _field("uploaded_by_id"), Reach.SCHOOL: _field("school_id")}
)
# Quality standards: a school's judgements and plan are the school's; its LA monitors them.
SUBJECTS["standards"] = Subject(School, SUBJECTS["school"].paths)
_school_paths = {
    Reach.SCHOOL: _field("school_id"),
    Reach.LA: _field("school__local_authority_id"),
    Reach.NATION: _field("school__local_authority__nation_id"),
}
SUBJECTS["self_evaluation"] = Subject(
    SelfEvaluation,
    {
        **_school_paths,
        # The LA monitors judgements; a draft is the school's work in progress.
        Reach.LA: lambda ids: Q(school__local_authority_id__in=ids, status="submitted"),
        Reach.NATION: lambda ids: Q(school__local_authority__nation_id__in=ids, status="submitted"),
    },
)
SUBJECTS["improvement_plan"] = Subject(ImprovementPlan, _school_paths)
SUBJECTS["classroom_evaluation"] = Subject(
    ClassroomEvaluation,
    {
        # The teacher's own, and those they observed as the colleague.
        Reach.SELF: lambda ids: Q(teacher_id__in=ids) | Q(colleague_id__in=ids),
        # A school's coordinator: only what its teachers have shared.
        Reach.SCHOOL: lambda ids: Q(school_id__in=ids, shared_at__isnull=False),
    },
)
MODEL_SUBJECT = {
    subject.model: name
    for name, subject in SUBJECTS.items()
    if name not in ("pupil", "presentation", "register", "insights", "standards")  # other views
}


@dataclass
class Anchors:
    """The places one person's memberships of one role tie them to, at every level."""

    groups: set[int] = field(default_factory=set)
    schools: set[int] = field(default_factory=set)
    las: set[int] = field(default_factory=set)
    nations: set[int] = field(default_factory=set)
    providers: set[int] = field(default_factory=set)
    anywhere: bool = False
    # Memberships anchored above a level reach their own place there (an LA lead's LA).
    above_school: dict[Reach, set[int]] = field(default_factory=dict)


def anchors(user: User) -> dict[str, Anchors]:
    """The person's memberships by role, read once per request and kept on the user."""
    cached = getattr(user, "_access_anchors", None)
    if cached is not None:
        return cached
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
    user._access_anchors = found
    return found


def roles(user) -> set[str]:
    """The roles a signed-in person holds anywhere."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return set()
    return set(anchors(user))


EVERYTHING = object()  # a reach without limit (``Q()`` would vanish when OR-ed with another)


def _reach_filter(user: User, anchors: Anchors, reach: Reach, subject: Subject):
    """The filter for one role's reach over one subject: a ``Q``, ``EVERYTHING``, or None
    when it reaches nothing."""
    if anchors.anywhere or reach == Reach.ANY:
        return EVERYTHING
    levels: dict[Reach, set[int]] = {}
    if reach == Reach.SELF:
        levels[Reach.SELF] = {user.pk}
    elif reach == Reach.GROUP:
        levels[Reach.GROUP] = anchors.groups
    elif reach == Reach.SCHOOL:
        levels[Reach.SCHOOL] = anchors.schools
        levels.update(anchors.above_school)
    elif reach == Reach.LA:
        levels[Reach.LA] = anchors.las
        if Reach.NATION in anchors.above_school:
            levels[Reach.NATION] = anchors.above_school[Reach.NATION]
    elif reach == Reach.NATION:
        levels[Reach.NATION] = anchors.nations
    elif reach == Reach.PROVIDER:
        levels[Reach.PROVIDER] = anchors.providers
    condition = None
    for level, ids in levels.items():
        if ids and level in subject.paths:
            part = subject.paths[level](ids)
            condition = part if condition is None else condition | part
    return condition


def visible(user, subject: str | type[Model], action: str | None = None) -> QuerySet:
    """Objects of ``subject`` on which ``user`` holds ``action`` (default: the view capability).

    The filter is built from the declaration and the person's memberships and runs in the
    database; with no grant it is an empty queryset.
    """
    name = subject if isinstance(subject, str) else MODEL_SUBJECT[subject]
    spec = SUBJECTS[name]
    cap = capability(action or VIEW_CAPABILITY[name])
    if cap.subject != name:
        raise ValueError(f"{cap.name} acts on {cap.subject}, not {name}")
    qs = spec.queryset()
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return qs.none()
    condition = None
    for role, held in anchors(user).items():
        if role not in cap.grants:
            continue
        for reach in reaches(cap.grants[role]):
            part = _reach_filter(user, held, reach, spec)
            if part is EVERYTHING:
                return qs
            if part is not None:
                condition = part if condition is None else condition | part
    return qs.none() if condition is None else qs.filter(condition)


def can(user, action: str, obj: Model | None = None) -> bool:
    """May ``user`` do ``action`` (to ``obj``, for an action on an object)?"""
    cap = capability(action)
    if cap.subject is None:
        if obj is not None:
            raise ValueError(f"{action} is an action on the site, not on an object")
        if SIGNED_IN in cap.grants and getattr(user, "is_authenticated", False):
            return user.is_active
        return bool(roles(user) & set(cap.grants))
    if obj is None:
        raise ValueError(f"{action} needs the object it acts on")
    return visible(user, cap.subject, action).filter(pk=obj.pk).exists()


def obtain(user, action: str, pk) -> Model:
    """The object ``action`` targets, or Http404 if the user cannot see it, PermissionDenied
    if they can see it but not do this."""
    cap = capability(action)
    view_action = VIEW_CAPABILITY[cap.subject]
    try:
        obj = visible(user, cap.subject, view_action).filter(pk=pk).first()
    except (ValueError, TypeError):
        obj = None
    if obj is None:
        raise Http404
    if action != view_action and not can(user, action, obj):
        raise PermissionDenied
    return obj


@dataclass(frozen=True)
class RouteRule:
    capability: str
    kwarg: str | None


def requires(action: str, kwarg: str | None = None, *, api: bool = False):
    """Guard a view: signed in, then ``action`` on the object named by URL ``kwarg``.

    A Django view receives the object as its second argument in place of the kwarg. An API
    operation (``api=True``) keeps its arguments; the object waits in ``request.access_target``.
    """
    cap = capability(action)
    if (cap.subject is None) != (kwarg is None):
        raise ValueError(f"{action}: an object action needs a URL kwarg, a site action none")

    def decorate(view):
        @wraps(view)
        def guarded(request, *args, **kwargs):
            user = request.user
            if not user.is_authenticated:
                if api:
                    raise PermissionDenied
                return redirect_to_login(request.get_full_path())
            if kwarg is None:
                if not can(user, action):
                    raise PermissionDenied
                return view(request, *args, **kwargs)
            obj = obtain(user, action, kwargs[kwarg])
            if api:
                request.access_target = obj
                return view(request, *args, **kwargs)
            del kwargs[kwarg]
            return view(request, obj, *args, **kwargs)

        guarded.access_rule = RouteRule(action, kwarg)
        return guarded

    return decorate
