"""Badges in the demo world: the demo teacher has awarded a few of Riverton Academy's badges
for the bee hotel project, Maya (the demo pupil) among them, and the academy lets its pupils
download theirs, so the whole journey can be shown: My badges, a download, the checking page.

Called from ``world.py`` once the classroom is loaded."""

from datetime import timedelta

from django.utils import timezone

from risingtide.badges import services
from risingtide.badges.models import Award, SchoolBadgeSettings
from risingtide.people.models import User
from risingtide.portfolios.models import PortfolioMember, StageProgress
from risingtide.schools.models import School
from risingtide.tasc.models import STAGE_ORDER, Project


def _finished(project: Project) -> list[int]:
    """The pupils whose portfolio of ``project`` has every stage done, in a fixed order."""
    done = {}
    for row in StageProgress.objects.filter(
        portfolio__project=project, status=StageProgress.Status.DONE
    ).values("portfolio_id"):
        done[row["portfolio_id"]] = done.get(row["portfolio_id"], 0) + 1
    finished = [pk for pk, n in done.items() if n == len(STAGE_ORDER)]
    return list(
        PortfolioMember.objects.filter(portfolio__in=finished)
        .order_by("pupil_id")
        .values_list("pupil_id", flat=True)
    )


def load(school: School, teacher: User, maya: User) -> list[Award]:
    """A few awards by ``teacher`` at ``school``: "Completed a TASC project" for whoever
    finished the school's first individual project (at most three), "Great gatherer" and
    "Ideas generator" for Maya, "Excellent evaluation" for one other pupil; spread over the
    last fortnight. The school allows downloads (the default is off)."""
    badges = {b.key: b for b in services.school_badges(school)}
    project = (
        Project.objects.filter(school=school, mode=Project.Mode.INDIVIDUAL).order_by("pk").first()
    )
    pupils = {
        u.pk: u for u in User.objects.filter(portfolio_memberships__portfolio__project=project)
    }
    plan = [(maya, "great-gatherer"), (maya, "ideas-generator")]
    plan += [(pupils[pk], "completed-project") for pk in _finished(project)[:3] if pk in pupils]
    others = sorted(pk for pk in pupils if pk != maya.pk)
    if others:
        plan.append((pupils[others[0]], "excellent-evaluation"))
    given = []
    now = timezone.now()
    for days, (pupil, key) in enumerate(plan, start=1):
        award = services.award(teacher, pupil, badges[key], project)
        # Awarded over the last fortnight, as a class's badges come.
        Award.objects.filter(pk=award.pk).update(awarded_at=now - timedelta(days=14 - days))
        given.append(award)
    SchoolBadgeSettings.objects.update_or_create(school=school, defaults={"allow_download": True})
    return given
