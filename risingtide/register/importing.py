"""Importing pupil data: compare a file's rows with the records we hold, then write.

``check`` and ``write`` run the same comparison over the rows (streamed, a chunk at a time);
``check`` only counts what would happen (the preview), ``write`` also writes it, in one
transaction that rolls back whole if any row is wrong. A file imported twice changes nothing the
second time: a row that says what we already hold is *unchanged* and writes nothing.
"""

import hashlib
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date
from itertools import islice
from operator import itemgetter

from django.db import connection, transaction
from django.utils import timezone

from risingtide.register import events
from risingtide.register.ctf.reading import MAX_BYTES, CtfRefused, read_ctf
from risingtide.register.ethnicity import major_group
from risingtide.register.import_batches import ImportBatch
from risingtide.register.models import (
    NOT_EAL,
    Attainment,
    CharacteristicChange,
    FsmPeriod,
    Pupil,
    RegisterEntry,
    academic_year,
)
from risingtide.register.rows import PupilRow, RegisterFlags, RegisterRow, RowError
from risingtide.register.table_files import TableRefused
from risingtide.register.tabular import read_table
from risingtide.schools.models import School

CHUNK = 5000  # rows compared and written at a time: a few queries each
KEEP_ERRORS = 1000  # stored with the batch; the command line prints every one
KEEP_CHANGES = 200  # examples of what will change, for the preview

# The record's fields a file may set, and those whose changes are kept as history.
PLAIN_FIELDS = (
    "legal_surname",
    "legal_forename",
    "preferred_surname",
    "preferred_forename",
    "date_of_birth",
    "temporary_upn",
)
HISTORY_FIELDS = {
    "ethnicity": CharacteristicChange.Kind.ETHNICITY,
    "first_language": CharacteristicChange.Kind.FIRST_LANGUAGE,
    "sen": CharacteristicChange.Kind.SEN,
    "looked_after": CharacteristicChange.Kind.LOOKED_AFTER,
    "nc_year": CharacteristicChange.Kind.NC_YEAR,
    "gender": CharacteristicChange.Kind.GENDER,
}


class ImportRefused(ValueError):
    """The whole file cannot be imported; the message says why."""


class HasErrors(Exception):
    """Raised inside the write to roll it back: some rows are wrong."""


@dataclass
class Outcome:
    creates: int = 0
    updates: int = 0
    unchanged: int = 0
    error_count: int = 0
    errors: list[dict] = field(default_factory=list)
    changes: list[dict] = field(default_factory=list)
    facts: dict = field(default_factory=dict)  # CTF version, source school, rows
    written: bool = False
    listener: Callable[[RowError], None] | None = None  # told of every error, kept or not

    @property
    def rows(self) -> int:
        return self.creates + self.updates + self.unchanged

    def add_error(self, error: RowError) -> None:
        self.error_count += 1
        if self.listener is not None:
            self.listener(error)
        if len(self.errors) < KEEP_ERRORS:
            self.errors.append(
                {"row": error.row, "upn": error.upn, "field": error.field, "reason": error.reason}
            )

    def as_summary(self) -> dict:
        return {
            "creates": self.creates,
            "updates": self.updates,
            "unchanged": self.unchanged,
            "error_count": self.error_count,
            "errors": self.errors,
            "changes": self.changes,
            "facts": self.facts,
        }


@dataclass
class Source:
    """A file to import and how to read it."""

    path: str
    format: str  # ctf, csv, xlsx
    kind: str = ImportBatch.Kind.PUPILS
    mapping: dict = field(default_factory=dict)
    encoding: str = "utf-8"
    name: str = ""


def sha256_of(path: str) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def count_rows(source: Source) -> int:
    """A fast estimate of the rows to go through, for the progress bar."""
    if source.format == "csv":
        with open(source.path, "rb") as handle:
            lines = sum(block.count(b"\n") for block in iter(lambda: handle.read(1 << 20), b""))
        return max(lines - 1, 0)
    return 0  # XLSX and CTF: known once read


