"""Self and peer reviews of a pupil's presentation, in the API. The feedback app owns this
router because the reviews (and who may see whose name) are its own; it is added after the
portfolio operations (``portfolios.api.portfolios``) and before the items."""

from ninja import Field, Router, Schema

from risingtide.access.core import requires
from risingtide.feedback.queries import reviews_for

router = Router(tags=["TASC"])


class RatedOut(Schema):
    text: str
    level: str


class ReviewOut(Schema):
    id: int
    is_self: bool
    by: str = Field(description="Empty when the review is anonymous (except for staff)")
    anonymous: bool
    hidden: bool
    comment: str
    rated: list[RatedOut]


@router.get(
    "/portfolios/{portfolio_id}/reviews",
    response=list[ReviewOut],
    summary="Self and peer reviews of a presentation (anonymous reviewers stay anonymous)",
)
@requires("presentation.view", "portfolio_id", api=True)
def reviews(request, portfolio_id: int):
    return reviews_for(request.user, request.access_target)["reviews"]
