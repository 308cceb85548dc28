"""The teacher's progress grid: every pupil a project is set to × the eight TASC stages, and
the order a teacher with five minutes reads it in.

The read (``project_progress``) is a fixed number of queries whatever the class size; the page
(``progress_page``) then sorts and filters those rows in Python, because "who needs help"
weighs several things no single column holds.

**Who needs help first** sorts by, in turn:

1. *stuck*, longest first: no activity for ``STUCK_AFTER_DAYS`` or more with stages still to
   do (a pupil who never opened the project counts from when it was first set, or from its
   start date if later; a draft is set to no one);
2. work *waiting for the teacher's response*, most first: a pupil's answer or question, or a
   next step they marked done (what the feedback inbox lists first);
3. *open next steps*, most first: feedback the pupil has still to act on;
4. *feedback quiet*, longest first: no feedback for ``STUCK_AFTER_DAYS`` or more;
5. then by name.

Only the first is counted as "need help" in the page's summary (it is the red cell); the
second and fourth make up "need feedback", the grid's filter. Ties keep the order by name.

The API's list of a project's portfolios (``/portfolios?project=``) answers from ``arrange``
too (``grid_portfolios``), so that the page never has an order or a filter the API lacks.
"""

from dataclasses import dataclass
from datetime import datetime, time

from django.db import connection
from django.db.models import Count, Min
from django.utils import timezone

from risingtide.lib.urls import url_maker
from risingtide.people.models import User
from risingtide.portfolios import events
from risingtide.portfolios.groups import assigned_pupils
from risingtide.portfolios.lists import project_portfolios
from risingtide.portfolios.models import Item, Portfolio, PortfolioMember, StageProgress
from risingtide.tasc.models import STAGE_ORDER, Project
from risingtide.tasc.queries import wheel_stages


@dataclass
class PupilProgress:
    pupil: User
    portfolio: Portfolio | None
    # One per stage: status ("done", "started", "stuck" or "" for not started), the number of
    # items, and the address of that stage of the portfolio ("" without one).
    cells: list[dict]
    last_activity: datetime | None
    stuck_days: int | None  # days without activity, when past the threshold and not finished
    open_next_steps: int = 0
    last_feedback: datetime | None = None
    feedback_quiet_days: int | None = None  # days since the last feedback, past the threshold
    waiting: int = 0  # threads waiting for the teacher's response (as the inbox counts them)
    idle_days: int | None = None  # days since the last activity (None: never opened)
    feedback_days: int | None = None  # days since the last feedback (None: none yet)
    url: str = ""  # the portfolio

    @property
    def needs_help(self) -> bool:
        """Stuck: nothing done for the threshold's days with stages still to do."""
        return self.stuck_days is not None

    @property
    def needs_feedback(self) -> bool:
        """Work waiting for the teacher's response, or no feedback for the threshold's days."""
        return self.portfolio is not None and bool(
            self.waiting or self.feedback_quiet_days is not None
        )


def _set_since(project: Project) -> datetime | None:
    """When pupils could first have started the project: when it was first set to anyone, or
    its start date if that is later. None while it is a draft (pupils cannot see it)."""
    if project.status == Project.Status.DRAFT:
        return None
    since = project.assignments.aggregate(first=Min("assigned_at"))["first"]
    if since and project.start_date:
        since = max(since, timezone.make_aware(datetime.combine(project.start_date, time.min)))
    return since


def _cells(portfolio, status, counts, stuck: bool, url: str) -> list[dict]:
    """A row's eight cells. The stage a stuck pupil is stuck at is where the wheel says they
    are (the first stage not done; the first of all for a pupil who never opened it)."""
    cells = []
    for stage in STAGE_ORDER:
        items = counts.get((portfolio.pk, stage), 0) if portfolio else 0
        state = status.get((portfolio.pk, stage), "") if portfolio else ""
        if state != StageProgress.Status.DONE:
            here = portfolio.current_stage if portfolio else STAGE_ORDER[0]
            if stuck and stage == here:
                state = "stuck"
            elif state or items:
                state = StageProgress.Status.STARTED
        cells.append(
            {
                "stage": stage,
                "status": state,
                "items": items,
                "url": f"{url}?stage={stage}#stage-{stage}" if url else "",
            }
        )
    return cells


