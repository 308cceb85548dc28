"""The authorisation engine: ``can`` and ``visible`` over the declaration each app registers.

``visible(user, subject, capability)`` returns a queryset filtered in the database to the objects
the user reaches; nothing is ever loaded and then filtered. ``can`` asks the same question of one
object. A person's memberships are read once per request and kept on the user object.

The engine imports no app. Each app declares its *subjects* here (``declare_subject``): how an
object of that kind reaches its person, group, school, LA, nation or provider, as ``Path``s that
build a filter and say in words what they do, so docs/access.md shows every condition. The
people app declares where a person's anchors come from (``declare_anchors``).
"""

from collections.abc import Callable
from dataclasses import dataclass, field, fields
from functools import wraps

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.db import router
from django.db.models import Exists, Model, OuterRef, Q, QuerySet
from django.http import Http404
from django.utils import timezone

from risingtide.access import compiled
from risingtide.access.policy import SIGNED_IN, VIEW_CAPABILITY, Reach, capability, reaches
from risingtide.lib.hooks import Hook


@dataclass(frozen=True)
class Path:
    """One way objects of a subject reach a level of the tree: ``build(ids)`` is the filter for
    the places at that level a person is anchored to; ``words`` says it for docs/access.md."""

    build: Callable[[set[int]], Q]
    words: str

    def __call__(self, ids: set[int]) -> Q:
        return self.build(ids)


def by_field(lookup: str, words: str = "") -> Path:
    """Reached through a field or chain of fields (``school__local_authority_id``)."""
    shown = lookup.removesuffix("_id").replace("__", " → ").replace("_", " ")
    return Path(lambda ids: Q(**{f"{lookup}__in": ids}), words or f"its {shown}")


@dataclass(frozen=True)
class Subject:
    """How objects of one kind sit in the organisation tree, level by level.

    ``base`` narrows the model's objects before any reach applies (``base_words`` says how);
    ``primary`` marks the subject a model stands for when ``visible()`` is given the model
    (other subjects are other views of the same model: a school's register, its insights)."""

    model: type[Model]
    paths: dict[Reach, Path]
    base: Callable[[], QuerySet] | None = None
    base_words: str = ""
    primary: bool = True

    def queryset(self) -> QuerySet:
        return self.base() if self.base else self.model._default_manager.all()


SUBJECTS: dict[str, Subject] = {}
MODEL_SUBJECT: dict[type[Model], str] = {}


def declare_subject(name: str, subject: Subject) -> None:
    """Register how objects of ``name`` reach people (each app, from its ``access.py``)."""
    if name in SUBJECTS:
        raise ValueError(f"The subject {name!r} is declared twice")
    SUBJECTS[name] = subject
    if subject.primary:
        if subject.model in MODEL_SUBJECT:
            raise ValueError(f"{subject.model.__name__} is already the subject {name!r}")
        MODEL_SUBJECT[subject.model] = name


@dataclass
class Anchors:
    """The places one person's memberships of one role tie them to, at every level."""

    groups: set[int] = field(default_factory=set)
    schools: set[int] = field(default_factory=set)
    las: set[int] = field(default_factory=set)
    nations: set[int] = field(default_factory=set)
    providers: set[int] = field(default_factory=set)
    # A carer's children, as the pupils' accounts (carer memberships only).
    children: set[int] = field(default_factory=set)
    anywhere: bool = False
    # Memberships anchored above a level reach their own place there (an LA lead's LA).
    above_school: dict[Reach, set[int]] = field(default_factory=dict)

    def frozen(self) -> tuple:
        """Every field's value, hashable: what the filters built from these anchors follow
        from (decision 0028). Read field by field, so a field added later counts too."""
        return tuple(_frozen(getattr(self, f.name)) for f in fields(self))


def _frozen(value):
    if isinstance(value, set | frozenset):
        return frozenset(value)
    if isinstance(value, dict):
        return tuple(sorted((str(k), _frozen(v)) for k, v in value.items()))
    return value


AnchorSource = Callable[[Model], dict[str, Anchors]]
_anchor_sources: list[AnchorSource] = []


