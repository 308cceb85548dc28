"""The LA lead's monitoring table: every school of the LA with its level on each element, plan
progress, last review and gaps, narrowed to the schools that need support. Six queries
whatever the size of the LA.

Its own module because it reads across many schools, where queries.py reads one; the
national indicator (national.py) is its counterpart for a nation.
"""

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass

from django.db.models import Count, Exists, OuterRef, Q, Subquery
from django.utils import timezone

from risingtide.access.core import visible
from risingtide.people.models import Membership, Role, User
from risingtide.schools.models import LocalAuthority, School
from risingtide.standards import plans
from risingtide.standards.framework_models import Element, Framework, FrameworkVersion
from risingtide.standards.models import ImprovementPlan, Judgement, MonitoringNote, PlanAction
from risingtide.standards.queries import in_force


@dataclass
class SchoolLine:
    school: School
    levels: dict[int, int | None]  # element number -> level
    overall: int | None
    submitted_at: dt.datetime | None
    last_note: dt.date | None
    has_leading_teacher: bool
    plan_id: int | None
    due: int = 0
    overdue: int = 0
    done: int = 0

    @property
    def last_review(self) -> dt.date | None:
        dates = [d for d in (self.last_note, self.submitted_at and self.submitted_at.date()) if d]
        return max(dates) if dates else None

    @property
    def level_cells(self) -> list[int | None]:
        return [self.levels.get(n) for n in sorted(self.levels)]


@dataclass
class Monitoring:
    local_authority: LocalAuthority
    elements: list[Element]
    lines: list[SchoolLine]
    total: int
    without_leading_teacher: int
    without_plan: int
    without_judgement: int


FLAGS = {
    "no_leading_teacher": "No leading teacher",
    "no_plan": "No current plan",
    "no_judgement": "No submitted self-evaluation",
    "overdue": "Actions overdue",
}
ELEMENT_NUMBERS = (1, 99)
LEVEL_NUMBERS = (0, 3)  # 0: not judged


def _number(raw: str | None, low: int, high: int) -> int | None:
    if raw and raw.isascii() and raw.isdigit() and len(raw) < 4 and low <= int(raw) <= high:
        return int(raw)
    return None


@dataclass(frozen=True)
class MonitoringFilter:
    """Which of the LA's schools to list: those at ``level`` on element number ``element``
    (both or neither; level 0: not judged), and those showing ``flag`` (one of ``FLAGS``)."""

    element: int | None = None
    level: int | None = None
    flag: str = ""

    @classmethod
    def from_page(cls, query) -> "MonitoringFilter":
        """The LA page's form. A value the page does not offer means no filter, as a
        hand-edited address should."""
        flag = query.get("flag", "")
        return cls(
            element=_number(query.get("element"), *ELEMENT_NUMBERS),
            level=_number(query.get("level"), *LEVEL_NUMBERS),
            flag=flag if flag in FLAGS else "",
        )


EVERY_SCHOOL = MonitoringFilter()


