"""Bringing in a portfolio exported by ``exports`` (a pupil who moved school): checked whole
before anything is written, then written in one transaction, so a bad file changes nothing.

The project arrives closed, set to the pupil, with the wheel wording it was done with; the work
keeps its dates, who made it (the pupil's new account, by the name the file gives) and the
feedback (its authors' names kept as text). Sharing starts private in the new school.
"""

import json
import zipfile
from datetime import date, datetime
from pathlib import PurePosixPath

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from risingtide.access.core import can, visible
from risingtide.audit.models import record
from risingtide.feedback.models import Comment, Reply
from risingtide.lib import uploads
from risingtide.people.models import User
from risingtide.portfolios.exports import FORMAT, FORMAT_VERSION
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

MAX_ENTRIES = 5000
MAX_TOTAL_BYTES = 2 * 1024**3  # uncompressed, all files together
MAX_JSON_BYTES = 50 * 1024**2


def importable_pupils(user: User):
    """Pupils of the schools where ``user`` is staff, whom they may see."""
    from risingtide.tasc.services import staff_schools

    return (
        visible(user, "pupil")
        .filter(memberships__school__in=staff_schools(user))
        .distinct()
        .order_by("last_name", "first_name")
    )


class _Reader:
    """Field checks that say where the problem is: ``items[3].stage: …``."""

    def __init__(self):
        self.problems: list[str] = []

    def need(self, ok: bool, where: str, why: str) -> bool:
        if not ok:
            self.problems.append(f"{where}: {why}")
        return ok

    def text(self, obj: dict, key: str, where: str, limit: int, required=False) -> str:
        value = obj.get(key, "")
        if value is None:
            value = ""
        if not self.need(isinstance(value, str), f"{where}.{key}", "should be text"):
            return ""
        self.need(len(value) <= limit, f"{where}.{key}", f"longer than {limit:,} characters")
        if required:
            self.need(bool(value.strip()), f"{where}.{key}", "is empty")
        return value

    def when(self, obj: dict, key: str, where: str) -> datetime | None:
        value = obj.get(key)
        if value in (None, ""):
            return None
        try:
            return datetime.fromisoformat(value)
        except (TypeError, ValueError):
            self.problems.append(f"{where}.{key}: not a date and time ({value!r})")
            return None

    def choice(self, obj: dict, key: str, where: str, choices, blank=False) -> str:
        value = obj.get(key, "")
        ok = value in choices or (blank and value in ("", None))
        self.need(ok, f"{where}.{key}", f"{value!r} is not one of {', '.join(map(str, choices))}")
        return value or ""


def _read_upload(upload) -> tuple[dict, dict[str, bytes]]:
    """The JSON and the media files of an export (a ZIP), or a bare JSON file."""
    head = upload.read(4)
    upload.seek(0)
    if head != b"PK\x03\x04":
        raw = upload.read(MAX_JSON_BYTES + 1)
        if len(raw) > MAX_JSON_BYTES:
            raise ValidationError("The file is too large to be a portfolio export.")
        return _json(raw), {}
    try:
        archive = zipfile.ZipFile(upload)
    except zipfile.BadZipFile:
        raise ValidationError("This ZIP file is damaged.") from None
    entries = archive.infolist()
    if len(entries) > MAX_ENTRIES:
        raise ValidationError(f"The ZIP holds more than {MAX_ENTRIES:,} files.")
    if sum(e.file_size for e in entries) > MAX_TOTAL_BYTES:
        raise ValidationError("The ZIP unpacks to more than 2 GB.")
    names = {e.filename for e in entries}
    if "portfolio.json" not in names:
        raise ValidationError("This ZIP has no portfolio.json: is it a Rising Tide export?")
    data = _json(archive.read("portfolio.json"))
    media = {}
    for entry in entries:
        path = PurePosixPath(entry.filename)
        if path.parts[:1] == ("media",) and len(path.parts) == 2 and not entry.is_dir():
            media[entry.filename] = archive.read(entry)
    return data, media


def _json(raw: bytes) -> dict:
    try:
        data = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ValidationError(f"portfolio.json is not valid JSON ({exc}).") from None
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        raise ValidationError("This is not a Rising Tide portfolio export.")
    if data.get("version") != FORMAT_VERSION:
        raise ValidationError(
            f"This export is format version {data.get('version')!r}; "
            f"this platform reads version {FORMAT_VERSION}."
        )
    return data


