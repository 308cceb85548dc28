"""Changes to portfolios: the acting pupil first, the check, the change."""

from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F, Max
from django.utils import timezone

from risingtide.access.core import can
from risingtide.audit.models import record
from risingtide.lib import storage, uploads
from risingtide.lib.faults import pause_point
from risingtide.people.models import User
from risingtide.portfolios import events
from risingtide.portfolios.groups import NotInGroup
from risingtide.portfolios.models import (
    Annotation,
    Category,
    ClipStatus,
    Connection,
    Item,
    NoteRevision,
    Portfolio,
    PortfolioMember,
    StageProgress,
)
from risingtide.portfolios.tasks import fetch_clipping
from risingtide.tasc.models import STAGE_ORDER, Project

NOTE_MAX_CHARS = 100_000
MAX_VERSION = 2**31 - 1  # what PostgreSQL's integer column holds


@dataclass
class EditConflict(Exception):
    """A save made from an out-of-date copy: both texts, so the pupil can keep either."""

    current_body: str
    current_version: int
    yours: str


def portfolio_for(pupil: User, project: Project) -> Portfolio:
    """The pupil's portfolio for a project set to them, made on first visit. In a group
    project it is their group's, and there is none until the teacher forms the groups."""

    if not can(pupil, "project.work", project):
        raise PermissionDenied
    member = PortfolioMember.objects.filter(project=project, pupil=pupil).first()
    if member:
        return member.portfolio
    if project.mode == Project.Mode.GROUP:
        raise NotInGroup
    try:
        with transaction.atomic():
            portfolio = Portfolio.objects.create(project=project)
            PortfolioMember.objects.create(portfolio=portfolio, pupil=pupil, project=project)
            return portfolio
    except IntegrityError:  # two tabs opened it at once: the other one made it
        return PortfolioMember.objects.get(project=project, pupil=pupil).portfolio


def _touch(portfolio: Portfolio) -> None:
    Portfolio.objects.filter(pk=portfolio.pk).update(last_activity_at=timezone.now())


def _check_open(portfolio: Portfolio) -> None:
    if portfolio.project.status != Project.Status.OPEN:
        raise ValidationError("This project is closed: your work is kept, but it cannot change.")


def _may_change(actor: User, action: str, obj, portfolio: Portfolio, stage: str | None = None):
    """The checks every change to a portfolio makes: the capability, an open project, and a
    real TASC stage when one is named."""
    if not can(actor, action, obj):
        raise PermissionDenied
    _check_open(portfolio)
    if stage is not None and stage not in STAGE_ORDER:
        raise ValidationError(f"Unknown TASC stage {stage!r}")


def _next_position(portfolio: Portfolio, stage: str) -> int:
    return (portfolio.items.filter(stage=stage).aggregate(p=Max("position"))["p"] or 0) + 1


def add_note(actor: User, portfolio: Portfolio, stage: str, title: str, body: str = "") -> Item:
    _may_change(actor, "portfolio.edit", portfolio, portfolio, stage)
    title = title.strip() or "Note"
    if len(title) > 200 or len(body) > NOTE_MAX_CHARS:
        raise ValidationError("That note is too long.")
    with transaction.atomic():
        position = _next_position(portfolio, stage)
        item = Item.objects.create(
            portfolio=portfolio,
            kind=Item.Kind.NOTE,
            stage=stage,
            title=title,
            body=body,
            position=position,
            created_by=actor,
        )
        NoteRevision.objects.create(item=item, version=1, body=body, saved_by=actor)
        _touch(portfolio)
    return item


def save_note(actor: User, item: Item, body: str, base_version: int) -> Item:
    """Save ``body`` over version ``base_version``; if the note has moved on since, refuse
    with ``EditConflict`` carrying both texts. The compare-and-set is one UPDATE."""
    _may_change(actor, "item.edit", item, item.portfolio)
    if item.kind != Item.Kind.NOTE:
        raise ValidationError("Only notes have text to save.")
    if len(body) > NOTE_MAX_CHARS:
        raise ValidationError(f"A note holds at most {NOTE_MAX_CHARS:,} characters.")
    if not 1 <= base_version <= MAX_VERSION:
        raise ValidationError("That is not a version of this note.")
    with transaction.atomic():
        updated = Item.objects.filter(pk=item.pk, version=base_version).update(
            body=body, version=F("version") + 1, updated_at=timezone.now()
        )
        if updated:
            item.refresh_from_db(fields=["body", "version", "updated_at"])
            pause_point("note.saved_not_kept")  # a fault test kills the server here
            NoteRevision.objects.create(item=item, version=item.version, body=body, saved_by=actor)
            _touch(item.portfolio)
            return item
        current = Item.objects.get(pk=item.pk)
        if base_version > current.version:
            raise ValidationError("That is not a version of this note.")
        # Refused, but kept: one refused copy per person per version, the latest they typed.
        NoteRevision.objects.update_or_create(
            item=item,
            version=base_version,
            saved_by=actor,
            conflicted=True,
            defaults={"body": body},
        )
    raise EditConflict(current.body, current.version, body)


