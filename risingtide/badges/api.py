"""Badges in the API, under the same capabilities as the pages: the caller's badges (a pupil's
own, a carer's children's), awarding a badge to a pupil, and withdrawing one."""

from datetime import datetime

from django.core.exceptions import ValidationError
from ninja import Field, Router, Schema, Status

from risingtide.access.core import requires, visible
from risingtide.badges import services
from risingtide.badges.credentials import image_url
from risingtide.lib.api_errors import ErrorOut, refusals_as_400

router = Router(tags=["Badges"])


class AwardOut(Schema):
    id: int
    pupil: int = Field(description="The pupil's account id")
    pupil_first_name: str
    badge_class: int
    name: str
    description: str
    image: str = Field(description="The badge's picture (SVG)")
    image_alt: str = Field(description="The picture's text alternative")
    awarded_by: str
    awarded_at: datetime
    project: int | None
    revoked_at: datetime | None
    revocation_reason: str = Field(
        description="Why it was withdrawn: for the school's staff only, never shown on the "
        "badge's public page, the checking page or to the pupil"
    )


class AwardIn(Schema):
    badge_class: int = Field(description="One of the pupil's school's badges")
    project: int | None = Field(None, description="The TASC project it is awarded for")


class RevokeIn(Schema):
    reason: str = Field(max_length=services.REASON_MAX_CHARS)


def _out(a) -> dict:
    return {
        "id": a.pk,
        "pupil": a.pupil_id,
        "pupil_first_name": a.pupil.first_name,
        "badge_class": a.badge_class_id,
        "name": a.badge_class.name,
        "description": a.badge_class.description,
        "image": image_url(a.badge_class.design),
        "image_alt": a.badge_class.image_alt,
        "awarded_by": a.awarded_by.get_full_name() if a.awarded_by else "",
        "awarded_at": a.awarded_at,
        "project": a.project_id,
        "revoked_at": a.revoked_at,
        "revocation_reason": a.revocation_reason,
    }


@router.get(
    "/badges/mine",
    response=list[AwardOut],
    summary="The caller's badges (a pupil), or their children's (a carer), newest first",
)
@requires("badges.mine", api=True)
def my_badges(request):
    found = (
        visible(request.user, "badge_award", "badge_award.hold")
        .filter(revoked_at__isnull=True)
        .select_related("badge_class", "awarded_by", "pupil")
    )
    return [_out(a) for a in found]


@router.post(
    "/badges/pupils/{pupil_id}/awards",
    response={201: AwardOut, 400: ErrorOut},
    summary="Award one of the school's badges to a pupil one teaches",
)
@requires("pupil.award_badge", "pupil_id", api=True)
@refusals_as_400
def award_badge(request, pupil_id: int, body: AwardIn):
    badge_class = visible(request.user, "badge_class").filter(pk=body.badge_class).first()
    project = None
    if body.project is not None:
        project = visible(request.user, "project").filter(pk=body.project).first()
    if badge_class is None or (body.project is not None and project is None):
        raise ValidationError({"badge_class": "Choose one of your school's badges and projects."})
    given = services.award(request.user, request.access_target, badge_class, project)
    return Status(201, _out(given))


@router.post(
    "/badges/awards/{award_id}/revoke",
    response={200: AwardOut, 400: ErrorOut},
    summary="Withdraw a badge awarded to a pupil one teaches, saying why",
)
@requires("badge_award.revoke", "award_id", api=True)
@refusals_as_400
def revoke_badge(request, award_id: int, body: RevokeIn):
    return _out(services.revoke(request.user, request.access_target, body.reason))