def read_rows(
    source: Source, facts: dict, as_of: date
) -> Iterator[PupilRow | RegisterRow | RowError]:
    """The file's rows and row errors, whatever its format; ``facts`` gets what the file says
    about itself. Raises ImportRefused for a file that cannot be read at all."""
    if source.format == "ctf":
        with open(source.path, "rb") as handle:
            data = handle.read(MAX_BYTES + 1)
        try:
            parsed = read_ctf(data)
        except CtfRefused as refused:
            raise ImportRefused(str(refused)) from None
        facts.update(
            version=parsed.version,
            document_date=parsed.document_date,
            source=" ".join(
                part
                for part in (
                    parsed.source_name,
                    f"({parsed.source_la}/{parsed.source_estab})" if parsed.source_la else "",
                    f"URN {parsed.source_urn}" if parsed.source_urn else "",
                )
                if part
            ),
            destination=(
                f"{parsed.dest_la}/{parsed.dest_estab}" if getattr(parsed, "dest_la", "") else ""
            ),
            rows=len(parsed.pupils) + len({e.row for e in parsed.errors}),
        )
        errors = sorted(parsed.errors, key=lambda e: e.row)
        pupils = parsed.pupils
        # Interleave by row so the preview reads in file order.
        yield from sorted([*pupils, *errors], key=lambda r: r.row)
        return
    try:
        yield from read_table(
            source.path,
            source.format,
            source.mapping,
            kind=source.kind,
            encoding=source.encoding,
            as_of=as_of,
        )
    except TableRefused as refused:
        raise ImportRefused(str(refused)) from None


def _chunks(iterable: Iterable, size: int) -> Iterator[list]:
    iterator = iter(iterable)
    while chunk := list(islice(iterator, size)):
        yield chunk


def _number(result: str) -> float | None:
    try:
        value = float(result)
    except (TypeError, ValueError):
        return None
    return value if value == value and abs(value) < 1e9 else None  # no NaN or infinities


@dataclass
class _Target:
    """Where rows go: one school, or any school of an LA (an LA-wide file names each)."""

    school: School | None
    by_urn: dict[str, int]
    school_names: dict[int, str]

    @classmethod
    def of(cls, school: School | None, schools: Iterable[School]) -> "_Target":
        schools = list(schools)
        return cls(
            school,
            {s.urn: s.pk for s in schools},
            {s.pk: s.name for s in schools},
        )

    def school_for(self, row) -> tuple[int | None, str]:
        urn = getattr(row, "school_urn", None)
        if self.school is not None:
            if urn and urn != self.school.urn:
                return None, f"this file is for {self.school.name} (URN {self.school.urn})"
            return self.school.pk, ""
        if not urn:
            return None, "missing: an LA-wide file names each pupil's school by URN"
        if urn not in self.by_urn:
            return None, f"{urn} is not a school of this local authority"
        return self.by_urn[urn], ""


