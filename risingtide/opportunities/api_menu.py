"""The menu of opportunities in the API (issue 19): the caller's menu (with suggestions and
their reasons where the school has them on), asking to take part, the caller's
participations and their answers; staff's requests and decisions, offers and a pupil's
participations; a carer's consent. Same guards, reads (``menu_queries``) and domain functions
(``menu_services``) as the pages; refusals are 400 with the field, in ``lib.api_errors``'s
shape; anything the caller cannot reach is 404."""

from typing import Literal

from django.core.exceptions import ValidationError
from ninja import Field, Router, Schema, Status

from risingtide.access.core import requires
from risingtide.lib.api_errors import ErrorOut, refusals_as_400
from risingtide.opportunities import menu_queries, menu_requests, menu_services
from risingtide.opportunities.models import Opportunity, Participation
from risingtide.people.events import note_if_carer

router = Router(tags=["Opportunities"])


class ReasonOut(Schema):
    source: Literal["profile", "register", "next_step"]
    quote: str = Field(description="The pupil's words, the register domain, or the next step")
    matched: list[str] = Field(description="The words (or domain) that matched")


class SuggestionOut(Schema):
    sentence: str = Field(description="The first reason, as the menu says it")
    reasons: list[ReasonOut]


class ParticipationOut(Schema):
    id: int
    opportunity: int
    opportunity_title: str
    state: Participation.State
    words: str = Field(description="The state in words, as the pupil (or staff) read it")
    reason: str
    decision_note: str
    alternative: int | None
    consent: Participation.Consent
    waiting_place: int | None = Field(description="Place on the waiting list, 1 is next")
    choices: list[str] = Field(
        default_factory=list, description="What the pupil may answer: withdraw, decline, ..."
    )


class CardOut(Schema):
    id: int
    title: str
    description: str
    kind: str
    section: str
    components: list[str]
    years: str
    when: str
    places_left: int | None = Field(description="None: no limit")
    needs_consent: bool
    domains: list[str] = Field(description="The caller's register domains it serves")
    suggestion: SuggestionOut | None = Field(
        None, description="Only where the school has suggestions on"
    )
    mine: int | None = Field(None, description="The caller's participation in it, if any")


class SectionOut(Schema):
    key: str
    heading: str
    opportunities: list[CardOut]


class MenuServiceOut(Schema):
    id: int
    title: str
    kind: str
    about: str
    when: str
    where: str
    note: str


class MenuOut(Schema):
    suggestions_on: bool
    sections: list[SectionOut]
    mine: list[ParticipationOut]
    services: list[MenuServiceOut] = Field(description="Marketplace services the school shows")


class AskIn(Schema):
    reason: str = Field(description="Why the pupil would like to take part (up to 1000)")


class RespondIn(Schema):
    choice: Literal["withdraw", "decline", "accept", "alternative"]


class RequestOut(ParticipationOut):
    pupil: int = Field(description="The pupil record")
    pupil_name: str


class RequestsOut(Schema):
    asked: list[RequestOut]
    waiting: list[RequestOut]
    offered: list[RequestOut]
    places: list[RequestOut]


class MenuDecisionIn(Schema):
    decision: Literal["approve", "place", "alternative", "not_now", "took_part"]
    note: str = ""
    alternative: int | None = Field(None, description="For an alternative: the opportunity")


class OfferIn(Schema):
    opportunity: int
    note: str = ""


class ConsentIn(Schema):
    choice: Literal["yes", "no"] = Field(description="no after a yes withdraws the consent")


def _waiting(p: Participation) -> int | None:
    return getattr(p, "ahead", 0) + 1 if p.state == Participation.State.WAITING else None


def _participation(p: Participation, words: str, choices=()) -> dict:
    return {
        "id": p.pk,
        "opportunity": p.opportunity_id,
        "opportunity_title": p.opportunity.title,
        "state": p.state,
        "words": words,
        "reason": p.reason,
        "decision_note": p.decision_note,
        "alternative": p.alternative_id,
        "consent": p.consent,
        "waiting_place": _waiting(p),
        "choices": [value for value, _ in choices],
    }


def _mine(m: menu_queries.Mine) -> dict:
    return _participation(m.participation, m.words, m.choices)


def _request(p: Participation) -> dict:
    return {
        **_participation(p, menu_requests.staff_words(p)),
        "pupil": p.pupil_id,
        "pupil_name": str(p.pupil),
    }


def _card(c: menu_queries.Card) -> dict:
    o = c.opportunity
    suggestion = None
    if c.suggestion:
        suggestion = {
            "sentence": c.suggestion.sentence,
            "reasons": [
                {"source": r.source, "quote": r.quote, "matched": list(r.matched)}
                for r in c.suggestion.reasons
            ],
        }
    return {
        "id": o.pk,
        "title": o.title,
        "description": o.description,
        "kind": o.kind,
        "section": c.section,
        "components": c.components,
        "years": c.years,
        "when": c.when,
        "places_left": c.places_left,
        "needs_consent": c.needs_consent,
        "domains": c.domains,
        "suggestion": suggestion,
        "mine": c.mine.participation.pk if c.mine else None,
    }


