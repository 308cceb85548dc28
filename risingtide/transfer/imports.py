"""Bringing in a portfolio exported by ``exports`` (a pupil who moved school): checked whole
before anything is written (``checks``), then written in one transaction, so a bad file changes
nothing.

The project arrives closed, set to the pupil, with the wheel wording it was done with; the work
keeps its dates, who made it (the pupil's new account, by the name the file gives) and the
feedback (its authors' names kept as text). Sharing starts private in the new school.
"""

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import DatabaseError, transaction
from django.db.models import Max
from django.utils import timezone

from risingtide.access.core import can, visible
from risingtide.audit.models import record
from risingtide.feedback.models import Comment, Reply, Review
from risingtide.lib import storage
from risingtide.people.models import Role, User
from risingtide.portfolios.models import (
    Annotation,
    Category,
    Connection,
    Item,
    NoteRevision,
    Portfolio,
    PortfolioMember,
    StageProgress,
    StageWork,
)
from risingtide.schools.models import School
from risingtide.tasc.models import STAGE_ORDER, Assignment, Project, Wheel, WheelStage
from risingtide.tasc.services import staff_schools
from risingtide.transfer import checks, schema


def importable_pupils(user: User):
    """Pupils of the schools where ``user`` is staff, whom they may see."""
    return (
        visible(user, "pupil")
        .filter(memberships__school__in=staff_schools(user))
        .distinct()
        .order_by("last_name", "first_name")
    )


def school_of(actor: User, pupil: User) -> School | None:
    """The school where ``pupil`` is a pupil and ``actor`` is on the staff (the portfolio goes
    there, so the pupil's own teachers see it and no one else)."""
    return (
        staff_schools(actor)
        .filter(pk__in=pupil.memberships.filter(role=Role.PUPIL).values("school_id"))
        .order_by("pk")
        .first()
    )


def import_portfolio(actor: User, school: School, upload, pupils: list[User]) -> Portfolio:
    if not can(actor, "portfolio.import"):
        raise PermissionDenied
    ids = {p.pk for p in pupils}
    if not ids or any(school_of(actor, p) != school for p in pupils):
        raise PermissionDenied  # each pupil must be a pupil of this school, and actor its staff
    if set(importable_pupils(actor).filter(pk__in=ids).values_list("pk", flat=True)) != ids:
        raise PermissionDenied
    export, media = checks.read_upload(upload)
    try:
        # Files are written as the rows are; if anything fails, both go.
        with storage.files_undone_on_failure(), transaction.atomic():
            portfolio = _write(actor, school, export, media, pupils)
            record(actor, "portfolio.imported", portfolio, school=school, pupils=sorted(ids))
    except (
        ValueError,
        TypeError,
        KeyError,
        AttributeError,
        IndexError,
        ArithmeticError,
        DatabaseError,
    ) as exc:
        # The checks above should leave nothing for this; if something slips through, the
        # transaction has undone every row and the teacher gets a reason, not a server error.
        raise ValidationError(f"This file has a value we cannot read ({exc!r:.200}).") from None
    return portfolio


