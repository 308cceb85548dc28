"""Bringing in a portfolio exported by ``exports`` (a pupil who moved school): checked whole
before anything is written, then written in one transaction, so a bad file changes nothing.

The project arrives closed, set to the pupil, with the wheel wording it was done with; the work
keeps its dates, who made it (the pupil's new account, by the name the file gives) and the
feedback (its authors' names kept as text). Sharing starts private in the new school.
"""

import math
import zipfile
import zlib
from datetime import date, datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import DatabaseError, transaction
from django.db.models import Max
from django.utils import timezone

from risingtide.access.core import can, visible
from risingtide.audit.models import record
from risingtide.feedback.models import Comment, Reply, Review
from risingtide.lib import jsondata, storage, uploads
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
from risingtide.transfer.exports import FORMAT, FORMAT_VERSION

MAX_ENTRIES = 5000
MAX_TOTAL_BYTES = 2 * 1024**3  # uncompressed, all files together
MAX_JSON_BYTES = 50 * 1024**2


def importable_pupils(user: User):
    """Pupils of the schools where ``user`` is staff, whom they may see."""
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


def _read_upload(upload) -> tuple[dict, zipfile.ZipFile | None]:
    """The JSON of an export and its ZIP (media are read later, one at a time, only those the
    items name), or a bare JSON file."""
    head = upload.read(4)
    upload.seek(0)
    if head != b"PK\x03\x04":
        raw = upload.read(MAX_JSON_BYTES + 1)
        if len(raw) > MAX_JSON_BYTES:
            raise ValidationError("The file is too large to be a portfolio export.")
        return _json(raw), None
    try:
        archive = zipfile.ZipFile(upload)
        entries = archive.infolist()
        if len(entries) > MAX_ENTRIES:
            raise ValidationError(f"The ZIP holds more than {MAX_ENTRIES:,} files.")
        if any(e.flag_bits & 0x1 for e in entries):
            raise ValidationError("The ZIP is encrypted: export it again without a password.")
        if sum(e.file_size for e in entries) > MAX_TOTAL_BYTES:
            raise ValidationError("The ZIP unpacks to more than 2 GB.")
        info = {e.filename: e for e in entries}
        if "portfolio.json" not in info:
            raise ValidationError("This ZIP has no portfolio.json: is it a Rising Tide export?")
        if info["portfolio.json"].file_size > MAX_JSON_BYTES:
            raise ValidationError("portfolio.json is too large.")
        return _json(archive.read("portfolio.json")), archive
    except (
        zipfile.BadZipFile,
        zipfile.LargeZipFile,
        RuntimeError,
        NotImplementedError,
        zlib.error,
        EOFError,
    ):
        raise ValidationError(
            "This ZIP file is damaged or uses a kind of packing we cannot read."
        ) from None


def _media(archive: zipfile.ZipFile | None, name: str, limit: int | None = None) -> bytes:
    """A media file from the ZIP (its first ``limit`` bytes, or all of it), if it is there, is
    a plain media/ entry and is not over the upload limit (checked from the ZIP's own record
    before anything is unpacked)."""
    from django.conf import settings

    if archive is None or not name.startswith("media/") or name.count("/") != 1:
        raise KeyError(name)
    entry = archive.getinfo(name)
    if entry.file_size > settings.UPLOAD_MAX_BYTES:
        raise ValidationError(f"{name} is larger than the upload limit.")
    try:
        with archive.open(entry) as stream:
            return stream.read(limit if limit is not None else -1)
    except (zipfile.BadZipFile, RuntimeError, NotImplementedError, zlib.error, EOFError):
        raise ValidationError(f"{name} is damaged in the ZIP.") from None


def _json(raw: bytes) -> dict:
    try:
        data = jsondata.loads(raw, what="portfolio.json")
    except jsondata.JsonRefused as refused:
        raise ValidationError(str(refused)) from None
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        raise ValidationError("This is not a Rising Tide portfolio export.")
    if data.get("version") != FORMAT_VERSION:
        raise ValidationError(
            f"This export is format version {data.get('version')!r}; "
            f"this platform reads version {FORMAT_VERSION}."
        )
    return data


# --- The shape of an export, checked before any field is read ---------------------------------
# Every value the writer reads is checked for its type here, so a hand-made or damaged file is
# refused with the place of each problem instead of failing half-way (or, worse, being stored
# and breaking a page later). Keys not listed are ignored.


def _opt(spec):
    return ("opt", spec)