def la_monitoring(
    user: User,
    la: LocalAuthority,
    f: MonitoringFilter = EVERY_SCHOOL,
    framework_key: str = "iqs",
) -> Monitoring:
    """Every school of the LA that ``user`` may see: its level on each element (from the
    judgement in force), plan progress, last review and gaps; narrowed by ``f``. The LA page,
    its CSV and the API read this. Six queries whatever the size of the LA."""
    element, level, flag = f.element, f.level, f.flag
    framework = Framework.objects.filter(key=framework_key).first()
    today = timezone.localdate()
    judged = in_force(framework.pk if framework else None)
    running = ImprovementPlan.objects.filter(starts_on__lte=today, ends_on__gte=today)
    lead = Membership.objects.filter(role=Role.LEADING_TEACHER, user__is_active=True).filter(
        Q(school=OuterRef("pk")) | Q(cluster__isnull=False, cluster=OuterRef("cluster_id"))
    )
    seen = visible(user, "school").filter(local_authority=la)
    schools = seen.annotate(
        has_lead=Exists(lead),
        evaluation_id=Subquery(judged.filter(school=OuterRef("pk")).values("pk")[:1]),
        overall=Subquery(judged.filter(school=OuterRef("pk")).values("overall_level")[:1]),
        submitted=Subquery(judged.filter(school=OuterRef("pk")).values("submitted_at")[:1]),
        last_note=Subquery(
            MonitoringNote.objects.filter(school=OuterRef("pk"))
            .order_by("-reviewed_on")
            .values("reviewed_on")[:1]
        ),
        plan_id=Subquery(
            running.filter(school=OuterRef("pk")).order_by("-starts_on", "-pk").values("pk")[:1]
        ),
    )
    counts = seen.annotate(
        has_lead=Exists(lead),
        judged=Exists(judged.filter(school=OuterRef("pk"))),
        planned=Exists(running.filter(school=OuterRef("pk"))),
    ).aggregate(
        total=Count("pk"),
        no_lead=Count("pk", filter=Q(has_lead=False)),
        no_plan=Count("pk", filter=Q(planned=False)),
        no_judgement=Count("pk", filter=Q(judged=False)),
    )
    newest_version = (
        FrameworkVersion.objects.filter(framework=framework, active=True)
        .order_by("-created_at", "-pk")
        .values("pk")[:1]
    )
    if element is not None and level is not None:
        if level == 0:
            schools = schools.exclude(
                pk__in=Judgement.objects.filter(
                    evaluation__in=judged,
                    element__number=element,
                    element__version=Subquery(newest_version),
                    level__isnull=False,
                ).values("evaluation__school_id")
            )
        else:
            schools = schools.filter(
                pk__in=Judgement.objects.filter(
                    evaluation__in=judged,
                    element__number=element,
                    element__version=Subquery(newest_version),
                    level=level,
                ).values("evaluation__school_id")
            )
    if flag == "no_leading_teacher":
        schools = schools.filter(has_lead=False)
    elif flag == "no_plan":
        schools = schools.filter(plan_id__isnull=True)
    elif flag == "no_judgement":
        schools = schools.filter(evaluation_id__isnull=True)
    elif flag == "overdue":
        # Overdue in the plan the table shows (the running one), as its column counts.
        schools = schools.filter(
            plan_id__in=PlanAction.objects.filter(due_on__lt=today)
            .exclude(status__in=plans.CLOSED)
            .values("plan_id")
        )
    found = list(schools.order_by("name", "pk"))
    elements = (
        list(
            Element.objects.filter(version__framework=framework, version__active=True).order_by(
                "-version__created_at", "number"
            )
        )
        if framework
        else []
    )
    # The newest active version's elements name the columns.
    if elements:
        newest = elements[0].version_id
        elements = [e for e in elements if e.version_id == newest]
    numbers = [e.number for e in elements]
    columns = elements[0].version_id if elements else None
    by_evaluation: dict[int, dict[int, int | None]] = defaultdict(dict)
    evaluation_ids = [s.evaluation_id for s in found if s.evaluation_id]
    # Only levels judged on the version the columns name fill them: a revision may renumber
    # its elements. A school judged on another version shows its whole-school level only.
    for evaluation_id, number, lv in Judgement.objects.filter(
        evaluation_id__in=evaluation_ids, element__version_id=columns
    ).values_list("evaluation_id", "element__number", "level"):
        by_evaluation[evaluation_id][number] = lv
    progress = {
        row["plan_id"]: row
        for row in PlanAction.objects.filter(plan_id__in=[s.plan_id for s in found if s.plan_id])
        .values("plan_id")
        .annotate(
            done=Count("pk", filter=Q(status=PlanAction.Status.DONE)),
            overdue=Count("pk", filter=Q(due_on__lt=today) & ~Q(status__in=plans.CLOSED)),
            due=Count("pk", filter=Q(due_on__gte=today) & ~Q(status__in=plans.CLOSED)),
        )
    }
    lines = []
    for s in found:
        levels = by_evaluation.get(s.evaluation_id, {})
        p = progress.get(s.plan_id, {})
        lines.append(
            SchoolLine(
                s,
                {n: levels.get(n) for n in numbers},
                s.overall,
                s.submitted,
                s.last_note,
                s.has_lead,
                s.plan_id,
                due=p.get("due", 0),
                overdue=p.get("overdue", 0),
                done=p.get("done", 0),
            )
        )
    return Monitoring(
        la,
        elements,
        lines,
        counts["total"],
        counts["no_lead"],
        counts["no_plan"],
        counts["no_judgement"],
    )
