"""Comparing a file's rows with the records we hold, a chunk at a time: what each row would
create or change, counted for the preview and, when writing, planned for ``import_writes``.

Its own module because this is where the rules of an import live: which school a row is for,
which fields a row may set and which keep their history, how FSM periods open and close, when
a register entry is superseded, and that a row saying what we already hold is *unchanged*.
``importing`` runs it over a whole file.
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date

from risingtide.register.import_writes import (
    HISTORY_FIELDS,
    PLAIN_FIELDS,
    ChunkWrites,
    derive,
    fsm_period,
    new_result,
    result_key,
    score_of,
)
from risingtide.register.models import (
    Attainment,
    CharacteristicChange,
    FsmPeriod,
    Pupil,
    RegisterEntry,
    academic_year,
)
from risingtide.register.rows import PupilRow, RegisterFlags, RegisterRow, RowError
from risingtide.schools.models import School

KEEP_ERRORS = 1000  # stored with the batch; the command line prints every one
KEEP_CHANGES = 200  # examples of what will change, for the preview


@dataclass
class Outcome:
    """What a check or a write found: the counts, the first errors and changes, the file's
    facts, and whether it was written."""

    creates: int = 0
    updates: int = 0
    unchanged: int = 0
    error_count: int = 0
    errors: list[dict] = field(default_factory=list)
    changes: list[dict] = field(default_factory=list)
    facts: dict = field(default_factory=dict)  # CTF version, source school, rows
    written: bool = False
    listener: Callable[[RowError], None] | None = None  # told of every error, kept or not
    error_rows: set = field(default_factory=set)  # the rows with at least one error

    @property
    def rows(self) -> int:
        return self.creates + self.updates + self.unchanged

    def add_error(self, error: RowError) -> None:
        self.error_count += 1
        self.error_rows.add(error.row)
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
            "error_row_count": len(self.error_rows),
            "errors": self.errors,
            "changes": self.changes,
            "facts": self.facts,
        }


@dataclass
class Target:
    """Where rows go: one school, or any school of an LA (an LA-wide file names each)."""

    school: School | None
    by_urn: dict[str, int]
    school_names: dict[int, str]

    @classmethod
    def of(cls, school: School | None, schools: Iterable[School]) -> "Target":
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


class Run:
    """One pass over a file: compare each chunk with what we hold and, when writing, write it."""

    def __init__(
        self,
        target: Target,
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
        plan = ChunkWrites()
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
                changed = self.register_entry(
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
            if flags is not None and self.register_entry(
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
    def _update_pupil(self, pupil: Pupil, row: PupilRow, plan: ChunkWrites) -> list[str]:
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
            derive(pupil)
            plan.updated_pupils[pupil.pk] = pupil
        return changed

    def _fsm(self, pupil: Pupil, row: PupilRow, held: dict, plan: ChunkWrites) -> list[str]:
        changed = False
        if row.fsm is not None:
            for period in row.fsm:
                ours = held.get(period.start)
                if ours is None:
                    plan.periods.append(fsm_period(pupil.pk, period.start, period.end))
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
                    plan.periods.append(fsm_period(pupil.pk, self.as_of))
                changed = True
            elif not row.fsm_now and open_period is not None:
                open_period.end = max(self.as_of, open_period.start)
                plan.period_ends.append(open_period)
                changed = True
        return ["FSM"] if changed else []

    def _assessments(self, pupil: Pupil, row: PupilRow, held: dict, plan) -> list[str]:
        changed = False
        for a in row.assessments:
            key = result_key(a)
            ours = held.get(key)
            if ours is None:
                held[key] = result = new_result(pupil.pk, key, a.result)
                plan.results.append(result)
                changed = True
            elif ours.result != a.result[:20]:
                ours.result, ours.score = a.result[:20], score_of(a.result)
                plan.result_updates.append(ours)
                changed = True
        return ["attainment"] if changed else []

    def register_entry(
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


def _text(value) -> str:
    if isinstance(value, bool):
        return "yes" if value else "no"
    return str(value or "")