TEXT = ("str", 100_000)
WHEN = ("when",)
NAME = ("str", 150)
_WORK = {
    "gather": {"known": ("list", ("str", 500), 50)},
    "identify": {"questions": ("list", ("str", 500), 50)},
    "generate": {"ideas": ("list", ("str", 500), 50)},
    "decide": {
        "criteria": ("list", ("str", 500), 10),
        "scores": ("map", ("map", ("int", 0, 3))),
        "chosen": _opt(("int", 0, 999)),
        "why": ("str", 1000),
    },
    "implement": {
        "steps": (
            "list",
            (
                "dict",
                {"text": ("str", 500), "who": ("str", 80), "by": ("str", 40), "done": ("bool",)},
            ),
            20,
        )
    },
    "evaluate": {
        "stars": ("list", ("str", 500), 2),
        "wish": ("str", 500),
        "criteria": ("map", ("str", 20)),
    },
    "communicate": {"audience": ("str", 300), "items": ("list", ("int", 0, 2**63), 50)},
    "learn": {"entries": ("list", ("dict", {"text": ("str", 2000), "at": ("str", 40)}), 200)},
}
SHAPE = ("dict", {
    "project": ("dict", {
        "title": ("str", 150), "brief": TEXT, "subject": ("str", 80), "key_stage": ("str", 4),
        "mode": ("str", 10), "success_criteria": ("list", ("str", 300), 30),
        "stage_prompts": ("map", ("list", ("str", 500), 30)),
        "start_date": _opt(("date",)), "due_date": _opt(("date",)),
        "wheel": ("dict", {"name": ("str", 100), "stages": ("list", ("dict", {
            "stage": ("str", 12), "title": ("str", 60), "question": ("str", 200),
            "prompts": ("list", ("str", 500), 30)}), 8)}),
    }),
    "portfolio": ("dict", {"name": ("str", 60), "members": ("list", NAME, 8),
                           "current_stage": ("str", 12), "created_at": _opt(WHEN)}),
    "stages": ("list", ("dict", {"stage": ("str", 12), "status": ("str", 8),
                                 "done_at": _opt(WHEN)}), 8),
    "categories": ("list", ("str", 40), 1000),
    "items": ("list", ("dict", {
        "id": ("int", 0, 2**63), "kind": ("str", 8), "stage": ("str", 12), "title": ("str", 200),
        "position": ("int", 0, 2**31 - 1), "importance": _opt(("int", 0, 5)),
        "created_by": NAME, "created_at": _opt(WHEN), "body": TEXT,
        "revisions": ("list", ("dict", {"version": ("int", 1, 2**31 - 1), "body": TEXT,
                                        "saved_by": NAME, "saved_at": _opt(WHEN),
                                        "conflicted": ("bool",)}), 5000),
        "file": ("str", 200), "file_name": ("str", 200), "file_type": ("str", 120),
        "file_size": _opt(("int", 0, 2**53)), "thumbnail": ("str", 200), "url": ("str", 2000),
        "clip_status": ("str", 8), "clip_error": ("str", 300), "site_name": ("str", 200),
        "description": TEXT, "excerpt": TEXT, "snapshot": ("str", 1_000_000),
        "graph": _opt(("list", ("float",), 2)), "categories": ("list", ("str", 40), 20),
        "annotations": ("list", ("dict", {"author": NAME, "text": ("str", 2000),
                                          "created_at": _opt(WHEN)}), 1000),
    }), 10_000),
    "connections": ("list", ("dict", {
        "id": ("int", 0, 2**63), "source": ("int", 0, 2**63), "target": ("int", 0, 2**63),
        "label": ("str", 60), "reason": ("str", 300), "created_by": NAME,
        "created_at": _opt(WHEN)}), 20_000),
    "stage_work": ("list", ("dict", {"stage": ("str", 12), "data": ("map", ("any",)),
                                     "updated_by": NAME, "updated_at": _opt(WHEN)}), 8),
    "reviews": ("list", ("dict", {"is_self": ("bool",), "by": NAME, "anonymous": ("bool",),
                                  "levels": ("map", ("int", 0, 5)), "comment": ("str", 1000),
                                  "created_at": _opt(WHEN)}), 1000),
    "feedback": ("list", ("dict", {
        "about": ("dict", {"item": _opt(("int", 0, 2**63)),
                           "connection": _opt(("int", 0, 2**63)), "stage": ("str", 12)}),
        "kind": ("str", 14), "author": NAME, "body": ("str", 2000), "created_at": _opt(WHEN),
        "state": ("str", 8), "done_at": _opt(WHEN), "accepted_at": _opt(WHEN),
        "replies": ("list", ("dict", {"author": NAME, "body": ("str", 2000),
                                      "created_at": _opt(WHEN)}), 1000),
    }), 10_000),
})  # fmt: skip


