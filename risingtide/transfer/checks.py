"""Reading an uploaded portfolio export (a ZIP from ``exports``, or its bare JSON) and checking
it whole before anything is written.

First its shape (``schema``: every value of the right kind and size), then what it means: stages
and kinds the platform has, items that connections and feedback name, media files that are in
the ZIP, are what they say and are named once, and nothing the database would refuse as a
duplicate (the write must never fail half-way). Each step reports every problem at once, each
with its place in the file.
"""

import zipfile
import zlib
from collections.abc import Callable, Iterable
from typing import NoReturn

import pydantic
from django.conf import settings
from django.core.exceptions import ValidationError

from risingtide.feedback.models import Comment
from risingtide.lib import jsondata, uploads
from risingtide.portfolios.models import ClipStatus, Item, StageProgress
from risingtide.tasc.models import STAGE_ORDER, Project
from risingtide.transfer import schema
from risingtide.transfer.exports import FORMAT, FORMAT_VERSION

MAX_ENTRIES = 5000
MAX_TOTAL_BYTES = 2 * 1024**3  # uncompressed, all files together
MAX_JSON_BYTES = 50 * 1024**2
MAX_SHOWN = 20  # problems listed; the rest are counted


def read_upload(upload) -> tuple[schema.Export, zipfile.ZipFile | None]:
    """The checked export in ``upload`` and its ZIP (``None`` for a bare JSON file), or
    ``ValidationError`` listing what is wrong with it."""
    data, archive = _open(upload)
    try:
        export = schema.read(data)
    except schema.Refused as refused:
        found = shape_problems(refused.error)
        _refuse(found, len(found), all_counted=refused.all_counted)
    problems = _Problems()
    _check_project(export.project, problems)
    ids = _check_items(export.items, archive, problems)
    _check_connections(export.connections, ids, problems)
    _check_portfolio(export, problems)
    _check_feedback(export.feedback, problems)
    _check_unique(export, problems)
    if problems.count:
        _refuse(problems.shown, problems.count)
    return export, archive


def _open(upload) -> tuple[dict, zipfile.ZipFile | None]:
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


def _json(raw: bytes) -> dict:
    """Through the depth-limited reader: a hostile ``[[[[…`` is a refusal, not a crash."""
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


def media(archive: zipfile.ZipFile | None, name: str, limit: int | None = None) -> bytes:
    """A media file from the ZIP (its first ``limit`` bytes, or all of it), if it is there, is
    a plain media/ entry and is not over the upload limit (checked from the ZIP's own record
    before anything is unpacked); ``KeyError`` if it is not."""
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


# --- The shape: pydantic's errors in our words ------------------------------------------------

WORDS = {
    "missing": "is missing",
    "string_type": "should be text",
    "string_unicode": "is not text we can read",
    "int_type": "should be a whole number",
    "float_type": "should be a number",
    "finite_number": "should be a number",
    "bool_type": "should be true or false",
    "list_type": "should be a list",
    "dict_type": "should be an object",
    "model_type": "should be an object",
    "model_attributes_type": "should be an object",
}


def place(loc: tuple) -> str:
    """Where in the file, as a person would write it: ``items[3].revisions[0].body``. The
    union's tag (which tool's shape the data was read as) is pydantic's, not the file's."""
    where = ""
    for n, part in enumerate(loc):
        if isinstance(part, int):
            where += f"[{part}]"
        elif n and isinstance(loc[n - 1], int) and (part in schema.TOOLS or part == schema.OTHER):
            continue
        else:
            where += f".{part}" if where else str(part)
    return where


def _words(error) -> str:
    kind, ctx = error["type"], error.get("ctx") or {}
    if kind in WORDS:
        return WORDS[kind]
    if kind == "string_too_long":
        return f"longer than {ctx['max_length']:,} characters"
    if kind == "too_long":
        return f"more than {ctx['max_length']:,} entries"
    if kind == "too_short":
        return f"fewer than {ctx['min_length']:,} entries"
    if kind in ("greater_than_equal", "less_than_equal"):
        return f"{error['input']} is out of range"
    return error["msg"]  # our own errors (nul, when, day, year) say it in our words already


