"""Families in the API (issue 19), under the same capabilities as the pages: a carer's
children and one child's summary (``queries.child_page``, as the page reads it, and noted for
the child as the page notes it), and a school's invitations for a pupil's carers (a new one's
code is in the answer that makes it, and never again)."""

from datetime import date, datetime
from typing import Literal

from ninja import Field, Router, Schema, Status

from risingtide.access.core import requires
from risingtide.families import queries, services
from risingtide.lib.api_errors import ErrorOut, refusals_as_400
from risingtide.provision.consent import record_place_consent
from risingtide.provision.models import Place

router = Router(tags=["Families"])


class ChildOut(Schema):
    id: int = Field(description="The child's account id (the page's and the summary's)")
    first_name: str
    last_name: str
    school: str | None
    awaiting_consent: int = Field(description="Opportunities waiting for the carer's answer")


class FamilyOpportunityOut(Schema):
    participation: int
    title: str
    kind: str
    term: str
    starts_on: date | None
    state: str
    state_words: str
    needs_consent: bool
    consent: str
    consent_words: str
    can_answer: bool = Field(description="The carer may give or refuse consent now")
    can_withdraw: bool = Field(description="The carer gave consent and may withdraw it")


class ProfileAnswerOut(Schema):
    heading: str
    words: str


class FamilyObservationOut(Schema):
    text: str
    author_name: str
    created_at: datetime


class FamilyTargetOut(Schema):
    text: str
    state: str
    review_on: date | None


class FamilyMessageOut(Schema):
    voice: str
    author_name: str
    text: str
    created_at: datetime


class FamilyPlanOut(Schema):
    next_review_on: date | None
    targets: list[FamilyTargetOut]
    messages: list[FamilyMessageOut]


class PresentedItemOut(Schema):
    title: str
    kind: str
    text: str


class PresentationOut(Schema):
    project: str
    items: list[PresentedItemOut]


class FamilyPlaceOut(Schema):
    place: int = Field(description="The place's id, to answer for with POST /places/{id}/consent")
    service: str
    provider: str
    starts_at: datetime
    consent: str = Field(description="not_needed, awaiting, given, refused or withdrawn")
    consent_words: str
    can_answer: bool
    can_withdraw: bool


class PlaceConsentIn(Schema):
    choice: Literal["yes", "no"] = Field(description="no after a yes withdraws the consent")


class ChildSummaryOut(Schema):
    child: ChildOut
    opportunities: list[FamilyOpportunityOut]
    places: list[FamilyPlaceOut] = Field(description="Places the school booked with providers")
    profiles_on: bool = Field(description="Whether the school uses learner profiles at all")
    profile: list[ProfileAnswerOut]
    observations: list[FamilyObservationOut]
    plan: FamilyPlanOut | None
    presentations: list[PresentationOut]


class InvitationOut(Schema):
    id: int
    relationship: str
    status: str = Field(description="pending, used, cancelled or expired")
    created_at: datetime
    expires_at: datetime
    used_at: datetime | None
    cancelled_at: datetime | None


class NewInvitationOut(InvitationOut):
    code: str = Field(description="The one-time code: in this answer only, never again")


class InvitationIn(Schema):
    relationship: str = Field("", description="Mother, Grandfather, Foster carer… (optional)")


def _child(child, school: str | None, awaiting: int) -> dict:
    return {
        "id": child.pk,
        "first_name": child.first_name,
        "last_name": child.last_name,
        "school": school,
        "awaiting_consent": awaiting,
    }


@router.get(
    "/families/children",
    response=list[ChildOut],
    summary="The caller's children (a parent or carer)",
)
@requires("family.children", api=True)
def family_children(request):
    found = []
    for child in queries.children(request.user):
        record = getattr(child, "pupil_record", None)
        found.append(_child(child, record.school.name if record else None, child.awaiting))
    return found


def _place(row: queries.PlaceRow) -> dict:
    place = row.place
    return {
        "place": place.pk,
        "service": place.session.service.title,
        "provider": place.session.service.provider.name,
        "starts_at": place.session.starts_at,
        "consent": place.consent,
        "consent_words": place.get_consent_display(),
        "can_answer": row.can_answer,
        "can_withdraw": row.can_withdraw,
    }


