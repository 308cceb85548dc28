"""What each role's home page says to do first: a short list of things waiting for the person,
each a link straight to where it is done.

Every function reads a fixed number of queries whatever the size of the class, school or nation
(asserted in ``home/tests/test_next_steps.py``), so the list costs the home page little.
"""

from dataclasses import dataclass
from datetime import timedelta

from django.db.models import Count, Exists, F, OuterRef, Q, Subquery, Window
from django.urls import reverse
from django.utils import timezone

from risingtide.access.core import Anchors, visible
from risingtide.feedback.queries import pupil_waiting
from risingtide.home.queries import has_begun
from risingtide.lib.counts import count_of
from risingtide.people.models import Membership, Role, User
from risingtide.portfolios.models import PortfolioMember, StageProgress
from risingtide.provision import opportunities as provision_opportunities
from risingtide.provision import ratings as provision_ratings
from risingtide.register.import_batches import ImportBatch
from risingtide.register.models import RegisterEntry, academic_year
from risingtide.standards.models import MonitoringNote, SelfEvaluation
from risingtide.tasc.models import STAGE_ORDER, Assignment, Project, WheelStage

DUE_SOON_DAYS = 14  # "due soon": within two weeks
RECENT_DAYS = 30  # a national officer's "lately"
MOST = 5  # of any one kind of thing, on a first screen


@dataclass(frozen=True)
class NextStep:
    text: str  # what to do, as the link's words
    href: str
    detail: str = ""  # one short line under it
    big: bool = False  # a pupil's way back into their work: a large target


def _plural(n: int, word: str, many: str = "") -> str:
    return f"{n} {word if n == 1 else many or word + 's'}"


def pupil(user: User) -> list[NextStep]:
    """Carry on with each open project at the stage the pupil is at (or start it), then what
    the teachers have written, then what their school has lately shown them. Four queries."""
    mine = PortfolioMember.objects.filter(project=OuterRef("pk"), pupil=user)
    projects = (
        visible(user, "project")
        .filter(status=Project.Status.OPEN)
        .annotate(
            portfolio_id=Subquery(mine.values("portfolio_id")[:1]),
            stage=Subquery(mine.values("portfolio__current_stage")[:1]),
        )
        .annotate(
            stage_title=Subquery(
                WheelStage.objects.filter(wheel=OuterRef("wheel"), stage=OuterRef("stage")).values(
                    "title"
                )[:1]
            ),
            stages_done=count_of(
                StageProgress.objects.filter(status=StageProgress.Status.DONE),
                "portfolio",
                outer="portfolio_id",
            ),
        )
        .order_by(F("due_date").asc(nulls_last=True), "title")
    )
    steps = []
    for p in projects:
        if len(steps) == MOST:
            break
        due = f"Due {p.due_date:%-d %B}." if p.due_date else ""
        if p.portfolio_id is None:
            href = reverse("portfolios:my_portfolio", args=[p.pk])
            steps.append(NextStep(f"Start {p.title}", href, due, big=True))
        elif p.stages_done < len(STAGE_ORDER) and p.stage in STAGE_ORDER:
            number = STAGE_ORDER.index(p.stage) + 1
            href = reverse("portfolios:portfolio", args=[p.portfolio_id]) + f"#stage-{p.stage}"
            where = f"You are at stage {number} of {len(STAGE_ORDER)}: {p.stage_title}."
            detail = f"{where} {due}".strip()
            steps.append(NextStep(f"Carry on with {p.title}", href, detail, big=True))
    waiting = pupil_waiting(user)
    inbox = reverse("feedback:feedback_inbox")
    if waiting["unread"]:
        n = _plural(waiting["unread"], "new message")
        steps.append(NextStep(f"Read {n} from your teachers", inbox))
    if waiting["to_do"]:
        n = _plural(waiting["to_do"], "next step")
        steps.append(NextStep(f"Do {n} your teachers gave you", inbox))
    # Only when the school has shown something new lately (a pupil has one school).
    for school_id, count in provision_opportunities.new_for(user):
        href = reverse("provision:opportunities", args=[school_id])
        things = _plural(count, "new thing")
        detail = f"Your school found {things} you could do."
        steps.append(NextStep("See what's new in Opportunities", href, detail))
    return steps