def _check(data: dict, media: dict[str, bytes]) -> None:
    """Every field, before anything is written; all problems at once, each with its place."""
    r = _Reader()
    project = data.get("project")
    if not r.need(isinstance(project, dict), "project", "missing"):
        raise ValidationError(r.problems)
    r.text(project, "title", "project", 150, required=True)
    r.choice(project, "key_stage", "project", Project.KeyStage.values)
    r.choice(project, "mode", "project", Project.Mode.values)
    wheel = project.get("wheel") or {}
    stages = [s.get("stage") for s in wheel.get("stages", []) if isinstance(s, dict)]
    r.need(sorted(stages) == sorted(STAGE_ORDER), "project.wheel.stages", "needs the eight stages")
    for s in wheel.get("stages", []):
        r.text(s, "title", "project.wheel.stages", 60, required=True)
        r.text(s, "question", "project.wheel.stages", 200, required=True)
    items = data.get("items", [])
    r.need(isinstance(items, list), "items", "should be a list")
    ids = set()
    for n, item in enumerate(items if isinstance(items, list) else []):
        where = f"items[{n}]"
        if not r.need(isinstance(item, dict), where, "should be an object"):
            continue
        r.need(isinstance(item.get("id"), int), f"{where}.id", "should be a number")
        ids.add(item.get("id"))
        r.choice(item, "kind", where, Item.Kind.values)
        r.choice(item, "stage", where, STAGE_ORDER)
        r.text(item, "title", where, 200, required=True)
        r.text(item, "body", where, 100_000)
        importance = item.get("importance")
        r.need(importance is None or importance in range(6), f"{where}.importance", "0 to 5")
        for field in ("file", "thumbnail"):
            name = item.get(field) or ""
            if name and r.need(name in media, f"{where}.{field}", f"{name} is not in the ZIP"):
                try:
                    sniffed = uploads.sniff(media[name][:8192])
                except uploads.UploadRefused as exc:
                    r.problems.append(f"{where}.{field}: {exc}")
                else:
                    if field == "file":
                        r.need(
                            sniffed.mime == item.get("file_type"),
                            f"{where}.file_type",
                            f"says {item.get('file_type')!r} but the file is {sniffed.mime}",
                        )
        r.when(item, "created_at", where)
        for k, rev in enumerate(item.get("revisions", [])):
            r.need(isinstance(rev.get("version"), int), f"{where}.revisions[{k}].version", "number")
    for n, c in enumerate(data.get("connections", [])):
        where = f"connections[{n}]"
        r.need(c.get("source") in ids and c.get("target") in ids, where, "joins unknown items")
        r.need(c.get("source") != c.get("target"), where, "joins an item to itself")
        r.text(c, "label", where, 60, required=True)
        r.text(c, "reason", where, 300)
    for n, s in enumerate(data.get("stages", [])):
        r.choice(s, "stage", f"stages[{n}]", STAGE_ORDER)
        r.choice(s, "status", f"stages[{n}]", StageProgress.Status.values)
    for n, w in enumerate(data.get("stage_work", [])):
        r.choice(w, "stage", f"stage_work[{n}]", STAGE_ORDER)
        r.need(isinstance(w.get("data"), dict), f"stage_work[{n}].data", "should be an object")
    for n, f in enumerate(data.get("feedback", [])):
        where = f"feedback[{n}]"
        r.choice(f, "kind", where, Comment.Kind.values)
        r.text(f, "body", where, 2000, required=True)
        if f.get("kind") == Comment.Kind.NEXT_STEP:
            r.choice(f, "state", where, Comment.State.values)
        else:
            r.need(not f.get("state"), f"{where}.state", "only a next step has a state")
    if r.problems:
        shown = r.problems[:20]
        more = len(r.problems) - len(shown)
        raise ValidationError(shown + ([f"… and {more} more problems"] if more else []))


