"""Recording the school's own opportunities on its provision map: add one, change it, withdraw
it. The coordinator (leading teacher) or head does this; the page's form and the API's schema
only read the input's shape, and every rule is here, so both refuse alike.

An opportunity is never deleted: once a pupil has asked for it, their request, place or
decision points at it (``Participation.opportunity`` protects it), so it is *withdrawn*
(``withdrawn_at``): off the map and the menu by default, still there in every pupil's record.

Every refusal is a ``ValidationError`` naming its field, raised before anything is written:
bad input changes nothing."""

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from risingtide.access.core import can
from risingtide.audit.models import record
from risingtide.opportunities.models import (
    Component,
    Domain,
    Kind,
    Opportunity,
    OpportunityComponent,
    Term,
    Wave,
)
from risingtide.opportunities.places import HOLDING
from risingtide.people.models import Membership, Role
from risingtide.register.models import year_label
from risingtide.register.rows import GIFTED_DOMAINS, TALENTED_DOMAINS

LAST_YEAR = 13  # Year 13; Reception is 0
MAX_COST = Decimal("99999.99")
STAFF_ROLES = (Role.TEACHER, Role.LEADING_TEACHER, Role.HEAD)


@dataclass
class OpportunityData:
    """What a coordinator says about an opportunity, from the page's form or the API's body."""

    title: str
    kind: str
    wave: int
    components: list[str]
    domain: str
    year_from: int
    year_to: int
    academic_year: int
    term: str
    description: str = ""
    subjects: list[str] = field(default_factory=list)
    starts_on: date | None = None
    ends_on: date | None = None
    staff_lead_id: int | None = None
    capacity: int | None = None
    cost_pounds: Decimal = Decimal("0")
    needs_consent: bool = False
    on_menu: bool = True


def term_dates(academic_year: int, term: str) -> tuple[date, date]:
    """The first and last day a term of ``academic_year`` may have (2026 is 2026/27): autumn
    September to December, spring January to March, summer April to August, all year September
    to August; the calendar's, since schools' own dates differ by LA and move with Easter."""
    spans = {
        Term.AUTUMN: (date(academic_year, 9, 1), date(academic_year, 12, 31)),
        Term.SPRING: (date(academic_year + 1, 1, 1), date(academic_year + 1, 3, 31)),
        Term.SUMMER: (date(academic_year + 1, 4, 1), date(academic_year + 1, 8, 31)),
        Term.YEAR: (date(academic_year, 9, 1), date(academic_year + 1, 8, 31)),
    }
    return spans[term]


def _year_name(year: int) -> str:
    return "Reception" if year == 0 else f"Year {year}"


def check(school, data: OpportunityData) -> dict[str, list[str]]:
    """Every problem with ``data``, by field (empty when there is none)."""
    errors: dict[str, list[str]] = {}

    def refuse(name: str, message: str) -> None:
        errors.setdefault(name, []).append(message)

    title = (data.title or "").strip()
    if not title:
        refuse("title", "Give the opportunity a title.")
    elif len(title) > 120:
        refuse("title", f"Keep the title to 120 characters (it has {len(title)}).")
    if len(data.description or "") > 5000:
        refuse("description", "Keep the description to 5,000 characters.")
    if data.kind not in Kind.values:
        refuse("kind", "Choose what kind of opportunity this is.")
    if data.wave not in Wave.values:
        refuse("wave", "Choose the wave: whole class, small group or individual.")
    if not data.components:
        refuse("components", "Choose at least one of the five components it serves.")
    elif set(data.components) - set(Component.values):
        refuse("components", "Choose components from the five listed.")
    if data.domain not in Domain.values:
        refuse("domain", "Choose gifted, talented, or both.")
    _check_subjects(data, refuse)
    _check_years(data, refuse)
    if data.term not in Term.values:
        refuse("term", "Choose the term, or all year.")
    elif not 2000 <= (data.academic_year or 0) <= 2100:
        refuse("academic_year", "Choose an academic year, such as 2026/27.")
    else:
        _check_dates(data, refuse)
    if data.capacity is not None and data.capacity < 1:
        refuse("capacity", "Give at least one place, or leave it blank for no limit.")
    cost = data.cost_pounds if data.cost_pounds is not None else Decimal("0")
    if cost < 0:
        refuse("cost_pounds", "The cost cannot be negative: use 0 for free.")
    elif cost > MAX_COST or cost != cost.quantize(Decimal("0.01")):
        refuse("cost_pounds", "Give the cost in pounds and pence, up to £99,999.99.")
    if data.staff_lead_id is not None and not (
        Membership.objects.filter(
            user_id=data.staff_lead_id, school=school, role__in=STAFF_ROLES, user__is_active=True
        ).exists()
    ):
        refuse("staff_lead", f"The staff lead must be a member of staff at {school.name}.")
    return errors


def _check_subjects(data: OpportunityData, refuse) -> None:
    subjects = set(data.subjects or [])
    allowed = {
        Domain.GIFTED: GIFTED_DOMAINS,
        Domain.TALENTED: TALENTED_DOMAINS,
    }.get(data.domain, {**GIFTED_DOMAINS, **TALENTED_DOMAINS})
    wrong = sorted(subjects - set(allowed))
    if wrong and data.domain in Domain.values:
        refuse(
            "subjects",
            f"Not a subject of the {Domain(data.domain).label.lower()} domain: {', '.join(wrong)}.",
        )