def _shape(value, spec, where: str, problems: list[str]) -> None:
    kind = spec[0]
    if kind == "opt":
        if value is not None:
            _shape(value, spec[1], where, problems)
        return
    if kind == "any":
        return
    if kind == "str":
        if not isinstance(value, str):
            problems.append(f"{where}: should be text")
        elif len(value) > spec[1]:
            problems.append(f"{where}: longer than {spec[1]:,} characters")
        elif "\x00" in value:
            problems.append(f"{where}: holds a NUL character")
        return
    if kind == "int":
        if isinstance(value, bool) or not isinstance(value, int):
            problems.append(f"{where}: should be a whole number")
        elif not spec[1] <= value <= spec[2]:
            problems.append(f"{where}: {value} is out of range")
        return
    if kind == "float":
        if (
            isinstance(value, bool)
            or not isinstance(value, (int, float))
            or not math.isfinite(value)
        ):
            problems.append(f"{where}: should be a number")
        return
    if kind == "bool":
        if not isinstance(value, bool):
            problems.append(f"{where}: should be true or false")
        return
    if kind in ("when", "date"):
        try:
            parsed = (datetime if kind == "when" else date).fromisoformat(value)
        except (TypeError, ValueError):
            problems.append(f"{where}: not a {'date and time' if kind == 'when' else 'date'}")
        else:
            # Year 1 with a time zone has no UTC time; nothing in a portfolio predates 1900.
            if not 1900 <= parsed.year <= 9998:
                problems.append(f"{where}: {parsed.year} is not a year we can keep")
        return
    if kind == "list":
        if not isinstance(value, list):
            problems.append(f"{where}: should be a list")
        elif len(value) > spec[2]:
            problems.append(f"{where}: more than {spec[2]:,} entries")
        else:
            for n, entry in enumerate(value):
                _shape(entry, spec[1], f"{where}[{n}]", problems)
        return
    if kind == "map":
        if not isinstance(value, dict):
            problems.append(f"{where}: should be an object")
        else:
            for key, entry in value.items():
                if len(key) > 300 or "\x00" in key:
                    problems.append(f"{where}: a key is too long or holds a NUL character")
                    continue
                _shape(entry, spec[1], f"{where}.{key}", problems)
        return
    if kind == "dict":
        if not isinstance(value, dict):
            problems.append(f"{where}: should be an object")
            return
        for key, sub in spec[1].items():
            if key in value:
                _shape(value[key], sub, f"{where}.{key}" if where else key, problems)


def _check(data: dict, media: zipfile.ZipFile | None) -> None:
    """Every field, before anything is written; all problems at once, each with its place."""
    r = _Reader()
    _shape(data, SHAPE, "", r.problems)
    if r.problems:
        _refuse(r.problems)
    for n, work in enumerate(data.get("stage_work", [])):
        spec = _WORK.get(work.get("stage"))
        if spec:
            _shape(work.get("data", {}), ("dict", spec), f"stage_work[{n}].data", r.problems)
    for key in data.get("project", {}).get("stage_prompts") or {}:
        r.need(key in STAGE_ORDER, f"project.stage_prompts.{key}", "is not a TASC stage")
    if r.problems:
        _refuse(r.problems)
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
    named: dict[str, str] = {}  # media file -> the first place that names it
    for n, item in enumerate(items if isinstance(items, list) else []):
        where = f"items[{n}]"
        if not r.need(isinstance(item, dict), where, "should be an object"):
            continue
        r.need(isinstance(item.get("id"), int), f"{where}.id", "should be a number")
        r.need(item.get("id") not in ids, f"{where}.id", "another item has this id")
        ids.add(item.get("id"))
        r.choice(item, "kind", where, Item.Kind.values)
        r.choice(item, "stage", where, STAGE_ORDER)
        r.text(item, "title", where, 200, required=True)
        r.text(item, "body", where, 100_000)
        importance = item.get("importance")
        r.need(importance is None or importance in range(6), f"{where}.importance", "0 to 5")
        for field in ("file", "thumbnail"):
            name = item.get(field) or ""
            if not name:
                continue
            if name in named:  # an export names each file once: a repeat is a copy bomb
                r.problems.append(f"{where}.{field}: {name} is already used by {named[name]}")
                continue
            named[name] = f"{where}.{field}"
            try:
                head = _media(media, name, limit=8192)
            except KeyError:
                r.problems.append(f"{where}.{field}: {name} is not in the ZIP")
            except ValidationError as exc:
                r.problems.append(f"{where}.{field}: {' '.join(exc.messages)}")
            else:
                try:
                    sniffed = uploads.sniff(head)
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
    for n, item in enumerate(items if isinstance(items, list) else []):
        url = item.get("url") or ""
        r.need(
            not url or url.startswith(("http://", "https://")),
            f"items[{n}].url",
            "only http:// and https:// addresses",
        )
    names = [c for c in data.get("categories", [])]
    r.need(len(set(names)) == len(names), "categories", "a category is named twice")
    for n, f in enumerate(data.get("feedback", [])):
        about = f.get("about") or {}
        targets = [
            about.get("item") is not None,
            about.get("connection") is not None,
            bool(about.get("stage")),
        ]
        r.need(sum(targets) <= 1, f"feedback[{n}].about", "names more than one thing")
        r.need(
            not about.get("stage") or about["stage"] in STAGE_ORDER,
            f"feedback[{n}].about.stage",
            "is not a TASC stage",
        )
        for k, reply in enumerate(f.get("replies", [])):
            r.text(reply, "body", f"feedback[{n}].replies[{k}]", 2000, required=True)
    for n, item in enumerate(items if isinstance(items, list) else []):
        for k, a in enumerate(item.get("annotations", [])):
            r.text(a, "text", f"items[{n}].annotations[{k}]", 2000, required=True)
    _check_media_bytes(named, media, r)
    _check_unique(data, r)
    if r.problems:
        _refuse(r.problems)


