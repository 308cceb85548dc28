"""The map part of the opportunities API (issue 19), under the same capabilities as its pages:
a school's provision map (the same lines, filters and default year as the page, from
``map_queries.entries``), one opportunity as its staff page shows it, and adding, changing and
withdrawing one through ``map_services``. A refusal is a 400 naming its field."""

from datetime import date, datetime
from decimal import Decimal
from typing import Literal

from ninja import Field, Query, Router, Schema, Status

from risingtide.access.core import requires
from risingtide.lib.api_errors import ErrorOut, refusals_as_400
from risingtide.opportunities import map_queries, map_services
from risingtide.opportunities.map_queries import Entry, MapFilters
from risingtide.opportunities.map_services import OpportunityData
from risingtide.opportunities.models import Component, Domain, Kind, Term, Wave
from risingtide.register.models import academic_year

router = Router(tags=["Opportunities"])


class MapQuery(Schema):
    academic_year: int | None = Field(
        None, ge=2000, le=2100, description="2026 is 2026/27; default: this academic year"
    )
    wave: Wave | None = Field(None, description="1 whole class, 2 small group, 3 individual")
    component: Component | None = None
    domain: Literal["gifted", "talented"] | None = Field(
        None, description="Lines for this domain, and those for both"
    )
    term: Term | None = None
    kind: Kind | None = None
    year: int | None = Field(None, ge=0, le=13, description="A year group (0 is Reception)")
    source: Literal["school", "marketplace"] | None = None
    withdrawn: bool = Field(False, description="Include withdrawn opportunities")

    def filters(self) -> MapFilters:
        return MapFilters(
            academic_year=self.academic_year or academic_year(),
            wave=self.wave,
            component=self.component,
            domain=self.domain,
            term=self.term,
            kind=self.kind,
            year=self.year,
            source=self.source,
            withdrawn=self.withdrawn,
        )


class MapEntryOut(Schema):
    key: str = Field(description="opportunity-<id>, or service-<id>-<term> for a booked service")
    source: Literal["school", "marketplace"]
    id: int = Field(description="The opportunity's id, or the marketplace service's")
    title: str
    kind: Kind = Field(description="As the map's kinds (a service's own kind is kind_label)")
    kind_label: str
    wave: int
    components: list[Component]
    domain: Domain
    subjects: list[str]
    year_from: int
    year_to: int
    academic_year: int
    term: Term
    starts_on: date | None
    ends_on: date | None
    staff_lead: str
    provider: str
    capacity: int | None
    places_taken: int
    places_left: int | None
    cost_pounds: Decimal | None
    credits_each: int | None
    needs_consent: bool
    on_menu: bool
    withdrawn: bool


class OpportunityIn(Schema):
    title: str = Field(max_length=120)
    description: str = Field("", max_length=5000)
    kind: Kind
    wave: Wave
    components: list[Component] = Field(description="At least one of the five")
    domain: Domain
    subjects: list[str] = Field(default_factory=list, description="Keys of the register's domains")
    year_from: int = Field(ge=0, le=13)
    year_to: int = Field(ge=0, le=13)
    academic_year: int = Field(ge=2000, le=2100)
    term: Term
    starts_on: date | None = None
    ends_on: date | None = None
    staff_lead: int | None = Field(None, description="A member of staff of the school (user id)")
    capacity: int | None = Field(None, description="None: no limit")
    cost_pounds: Decimal = Field(Decimal("0"), description="Cost to a family, in pounds")
    needs_consent: bool = False
    on_menu: bool = True

    def data(self) -> OpportunityData:
        return OpportunityData(
            title=self.title,
            description=self.description,
            kind=self.kind,
            wave=int(self.wave),
            components=[str(c) for c in self.components],
            domain=self.domain,
            subjects=list(self.subjects),
            year_from=self.year_from,
            year_to=self.year_to,
            academic_year=self.academic_year,
            term=self.term,
            starts_on=self.starts_on,
            ends_on=self.ends_on,
            staff_lead_id=self.staff_lead,
            capacity=self.capacity,
            cost_pounds=self.cost_pounds,
            needs_consent=self.needs_consent,
            on_menu=self.on_menu,
        )