def teacher(user: User, waiting: dict[str, int], groups: set[int]) -> list[NextStep]:
    """Questions to answer and next steps to accept (``waiting``, the inbox's counts), then the
    open projects set to the teacher's classes (``groups``) that are due within two weeks (or
    overdue, or have no date), with how many of their pupils have not started. Four queries at
    most."""
    steps = []
    inbox = reverse("feedback:feedback_inbox")
    if waiting.get("questions"):
        n = _plural(waiting["questions"], "question")
        steps.append(NextStep(f"Answer {n} from pupils", f"{inbox}#questions-title"))
    if waiting.get("to_accept"):
        n = _plural(waiting["to_accept"], "next step")
        steps.append(NextStep(f"Accept {n} pupils have done", f"{inbox}#accept-title"))
    if not groups:
        return steps
    today = timezone.localdate()
    class_of: dict[int, set[int]] = {}
    for group_id, pupil_id in Membership.objects.filter(
        role=Role.PUPIL, teaching_group__in=groups
    ).values_list("teaching_group_id", "user_id"):
        class_of.setdefault(group_id, set()).add(pupil_id)
    pupils = set().union(*class_of.values())
    set_to_mine = Assignment.objects.filter(Q(teaching_group__in=groups) | Q(pupil__in=pupils))
    soon = today + timedelta(days=DUE_SOON_DAYS)
    projects = list(
        visible(user, "project", "project.edit")
        .filter(Q(due_date__lte=soon) | Q(due_date__isnull=True))
        .filter(status=Project.Status.OPEN, pk__in=set_to_mine.values("project_id"))
        .prefetch_related("assignments")
        .order_by(F("due_date").asc(nulls_last=True), "title")[:MOST]
    )
    if not projects:
        return steps
    started: dict[int, set[int]] = {}
    for project_id, pupil_id in PortfolioMember.objects.filter(
        has_begun(), project__in=projects, pupil__in=pupils
    ).values_list("project_id", "pupil_id"):
        started.setdefault(project_id, set()).add(pupil_id)
    for project in projects:
        set_to: set[int] = set()
        for a in project.assignments.all():
            set_to |= class_of.get(a.teaching_group_id, set())
            if a.pupil_id in pupils:
                set_to.add(a.pupil_id)
        quiet = len(set_to - started.get(project.pk, set()))
        detail = f"{quiet} of {len(set_to)} of your pupils have not started."
        href = reverse("portfolios:project_progress", args=[project.pk])
        if project.due_date is None:
            if quiet:
                steps.append(NextStep(f"See who has not started {project.title}", href, detail))
            continue
        days = (project.due_date - today).days
        when = {0: "today", 1: "tomorrow"}.get(days, f"{project.due_date:%-d %B}")
        text = f"{project.title} {'was' if days < 0 else 'is'} due {when}"
        if not quiet:
            detail = f"All {len(set_to)} of your pupils have started."
        steps.append(NextStep(text, href, detail))
    return steps


def coordinated(places: dict[str, Anchors]) -> set[int]:
    """The schools a person coordinates G&T for, as leading teacher (of a school or a cluster)
    or head, from their anchors."""
    roles = (Role.LEADING_TEACHER, Role.HEAD)
    return set().union(*(places[r].schools for r in roles if r in places))


def coordinator(user: User, schools: set[int]) -> list[NextStep]:
    """For each school the person coordinates: nominations waiting for a decision, an import
    to confirm, the self-evaluation draft. One query."""
    if not schools:
        return []
    waiting = RegisterEntry.objects.filter(
        current=True, academic_year=academic_year(), status=RegisterEntry.Status.NOMINATED
    )
    newest_import = ImportBatch.objects.filter(
        school=OuterRef("pk"), state__in=[ImportBatch.State.PREVIEW, ImportBatch.State.MAPPING]
    ).order_by("-created_at", "-pk")
    rows = (
        visible(user, "register", "register.manage")
        .filter(pk__in=schools)
        .annotate(
            nominated=count_of(waiting, "school"),
            # With one nomination waiting, the step opens that pupil's Decide form itself.
            nominee=Subquery(waiting.filter(school=OuterRef("pk")).values("pupil_id")[:1]),
            import_id=Subquery(newest_import.values("pk")[:1]),
            import_state=Subquery(newest_import.values("state")[:1]),
            import_name=Subquery(newest_import.values("file_name")[:1]),
            draft_id=Subquery(
                SelfEvaluation.objects.filter(
                    school=OuterRef("pk"), status=SelfEvaluation.Status.DRAFT
                ).values("pk")[:1]
            ),
        )
        .order_by("name")
    )
    rows = list(rows)
    steps = []
    for school in rows:
        # Several schools (a cluster): each line says which.
        at = school.name if len(rows) > 1 else ""
        if school.nominated:
            n = _plural(school.nominated, "nomination")
            if school.nominated == 1:
                href = reverse("register:register_pupil", args=[school.nominee]) + "#decide"
            else:
                href = reverse("register:register", args=[school.pk]) + "?status=nominated"
            steps.append(NextStep(f"Decide {n}", href, at))
        if school.import_id:
            href = reverse("register:register_import", args=[school.import_id])
            if school.import_state == ImportBatch.State.MAPPING:
                text = f"Match the columns of {school.import_name}"
            else:
                text = f"Check and confirm the import of {school.import_name}"
            steps.append(NextStep(text, href, at))
        if school.draft_id:
            href = reverse("standards:self_evaluation", args=[school.draft_id])
            steps.append(NextStep("Carry on with the self-evaluation draft", href, at))
    return steps