def _check_media_bytes(named: dict[str, str], media, r: _Reader) -> None:
    """What the import will write to disk, counted from the ZIP's own record of each file
    before anything is unpacked, against the cap."""
    from django.conf import settings

    if media is None:
        return
    sizes = {name: media.getinfo(name).file_size for name in named if name in media.NameToInfo}
    cap = settings.PORTFOLIO_IMPORT_MAX_BYTES
    r.need(
        sum(sizes.values()) <= cap,
        "items",
        f"the files come to {sum(sizes.values()) / 1_048_576:,.0f} MB; an import may bring in "
        f"at most {cap / 1_048_576:,.0f} MB",
    )


def _repeats(rows, key, where: str, r: _Reader, why: str) -> None:
    """A problem at each row whose ``key(row)`` an earlier row already has."""
    seen = set()
    for n, row in enumerate(rows):
        value = key(row)
        if value is None:
            continue
        r.need(value not in seen, f"{where}[{n}]", why)
        seen.add(value)


def _check_unique(data: dict, r: _Reader) -> None:
    """What the database would refuse as a duplicate, found here with its place in the file
    (the write must never fail half-way)."""
    _repeats(data.get("stages", []), lambda s: s.get("stage"), "stages", r, "a stage named twice")
    _repeats(data.get("stage_work", []), lambda w: w.get("stage"), "stage_work", r, "a stage twice")
    _repeats(
        data.get("connections", []),
        lambda c: (c.get("source"), c.get("target"), c.get("label")),
        "connections",
        r,
        "the same connection with the same label is already there",
    )
    _repeats(
        data.get("reviews", []),
        lambda v: v.get("by") if v.get("is_self") else None,
        "reviews",
        r,
        "this person's self-review is already there: one each",
    )
    for n, item in enumerate(data.get("items", [])):
        revisions = item.get("revisions", [])
        _repeats(
            revisions,
            lambda v: (v.get("version"), v.get("conflicted") and v.get("saved_by")),
            f"items[{n}].revisions",
            r,
            "this version is already there",
        )
    project = data.get("project", {})
    start, due = project.get("start_date"), project.get("due_date")
    if start and due:
        r.need(start <= due, "project.due_date", "is before the start date")


def _refuse(problems: list[str]):
    shown = problems[:20]
    more = len(problems) - len(shown)
    raise ValidationError(shown + ([f"… and {more} more problems"] if more else []))


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
    data, media = _read_upload(upload)
    _check(data, media)
    try:
        # Files are written as the rows are; if anything fails, both go.
        with storage.files_undone_on_failure(), transaction.atomic():
            portfolio = _write(actor, school, data, media, pupils)
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
            item.file.save("upload", ContentFile(_media(media, raw["file"])), save=False)
        if raw.get("thumbnail"):
            item.thumbnail.save("thumb", ContentFile(_media(media, raw["thumbnail"])), save=False)
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
        # Only the fields the stage's tool has: anything else in the file is left out.
        work = {k: v for k, v in w["data"].items() if k in _WORK.get(w["stage"], {})}
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