class MapPupilOut(Schema):
    name: str
    state: str
    consent: str


class OpportunityOut(Schema):
    line: MapEntryOut
    description: str
    withdrawn_at: datetime | None
    places: list[MapPupilOut] = Field(description="Who has a place, as far as the caller sees them")
    waiting: list[MapPupilOut]
    asking: int = Field(description="Requests and offers not yet answered")


def _entry(e: Entry) -> dict:
    return {
        "key": e.key,
        "source": e.source,
        "id": e.pk,
        "title": e.title,
        "kind": e.kind,
        "kind_label": e.kind_label,
        "wave": e.wave,
        "components": list(e.components),
        "domain": e.domain,
        "subjects": list(e.subjects),
        "year_from": e.year_from,
        "year_to": e.year_to,
        "academic_year": e.academic_year,
        "term": e.term,
        "starts_on": e.starts_on,
        "ends_on": e.ends_on,
        "staff_lead": e.staff_lead,
        "provider": e.provider,
        "capacity": e.capacity,
        "places_taken": e.places_taken,
        "places_left": e.places_left,
        "cost_pounds": e.cost_pounds,
        "credits_each": e.credits_each,
        "needs_consent": e.needs_consent,
        "on_menu": e.on_menu,
        "withdrawn": e.withdrawn,
    }


def _pupil(p) -> dict:
    return {
        "name": f"{p.pupil.forename} {p.pupil.surname}",
        "state": p.state,
        "consent": p.consent,
    }


def _opportunity(user, opportunity) -> dict:
    page = map_queries.opportunity_page(user, opportunity)
    return {
        "line": _entry(page.entry),
        "description": page.opportunity.description,
        "withdrawn_at": page.opportunity.withdrawn_at,
        "places": [_pupil(p) for p in page.holding],
        "waiting": [_pupil(p) for p in page.waiting],
        "asking": page.asking,
    }


@router.get(
    "/provision-map/schools/{school_id}",
    response=list[MapEntryOut],
    summary="A school's provision map: its own opportunities and the services it booked",
)
@requires("provision_map.view", "school_id", api=True)
def provision_map(request, school_id: int, filters: Query[MapQuery]):
    found = map_queries.entries(request.user, request.access_target, filters.filters())
    return [_entry(e) for e in found]


@router.get(
    "/provision-map/opportunities/{opportunity_id}",
    response=OpportunityOut,
    summary="One of the school's opportunities as its staff see it: places and who has one",
)
@requires("opportunity.manage", "opportunity_id", api=True)
def map_opportunity(request, opportunity_id: int):
    return _opportunity(request.user, request.access_target)


@router.post(
    "/provision-map/schools/{school_id}/opportunities",
    response={201: OpportunityOut, 400: ErrorOut},
    summary="Add an opportunity to the school's provision map",
)
@requires("provision_map.edit", "school_id", api=True)
@refusals_as_400
def map_add_opportunity(request, school_id: int, body: OpportunityIn):
    made = map_services.create_opportunity(request.user, request.access_target, body.data())
    return Status(201, _opportunity(request.user, made))


@router.put(
    "/provision-map/opportunities/{opportunity_id}",
    response={200: OpportunityOut, 400: ErrorOut},
    summary="Change one of the school's opportunities (all of it, as the form does)",
)
@requires("opportunity.edit", "opportunity_id", api=True)
@refusals_as_400
def map_change_opportunity(request, opportunity_id: int, body: OpportunityIn):
    changed = map_services.update_opportunity(request.user, request.access_target, body.data())
    return _opportunity(request.user, changed)


@router.post(
    "/provision-map/opportunities/{opportunity_id}/withdraw",
    response={200: OpportunityOut, 400: ErrorOut},
    summary="Withdraw an opportunity: off the map and the menu, kept in pupils' records",
)
@requires("opportunity.edit", "opportunity_id", api=True)
@refusals_as_400
def map_withdraw_opportunity(request, opportunity_id: int):
    done = map_services.withdraw_opportunity(request.user, request.access_target)
    return _opportunity(request.user, done)
