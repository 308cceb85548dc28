"""What each app holds about a person: the declarations a subject-access export and an erasure
read (issue 21, docs/privacy.md).

Each app says so in ONE place, its own ``personal_data.py``, with ``declare(Holding(...))``.
The privacy app finds those modules (``autodiscover_modules``) when it is ready, so a lower app
never imports privacy; this registry lives in ``lib`` so every app can name its types.

A holding names a model and how a row of it reaches a person:

- ``about``: lookups from the model to the person the row is *about* (ending at the user model
  or at ``register.Pupil``, the school's record of a pupil); or a function of the ``Person``
  giving a ``Q`` (the audit log names its target by type and key, not by a foreign key);
- ``named``: lookups to a person the row only *names* (who wrote it, who decided);
- ``erase``: what erasing a pupil does to rows about them; ``erase_named``: to rows that only
  name them (by default the link stays, pointing at the account, which erasure turns into a
  placeholder with no name);
- ``secret``: fields never exported (password hashes, token digests).

``tests`` in the privacy app walk every model of every installed Rising Tide app and fail when
one linked to a person (or to a model that is itself about a person) is not declared.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from django.apps import apps
from django.conf import settings
from django.db import models
from django.db.models import Q

PUPIL_RECORD = "register.Pupil"


@dataclass(frozen=True)
class Person:
    """The one whose data is asked for: an account (a pupil's or a member of staff's) and, for a
    pupil, the school's record of them. Either may be missing (a record with no account yet)."""

    user_id: int | None
    pupil_id: int | None = None


# --- what erasure does -------------------------------------------------------------------------
@dataclass(frozen=True)
class Delete:
    """The rows go (their files from storage too)."""

    def says(self) -> str:
        return "deleted"


@dataclass(frozen=True)
class Replace:
    """The named fields take placeholder values (a name becomes "Erased pupil", a link none)."""

    values: dict = field(default_factory=dict)

    def says(self) -> str:
        return "replaced: " + ", ".join(sorted(self.values))


@dataclass(frozen=True)
class Keep:
    """The rows stay as they are, for the reason given (shown in docs/privacy.md)."""

    reason: str

    def says(self) -> str:
        return f"kept: {self.reason}"


@dataclass(frozen=True)
class Custom:
    """Something only the owning app knows how to do: ``run(queryset, person)``."""

    run: Callable
    words: str

    def says(self) -> str:
        return self.words


Action = Delete | Replace | Keep | Custom
PLACEHOLDER_KEPT = Keep("the link now points at a placeholder account with no name")


@dataclass(frozen=True)
class Holding:
    model: str
    about: tuple = ()
    named: tuple = ()
    erase: Action = field(default_factory=Delete)
    erase_named: Action = PLACEHOLDER_KEPT
    secret: tuple[str, ...] = ()
    # What people read on the pages and in the export, where Django's plural is wrong.
    title: str = ""
    # Erasure works through holdings in this order (lower first): the pupil record and the
    # account go last, after every row that points at them has been dealt with.
    order: int = 0

    @property
    def model_class(self) -> type[models.Model]:
        return apps.get_model(self.model)

    @property
    def heading(self) -> str:
        return self.title or str(self.model_class._meta.verbose_name_plural).capitalize()

    @property
    def personal(self) -> bool:
        """Is the row itself about someone (so rows pointing at it are personal too)?"""
        return bool(self.about)

    def about_q(self, person: Person) -> Q | None:
        return _match(self.model_class, self.about, person)

    def named_q(self, person: Person) -> Q | None:
        return _match(self.model_class, self.named, person)

    def rows(self, person: Person) -> models.QuerySet:
        """Every row about or naming the person (for the export)."""
        wanted = [q for q in (self.about_q(person), self.named_q(person)) if q is not None]
        manager = self.model_class._base_manager
        if not wanted:
            return manager.none()
        either = wanted[0]
        for q in wanted[1:]:
            either |= q
        # Through a many-to-many path one row can match twice; ask by key instead.
        return manager.filter(pk__in=manager.filter(either).values("pk")).order_by("pk")

    def exported_fields(self) -> list[str]:
        return [
            f.attname for f in self.model_class._meta.concrete_fields if f.name not in self.secret
        ]

    def file_fields(self) -> list[str]:
        return [
            f.name
            for f in self.model_class._meta.concrete_fields
            if isinstance(f, models.FileField) and f.name not in self.secret
        ]


def target_of(model: type[models.Model], lookup: str) -> type[models.Model]:
    """The model a lookup such as ``portfolio__members`` ends at."""
    for part in lookup.split("__"):
        model = model._meta.get_field(part).related_model
    return model


def _match(model, paths: tuple, person: Person) -> Q | None:
    found: list[Q] = []
    user_model = apps.get_model(settings.AUTH_USER_MODEL)
    for path in paths:
        if callable(path):
            q = path(person)
        elif target_of(model, path) is user_model:
            q = Q(**{path: person.user_id}) if person.user_id else None
        elif target_of(model, path)._meta.label == PUPIL_RECORD:
            q = Q(**{path: person.pupil_id}) if person.pupil_id else None
        else:
            raise ValueError(f"{model._meta.label}: {path} reaches neither a person nor a record")
        if q is not None:
            found.append(q)
    if not found:
        return None
    out = found[0]
    for q in found[1:]:
        out |= q
    return out


# --- the registry ------------------------------------------------------------------------------
HOLDINGS: dict[str, Holding] = {}


def declare(*holdings: Holding) -> None:
    """Add an app's holdings (a model declared twice is a mistake)."""
    for holding in holdings:
        if holding.model in HOLDINGS:
            raise ValueError(f"{holding.model} is declared twice in personal_data modules")
        HOLDINGS[holding.model] = holding


def holdings() -> list[Holding]:
    """Every holding, in erasure order, then by model (a stable order for exports)."""
    return sorted(HOLDINGS.values(), key=lambda h: (h.order, h.model))


# --- words several apps use --------------------------------------------------------------------
ERASED_NAME = "Erased pupil"
STAFF_ONLY = Keep("about a member of staff: erasure is for pupils and never reaches it")
SCHOOL_WORK = Keep("the school's own work; the link now points at a placeholder account")
# Inside a portfolio: the portfolio decides (privacy erases one that was the pupil's alone, with
# everything in it, and leaves a group's to its other members).
GROUP_KEPT = Custom(
    lambda rows, person: None,
    "deleted with its portfolio when that was the pupil's alone; in a group's portfolio it "
    "stays with the other members",
)


def by_pk(person: Person, *, pupil: bool = False) -> Q | None:
    """A lookup for the person's own row (the account, or the pupil record)."""
    key = person.pupil_id if pupil else person.user_id
    return Q(pk=key) if key else None
