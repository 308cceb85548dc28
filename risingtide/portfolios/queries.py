from risingtide.portfolios.models import Portfolio, StageProgress
from risingtide.tasc.queries import wheel_stages


def portfolio_page(portfolio: Portfolio) -> dict:
    """The portfolio by stage: a fixed number of queries whatever its size."""
    portfolio = (
        Portfolio.objects.select_related("project__wheel")
        .prefetch_related("project__wheel__stages", "members")
        .get(pk=portfolio.pk)
    )
    items = list(portfolio.items.select_related("created_by").order_by("position", "pk"))
    done = set(
        portfolio.progress.filter(status=StageProgress.Status.DONE).values_list("stage", flat=True)
    )
    stages = wheel_stages(portfolio.project.wheel, portfolio.project.stage_prompts)
    for s in stages:
        s.items = [i for i in items if i.stage == s.stage]
        s.done = s.stage in done
    return {
        "portfolio": portfolio,
        "project": portfolio.project,
        "stages": stages,
        "done": done,
        "members": list(portfolio.members.all()),
    }