def project_progress(
    user: User, project: Project, stuck_after_days: int = 7
) -> list[PupilProgress]:
    """Every pupil the project is set to (whom the viewer may see) × the eight stages, by
    surname.

    Six queries whatever the class size: pupils, their portfolios (a group's in a group
    project), progress, item counts, feedback, and when the project was set. A pupil is
    *stuck* after ``stuck_after_days`` without activity while stages remain; one who never
    opened the project, that long after it was set.
    """
    pupils = list(assigned_pupils(user, project).order_by("last_name", "first_name", "pk"))
    # The portfolios the API lists for the project, each at its pupils' rows.
    shown = project_portfolios(user, project).order_by().values("pk")
    members = {
        m.pupil_id: m.portfolio
        for m in PortfolioMember.objects.filter(
            portfolio__in=shown, pupil__in=pupils
        ).select_related("portfolio")
    }
    portfolio_ids = {p.pk for p in members.values()}
    status = {
        (p.portfolio_id, p.stage): p.status
        for p in StageProgress.objects.filter(portfolio__in=portfolio_ids)
    }
    counts = {
        (row["portfolio_id"], row["stage"]): row["n"]
        for row in Item.objects.filter(portfolio__in=portfolio_ids)
        .values("portfolio_id", "stage")
        .annotate(n=Count("pk"))
    }
    feedback = events.progress_parts.merged(portfolio_ids)
    set_since = _set_since(project)
    portfolio_url = url_maker("portfolios:portfolio")
    now = timezone.now()
    rows = []
    for pupil in pupils:
        portfolio = members.get(pupil.pk)
        given = feedback.get(portfolio.pk, {}) if portfolio else {}
        last = portfolio.last_activity_at if portfolio else None
        finished = portfolio is not None and all(
            status.get((portfolio.pk, s)) == StageProgress.Status.DONE for s in STAGE_ORDER
        )
        idle = (now - (last or set_since)).days if (last or set_since) else None
        stuck = idle if idle is not None and idle >= stuck_after_days and not finished else None
        url = portfolio_url(portfolio.pk) if portfolio else ""
        row = PupilProgress(
            pupil=pupil,
            portfolio=portfolio,
            cells=_cells(portfolio, status, counts, stuck is not None, url),
            last_activity=last,
            stuck_days=stuck,
            open_next_steps=given.get("open", 0),
            last_feedback=given.get("last"),
            waiting=given.get("waiting", 0),
            idle_days=(now - last).days if last else None,
            url=url,
        )
        if portfolio:
            since = (now - (row.last_feedback or portfolio.created_at)).days
            row.feedback_quiet_days = since if since >= stuck_after_days else None
            row.feedback_days = (now - row.last_feedback).days if row.last_feedback else None
        rows.append(row)
    return rows


# The grid's orders: the value in the address, and how the page names it.
SORTS = {
    "name": "Name",
    "activity": "Last activity, most recent first",
    "help": "Who needs help first",
}


def _by_help(row: PupilProgress) -> tuple:
    # The order documented at the top of this module; ties keep the rows' order (by name).
    return (
        row.stuck_days is None,
        -(row.stuck_days or 0),
        -row.waiting,
        -row.open_next_steps,
        row.feedback_quiet_days is None,
        -(row.feedback_quiet_days or 0),
    )


def _by_activity(row: PupilProgress) -> tuple:
    # Never opened: last.
    if row.last_activity is None:
        return (True, 0.0)
    return (False, -row.last_activity.timestamp())


@dataclass
class ProgressGrid:
    rows: list[PupilProgress]  # the rows shown, in order
    pupils: int  # every pupil the viewer may see the project set to
    need_help: int
    need_feedback: int
    sort: str
    needs_feedback_only: bool

    @property
    def sort_label(self) -> str:
        return SORTS[self.sort]