def set_stage_done(actor: User, portfolio: Portfolio, stage: str, done: bool) -> None:
    """Mark a stage done (the wheel moves on) or take it back (pupils may go back)."""
    _may_change(actor, "portfolio.edit", portfolio, portfolio, stage)
    with transaction.atomic():
        progress, _ = StageProgress.objects.get_or_create(portfolio=portfolio, stage=stage)
        progress.status = StageProgress.Status.DONE if done else StageProgress.Status.STARTED
        progress.done_at = timezone.now() if done else None
        progress.save()
        finished = set(
            portfolio.progress.filter(status=StageProgress.Status.DONE).values_list(
                "stage", flat=True
            )
        )
        portfolio.current_stage = next(
            (s for s in STAGE_ORDER if s not in finished), STAGE_ORDER[-1]
        )
        portfolio.save(update_fields=["current_stage"])
        _touch(portfolio)
        events.stage_progress.send(portfolio=portfolio, stage=stage, done=done)
        record(
            actor,
            "portfolio.stage_done" if done else "portfolio.stage_reopened",
            portfolio,
            school=portfolio.project.school,
            stage=stage,
        )


def add_upload(actor: User, portfolio: Portfolio, stage: str, title: str, upload) -> Item:
    """Keep an uploaded file as an item, if its bytes say it is an allowed kind and it is not
    over the size limit."""
    _may_change(actor, "portfolio.edit", portfolio, portfolio, stage)
    limit = settings.UPLOAD_MAX_BYTES
    if upload.size > limit:
        raise ValidationError(
            f"{upload.name} is {upload.size / 1_048_576:.1f} MB; files can be at most "
            f"{limit / 1_048_576:.0f} MB."
        )
    upload.seek(0)
    try:
        sniffed = uploads.sniff(upload.read(8192))
    except uploads.UploadRefused as exc:
        raise ValidationError(str(exc)) from None
    upload.seek(0)
    name = (upload.name or "file")[-200:]
    thumbnail = uploads.make_thumbnail(upload) if sniffed.family == "image" else None
    with storage.files_undone_on_failure(), transaction.atomic():
        position = _next_position(portfolio, stage)
        item = Item(
            portfolio=portfolio,
            kind=Item.Kind.UPLOAD,
            stage=stage,
            title=(title.strip() or name)[:200],
            position=position,
            created_by=actor,
            file_name=name,
            file_type=sniffed.mime,
            file_size=upload.size,
        )
        item.file.save("upload", upload, save=False)
        if thumbnail:
            item.thumbnail.save("thumb", thumbnail, save=False)
        item.save()
        _touch(portfolio)
        # Who put which file where: what a safeguarding lead needs to ask about.
        record(
            actor,
            "portfolio.uploaded",
            item,
            school=portfolio.project.school,
            file_type=sniffed.mime,
            size=upload.size,
        )
    return item


def connect(
    actor: User, portfolio: Portfolio, source_id: int, target_id: int, label: str, reason: str
) -> Connection:
    """Link two items of the same portfolio: "source <label> target", with a reason."""
    _may_change(actor, "portfolio.edit", portfolio, portfolio)
    label = " ".join(label.split())
    reason = " ".join(reason.split())
    if not label:
        raise ValidationError("Say how the two are connected, e.g. “supports”.")
    if len(label) > 60 or len(reason) > 300:
        raise ValidationError("Keep the label under 60 characters and the reason under 300.")
    items = {i.pk: i for i in portfolio.items.filter(pk__in=[source_id, target_id])}
    if source_id not in items or target_id not in items:
        raise ValidationError("Both items must be in this portfolio.")
    if source_id == target_id:
        raise ValidationError("An item cannot be connected to itself.")
    try:
        with transaction.atomic():
            connection = Connection.objects.create(
                portfolio=portfolio,
                source=items[source_id],
                target=items[target_id],
                label=label,
                reason=reason,
                created_by=actor,
            )
            _touch(portfolio)
    except IntegrityError:
        raise ValidationError("Those two items are already connected that way.") from None
    return connection


def disconnect(actor: User, portfolio: Portfolio, connection_id: int) -> bool:
    """Remove one of the portfolio's connections; False if there was no such connection."""
    _may_change(actor, "portfolio.edit", portfolio, portfolio)
    deleted, _ = portfolio.connections.filter(pk=connection_id).delete()
    _touch(portfolio)
    return bool(deleted)