def shape_problems(refused: pydantic.ValidationError) -> list[str]:
    """Every problem pydantic found, in our words, each with its place: ``items[0].position:
    should be a whole number``."""
    found = []
    for error in refused.errors(include_url=False):
        loc = error["loc"]
        if len(loc) >= 2 and loc[-1] == "[key]" and error["input"] == loc[-2]:
            # A map's key: named by the map it is in (the key itself may be 300 characters).
            found.append(f"{place(loc[:-2])}: a key is too long or holds a NUL character")
            continue
        where = place(loc)
        found.append(f"{where}: {_words(error)}" if where else _words(error))
    return found


# --- The sense: what the values mean, over the whole file ----------------------------------


class _Problems:
    """What is wrong, each with its place: ``items[3].stage: …``; the first few kept to show,
    the rest counted (a file can hold millions of the same mistake)."""

    def __init__(self):
        self.shown: list[str] = []
        self.count = 0

    def append(self, problem: str) -> None:
        self.count += 1
        if len(self.shown) < MAX_SHOWN:
            self.shown.append(problem)

    def need(self, ok: object, where: str, why: str) -> bool:
        if not ok:
            self.append(f"{where}: {why}")
        return bool(ok)

    def filled(self, text: str, where: str) -> None:
        self.need(text.strip(), where, "is empty")

    def choice(self, value: str, where: str, choices: Iterable[str], blank=False) -> None:
        choices = list(choices)
        ok = value in choices or (blank and not value)
        self.need(ok, where, f"{value!r} is not one of {', '.join(map(str, choices))}")


def _check_project(project: schema.Project, problems: _Problems) -> None:
    for key in project.stage_prompts:
        problems.need(key in STAGE_ORDER, f"project.stage_prompts.{key}", "is not a TASC stage")
    problems.filled(project.title, "project.title")
    problems.choice(project.key_stage, "project.key_stage", Project.KeyStage.values)
    problems.choice(project.mode, "project.mode", Project.Mode.values)
    stages = project.wheel.stages
    problems.need(
        sorted(s.stage for s in stages) == sorted(STAGE_ORDER),
        "project.wheel.stages",
        "needs the eight stages",
    )
    for n, s in enumerate(stages):
        problems.filled(s.title, f"project.wheel.stages[{n}].title")
        problems.filled(s.question, f"project.wheel.stages[{n}].question")
    start, due = project.start_date, project.due_date
    if start and due:
        problems.need(start <= due, "project.due_date", "is before the start date")


def _check_items(items: list[schema.Item], archive, problems: _Problems) -> set[int]:
    """The items' own sense and their media; returns their ids (what connections may join)."""
    ids: set[int] = set()
    named: dict[str, str] = {}  # media file -> the first place that names it
    for n, item in enumerate(items):
        where = f"items[{n}]"
        problems.need(item.id not in ids, f"{where}.id", "another item has this id")
        ids.add(item.id)
        problems.choice(item.kind, f"{where}.kind", Item.Kind.values)
        problems.choice(item.stage, f"{where}.stage", STAGE_ORDER)
        problems.filled(item.title, f"{where}.title")
        problems.choice(item.clip_status, f"{where}.clip_status", ClipStatus.values, blank=True)
        problems.need(
            not item.url or item.url.startswith(("http://", "https://")),
            f"{where}.url",
            "only http:// and https:// addresses",
        )
        for k, a in enumerate(item.annotations):
            problems.filled(a.text, f"{where}.annotations[{k}].text")
        for field in ("file", "thumbnail"):
            name = getattr(item, field)
            if not name:
                continue
            if name in named:  # an export names each file once: a repeat is a copy bomb
                problems.append(f"{where}.{field}: {name} is already used by {named[name]}")
                continue
            named[name] = f"{where}.{field}"
            # The item's file must be the type the item says; a thumbnail, any type we keep.
            said = item.file_type if field == "file" else None
            _check_media(archive, name, where, field, said, problems)
    _check_media_bytes(named, archive, problems)
    return ids


def _check_media(archive, name, where, field, said: str | None, problems: _Problems) -> None:
    """A media file is in the ZIP, is by its bytes a type we keep and, if ``said``, that type."""
    try:
        head = media(archive, name, limit=8192)
    except KeyError:
        problems.append(f"{where}.{field}: {name} is not in the ZIP")
        return
    except ValidationError as exc:
        problems.append(f"{where}.{field}: {' '.join(exc.messages)}")
        return
    try:
        sniffed = uploads.sniff(head)
    except uploads.UploadRefused as exc:
        problems.append(f"{where}.{field}: {exc}")
        return
    if said is not None:
        problems.need(
            sniffed.mime == said,
            f"{where}.file_type",
            f"says {said!r} but the file is {sniffed.mime}",
        )