def arrange(
    rows: list[PupilProgress], sort: str = "name", needs_feedback: bool = False
) -> ProgressGrid:
    """The rows to show, in the chosen order (``SORTS``; rows come by name), and the counts
    the page's summary gives. An unknown order is by name."""
    sort = sort if sort in SORTS else "name"
    shown = [r for r in rows if r.needs_feedback] if needs_feedback else list(rows)
    if sort == "help":
        shown.sort(key=_by_help)
    elif sort == "activity":
        shown.sort(key=_by_activity)
    return ProgressGrid(
        rows=shown,
        pupils=len(rows),
        need_help=sum(r.needs_help for r in rows),
        need_feedback=sum(r.needs_feedback for r in rows),
        sort=sort,
        needs_feedback_only=needs_feedback,
    )


def grid_portfolios(
    user: User,
    project: Project,
    sort: str = "name",
    needs_feedback: bool = False,
    stuck_after_days: int = 7,
) -> list[Portfolio]:
    """The portfolios of the grid's rows in the grid's order, sorted and filtered as the page
    is (a group's portfolio once, at its first row): what the API lists for a project. Eight
    queries whatever the class size."""
    grid = arrange(project_progress(user, project, stuck_after_days), sort, needs_feedback)
    order = list(dict.fromkeys(row.portfolio.pk for row in grid.rows if row.portfolio))
    found = project_portfolios(user, project).filter(pk__in=order).prefetch_related("members")
    by_pk = {p.pk: p for p in found}
    return [by_pk[pk] for pk in order]


def progress_page(
    user: User,
    project: Project,
    sort: str = "name",
    needs_feedback: bool = False,
    stuck_after_days: int = 7,
) -> dict:
    """The progress grid's page: the project and its wheel's stages, and the grid sorted and
    filtered as asked. Eight queries whatever the class size."""
    project = (
        Project.objects.select_related("wheel").prefetch_related("wheel__stages").get(pk=project.pk)
    )
    stages = wheel_stages(project.wheel)
    titles = {s.stage: s.title for s in stages}
    rows = project_progress(user, project, stuck_after_days)
    for row in rows:
        for cell in row.cells:
            cell["title"] = titles[cell["stage"]]  # the school's wording, for each cell's link
    return {
        "project": project,
        "stages": stages,
        "grid": arrange(rows, sort, needs_feedback),
        "sorts": SORTS,
        "stuck_after_days": stuck_after_days,
    }


# Everything the grid's rows follow from, as numbers that move on with any change: the
# project's portfolios (each one's content version moves with its items, stages, feedback,
# and with the project and its wheel: lib/versions.py), whom it is set to, and the pupils of
# those classes with their access versions (a membership or an account change moves them).
# Names and counts are summed with the ids, so a row removed and another added still differ.
_GRID_VERSION = """
SELECT
  (SELECT COUNT(*) FROM portfolios_portfolio WHERE project_id = %(p)s),
  (SELECT COALESCE(SUM(content_version + id), 0) FROM portfolios_portfolio
    WHERE project_id = %(p)s),
  (SELECT COUNT(*) FROM tasc_assignment WHERE project_id = %(p)s),
  (SELECT COALESCE(SUM(id), 0) FROM tasc_assignment WHERE project_id = %(p)s),
  (SELECT COUNT(*) FROM people_membership WHERE teaching_group_id IN
    (SELECT teaching_group_id FROM tasc_assignment WHERE project_id = %(p)s)),
  (SELECT COALESCE(SUM(m.id + u.access_version), 0) FROM people_membership m
    JOIN people_user u ON u.id = m.user_id WHERE m.teaching_group_id IN
    (SELECT teaching_group_id FROM tasc_assignment WHERE project_id = %(p)s)),
  (SELECT COALESCE(SUM(u.access_version), 0) FROM tasc_assignment a
    JOIN people_user u ON u.id = a.pupil_id WHERE a.project_id = %(p)s)
"""


def grid_version(project: Project) -> str:
    """A version of what the progress grid shows for ``project``: one query, no ORM to
    build (decision 0015). The hour is part of it: days idle and stuck follow the clock."""
    with connection.cursor() as cursor:
        cursor.execute(_GRID_VERSION, {"p": project.pk})
        numbers = cursor.fetchone()
    hour = timezone.now().strftime("%Y%m%d%H")
    return "-".join(str(n) for n in (*numbers, project.updated_at.timestamp(), hour))