def la_lead(user: User, las: set[int]) -> list[NextStep]:
    """Self-evaluations the LA's schools submitted that have no LA note since. One query."""
    if not las:
        return []
    noted = MonitoringNote.objects.filter(
        school=OuterRef("school"), created_at__gte=OuterRef("submitted_at")
    )
    rows = list(
        visible(user, "self_evaluation")
        .filter(
            status=SelfEvaluation.Status.SUBMITTED,
            superseded_at__isnull=True,
            school__local_authority__in=las,
        )
        .exclude(Exists(noted))
        .select_related("school")
        .annotate(total=Window(Count("pk")))
        .order_by("-submitted_at", "-pk")[:MOST]
    )
    steps = [
        NextStep(
            f"Look at {e.school.name}'s self-evaluation",
            reverse("standards:standards_school", args=[e.school_id]),
            f"Submitted {e.submitted_at:%-d %B %Y}; no LA note since.",
        )
        for e in rows
    ]
    if rows and rows[0].total > len(rows):
        more = rows[0].total - len(rows)
        la = next(iter(las))
        href = reverse("standards:standards_la", args=[la])
        steps.append(NextStep(f"{_plural(more, 'more school')} to look at", href))
    return steps


def national(user: User, nations: set[int]) -> list[NextStep]:
    """Across the nation: self-evaluations submitted lately, schools with none yet. One query."""
    if len(nations) != 1:
        return []
    nation = next(iter(nations))
    since = timezone.now() - timedelta(days=RECENT_DAYS)
    submitted = SelfEvaluation.objects.filter(
        school=OuterRef("pk"), status=SelfEvaluation.Status.SUBMITTED
    )
    counts = (
        visible(user, "school")
        .filter(local_authority__nation=nation)
        .aggregate(
            schools=Count("pk"),
            lately=Count("pk", filter=Q(Exists(submitted.filter(submitted_at__gte=since)))),
            none=Count("pk", filter=~Q(Exists(submitted))),
        )
    )
    href = reverse("standards:standards_nation", args=[nation])
    steps = []
    if counts["lately"]:
        n = _plural(counts["lately"], "school")
        text = f"{n} submitted a self-evaluation in the last {RECENT_DAYS} days"
        steps.append(NextStep(text, href, "See how the indicator has moved."))
    if counts["none"]:
        text = f"{counts['none']} of {counts['schools']} schools have no self-evaluation yet"
        steps.append(NextStep(text, href, "Their LAs may need a word."))
    return steps


def ratings(user: User, pupil_only: bool) -> list[NextStep]:
    """Delivered sessions waiting for the person's rating (theirs, or their pupils'): one
    query."""
    waiting = provision_ratings.waiting_count(user)
    if not waiting:
        return []
    href = reverse("provision:ratings")
    if pupil_only:
        return [
            NextStep("Tell us how your session went", href, "Choose a face: it takes a moment.")
        ]
    text = f"Rate {_plural(waiting, 'session')} you or your pupils went to"
    return [NextStep(text, href, "Ratings help the programme choose good providers.")]


def provider(providers) -> list[NextStep]:
    """A provider's people: their services and bookings, and their organisation's profile."""
    steps = []
    for p in providers:
        steps.append(
            NextStep(
                f"Offer a service or record attendance for {p.name}",
                reverse("provision:provider", args=[p.pk]),
                "Your services, their approval and the places schools booked.",
            )
        )
        href = reverse("home:provider", args=[p.pk])
        steps.append(NextStep(f"Check {p.name}'s profile", href, "What schools will see."))
    return steps


def carer(children) -> list[NextStep]:
    """A parent or carer: first what waits for their answer, then each child's page. No query:
    the children come from the panel's read (``families.queries.children``)."""
    steps = []
    for child in children:
        href = reverse("families:child", args=[child.pk])
        if child.awaiting:
            steps.append(
                NextStep(
                    f"Say yes or no for {child.first_name}: "
                    f"{_plural(child.awaiting, 'opportunity', 'opportunities')} "
                    "waiting for your consent",
                    f"{href}#opportunities-heading",
                    "The place waits until you answer.",
                )
            )
    steps += [
        NextStep(f"See {c.first_name}'s learning", reverse("families:child", args=[c.pk]))
        for c in children
        if not c.awaiting
    ]
    return steps
