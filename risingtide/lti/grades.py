"""Progress back to the platform's gradebook (AGS): stages done out of eight as the score,
with a comment saying so.

``portfolios.events.stage_progress`` tells us (inside the change's transaction) that a
portfolio's stages moved; once that commits, a background task per grade link sends the score,
so a slow or absent platform never holds up a pupil marking a stage done. The task reads the
progress afresh when it runs and sends only a change, so a doubled or late task is harmless.
"""

import logging

from django.db import transaction
from django.utils import timezone
from django_tasks import task

from risingtide.lti import outbound
from risingtide.lti.models import GradeLink
from risingtide.portfolios.models import PortfolioMember, StageProgress
from risingtide.tasc.models import STAGE_ORDER

logger = logging.getLogger(__name__)
TOTAL = len(STAGE_ORDER)


def stages_done(pupil_id: int, project_id: int) -> int:
    member = PortfolioMember.objects.filter(pupil_id=pupil_id, project_id=project_id).first()
    if member is None:
        return 0
    return StageProgress.objects.filter(
        portfolio_id=member.portfolio_id, status=StageProgress.Status.DONE
    ).count()


def score_of(link: GradeLink, done: int) -> dict:
    complete = done >= TOTAL
    return {
        "userId": link.sub,
        "scoreGiven": done,
        "scoreMaximum": TOTAL,
        "comment": f"{done} of {TOTAL} stages done",
        "timestamp": timezone.now().isoformat(timespec="milliseconds"),
        "activityProgress": "Completed" if complete else ("InProgress" if done else "Initialized"),
        "gradingProgress": "FullyGraded" if complete else "Pending",
    }


@task()
def send_progress(link_id: int) -> str:
    """Send one pupil's progress on one project to the platform, if it changed."""
    link = GradeLink.objects.select_related("platform", "project").filter(pk=link_id).first()
    if link is None or not link.platform.active:
        return "nothing to do"
    done = stages_done(link.pupil_id, link.project_id)
    if link.last_sent == f"{done}/{TOTAL}":
        return "unchanged"
    try:
        if not link.lineitem_url:
            link.lineitem_url = outbound.create_line_item(
                link.platform,
                link.scopes,
                link.lineitems_url,
                link.project.title,
                link.resource_link_id,
                TOTAL,
            )[:500]
        outbound.post_score(link.platform, link.scopes, link.lineitem_url, score_of(link, done))
    except outbound.ServiceError as failed:
        logger.warning("LTI score for grade link %s not sent: %s", link.pk, failed.reason)
        GradeLink.objects.filter(pk=link.pk).update(last_error=failed.reason)
        return f"refused: {failed.reason}"
    GradeLink.objects.filter(pk=link.pk).update(
        lineitem_url=link.lineitem_url, last_sent=f"{done}/{TOTAL}", last_error=""
    )
    return f"sent {done}/{TOTAL}"


def on_stage_progress(portfolio, **_) -> None:
    """Handler of ``portfolios.events.stage_progress``: queue a score for each of the
    portfolio's pupils who launched its project from a platform, once the change commits."""
    pupils = portfolio.memberships.values("pupil_id")
    links = list(
        GradeLink.objects.filter(project_id=portfolio.project_id, pupil_id__in=pupils).values_list(
            "pk", flat=True
        )
    )
    for link_id in links:
        transaction.on_commit(lambda link_id=link_id: send_progress.enqueue(link_id))