def _summary(page: queries.ChildPage) -> dict:
    plan = page.plan
    return {
        "child": _child(page.child, page.school.name if page.school else None, page.awaiting),
        "opportunities": [
            {
                "participation": row.participation.pk,
                "title": row.participation.opportunity.title,
                "kind": row.participation.opportunity.kind,
                "term": row.participation.opportunity.term,
                "starts_on": row.participation.opportunity.starts_on,
                "state": row.participation.state,
                "state_words": row.participation.get_state_display(),
                "needs_consent": row.participation.opportunity.needs_consent,
                "consent": row.participation.consent,
                "consent_words": row.participation.get_consent_display(),
                "can_answer": row.can_answer,
                "can_withdraw": row.can_withdraw,
            }
            for row in page.opportunities
        ],
        "places": [_place(row) for row in page.places],
        "profiles_on": page.profiles_on,
        "profile": [{"heading": h, "words": w} for h, w in page.profile],
        "observations": page.observations,
        "plan": None
        if plan is None
        else {
            "next_review_on": plan.next_review_on,
            "targets": page.targets,
            "messages": page.messages,
        },
        "presentations": [
            {
                "project": row.portfolio.project.title,
                "items": [
                    {"title": i.title, "kind": i.kind, "text": i.body if i.kind == "note" else ""}
                    for i in row.items
                ],
            }
            for row in page.presentations
        ],
    }


@router.get(
    "/families/children/{child_id}",
    response=ChildSummaryOut,
    summary="One of the caller's children: opportunities, profile, plan and shared work",
)
@requires("child.view", "child_id", api=True)
def family_child(request, child_id: int):
    page = queries.child_page(request.user, request.access_target)
    services.note_shown(request.user, request.access_target, page.shown())
    return _summary(page)


def _invitation(row: queries.InvitationRow) -> dict:
    i = row.invitation
    return {
        "id": i.pk,
        "relationship": i.relationship,
        "status": row.status,
        "created_at": i.created_at,
        "expires_at": i.expires_at,
        "used_at": i.used_at,
        "cancelled_at": i.cancelled_at,
    }


@router.get(
    "/families/pupils/{record_id}/invitations",
    response=list[InvitationOut],
    summary="Invitations for a pupil's parents and carers (by the pupil's record id)",
)
@requires("pupil_record.carers", "record_id", api=True)
def carer_invitations(request, record_id: int):
    return [_invitation(row) for row in queries.invitations(request.user, request.access_target)]


@router.post(
    "/families/pupils/{record_id}/invitations",
    response={201: NewInvitationOut, 400: ErrorOut},
    summary="Invite a parent or carer: the answer holds the one-time code, shown only here",
)
@requires("pupil_record.carers", "record_id", api=True)
@refusals_as_400
def invite_carer(request, record_id: int, body: InvitationIn):
    invitation, code = services.invite(request.user, request.access_target, body.relationship)
    row = queries.InvitationRow(invitation, queries.invitation_status(invitation))
    return Status(201, {**_invitation(row), "code": code})


@router.post(
    "/families/invitations/{invitation_id}/cancel",
    response={200: InvitationOut, 400: ErrorOut},
    summary="Cancel an invitation not yet used: its code stops working",
)
@requires("invitation.cancel", "invitation_id", api=True)
@refusals_as_400
def cancel_carer_invitation(request, invitation_id: int):
    invitation = services.cancel(request.user, request.access_target)
    return _invitation(queries.InvitationRow(invitation, queries.invitation_status(invitation)))


@router.post(
    "/places/{place_id}/consent",
    response={200: FamilyPlaceOut, 400: ErrorOut},
    summary="A carer gives, refuses or withdraws consent for a marketplace place that needs it",
)
@requires("marketplace_place.consent", "place_id", api=True)
@refusals_as_400
def give_place_consent(request, place_id: int, body: PlaceConsentIn):
    done = record_place_consent(request.user, request.access_target, body.choice == "yes")
    place = Place.objects.select_related("session__service__provider").get(pk=done.pk)
    return _place(queries.place_row(place))
