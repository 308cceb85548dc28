"""A pupil's progress record: one account of their work across every project and year, built by
one query set that the page, the PDF and the CSV all read."""

from dataclasses import dataclass, field
from datetime import datetime

from django.db.models import Count, Prefetch

from risingtide.access.core import visible
from risingtide.feedback.models import DEFAULT_LEVELS, Comment, Judgement, Reply, Review
from risingtide.people.models import User
from risingtide.portfolios.models import Item, Portfolio, StageProgress
from risingtide.tasc.models import STAGE_ORDER, Stage


@dataclass
class Event:
    at: datetime
    project: str
    what: str  # "item", "stage", "feedback", "reply", "judgement"
    text: str
    by: str = ""


@dataclass
class ProjectRecord:
    portfolio: Portfolio
    stages: list[dict]
    item_count: int
    judgements: list[Judgement]
    threads: list[Comment]
    open_next_steps: int
    reviews: list[dict] = field(default_factory=list)


@dataclass
class ProgressRecord:
    pupil: User
    projects: list[ProjectRecord] = field(default_factory=list)
    timeline: list[Event] = field(default_factory=list)


def _name(user) -> str:
    return user.get_full_name() if user else ""


def progress_record(viewer: User, pupil: User) -> ProgressRecord:
    """Every portfolio of ``pupil`` that ``viewer`` may see, newest first: eight queries."""

    portfolios = list(
        visible(viewer, "portfolio")
        .filter(memberships__pupil=pupil)
        .select_related("project__school", "project__rubric")
        .annotate(item_count=Count("items", distinct=True))
        .prefetch_related(
            Prefetch("progress", queryset=StageProgress.objects.order_by("stage")),
            Prefetch("judgements", queryset=Judgement.objects.select_related("judged_by")),
            Prefetch(
                "reviews", queryset=Review.objects.filter(hidden=False).select_related("reviewer")
            ),
            Prefetch(
                "comments",
                queryset=Comment.objects.select_related("author", "item").prefetch_related(
                    Prefetch("replies", queryset=Reply.objects.select_related("author"))
                ),
            ),
        )
        .order_by("-project__start_date", "-created_at")
    )
    record = ProgressRecord(pupil=pupil)
    labels = dict(Stage.choices)
    items = Item.objects.filter(portfolio__in=portfolios, created_by=pupil).values(
        "portfolio_id", "title", "kind", "created_at"
    )
    titles = {p.pk: p.project.title for p in portfolios}
    for row in items:
        record.timeline.append(
            Event(
                row["created_at"],
                titles[row["portfolio_id"]],
                "item",
                f"Added {row['kind']}: {row['title']}",
                _name(pupil),
            )
        )
    for p in portfolios:
        done = {s.stage: s for s in p.progress.all()}
        stages = [
            {
                "stage": s,
                "title": labels[s],
                "done_at": done[s].done_at
                if s in done and done[s].status == StageProgress.Status.DONE
                else None,
            }
            for s in STAGE_ORDER
        ]
        threads = list(p.comments.all())
        criteria = p.project.success_criteria
        rubric = getattr(p.project, "rubric", None)
        scale = rubric.levels if rubric and rubric.levels else DEFAULT_LEVELS
        reviews = [
            {
                "is_self": r.is_self,
                # An anonymous reviewer is never named in a record, whoever reads it.
                "by": "" if r.anonymous else (_name(r.reviewer) or r.reviewer_label),
                "comment": r.comment,
                "levels": [
                    f"{criteria[int(k)]}: {scale[v]}"
                    for k, v in sorted(r.levels.items())
                    if str(k).isdigit()
                    and int(k) < len(criteria)
                    and isinstance(v, int)
                    and 0 <= v < len(scale)
                ],
                "at": r.created_at,
            }
            for r in p.reviews.all()
        ]
        record.projects.append(
            ProjectRecord(
                portfolio=p,
                stages=stages,
                item_count=p.item_count,
                judgements=list(p.judgements.all()),
                threads=threads,
                open_next_steps=sum(c.state == Comment.State.OPEN for c in threads),
                reviews=reviews,
            )
        )
        for r in reviews:
            what = "Self-evaluation" if r["is_self"] else "Peer review"
            text = f"{what}: {'; '.join(r['levels'])} {r['comment']}".strip()
            record.timeline.append(Event(r["at"], p.project.title, "review", text, r["by"]))
        title = p.project.title
        for s in stages:
            if s["done_at"]:
                record.timeline.append(
                    Event(s["done_at"], title, "stage", f"Finished {s['title']}")
                )
        for c in threads:
            record.timeline.append(
                Event(
                    c.created_at,
                    title,
                    "feedback",
                    f"{c.get_kind_display()}: {c.body}",
                    _name(c.author) or c.author_label,
                )
            )
            for r in c.replies.all():
                record.timeline.append(
                    Event(r.created_at, title, "reply", r.body, _name(r.author) or r.author_label)
                )
        for j in p.judgements.all():
            record.timeline.append(
                Event(
                    j.judged_at,
                    title,
                    "judgement",
                    f"{j.criterion_text}: {j.level_text}",
                    _name(j.judged_by),
                )
            )
    record.timeline.sort(key=lambda e: e.at, reverse=True)
    return record


CSV_HEADER = ["date", "project", "kind", "what", "by"]


def csv_rows(record: ProgressRecord):
    """The timeline as CSV rows (the same events the page lists)."""
    yield CSV_HEADER
    for e in record.timeline:
        yield [e.at.isoformat(timespec="minutes"), e.project, e.what, e.text, e.by]