def import_portfolio(actor: User, school: School, upload, pupils: list[User]) -> Portfolio:
    if not can(actor, "portfolio.import"):
        raise PermissionDenied
    from risingtide.tasc.services import staff_schools

    if not staff_schools(actor).filter(pk=school.pk).exists():
        raise PermissionDenied
    ids = {p.pk for p in pupils}
    if (
        not ids
        or set(importable_pupils(actor).filter(pk__in=ids).values_list("pk", flat=True)) != ids
    ):
        raise PermissionDenied
    data, media = _read_upload(upload)
    _check(data, media)
    with transaction.atomic():
        portfolio = _write(actor, school, data, media, pupils)
        record(actor, "portfolio.imported", portfolio, school=school, pupils=sorted(ids))
    return portfolio


def _write(actor, school, data, media, pupils) -> Portfolio:
    p = data["project"]
    members = data.get("portfolio", {}).get("members", [])
    # The file names its people; the ones who are these pupils get their new accounts.
    people = {name: pupil for name, pupil in zip(members, pupils, strict=False)}

    def who(name):
        return people.get(name)

    wheel_name = f"{p['wheel'].get('name', 'TASC wheel')} (imported)"[:100]
    latest = Wheel.objects.filter(school=school, name=wheel_name).aggregate(v=Max("version"))["v"]
    wheel = Wheel.objects.create(
        name=wheel_name, version=(latest or 0) + 1, school=school, created_by=actor
    )
    WheelStage.objects.bulk_create(
        WheelStage(
            wheel=wheel,
            stage=s["stage"],
            title=s["title"],
            question=s["question"],
            prompts=[str(x) for x in s.get("prompts", [])],
        )
        for s in p["wheel"]["stages"]
    )
    project = Project.objects.create(
        school=school,
        created_by=actor,
        title=p["title"],
        brief=p.get("brief", ""),
        subject=p.get("subject", "")[:80],
        key_stage=p["key_stage"],
        mode=p["mode"],
        success_criteria=[str(c) for c in p.get("success_criteria", [])],
        stage_prompts={k: v for k, v in (p.get("stage_prompts") or {}).items() if k in STAGE_ORDER},
        start_date=date.fromisoformat(p["start_date"]) if p.get("start_date") else None,
        due_date=date.fromisoformat(p["due_date"]) if p.get("due_date") else None,
        wheel=wheel,
        status=Project.Status.CLOSED,
    )
    for pupil in pupils:
        Assignment.objects.create(project=project, pupil=pupil)
    info = data.get("portfolio", {})
    portfolio = Portfolio.objects.create(
        project=project,
        name=info.get("name", "")[:60],
        current_stage=info.get("current_stage")
        if info.get("current_stage") in STAGE_ORDER
        else STAGE_ORDER[0],
    )
    PortfolioMember.objects.bulk_create(
        PortfolioMember(portfolio=portfolio, pupil=pupil, project=project) for pupil in pupils
    )
    _stamp(Portfolio, [(portfolio.pk, {"created_at": info.get("created_at")})])

    categories = {
        name: Category.objects.create(portfolio=portfolio, name=name[:40])
        for name in data.get("categories", [])
    }
    new_ids: dict[int, Item] = {}
    stamps = []
    for raw in data.get("items", []):
        item = Item(
            portfolio=portfolio,
            kind=raw["kind"],
            stage=raw["stage"],
            title=raw["title"],
            position=raw.get("position") or 0,
            importance=raw.get("importance"),
            created_by=who(raw.get("created_by")),
            body=raw.get("body", ""),
            version=max(
                [r["version"] for r in raw.get("revisions", []) if not r.get("conflicted")] or [1]
            ),
            file_name=raw.get("file_name", "")[:200],
            file_type=raw.get("file_type", "")[:120],
            file_size=raw.get("file_size"),
            url=raw.get("url", "")[:2000],
            clip_status=raw.get("clip_status", ""),
            clip_error=raw.get("clip_error", "")[:300],
            site_name=raw.get("site_name", "")[:200],
            description=raw.get("description", ""),
            excerpt=raw.get("excerpt", ""),
            snapshot=raw.get("snapshot", ""),
            graph_x=(raw.get("graph") or [None, None])[0],
            graph_y=(raw.get("graph") or [None, None])[1],
        )
        if raw.get("file"):
            item.file.save("upload", ContentFile(media[raw["file"]]), save=False)
        if raw.get("thumbnail"):
            item.thumbnail.save("thumb", ContentFile(media[raw["thumbnail"]]), save=False)
        item.save()
        item.categories.set([categories[c] for c in raw.get("categories", []) if c in categories])
        new_ids[raw["id"]] = item
        stamps.append((item.pk, {"created_at": raw.get("created_at")}))
        for rev in raw.get("revisions", []):
            made = NoteRevision.objects.create(
                item=item,
                version=rev["version"],
                body=rev.get("body", ""),
                saved_by=who(rev.get("saved_by")),
                conflicted=bool(rev.get("conflicted")),
            )
            _stamp(NoteRevision, [(made.pk, {"saved_at": rev.get("saved_at")})])
        for a in raw.get("annotations", []):
            made = Annotation.objects.create(item=item, author=who(a.get("author")), text=a["text"])
            _stamp(Annotation, [(made.pk, {"created_at": a.get("created_at")})])
    _stamp(Item, stamps)

    new_connections = {}
    for c in data.get("connections", []):
        made = Connection.objects.create(
            portfolio=portfolio,
            source=new_ids[c["source"]],
            target=new_ids[c["target"]],
            label=c["label"],
            reason=c.get("reason", ""),
            created_by=who(c.get("created_by")),
        )
        new_connections[c.get("id")] = made
        _stamp(Connection, [(made.pk, {"created_at": c.get("created_at")})])
    for s in data.get("stages", []):
        made = StageProgress.objects.create(
            portfolio=portfolio, stage=s["stage"], status=s["status"]
        )
        _stamp(StageProgress, [(made.pk, {"done_at": s.get("done_at")})])
    for w in data.get("stage_work", []):
        work = dict(w["data"])
        if "items" in work:  # the Communicate choice names items by their id in the file
            work["items"] = [new_ids[i].pk for i in work["items"] if i in new_ids]
        made = StageWork.objects.create(
            portfolio=portfolio,
            stage=w["stage"],
            data=work,
            version=1,
            updated_by=who(w.get("updated_by")),
        )
        _stamp(StageWork, [(made.pk, {"updated_at": w.get("updated_at")})])
    _import_feedback(data, portfolio, new_ids, new_connections, who)
    from risingtide.feedback.models import Review

    for r in data.get("reviews", []):
        by = who(r.get("by")) if r.get("is_self") else None
        made = Review.objects.create(
            portfolio=portfolio,
            reviewer=by,
            reviewer_label="" if by else str(r.get("by", ""))[:150],
            is_self=bool(r.get("is_self")),
            levels={str(k): v for k, v in (r.get("levels") or {}).items()},
            comment=str(r.get("comment", ""))[:1000],
            anonymous=bool(r.get("anonymous")) and not r.get("is_self"),
        )
        _stamp(Review, [(made.pk, {"created_at": r.get("created_at")})])
    return portfolio


