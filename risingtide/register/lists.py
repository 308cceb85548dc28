"""The register's lists — this year's register, the school's pupil records and an import's row
errors — with one filter each, read by the pages and the API alike.

Before, the API built its own copies of these reads and disagreed with the pages: the register
page hid pupils decided *not identified* and the API showed them; the pupil page showed only
pupils on roll and the API everyone. Now both read here, so the same filter gives the same rows;
what a layer adds is only how it reads its input (a page ignores a value it does not know, the
API refuses it) and how it shows the rows.
"""

from dataclasses import dataclass

from django.db.models import Exists, Q, QuerySet, Subquery
from django.utils import timezone

from risingtide.access.core import visible
from risingtide.lib.counts import count_of
from risingtide.people.models import User
from risingtide.register.import_batches import ImportBatch
from risingtide.register.models import (
    Evidence,
    RegisterEntry,
    current_entry,
    ever_6,
    fsm_on,
)
from risingtide.register.rows import DOMAINS
from risingtide.schools.models import School

# The register's default: pupils on it or waiting for a decision, not those decided against.
ON_REGISTER = ""
EVERY_STATUS = "all"


@dataclass(frozen=True)
class RegisterFilter:
    """Which of this year's current entries to list. ``status`` is a ``RegisterEntry.Status``,
    ``ON_REGISTER`` (the default: every status but *not identified*) or ``EVERY_STATUS``."""

    status: str = ON_REGISTER
    gifted: bool | None = None
    talented: bool | None = None
    top_5: bool | None = None
    domain: str = ""

    @classmethod
    def from_page(cls, query) -> "RegisterFilter":
        """The register page's form: a status, one of gifted / talented / top 5%, a domain.
        A value the page does not offer means no filter, as a hand-edited address should."""
        status = query.get("status") or ""
        if status not in (*RegisterEntry.Status.values, EVERY_STATUS):
            status = ON_REGISTER
        kind = query.get("kind") or ""
        domain = query.get("domain") or ""
        return cls(
            status=status,
            gifted=True if kind == "gifted" else None,
            talented=True if kind == "talented" else None,
            top_5=True if kind == "top_5" else None,
            domain=domain if domain in DOMAINS else "",
        )

    @property
    def kind(self) -> str:
        """The page's one-of choice this filter stands for ("" when none or several)."""
        chosen = [k for k in ("gifted", "talented", "top_5") if getattr(self, k)]
        return chosen[0] if len(chosen) == 1 else ""


def register_entries(user: User, school: School, year: int, f: RegisterFilter) -> QuerySet:
    """This year's current entries at ``school`` for the pupils ``user`` may see, filtered, each
    with ``evidence_this_year``, by name. ``f.domain`` must be a known domain or empty."""
    entries = (
        RegisterEntry.objects.current()
        .filter(
            school=school,
            academic_year=year,
            pupil__in=visible(user, "pupil_record").filter(school=school),
        )
        .select_related("pupil")
        .annotate(
            evidence_this_year=count_of(
                Evidence.objects.filter(academic_year=year), "pupil", outer="pupil"
            )
        )
    )
    if f.status == ON_REGISTER:
        entries = entries.exclude(status=RegisterEntry.Status.NOT_IDENTIFIED)
    elif f.status != EVERY_STATUS:
        entries = entries.filter(status=f.status)
    for name in ("gifted", "talented", "top_5"):
        if getattr(f, name) is not None:
            entries = entries.filter(**{name: getattr(f, name)})
    if f.domain:
        # The domains are a JSON list of known keys: its text holds the key in quotes exactly
        # when the list holds the key (``contains`` on a JSON list is PostgreSQL's alone).
        entries = entries.filter(domains__icontains=f'"{f.domain}"')
    return entries.order_by("pupil__legal_surname", "pupil__legal_forename", "pk")


@dataclass(frozen=True)
class PupilFilter:
    """Which pupil records to list: on roll (the default), left (``on_roll=False``) or both
    (``None``); an NC year; this year's register status; the start of a name or UPN."""

    on_roll: bool | None = True
    nc_year: str = ""
    status: str = ""
    q: str = ""

    @classmethod
    def from_page(cls, query) -> "PupilFilter":
        roll = {"true": True, "false": False, "all": None}.get(query.get("on_roll", "true"), True)
        status = query.get("status") or ""
        return cls(
            on_roll=roll,
            nc_year=(query.get("nc_year") or "").strip()[:4],
            status=status if status in RegisterEntry.Status.values else "",
            q=(query.get("q") or "").strip()[:100],
        )


def pupil_records(user: User, school: School, year: int, f: PupilFilter) -> QuerySet:
    """The pupil records at ``school`` that ``user`` may see, filtered, each with ``fsm_now``,
    ``ever_6`` and this year's register ``status``, by name."""
    today = timezone.localdate()
    found = visible(user, "pupil_record").filter(school=school)
    if f.on_roll is not None:
        found = found.filter(on_roll=f.on_roll)
    if f.nc_year:
        found = found.filter(nc_year=f.nc_year)
    if f.status:
        found = found.filter(Exists(current_entry(year).filter(status=f.status)))
    q = f.q.strip()[:100]
    if q:
        found = found.filter(
            Q(upn__istartswith=q.replace(" ", ""))
            | Q(legal_surname__istartswith=q)
            | Q(legal_forename__istartswith=q)
            | Q(preferred_surname__istartswith=q)
            | Q(preferred_forename__istartswith=q)
        )
    return found.annotate(
        fsm_now=fsm_on(today),
        ever_6=ever_6(today),
        status=Subquery(current_entry(year).values("status")[:1]),
    ).order_by("legal_surname", "legal_forename", "pk")


def import_errors(batch: ImportBatch) -> list[dict]:
    """An import's row errors as its page shows them: the write's once it is written, else the
    check's; every one the batch kept (``import_comparison.KEEP_ERRORS``), in file order."""
    summary = batch.summary or {}
    return (summary.get("written") or summary).get("errors") or []