class _Run:
    """One pass over a file: compare each chunk with what we hold and, when writing, write it."""

    def __init__(
        self,
        target: _Target,
        outcome: Outcome,
        *,
        write: bool,
        as_of: date,
        actor,
        source_label: str,
    ):
        self.target = target
        self.outcome = outcome
        self.write = write
        self.as_of = as_of
        self.year = academic_year(as_of)
        self.actor = actor
        self.actor_name = (actor.get_full_name() or actor.username) if actor else ""
        self.source_label = source_label
        self.touched_schools: set[int] = set()  # given new records (to link to accounts)
        self.schools_in_file: set[int] = set()  # their census is taken again after a write
        self.known: dict[tuple[int, str], int] = {}

    def load_known(self) -> None:
        """(school, UPN) -> id of every record the target's schools hold: one query up front,
        so that a chunk asks only for records it will find (none at all, for a first import)."""
        self.known = {
            (school_id, upn): pk
            for school_id, upn, pk in Pupil.objects.filter(
                school_id__in=self.target.school_names
            ).values_list("school_id", "upn", "pk")
        }

    # --- one chunk ---------------------------------------------------------------------------
    def chunk(self, rows: list) -> None:
        placed: list[tuple[int, PupilRow | RegisterRow]] = []
        for row in rows:
            if isinstance(row, RowError):
                self.outcome.add_error(row)
                continue
            school_id, problem = self.target.school_for(row)
            if problem:
                self.outcome.add_error(RowError(row.row, row.upn, "School URN", problem))
                continue
            placed.append((school_id, row))
            self.schools_in_file.add(school_id)
        if not placed:
            return
        known = self.known
        ids = [known[key] for key in ((s, r.upn) for s, r in placed) if key in known]
        existing = (
            {(p.school_id, p.upn): p for p in Pupil.objects.filter(pk__in=ids)} if ids else {}
        )
        periods: dict[int, dict] = {}
        results: dict[int, dict] = {}
        entries: dict[int, RegisterEntry] = {}
        if ids:
            if any(
                isinstance(r, PupilRow) and (r.fsm is not None or r.fsm_now is not None)
                for _, r in placed
            ):
                for period in FsmPeriod.objects.filter(pupil_id__in=ids):
                    periods.setdefault(period.pupil_id, {})[period.start] = period
            if any(isinstance(r, PupilRow) and r.assessments for _, r in placed):
                for result in Attainment.objects.filter(pupil_id__in=ids):
                    key = (
                        result.stage,
                        result.subject,
                        result.component,
                        result.method,
                        result.year,
                    )
                    results.setdefault(result.pupil_id, {})[key] = result
            if any(_flags(r) is not None for _, r in placed):
                for entry in RegisterEntry.objects.filter(
                    pupil_id__in=ids, academic_year=self.year, current=True
                ):
                    entries[entry.pupil_id] = entry
        plan = _ChunkWrites()
        for school_id, row in placed:
            pupil = existing.get((school_id, row.upn))
            if isinstance(row, RegisterRow):
                if pupil is None:
                    school = self.target.school_names.get(school_id, "this school")
                    self.outcome.add_error(
                        RowError(
                            row.row,
                            row.upn,
                            "UPN",
                            f"no pupil with this UPN at {school}; import their pupil data first",
                        )
                    )
                    continue
                changed = self._register(
                    pupil.pk, pupil.school_id, row.flags, entries.get(pupil.pk), plan
                )
                self._count(row, pupil, ["G&T register"] if changed else [])
                continue
            if pupil is None:
                plan.new_pupils.append((school_id, row))
                self._count(row, None, [])
                continue
            fields = self._update_pupil(pupil, row, plan)
            fields += self._fsm(pupil, row, periods.get(pupil.pk, {}), plan)
            fields += self._assessments(pupil, row, results.get(pupil.pk, {}), plan)
            flags = _flags(row)
            current = entries.get(pupil.pk)
            if flags is not None and self._register(
                pupil.pk, pupil.school_id, flags, current, plan
            ):
                fields.append("G&T register")
            self._count(row, pupil, fields)
        if self.write:
            plan.save(self)

    def _count(self, row, pupil: Pupil | None, fields: list[str]) -> None:
        if pupil is None:
            self.outcome.creates += 1
            action = "create"
        elif fields:
            self.outcome.updates += 1
            action = "update"
        else:
            self.outcome.unchanged += 1
            return
        if len(self.outcome.changes) < KEEP_CHANGES:
            name = " ".join(
                filter(
                    None,
                    [
                        getattr(row, "legal_forename", None)
                        or getattr(pupil, "legal_forename", ""),
                        getattr(row, "legal_surname", None) or getattr(pupil, "legal_surname", ""),
                    ],
                )
            )
            self.outcome.changes.append(
                {
                    "row": row.row,
                    "upn": row.upn,
                    "name": name,
                    "action": action,
                    "fields": sorted(set(fields)),
                }
            )

    # --- what a row changes ------------------------------------------------------------------
    def _update_pupil(self, pupil: Pupil, row: PupilRow, plan: "_ChunkWrites") -> list[str]:
        changed = []
        for name in PLAIN_FIELDS:
            value = getattr(row, name)
            if name == "preferred_surname" and value == "":
                value = ""  # a blank preferred name means "as legal"
            if value is not None and getattr(pupil, name) != value:
                setattr(pupil, name, value)
                changed.append(name)
        for name, kind in HISTORY_FIELDS.items():
            value = getattr(row, name)
            if value is None:
                continue
            old = getattr(pupil, name)
            if old != value:
                plan.changes.append(
                    CharacteristicChange(
                        pupil=pupil,
                        kind=kind,
                        old_value=_text(old),
                        new_value=_text(value),
                        changed_on=self.as_of,
                        source=self.source_label,
                    )
                )
                setattr(pupil, name, value)
                changed.append(name)
        if changed:
            _derive(pupil)
            plan.updated_pupils[pupil.pk] = pupil
        return changed

    def _fsm(self, pupil: Pupil, row: PupilRow, held: dict, plan: "_ChunkWrites") -> list[str]:
        changed = False
        if row.fsm is not None:
            for period in row.fsm:
                ours = held.get(period.start)
                if ours is None:
                    plan.periods.append(_period(pupil.pk, period.start, period.end))
                    changed = True
                elif ours.end != period.end and period.end is not None:
                    ours.end = period.end
                    plan.period_ends.append(ours)
                    changed = True
        elif row.fsm_now is not None:
            open_period = next((p for p in held.values() if p.end is None), None)
            if row.fsm_now and open_period is None:
                if self.as_of in held:  # ended today and eligible again: reopen it
                    reopened = held[self.as_of]
                    reopened.end = None
                    plan.period_ends.append(reopened)
                else:
                    plan.periods.append(_period(pupil.pk, self.as_of))
                changed = True
            elif not row.fsm_now and open_period is not None:
                open_period.end = max(self.as_of, open_period.start)
                plan.period_ends.append(open_period)
                changed = True
        return ["FSM"] if changed else []

    def _assessments(self, pupil: Pupil, row: PupilRow, held: dict, plan) -> list[str]:
        changed = False
        for a in row.assessments:
            key = _result_key(a)
            ours = held.get(key)
            if ours is None:
                held[key] = result = _result(pupil.pk, key, a.result)
                plan.results.append(result)
                changed = True
            elif ours.result != a.result[:20]:
                ours.result, ours.score = a.result[:20], _number(a.result)
                plan.result_updates.append(ours)
                changed = True
        return ["attainment"] if changed else []

    def _register(
        self,
        pupil_id: int,
        school_id: int,
        flags: RegisterFlags,
        current: RegisterEntry | None,
        plan,
    ) -> bool:
        if flags.gifted_talented:
            wanted = dict(
                status=RegisterEntry.Status.IDENTIFIED,
                gifted=flags.gifted,
                talented=flags.talented,
                top_5=flags.top_5,
                domains=sorted(flags.domains),
            )
            if current is not None and all(
                getattr(current, k) == (sorted(v) if k == "domains" else v)
                for k, v in wanted.items()
            ):
                return False
            reason = "On the register in the imported file"
        else:
            if current is None or current.status != RegisterEntry.Status.IDENTIFIED:
                return False
            wanted = dict(
                status=RegisterEntry.Status.REMOVED,
                gifted=False,
                talented=False,
                top_5=False,
                domains=[],
            )
            reason = "Not on the register in the imported file"
        plan.entries.append(
            RegisterEntry(
                pupil_id=pupil_id,
                school_id=school_id,
                academic_year=self.year,
                reason=reason,
                recorded_by=self.actor,
                recorded_by_name=self.actor_name,
                source=self.source_label,
                current=True,
                **wanted,
            )
        )
        if current is not None:
            plan.superseded.append(current.pk)
        return True


