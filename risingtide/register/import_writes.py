"""Writing what a chunk of an import changes, in a few statements whatever its size: the new
records, updated fields, history, FSM periods, results and register entries.

Its own module because writing fast is its own craft (COPY on PostgreSQL, bulk statements
elsewhere), apart from deciding what to write (``import_comparison``): the plan is gathered
while a chunk is compared and saved at its end, inside the import's one transaction.
"""

from dataclasses import dataclass, field
from datetime import date
from operator import itemgetter
from typing import TYPE_CHECKING

from django.db import connection
from django.utils import timezone

from risingtide.register.ethnicity import major_group
from risingtide.register.models import (
    NOT_EAL,
    Attainment,
    CharacteristicChange,
    FsmPeriod,
    Pupil,
    RegisterEntry,
)
from risingtide.register.rows import PupilRow

if TYPE_CHECKING:  # for the annotation only: import_comparison imports this module
    from risingtide.register.import_comparison import Run

BATCH = 5000  # rows a statement writes at most: an import's chunk of pupils, in one

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


def score_of(result: str) -> float | None:
    try:
        value = float(result)
    except (TypeError, ValueError):
        return None
    return value if value == value and abs(value) < 1e9 else None  # no NaN or infinities


def result_key(a) -> tuple:
    return (a.stage[:10], a.subject[:40], a.component[:40], a.method[:10], a.year)


def new_result(pupil_id: int, key: tuple, result: str) -> Attainment:
    stage, subject, component, method, year = key
    return Attainment(
        pupil_id=pupil_id,
        stage=stage,
        subject=subject,
        component=component,
        method=method,
        year=year,
        result=result[:20],
        score=score_of(result),
    )


def fsm_period(pupil_id: int, start: date, end: date | None = None) -> dict:
    return {"pupil_id": pupil_id, "start": start, "end": end}


def new_pupil(school_id: int, row: PupilRow) -> dict:
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


def _ethnic_group(ethnicity: str) -> str:
    return (major_group(ethnicity) or "") if ethnicity else ""


def derive(pupil: Pupil) -> None:
    """Fields that follow from others: the ethnic major group, EAL."""
    pupil.ethnic_group = _ethnic_group(pupil.ethnicity)
    pupil.eal = pupil.first_language not in NOT_EAL


def insert_rows(model, rows: list[dict], *, ids: bool = False) -> list[int]:
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
        created = model.objects.bulk_create([model(**row) for row in rows], batch_size=BATCH)
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
class ChunkWrites:
    """What one chunk changes, gathered while it is compared; ``save`` writes it all."""

    new_pupils: list[tuple[int, PupilRow]] = field(default_factory=list)  # (school, row)
    updated_pupils: dict[int, Pupil] = field(default_factory=dict)
    changes: list[CharacteristicChange] = field(default_factory=list)
    periods: list[dict] = field(default_factory=list)  # new ones, as fsm_period gives
    period_ends: list[FsmPeriod] = field(default_factory=list)
    results: list[Attainment] = field(default_factory=list)
    result_updates: list[Attainment] = field(default_factory=list)
    entries: list[RegisterEntry] = field(default_factory=list)
    superseded: list[int] = field(default_factory=list)

    def save(self, run: "Run") -> None:
        now = timezone.now()
        if self.new_pupils:
            ids = insert_rows(
                Pupil, [new_pupil(school_id, row) for school_id, row in self.new_pupils], ids=True
            )
            for pupil_id, (school_id, row) in zip(ids, self.new_pupils, strict=True):
                run.touched_schools.add(school_id)
                run.known[school_id, row.upn] = pupil_id  # a later row for them updates them
                for period in row.fsm or ():
                    self.periods.append(fsm_period(pupil_id, period.start, period.end))
                if row.fsm_now:
                    self.periods.append(fsm_period(pupil_id, run.as_of))
                seen = set()
                for a in row.assessments:
                    key = result_key(a)
                    if key not in seen:
                        seen.add(key)
                        self.results.append(new_result(pupil_id, key, a.result))
                if row.register is not None:
                    run.register_entry(pupil_id, school_id, row.register, None, self)
        if self.updated_pupils:
            for pupil in self.updated_pupils.values():
                pupil.updated_at = now
            Pupil.objects.bulk_update(
                self.updated_pupils.values(),
                [*PLAIN_FIELDS, *HISTORY_FIELDS, "ethnic_group", "eal", "updated_at"],
                batch_size=BATCH,
            )
        CharacteristicChange.objects.bulk_create(self.changes, batch_size=BATCH)
        insert_rows(FsmPeriod, self.periods)
        if self.period_ends:
            FsmPeriod.objects.bulk_update(self.period_ends, ["end"], batch_size=BATCH)
        Attainment.objects.bulk_create(self.results, batch_size=BATCH)
        if self.result_updates:
            Attainment.objects.bulk_update(
                self.result_updates, ["result", "score"], batch_size=BATCH
            )
        if self.superseded:
            RegisterEntry.objects.filter(pk__in=self.superseded).update(current=False)
        RegisterEntry.objects.bulk_create(self.entries, batch_size=BATCH)