def _check_years(data: OpportunityData, refuse) -> None:
    bad = False
    for name in ("year_from", "year_to"):
        year = getattr(data, name)
        if year is None or not 0 <= year <= LAST_YEAR:
            refuse(name, "Choose a year group from Reception to Year 13.")
            bad = True
    if not bad and data.year_from > data.year_to:
        refuse(
            "year_to",
            f"The last year group ({_year_name(data.year_to)}) comes before the first "
            f"({_year_name(data.year_from)}).",
        )


def _check_dates(data: OpportunityData, refuse) -> None:
    first, last = term_dates(data.academic_year, data.term)
    when = f"{Term(data.term).label.lower()} {year_label(data.academic_year)}"
    for name in ("starts_on", "ends_on"):
        day = getattr(data, name)
        if day is not None and not first <= day <= last:
            refuse(
                name,
                f"{day:%-d %B %Y} is outside the {when} ({first:%-d %B %Y} to {last:%-d %B %Y}).",
            )
    if data.starts_on and data.ends_on and data.ends_on < data.starts_on:
        refuse("ends_on", "It cannot end before it starts.")


def _refuse_if_wrong(school, data: OpportunityData) -> None:
    errors = check(school, data)
    if errors:
        raise ValidationError(errors)


def _write(opportunity: Opportunity, data: OpportunityData) -> None:
    opportunity.title = data.title.strip()
    opportunity.description = (data.description or "").strip()
    opportunity.kind = data.kind
    opportunity.wave = data.wave
    opportunity.domain = data.domain
    opportunity.subjects = sorted(set(data.subjects or []))
    opportunity.year_from, opportunity.year_to = data.year_from, data.year_to
    opportunity.academic_year, opportunity.term = data.academic_year, data.term
    opportunity.starts_on, opportunity.ends_on = data.starts_on, data.ends_on
    opportunity.staff_lead_id = data.staff_lead_id
    opportunity.capacity = data.capacity
    opportunity.cost_pounds = data.cost_pounds or Decimal("0")
    opportunity.needs_consent = data.needs_consent
    opportunity.on_menu = data.on_menu
    opportunity.save()
    wanted = set(data.components)
    opportunity.components.exclude(component__in=wanted).delete()
    have = set(opportunity.components.values_list("component", flat=True))
    OpportunityComponent.objects.bulk_create(
        OpportunityComponent(opportunity=opportunity, component=c) for c in sorted(wanted - have)
    )


def create_opportunity(actor, school, data: OpportunityData) -> Opportunity:
    """Add an opportunity to ``school``'s provision map."""
    if not can(actor, "provision_map.edit", school):
        raise PermissionDenied
    _refuse_if_wrong(school, data)
    with transaction.atomic():
        opportunity = Opportunity(school=school, created_by=actor)
        _write(opportunity, data)
        record(actor, "opportunities.create", opportunity, school=school, title=opportunity.title)
    return opportunity


def update_opportunity(actor, opportunity: Opportunity, data: OpportunityData) -> Opportunity:
    """Change an opportunity. Its capacity cannot go below the places already given."""
    if not can(actor, "opportunity.edit", opportunity):
        raise PermissionDenied
    if opportunity.withdrawn_at:
        raise ValidationError("This opportunity has been withdrawn: it can no longer be changed.")
    _refuse_if_wrong(opportunity.school, data)
    with transaction.atomic():
        locked = Opportunity.objects.select_for_update().get(pk=opportunity.pk)
        taken = locked.participations.filter(state__in=HOLDING).count()
        if data.capacity is not None and data.capacity < taken:
            raise ValidationError(
                {
                    "capacity": (
                        f"{taken} pupils already have a place: give at least {taken} places, "
                        "or leave it blank for no limit."
                    )
                }
            )
        _write(locked, data)
        record(actor, "opportunities.update", locked, school=locked.school, title=locked.title)
    return locked


def withdraw_opportunity(actor, opportunity: Opportunity) -> Opportunity:
    """Take an opportunity off the map and the pupils' menu. It stays in the record of every
    pupil who asked for it or took part; nothing about their participation changes."""
    if not can(actor, "opportunity.edit", opportunity):
        raise PermissionDenied
    with transaction.atomic():
        locked = Opportunity.objects.select_for_update().get(pk=opportunity.pk)
        if locked.withdrawn_at:
            raise ValidationError("This opportunity is already withdrawn.")
        locked.withdrawn_at = timezone.now()
        locked.save(update_fields=["withdrawn_at", "updated_at"])
        record(actor, "opportunities.withdraw", locked, school=locked.school, title=locked.title)
    return locked


def data_of(opportunity: Opportunity) -> OpportunityData:
    """An opportunity as it stands, to fill the edit form or to change a few fields."""
    return OpportunityData(
        title=opportunity.title,
        description=opportunity.description,
        kind=opportunity.kind,
        wave=opportunity.wave,
        components=sorted(c.component for c in opportunity.components.all()),
        domain=opportunity.domain,
        subjects=list(opportunity.subjects or []),
        year_from=opportunity.year_from,
        year_to=opportunity.year_to,
        academic_year=opportunity.academic_year,
        term=opportunity.term,
        starts_on=opportunity.starts_on,
        ends_on=opportunity.ends_on,
        staff_lead_id=opportunity.staff_lead_id,
        capacity=opportunity.capacity,
        cost_pounds=opportunity.cost_pounds,
        needs_consent=opportunity.needs_consent,
        on_menu=opportunity.on_menu,
    )