def _flags(row) -> RegisterFlags | None:
    return row.flags if isinstance(row, RegisterRow) else getattr(row, "register", None)


def _result_key(a) -> tuple:
    return (a.stage[:10], a.subject[:40], a.component[:40], a.method[:10], a.year)


def _result(pupil_id: int, key: tuple, result: str) -> Attainment:
    stage, subject, component, method, year = key
    return Attainment(
        pupil_id=pupil_id,
        stage=stage,
        subject=subject,
        component=component,
        method=method,
        year=year,
        result=result[:20],
        score=_number(result),
    )


def _period(pupil_id: int, start: date, end: date | None = None) -> dict:
    return {"pupil_id": pupil_id, "start": start, "end": end}


def _new_pupil(school_id: int, row: PupilRow) -> dict:
    """A new record's fields (attname -> value) from a row; the others take their defaults."""
    ethnicity = row.ethnicity or ""
    first_language = row.first_language or ""
    return {
        "school_id": school_id,
        "upn": row.upn,
        "temporary_upn": row.temporary_upn,
        "legal_surname": row.legal_surname or "",
        "legal_forename": row.legal_forename or "",
        "preferred_surname": row.preferred_surname or "",
        "preferred_forename": row.preferred_forename or "",
        "date_of_birth": row.date_of_birth,
        "gender": row.gender or "U",
        "nc_year": row.nc_year or "",
        "ethnicity": ethnicity,
        "ethnic_group": _ethnic_group(ethnicity),
        "first_language": first_language,
        "eal": first_language not in NOT_EAL,
        "sen": row.sen or "",
        "looked_after": bool(row.looked_after),
    }