@router.get("/me/opportunities", response=MenuOut, summary="The caller's menu of opportunities")
@requires("menu.view", api=True)
def my_menu(request):
    menu = menu_queries.menu_for(request.user)
    return {
        "suggestions_on": menu.suggestions_on,
        "sections": [
            {"key": s.key, "heading": s.heading, "opportunities": [_card(c) for c in s.cards]}
            for s in menu.sections
        ],
        "mine": [_mine(m) for m in menu.mine],
        "services": [
            {
                "id": s.pk,
                "title": s.title,
                "kind": s.kind,
                "about": s.about,
                "when": s.when,
                "where": s.where,
                "note": s.note,
            }
            for s in menu.services
        ],
    }


@router.post(
    "/me/opportunities/{opportunity_id}/requests",
    response={201: ParticipationOut, 400: ErrorOut},
    summary="Ask to take part in an opportunity on one's menu, saying why",
)
@requires("menu_opportunity.ask", "opportunity_id", api=True)
@refusals_as_400
def ask_to_take_part(request, opportunity_id: int, body: AskIn):
    asked = menu_services.ask(request.user, request.access_target, body.reason)
    return Status(201, _mine(menu_queries.mine_one(asked)))


@router.get(
    "/me/participations",
    response=list[ParticipationOut],
    summary="What the caller asked for, was offered and took part in",
)
@requires("menu.view", api=True)
def my_participations(request):
    return [_mine(m) for m in menu_queries.mine_of(menu_queries.own_records(request.user))]


@router.post(
    "/me/participations/{participation_id}/answer",
    response={200: ParticipationOut, 400: ErrorOut},
    summary="Withdraw a request, accept or decline an offer or place, or ask for the alternative",
)
@requires("participation.respond", "participation_id", api=True)
@refusals_as_400
def answer_as_pupil(request, participation_id: int, body: RespondIn):
    done = menu_services.respond(request.user, request.access_target, body.choice)
    return _mine(menu_queries.mine_one(done))


@router.get(
    "/schools/{school_id}/requests",
    response=RequestsOut,
    summary="The requests at a school the caller answers",
)
@requires("opportunity_requests.view", "school_id", api=True)
def school_requests(request, school_id: int):
    shown = menu_requests.requests_for(request.user, request.access_target)
    return {
        "asked": [_request(p) for p in shown.asked],
        "waiting": [_request(p) for p in shown.waiting],
        "offered": [_request(p) for p in shown.offered],
        "places": [_request(p) for p in shown.places],
    }


@router.post(
    "/requests/{participation_id}/decision",
    response={200: RequestOut, 400: ErrorOut},
    summary="Answer a request: a place (or the waiting list), a place only, an alternative, "
    "not this time (with a reason), or took part",
)
@requires("request.answer", "participation_id", api=True)
@refusals_as_400
def decide_request(request, participation_id: int, body: MenuDecisionIn):
    p = request.access_target
    alternative = None
    if body.alternative is not None:
        alternative = next(
            (o for o in menu_requests.alternatives_to(p) if o.pk == body.alternative), None
        )
        if alternative is None:
            raise ValidationError(
                {"alternative": "Choose one of this year's opportunities at the pupil's school."}
            )
    done = menu_services.answer(
        request.user, p, body.decision, note=body.note, alternative=alternative
    )
    return _request(menu_requests.answerable(request.user).get(pk=done.pk))


@router.get(
    "/pupils/{record_id}/participations",
    response=list[RequestOut],
    summary="A pupil's opportunities: asked for, offered, waiting, places, taken part",
)
@requires("pupil_opportunities.view", "record_id", api=True)
def pupil_participations(request, record_id: int):
    note_if_carer(
        request.user, request.access_target.account_id, "opportunities", "Through the API"
    )
    return [_request(p) for p in menu_queries.participations_of(request.access_target)]


@router.post(
    "/pupils/{record_id}/offers",
    response={201: RequestOut, 400: ErrorOut},
    summary="Offer one of the school's opportunities to a pupil",
)
@requires("pupil_opportunities.offer", "record_id", api=True)
@refusals_as_400
def offer_to_pupil(request, record_id: int, body: OfferIn):
    record = request.access_target
    opportunity = Opportunity.objects.filter(pk=body.opportunity, school=record.school_id).first()
    if opportunity is None:
        raise ValidationError(
            {"opportunity": "Choose one of this year's opportunities open to the pupil's year."}
        )
    made = menu_services.offer(request.user, record, opportunity, body.note)
    return Status(201, _request(menu_queries.participations_of(record).get(pk=made.pk)))


@router.post(
    "/participations/{participation_id}/consent",
    response={200: RequestOut, 400: ErrorOut},
    summary="A carer gives, refuses or withdraws consent for an opportunity that needs it",
)
@requires("participation.consent", "participation_id", api=True)
@refusals_as_400
def give_consent(request, participation_id: int, body: ConsentIn):
    done = menu_services.answer_consent(request.user, request.access_target, body.choice)
    return _request(menu_queries.participations_of(done.pupil).get(pk=done.pk))