def declare_anchors(source: AnchorSource) -> None:
    """Where a person's anchors come from: ``source(user)`` gives their ``Anchors`` by role
    (the people app, which owns memberships, declares it)."""
    _anchor_sources[:] = [source]


def anchors(user) -> dict[str, Anchors]:
    """The person's memberships by role, read once per request and kept on the user."""
    cached = getattr(user, "_access_anchors", None)
    if cached is not None:
        return cached
    found = _anchor_sources[0](user)
    user._access_anchors = found
    return found


def roles(user) -> set[str]:
    """The roles a signed-in person holds anywhere."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return set()
    return set(anchors(user))


EVERYTHING = object()  # a reach without limit (``Q()`` would vanish when OR-ed with another)


def _reach_filter(user, anchors: Anchors, reach: Reach, subject: Subject):
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
    elif reach == Reach.CHILD:
        levels[Reach.CHILD] = anchors.children
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


def reach_key(user) -> tuple:
    """What every filter ``visible`` builds for a signed-in ``user`` follows from: their id
    (``SELF``), their anchors by role, and today's date (an LA reaches pupil data only while a
    data-sharing agreement is in force today). Statements are kept under it (decision 0028)."""
    held = anchors(user)
    roles = tuple(sorted((role, a.frozen()) for role, a in held.items()))
    return (user.pk, roles, timezone.localdate())


def _obtain_query(user, subject: str, view_action: str, action: str, pk) -> QuerySet:
    found = visible(user, subject, view_action).filter(pk=pk)
    if action != view_action:
        # Whether they may also do this, read with the object: one query, not two.
        allowed = visible(user, subject, action).filter(pk=OuterRef("pk"))
        found = found.annotate(_access_allowed=Exists(allowed))
    return found


def obtain(user, action: str, pk) -> Model:
    """The object ``action`` targets, or Http404 if the user cannot see it, PermissionDenied
    if they can see it but not do this.

    The statement is compiled once per person and what they reach, and run with each id
    (``access.compiled``); an id the ORM would read in some other way takes the ORM's path."""
    cap = capability(action)
    view_action = VIEW_CAPABILITY[cap.subject]
    number = compiled.integer_id(pk)
    statement = compiled.UNSUITABLE
    if number is not None and getattr(user, "is_authenticated", False) and user.is_active:
        model = SUBJECTS[cap.subject].model
        key = ("obtain", action, router.db_for_read(model), reach_key(user))
        statement = compiled.kept(
            key,
            lambda: compiled.compile_first(
                _obtain_query(user, cap.subject, view_action, action, compiled.Slot(model._meta.pk))
            ),
        )
    if statement is compiled.UNSUITABLE:
        try:
            obj = _obtain_query(user, cap.subject, view_action, action, pk).first()
        except (ValueError, TypeError):
            obj = None
    else:
        obj = statement.first(number) if statement is not compiled.NOTHING else None
    if obj is None:
        raise Http404
    if action != view_action and not obj._access_allowed:
        raise PermissionDenied
    return obj


# A capability declared ``fresh`` needs a recent check of who the person is. The engine knows no
# sign-in method, so the app that does (twofactor) connects here from its ``ready()``.
fresh_check = Hook(
    "access.fresh_check",
    "handler(request, capability, api=bool): None when the person's last check is recent "
    "enough, else the response to give instead (a page: a redirect to confirm; the API: it "
    "raises). Asked after the grant, so a refusal never hints that an object exists.",
)


def _not_fresh(request, cap, api: bool):
    """The answer of the first fresh-check handler that refuses, or None."""
    if cap.fresh:
        for answer in fresh_check.send(request, cap, api=api):
            if answer is not None:
                return answer
    return None


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
                return _not_fresh(request, cap, api) or view(request, *args, **kwargs)
            obj = obtain(user, action, kwargs[kwarg])
            refused = _not_fresh(request, cap, api)
            if refused is not None:
                return refused
            if api:
                request.access_target = obj
                return view(request, *args, **kwargs)
            del kwargs[kwarg]
            return view(request, obj, *args, **kwargs)

        guarded.access_rule = RouteRule(action, kwarg)
        return guarded

    return decorate
