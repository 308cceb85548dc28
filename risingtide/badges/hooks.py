"""Badges' part in the pages of the apps below it, connected to their hooks when the app is
ready: the progress grid and a portfolio's page offer "Award a badge", a pupil's record shows
their badges, and training's verification page checks a badge's credential. None of those
apps imports badges."""

from django.urls import reverse

from risingtide.access.core import can, visible
from risingtide.badges import credentials
from risingtide.people.models import User
from risingtide.portfolios import events as portfolio_events
from risingtide.register.events import RecordPart, record_parts
from risingtide.training import events as training_events

SHOWN = 10  # the newest on the record page; the pupil's badges page has them all


def on_portfolio_page(request, portfolio, page: str, **target) -> dict:
    """On the progress grid: a link to award a badge on each row (no query: the award page
    checks who may). On a portfolio: one for each of its pupils the viewer may award to (one
    query), next to the success criteria."""
    if page == "progress":
        return {"badge_award": True}
    if page != "portfolio":
        return {}
    pupils = visible(request.user, "pupil", "pupil.award_badge").filter(
        portfolio_memberships__portfolio=portfolio
    )
    return {"badge_award_pupils": list(pupils.order_by("last_name", "first_name", "pk"))}


def badges_part(viewer, pupil) -> RecordPart | None:
    """The pupil's badges on their record page, as the viewer may see them."""
    if pupil.account_id is None:
        return None
    account = User(pk=pupil.account_id)
    if not can(viewer, "pupil.award_badge", account):
        return None
    given = (
        visible(viewer, "badge_award")
        .filter(pupil_id=pupil.account_id)
        .select_related("badge_class", "awarded_by")[:SHOWN]
    )
    lines = []
    for a in given:
        by = f" from {a.awarded_by.get_full_name()}" if a.awarded_by else ""
        withdrawn = " (withdrawn)" if a.revoked else ""
        lines.append(f"{a.badge_class.name}{by}, {a.awarded_at:%-d %B %Y}{withdrawn}")
    return RecordPart(
        order=50,
        title="Badges",
        href=reverse("badges:pupil", args=[pupil.account_id]),
        link_text="Award a badge, or see all their badges",
        lines=tuple(lines),
        empty="No badges yet.",
    )


def connect() -> None:
    portfolio_events.page_parts.connect(on_portfolio_page)
    record_parts.connect(badges_part)
    training_events.credential_records.connect(credentials.record_for)