def _text(value) -> str:
    if isinstance(value, bool):
        return "yes" if value else "no"
    return str(value or "")


def _ethnic_group(ethnicity: str) -> str:
    return (major_group(ethnicity) or "") if ethnicity else ""


def _derive(pupil: Pupil) -> None:
    """Fields that follow from others: the ethnic major group, EAL."""
    pupil.ethnic_group = _ethnic_group(pupil.ethnicity)
    pupil.eal = pupil.first_language not in NOT_EAL


def _create(model, rows: list[dict], *, ids: bool = False) -> list[int]:
    """Insert ``rows`` (attname -> value, the same fields in each; every other field takes its
    default) and, with ``ids``, return their primary keys in order.

    On PostgreSQL this is COPY, with the keys drawn from the table's sequence first: several
    times faster than INSERT for the 200,000 records of an LA-wide file, most of INSERT's cost
    being Django preparing each value. The values must be ones psycopg adapts as they are
    (text, numbers, booleans, dates and times). Elsewhere (SQLite) it is ``bulk_create``.
    """
    if not rows:
        return []
    if connection.vendor != "postgresql":
        created = model.objects.bulk_create([model(**row) for row in rows], batch_size=CHUNK)
        return [each.pk for each in created]
    meta = model._meta
    now = timezone.now()
    given = rows[0].keys()
    defaults = {
        f.attname: now if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False)
        else f.get_default()
        for f in meta.concrete_fields
        if f.attname not in given and not f.primary_key
    }  # fmt: skip
    fields = [f for f in meta.concrete_fields if ids or not f.primary_key]
    quote = connection.ops.quote_name
    columns = ", ".join(quote(f.column) for f in fields)
    values = itemgetter(*(f.attname for f in fields))
    with connection.cursor() as cursor:
        keys: list[int] = []
        if ids:
            cursor.execute(
                "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
                [meta.db_table, meta.pk.column, len(rows)],
            )
            keys = [key for (key,) in cursor.fetchall()]
            rows = [{**row, meta.pk.attname: key} for key, row in zip(keys, rows, strict=True)]
        with cursor.copy(f"COPY {quote(meta.db_table)} ({columns}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(values({**defaults, **row}))
    return keys


@dataclass
class _ChunkWrites:
    new_pupils: list[tuple[int, PupilRow]] = field(default_factory=list)  # (school, row)
    updated_pupils: dict[int, Pupil] = field(default_factory=dict)
    changes: list[CharacteristicChange] = field(default_factory=list)
    periods: list[dict] = field(default_factory=list)  # new ones, as _period gives
    period_ends: list[FsmPeriod] = field(default_factory=list)
    results: list[Attainment] = field(default_factory=list)
    result_updates: list[Attainment] = field(default_factory=list)
    entries: list[RegisterEntry] = field(default_factory=list)
    superseded: list[int] = field(default_factory=list)

    def save(self, run: _Run) -> None:
        now = timezone.now()
        if self.new_pupils:
            ids = _create(
                Pupil, [_new_pupil(school_id, row) for school_id, row in self.new_pupils], ids=True
            )
            for pupil_id, (school_id, row) in zip(ids, self.new_pupils, strict=True):
                run.touched_schools.add(school_id)
                run.known[school_id, row.upn] = pupil_id  # a later row for them updates them
                for period in row.fsm or ():
                    self.periods.append(_period(pupil_id, period.start, period.end))
                if row.fsm_now:
                    self.periods.append(_period(pupil_id, run.as_of))
                seen = set()
                for a in row.assessments:
                    key = _result_key(a)
                    if key not in seen:
                        seen.add(key)
                        self.results.append(_result(pupil_id, key, a.result))
                if row.register is not None:
                    run._register(pupil_id, school_id, row.register, None, self)
        if self.updated_pupils:
            for pupil in self.updated_pupils.values():
                pupil.updated_at = now
            Pupil.objects.bulk_update(
                self.updated_pupils.values(),
                [*PLAIN_FIELDS, *HISTORY_FIELDS, "ethnic_group", "eal", "updated_at"],
                batch_size=CHUNK,
            )
        CharacteristicChange.objects.bulk_create(self.changes, batch_size=CHUNK)
        _create(FsmPeriod, self.periods)
        if self.period_ends:
            FsmPeriod.objects.bulk_update(self.period_ends, ["end"], batch_size=CHUNK)
        Attainment.objects.bulk_create(self.results, batch_size=CHUNK)
        if self.result_updates:
            Attainment.objects.bulk_update(
                self.result_updates, ["result", "score"], batch_size=CHUNK
            )
        if self.superseded:
            RegisterEntry.objects.filter(pk__in=self.superseded).update(current=False)
        RegisterEntry.objects.bulk_create(self.entries, batch_size=CHUNK)


def run_import(source: Source, *, as_of: date | None = None, **options) -> Outcome:
    """Check (``write=False``) or import (``write=True``) a file: see ``import_rows``."""
    as_of = as_of or timezone.localdate()
    facts: dict = {}
    options.setdefault("source_label", f"import of {source.name}")
    return import_rows(
        read_rows(source, facts, as_of),
        as_of=as_of,
        total=count_rows(source),
        facts=facts,
        **options,
    )


def import_rows(
    rows: Iterable[PupilRow | RegisterRow | RowError],
    *,
    school: School | None = None,
    schools: Iterable[School] = (),
    write: bool,
    actor=None,
    source_label: str = "import",
    progress: Callable[[int, int], None] | None = None,
    on_error: Callable[[RowError], None] | None = None,
    as_of: date | None = None,
    total: int = 0,
    facts: dict | None = None,
) -> Outcome:
    """Compare rows with ``school``'s records (or, for an LA-wide file, ``schools``') and, with
    ``write``, write the differences. A write with any row error writes nothing."""
    as_of = as_of or timezone.localdate()
    outcome = Outcome(listener=on_error, facts=facts if facts is not None else {})
    target = _Target.of(school, [school] if school else schools)
    run = _Run(target, outcome, write=write, as_of=as_of, actor=actor, source_label=source_label)

    def go() -> None:
        run.load_known()
        done = 0
        for chunk in _chunks(rows, CHUNK):
            run.chunk(chunk)
            done += len(chunk)
            if progress is not None:
                progress(done, max(total, outcome.facts.get("rows", 0), done))
        if write and outcome.error_count:
            raise HasErrors
        if write:
            from risingtide.register.services import link_accounts  # services imports us

            for school_id in run.touched_schools:
                link_accounts(school_id)
            # The school's figures, its LA's and the nation's follow in the same transaction.
            events.pupil_data_changed.send(school_ids=run.schools_in_file, as_of=as_of)

    if not write:
        go()
        return outcome
    try:
        with transaction.atomic():
            go()
    except HasErrors:
        return outcome
    outcome.written = True
    return outcome