def _import_feedback(data, portfolio, new_ids, new_connections, who) -> None:
    for f in data.get("feedback", []):
        about = f.get("about") or {}
        author = who(f.get("author"))
        replies = f.get("replies", [])
        last = replies[-1] if replies else f
        comment = Comment.objects.create(
            portfolio=portfolio,
            item=new_ids.get(about.get("item")),
            connection=new_connections.get(about.get("connection")),
            stage=about.get("stage") or "",
            kind=f["kind"],
            author=author,
            author_label="" if author else f.get("author", "")[:150],
            body=f["body"],
            state=f.get("state") or "",
            last_message_at=_parse(last.get("created_at"))
            or _parse(f.get("created_at"))
            or timezone.now(),
            last_message_by=who(last.get("author")),
        )
        _stamp(
            Comment,
            [
                (
                    comment.pk,
                    {
                        "created_at": f.get("created_at"),
                        "done_at": f.get("done_at"),
                        "accepted_at": f.get("accepted_at"),
                    },
                )
            ],
        )
        for r in replies:
            by = who(r.get("author"))
            made = Reply.objects.create(
                comment=comment,
                author=by,
                author_label="" if by else r.get("author", "")[:150],
                body=r["body"],
            )
            _stamp(Reply, [(made.pk, {"created_at": r.get("created_at")})])


def _parse(value):
    return datetime.fromisoformat(value) if value else None


def _stamp(model, rows) -> None:
    """Put back the dates the file gives (auto-dated fields are set on create, so afterwards)."""
    for pk, fields in rows:
        values = {k: _parse(v) for k, v in fields.items() if v}
        if values:
            model.objects.filter(pk=pk).update(**values)
