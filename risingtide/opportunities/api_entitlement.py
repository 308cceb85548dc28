"""The entitlement part of the opportunities API (issue 19), as its pages are guarded and read
by the same functions (``entitlement_queries``): a school's pupils on the register against its
entitlement in a term (a teacher: their own groups'), the school's entitlement set, the
school's equity of provision (exact), and an LA's and the nation's (suppressed: a hidden
figure is null here, with its shown text "c"). An unknown term is refused (the page shows the
current term instead)."""

from ninja import Field, Query, Router, Schema

from risingtide.access.core import requires
from risingtide.lib.api_errors import ErrorOut, refusal, refusals_as_400
from risingtide.opportunities import entitlement, entitlement_queries
from risingtide.opportunities.entitlement_services import set_entitlement
from risingtide.provision.report_api import ReportFigureOut, report_figure

router = Router(tags=["Opportunities"])


class TermChoice(Schema):
    term: str | None = Field(
        None, description='A term\'s code, e.g. "term:2026:autumn"; the current term if none'
    )


class RuleOut(Schema):
    per_term: int
    components: int
    beyond_classroom: bool
    set_by_school: bool = Field(description="False while the school keeps the defaults")
    words: str


class EntitlementIn(Schema):
    per_term: int = Field(description="Opportunities each pupil takes a term, 1 to 20")
    components: int = Field(description="Of the five components, 0 to 5")
    beyond_classroom: bool = Field(description="At least one beyond the classroom")


class PupilStandingOut(Schema):
    pupil: int = Field(description="The register.Pupil id")
    name: str
    met: bool
    reasons: list[str] = Field(description="Why short, then what is missing; empty when met")
    taken: int
    components: int
    beyond: bool
    marketplace: int
    classes: list[str]
    learning_guide: str


class CountOut(Schema):
    name: str
    pupils: int
    short: int


class SchoolEntitlementOut(Schema):
    school: int
    term: str
    term_label: str
    rule: RuleOut
    pupils: int
    met: int
    whole_register: bool = Field(description="False for a teacher: their own groups' pupils")
    by_class: list[CountOut]
    by_guide: list[CountOut]
    short: list[PupilStandingOut]


class EntitlementGroupRowOut(Schema):
    group: str
    subgroup: str
    on_register: ReportFigureOut
    share_of_register: ReportFigureOut
    places: ReportFigureOut
    share_of_places: ReportFigureOut
    met: ReportFigureOut
    share_met: ReportFigureOut
    ratio: ReportFigureOut


class EntitlementGroupTableOut(Schema):
    dimension: str
    label: str
    rows: list[EntitlementGroupRowOut]


class EquityOut(Schema):
    level: str = Field(description="school, la or nation")
    name: str
    term: str
    term_label: str
    exact: bool = Field(description="True for a school's own staff; else suppressed")
    schools: int
    on_register: ReportFigureOut
    met: ReportFigureOut
    share_met: ReportFigureOut
    places: ReportFigureOut
    groups: list[EntitlementGroupTableOut]


def _term(choice: TermChoice):
    try:
        return entitlement.chosen_term(choice.term), None
    except ValueError:
        return None, refusal(
            400, 'Give a term, e.g. "term:2026:autumn".', {"term": ["Not a term."]}
        )


def _rule(rule: entitlement.Rule) -> dict:
    return {**vars(rule), "words": rule.words}


def _equity(found) -> dict:
    return {
        "level": found.level,
        "name": found.name,
        "term": found.term.code,
        "term_label": found.term.label,
        "exact": found.exact,
        "schools": found.schools,
        "on_register": report_figure(found.register),
        "met": report_figure(found.met),
        "share_met": report_figure(found.share_met),
        "places": report_figure(found.places),
        "groups": [
            {
                "dimension": t.dimension.key,
                "label": t.dimension.label,
                "rows": [
                    {
                        "group": r.label,
                        "subgroup": r.subgroup,
                        "on_register": report_figure(r.register),
                        "share_of_register": report_figure(r.share_of_register),
                        "places": report_figure(r.places),
                        "share_of_places": report_figure(r.share_of_places),
                        "met": report_figure(r.met),
                        "share_met": report_figure(r.share_met),
                        "ratio": report_figure(r.ratio),
                    }
                    for r in t.rows
                ],
            }
            for t in found.tables
        ],
    }


@router.get(
    "/schools/{school_id}/entitlement",
    response={200: SchoolEntitlementOut, 400: ErrorOut},
    summary="Pupils on the register against the school's entitlement in a term: who is short, "
    "by class and by learning guide, and why",
)
@requires("entitlement.view", "school_id", api=True)
def entitlement_school(request, school_id: int, choice: Query[TermChoice]):
    term, refused = _term(choice)
    if refused:
        return refused
    school = request.access_target
    found = entitlement_queries.school_entitlement(request.user, school, term)
    return {
        "school": school.pk,
        "term": term.code,
        "term_label": term.label,
        "rule": _rule(found.rule),
        "pupils": len(found.pupils),
        "met": found.met_count,
        "whole_register": found.whole_register,
        "by_class": [vars(g) for g in found.by_class],
        "by_guide": [vars(g) for g in found.by_guide],
        "short": [
            {
                "pupil": p.pupil.pk,
                "name": p.name,
                "met": p.standing.met,
                "reasons": list(p.standing.reasons),
                "taken": p.standing.taken,
                "components": p.standing.components,
                "beyond": p.standing.beyond,
                "marketplace": p.standing.marketplace,
                "classes": list(p.classes),
                "learning_guide": p.guide,
            }
            for p in found.short
        ],
    }


@router.put(
    "/schools/{school_id}/entitlement",
    response={200: RuleOut, 400: ErrorOut},
    summary="Set the school's entitlement",
)
@requires("entitlement.set", "school_id", api=True)
@refusals_as_400
def entitlement_set(request, school_id: int, body: EntitlementIn):
    school = request.access_target
    set_entitlement(request.user, school, **body.dict())
    return _rule(entitlement.rule_for(school))


@router.get(
    "/schools/{school_id}/entitlement/equity",
    response={200: EquityOut, 400: ErrorOut},
    summary="The school's equity of provision by pupil group (exact)",
)
@requires("entitlement.equity", "school_id", api=True)
def entitlement_equity_school(request, school_id: int, choice: Query[TermChoice]):
    term, refused = _term(choice)
    if refused:
        return refused
    return _equity(entitlement_queries.school_equity(request.access_target, term))


@router.get(
    "/las/{la_id}/entitlement",
    response={200: EquityOut, 400: ErrorOut},
    summary="An LA's equity of provision and entitlement, its schools summed (suppressed)",
)
@requires("entitlement.la", "la_id", api=True)
def entitlement_la(request, la_id: int, choice: Query[TermChoice]):
    term, refused = _term(choice)
    if refused:
        return refused
    return _equity(entitlement_queries.la_equity(request.access_target, term))


@router.get(
    "/nations/{nation_id}/entitlement",
    response={200: EquityOut, 400: ErrorOut},
    summary="The nation's equity of provision and entitlement (suppressed)",
)
@requires("entitlement.nation", "nation_id", api=True)
def entitlement_nation(request, nation_id: int, choice: Query[TermChoice]):
    term, refused = _term(choice)
    if refused:
        return refused
    return _equity(entitlement_queries.nation_equity(request.access_target, term))