def _check_media_bytes(named: dict[str, str], archive, problems: _Problems) -> None:
    """What the import will write to disk, counted from the ZIP's own record of each file
    before anything is unpacked, against the cap."""
    if archive is None:
        return
    total = sum(archive.getinfo(name).file_size for name in named if name in archive.NameToInfo)
    cap = settings.PORTFOLIO_IMPORT_MAX_BYTES
    problems.need(
        total <= cap,
        "items",
        f"the files come to {total / 1_048_576:,.0f} MB; an import may bring in "
        f"at most {cap / 1_048_576:,.0f} MB",
    )


def _check_connections(connections, ids: set[int], problems: _Problems) -> None:
    seen: set[int] = set()
    for n, c in enumerate(connections):
        where = f"connections[{n}]"
        problems.need(c.id not in seen, f"{where}.id", "another connection has this id")
        seen.add(c.id)
        problems.need(c.source in ids and c.target in ids, where, "joins unknown items")
        problems.need(c.source != c.target, where, "joins an item to itself")
        problems.filled(c.label, f"{where}.label")


def _check_portfolio(export: schema.Export, problems: _Problems) -> None:
    """The stages ticked off and the tools' work name stages the platform has; each category
    is named once."""
    for n, s in enumerate(export.stages):
        problems.choice(s.stage, f"stages[{n}].stage", STAGE_ORDER)
        problems.choice(s.status, f"stages[{n}].status", StageProgress.Status.values)
    for n, w in enumerate(export.stage_work):
        problems.choice(w.stage, f"stage_work[{n}].stage", STAGE_ORDER)
    names = export.categories
    problems.need(len(set(names)) == len(names), "categories", "a category is named twice")


def _check_feedback(feedback: list[schema.Feedback], problems: _Problems) -> None:
    for n, f in enumerate(feedback):
        where = f"feedback[{n}]"
        problems.choice(f.kind, f"{where}.kind", Comment.Kind.values)
        problems.filled(f.body, f"{where}.body")
        if f.kind == Comment.Kind.NEXT_STEP:
            problems.choice(f.state, f"{where}.state", Comment.State.values)
        else:
            problems.need(not f.state, f"{where}.state", "only a next step has a state")
        about = f.about
        targets = [about.item is not None, about.connection is not None, bool(about.stage)]
        problems.need(sum(targets) <= 1, f"{where}.about", "names more than one thing")
        problems.need(
            not about.stage or about.stage in STAGE_ORDER,
            f"{where}.about.stage",
            "is not a TASC stage",
        )
        for k, reply in enumerate(f.replies):
            problems.filled(reply.body, f"{where}.replies[{k}].body")


def _repeats(rows, key: Callable, where: str, problems: _Problems, why: str) -> None:
    """A problem at each row whose ``key(row)`` an earlier row already has."""
    seen = set()
    for n, row in enumerate(rows):
        value = key(row)
        if value is None:
            continue
        problems.need(value not in seen, f"{where}[{n}]", why)
        seen.add(value)


def _check_unique(export: schema.Export, problems: _Problems) -> None:
    """What the database would refuse as a duplicate, found here with its place in the file
    (the write must never fail half-way)."""
    _repeats(export.stages, lambda s: s.stage, "stages", problems, "a stage named twice")
    _repeats(export.stage_work, lambda w: w.stage, "stage_work", problems, "a stage twice")
    _repeats(
        export.connections,
        lambda c: (c.source, c.target, c.label),
        "connections",
        problems,
        "the same connection with the same label is already there",
    )
    _repeats(
        export.reviews,
        lambda v: v.by if v.is_self else None,
        "reviews",
        problems,
        "this person's self-review is already there: one each",
    )
    for n, item in enumerate(export.items):
        _repeats(
            item.revisions,
            # One kept text per version; one refused copy per person per version.
            lambda v: (v.version, v.conflicted and v.saved_by),
            f"items[{n}].revisions",
            problems,
            "this version is already there",
        )


def _refuse(problems: list[str], count: int, all_counted: bool = True) -> NoReturn:
    shown = problems[:MAX_SHOWN]
    more = count - len(shown)
    if more:
        shown.append(f"… and {'' if all_counted else 'at least '}{more} more problems")
    raise ValidationError(shown)