def _write(actor, school, export: schema.Export, media, pupils) -> Portfolio:
    p = export.project
    info = export.portfolio
    # The file names its people; the ones who are these pupils get their new accounts.
    people = dict(zip(info.members, pupils, strict=False))
    who = people.get

    wheel_name = f"{p.wheel.name} (imported)"[:100]
    latest = Wheel.objects.filter(school=school, name=wheel_name).aggregate(v=Max("version"))["v"]
    wheel = Wheel.objects.create(
        name=wheel_name, version=(latest or 0) + 1, school=school, created_by=actor
    )
    WheelStage.objects.bulk_create(
        WheelStage(
            wheel=wheel, stage=s.stage, title=s.title, question=s.question, prompts=s.prompts
        )
        for s in p.wheel.stages
    )
    project = Project.objects.create(
        school=school,
        created_by=actor,
        title=p.title,
        brief=p.brief,
        subject=p.subject,
        key_stage=p.key_stage,
        mode=p.mode,
        success_criteria=p.success_criteria,
        stage_prompts=p.stage_prompts,
        start_date=p.start_date,
        due_date=p.due_date,
        wheel=wheel,
        status=Project.Status.CLOSED,
    )
    for pupil in pupils:
        Assignment.objects.create(project=project, pupil=pupil)
    portfolio = Portfolio.objects.create(
        project=project,
        name=info.name,
        current_stage=info.current_stage if info.current_stage in STAGE_ORDER else STAGE_ORDER[0],
    )
    PortfolioMember.objects.bulk_create(
        PortfolioMember(portfolio=portfolio, pupil=pupil, project=project) for pupil in pupils
    )
    _stamp(Portfolio, portfolio.pk, created_at=info.created_at)

    categories = {
        name: Category.objects.create(portfolio=portfolio, name=name) for name in export.categories
    }
    new_ids: dict[int, Item] = {}
    for raw in export.items:
        item = Item(
            portfolio=portfolio,
            kind=raw.kind,
            stage=raw.stage,
            title=raw.title,
            position=raw.position,
            importance=raw.importance,
            created_by=who(raw.created_by),
            body=raw.body,
            version=max([r.version for r in raw.revisions if not r.conflicted] or [1]),
            file_name=raw.file_name,
            file_type=raw.file_type,
            file_size=raw.file_size,
            url=raw.url,
            clip_status=raw.clip_status,
            clip_error=raw.clip_error,
            site_name=raw.site_name,
            description=raw.description,
            excerpt=raw.excerpt,
            snapshot=raw.snapshot,
            graph_x=raw.graph[0] if raw.graph else None,
            graph_y=raw.graph[1] if raw.graph else None,
        )
        if raw.file:
            item.file.save("upload", ContentFile(checks.media(media, raw.file)), save=False)
        if raw.thumbnail:
            thumbnail = checks.media(media, raw.thumbnail)
            item.thumbnail.save("thumb", ContentFile(thumbnail), save=False)
        item.save()
        item.categories.set([categories[c] for c in raw.categories if c in categories])
        new_ids[raw.id] = item
        _stamp(Item, item.pk, created_at=raw.created_at)
        for rev in raw.revisions:
            made = NoteRevision.objects.create(
                item=item,
                version=rev.version,
                body=rev.body,
                saved_by=who(rev.saved_by),
                conflicted=rev.conflicted,
            )
            _stamp(NoteRevision, made.pk, saved_at=rev.saved_at)
        for a in raw.annotations:
            made = Annotation.objects.create(item=item, author=who(a.author), text=a.text)
            _stamp(Annotation, made.pk, created_at=a.created_at)

    new_connections = {}
    for c in export.connections:
        made = Connection.objects.create(
            portfolio=portfolio,
            source=new_ids[c.source],
            target=new_ids[c.target],
            label=c.label,
            reason=c.reason,
            created_by=who(c.created_by),
        )
        new_connections[c.id] = made
        _stamp(Connection, made.pk, created_at=c.created_at)
    for s in export.stages:
        made = StageProgress.objects.create(portfolio=portfolio, stage=s.stage, status=s.status)
        _stamp(StageProgress, made.pk, done_at=s.done_at)
    for w in export.stage_work:
        # Only the fields the stage's tool has, as the file gave them: nothing else is kept.
        work = w.data.model_dump(exclude_unset=True)
        if "items" in work:  # the Communicate choice names items by their id in the file
            work["items"] = [new_ids[i].pk for i in work["items"] if i in new_ids]
        made = StageWork.objects.create(
            portfolio=portfolio,
            stage=w.stage,
            data=work,
            version=1,
            updated_by=who(w.updated_by),
        )
        _stamp(StageWork, made.pk, updated_at=w.updated_at)
    _import_feedback(export, portfolio, new_ids, new_connections, who)
    for r in export.reviews:
        by = who(r.by) if r.is_self else None
        made = Review.objects.create(
            portfolio=portfolio,
            reviewer=by,
            reviewer_label="" if by else r.by,
            is_self=r.is_self,
            levels=r.levels,
            comment=r.comment,
            anonymous=r.anonymous and not r.is_self,
        )
        _stamp(Review, made.pk, created_at=r.created_at)
    return portfolio


def _import_feedback(export: schema.Export, portfolio, new_ids, new_connections, who) -> None:
    for f in export.feedback:
        author = who(f.author)
        last = f.replies[-1] if f.replies else f
        comment = Comment.objects.create(
            portfolio=portfolio,
            item=new_ids.get(f.about.item),
            connection=new_connections.get(f.about.connection),
            stage=f.about.stage,
            kind=f.kind,
            author=author,
            author_label="" if author else f.author,
            body=f.body,
            state=f.state,
            last_message_at=last.created_at or f.created_at or timezone.now(),
            last_message_by=who(last.author),
        )
        _stamp(
            Comment,
            comment.pk,
            created_at=f.created_at,
            done_at=f.done_at,
            accepted_at=f.accepted_at,
        )
        for r in f.replies:
            by = who(r.author)
            made = Reply.objects.create(
                comment=comment, author=by, author_label="" if by else r.author, body=r.body
            )
            _stamp(Reply, made.pk, created_at=r.created_at)


def _stamp(model, pk: int, **moments) -> None:
    """Put back the dates the file gives (auto-dated fields are set on create, so afterwards)."""
    given = {field: moment for field, moment in moments.items() if moment}
    if given:
        model.objects.filter(pk=pk).update(**given)