def save_layout(
    actor: User, portfolio: Portfolio, positions: dict[int, tuple[float, float]]
) -> int:
    """Remember where the pupil put each item on the graph; items of other portfolios are
    ignored. Returns how many were saved."""
    _may_change(actor, "portfolio.edit", portfolio, portfolio)
    items = list(portfolio.items.filter(pk__in=list(positions)))
    for item in items:
        x, y = positions[item.pk]
        item.graph_x, item.graph_y = max(-1e6, min(1e6, x)), max(-1e6, min(1e6, y))
    Item.objects.bulk_update(items, ["graph_x", "graph_y"])
    return len(items)


def update_item(
    actor: User,
    item: Item,
    *,
    title: str,
    stage: str,
    importance: int | None,
    categories: list[str],
) -> Item:
    """Rename, move to another stage, rate (0–5) and sort an item into categories."""
    _may_change(actor, "item.edit", item, item.portfolio, stage)
    title = " ".join(title.split())
    if not title or len(title) > 200:
        raise ValidationError("Give the item a title of up to 200 characters.")
    if importance is not None and not 0 <= importance <= 5:
        raise ValidationError("Importance is from 0 to 5.")
    names = list(dict.fromkeys(" ".join(c.split())[:40] for c in categories if c.strip()))
    if len(names) > 20:
        raise ValidationError("Use at most 20 categories on one item.")
    with transaction.atomic():
        item.title, item.stage, item.importance = title, stage, importance
        item.save(update_fields=["title", "stage", "importance", "updated_at"])
        existing = {c.name: c for c in item.portfolio.categories.filter(name__in=names)}
        missing = [Category(portfolio=item.portfolio, name=n) for n in names if n not in existing]
        # Two tabs adding the same new category at once: the second finds it made.
        Category.objects.bulk_create(missing, ignore_conflicts=True)
        chosen = list(item.portfolio.categories.filter(name__in=names))
        item.categories.set(chosen)
        _touch(item.portfolio)
    return item


def annotate(actor: User, item: Item, text: str) -> Annotation:
    _may_change(actor, "item.edit", item, item.portfolio)
    text = text.strip()
    if not text:
        raise ValidationError("Write something to add.")
    if len(text) > 2000:
        raise ValidationError("An annotation holds at most 2,000 characters.")
    annotation = Annotation.objects.create(item=item, author=actor, text=text)
    _touch(item.portfolio)
    return annotation


def move_item(actor: User, item: Item, offset: int = 0, *, to: int | None = None) -> int:
    """Move an item up (-1) or down (+1) within its stage, or drop it at index ``to`` (0 is
    first, as when dragged). The order is kept as positions 1..n. Returns the new index."""
    _may_change(actor, "item.edit", item, item.portfolio)
    with transaction.atomic():
        siblings = list(
            item.portfolio.items.filter(stage=item.stage)
            .select_for_update()
            .order_by("position", "pk")
        )
        index = next(i for i, s in enumerate(siblings) if s.pk == item.pk)
        new = max(0, min(len(siblings) - 1, index + offset if to is None else to))
        siblings.insert(new, siblings.pop(index))
        changed = []
        for position, sibling in enumerate(siblings, 1):
            if sibling.position != position:
                sibling.position = position
                changed.append(sibling)
        Item.objects.bulk_update(changed, ["position"])
        _touch(item.portfolio)
    return new


def add_clipping(actor: User, portfolio: Portfolio, stage: str, url: str) -> Item:
    """Keep a link at once and fetch the page in the background; the link is never lost,
    even if the fetch fails."""
    from urllib.parse import urlsplit

    _may_change(actor, "portfolio.edit", portfolio, portfolio, stage)
    url = url.strip()
    if "://" not in url and "." in url:
        url = "https://" + url
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname or len(url) > 2000:
        raise ValidationError("Paste a web address that starts with http:// or https://.")
    with transaction.atomic():
        position = _next_position(portfolio, stage)
        item = Item.objects.create(
            portfolio=portfolio,
            kind=Item.Kind.CLIPPING,
            stage=stage,
            title=url[:200],
            url=url,
            clip_status=ClipStatus.PENDING,
            position=position,
            created_by=actor,
        )
        _touch(portfolio)
        record(actor, "portfolio.clipped", item, school=portfolio.project.school, url=url)
        transaction.on_commit(lambda: fetch_clipping.enqueue(item.pk))
    return item


def share_presentation(actor: User, portfolio: Portfolio, audience: str) -> None:
    """Share the Communicate presentation with the pupil's class or school, or stop sharing
    (stopping is allowed after the project closes; starting is not)."""
    if not can(actor, "portfolio.edit", portfolio):
        raise PermissionDenied
    if audience:
        _check_open(portfolio)
    if audience not in Portfolio.Sharing.values:
        raise ValidationError("Share with your class or your school.")
    with transaction.atomic():
        Portfolio.objects.filter(pk=portfolio.pk).update(shared_with=audience)
        record(
            actor,
            "portfolio.shared",
            portfolio,
            school=portfolio.project.school,
            audience=audience or "private",
        )
    portfolio.shared_with = audience
