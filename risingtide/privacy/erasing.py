"""Erasing a pupil: what each app declared (``personal_data.py``) is done to every row about
them or naming them, in one transaction; then the files those rows held leave storage.

What stays, and why, is each declaration's ``Keep`` (listed in docs/privacy.md). The census
snapshots stay with every count and score, so every figure published from them is unchanged;
only what tied a snapshot to the child goes. The pupil record and the account stay as rows
that name no one, so that what points at them (a booked place, a group's shared note) still
holds together. Nothing here can be undone: only a backup brings the pupil back.
"""

from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.db import connection, transaction

from risingtide.audit.models import record
from risingtide.lib.personal_data import Custom, Delete, Holding, Keep, Person, Replace, holdings
from risingtide.register.models import Pupil


@dataclass(frozen=True)
class Step:
    """What erasure does to one declared model: the rows about the pupil and those that name
    them (a row can be both: their own note in a group's portfolio), with what happens to
    each. What is done to rows that name them comes second, so it wins: the group's portfolio
    stays, their note in it goes."""

    holding: Holding
    about: frozenset[int]
    named: frozenset[int]
    files: frozenset[tuple[int, str, str]] = frozenset()  # (row, field, stored name)

    @property
    def title(self) -> str:
        return self.holding.heading

    @property
    def count(self) -> int:
        return len(self.about | self.named)

    @property
    def about_says(self) -> str:
        return self.holding.erase.says()

    @property
    def named_says(self) -> str:
        return self.holding.erase_named.says()

    @property
    def kept(self) -> bool:
        return (not self.about or isinstance(self.holding.erase, Keep)) and (
            not self.named or isinstance(self.holding.erase_named, Keep)
        )


def person_of(pupil: Pupil) -> Person:
    return Person(user_id=pupil.account_id, pupil_id=pupil.pk)


def is_erased(pupil: Pupil) -> bool:
    return pupil.upn.startswith("ERASED") and pupil.temporary_upn


def plan(pupil: Pupil) -> list[Step]:
    """Every declared model that holds something about the pupil, and what erasure will do
    (two queries a model, whatever the pupil holds: the confirmation page reads this)."""
    person = person_of(pupil)
    steps = []
    for holding in holdings():
        manager = holding.model_class._base_manager
        fields = holding.file_fields()

        def rows(q, manager=manager, fields=fields) -> list[tuple]:
            return [] if q is None else list(manager.filter(q).values_list("pk", *fields))

        about = rows(holding.about_q(person))
        named = rows(holding.named_q(person))
        if about or named:
            files = {
                (row[0], name, row[i + 1])
                for row in about + named
                for i, name in enumerate(fields)
                if row[i + 1]
            }
            steps.append(
                Step(
                    holding,
                    frozenset(r[0] for r in about),
                    frozenset(r[0] for r in named),
                    frozenset(files),
                )
            )
    return steps


def _apply(action, rows, person: Person) -> None:
    if isinstance(action, Delete):
        rows.delete()
    elif isinstance(action, Replace):
        rows.update(**action.values)
    elif isinstance(action, Custom):
        action.run(rows, person)
    # Keep: nothing to do, by design.


def files_of(steps: list[Step]) -> list[tuple[Holding, int, str, str]]:
    """Every file a row about or naming the pupil holds: (holding, row, field, stored name)."""
    return sorted(
        ((step.holding, pk, field, name) for step in steps for pk, field, name in step.files),
        key=lambda entry: (entry[0].model, entry[1], entry[2]),
    )


def _gone(files: list[tuple[Holding, int, str, str]]) -> list[str]:
    """The stored names no row holds any more (one query per model that had files)."""
    gone = []
    by_model: dict[str, list] = {}
    for entry in files:
        by_model.setdefault(entry[0].model, []).append(entry)
    for entries in by_model.values():
        holding = entries[0][0]
        fields = holding.file_fields()
        left = {
            (row["pk"], f, row[f])
            for row in holding.model_class._base_manager.filter(
                pk__in=[pk for _h, pk, _f, _n in entries]
            ).values("pk", *fields)
            for f in fields
        }
        gone += [name for _h, pk, f, name in entries if (pk, f, name) not in left]
    return gone


def erase_pupil(actor, pupil: Pupil) -> dict[str, int]:
    """Erase the pupil, for good: every declared row about them or naming them dealt with as
    its app declared, in one transaction; their files leave storage once it commits. Returns
    the number of rows touched per model (also in the audit event, which names no one)."""
    if is_erased(pupil):
        raise ValidationError("This pupil's record has already been erased.")
    with transaction.atomic():
        if connection.vendor == "postgresql":
            # Deleting a portfolio deletes its items and the threads on them, which point at
            # each other in a cycle (a thread on a connection between items): Django's deletion
            # leans on foreign keys checked at commit, which an enclosing transaction may have
            # made immediate (a full insights rebuild does, for its TRUNCATE).
            with connection.cursor() as cursor:
                cursor.execute("SET CONSTRAINTS ALL DEFERRED")
        # Two heads erasing at once: the second waits here, then finds it done.
        pupil = Pupil.objects.select_for_update().get(pk=pupil.pk)
        if is_erased(pupil):
            raise ValidationError("This pupil's record has already been erased.")
        person = person_of(pupil)
        steps = plan(pupil)
        files = files_of(steps)
        for step in steps:
            manager = step.holding.model_class._base_manager
            if step.about:
                _apply(step.holding.erase, manager.filter(pk__in=step.about), person)
            if step.named:
                _apply(step.holding.erase_named, manager.filter(pk__in=step.named), person)
        counts = {s.holding.model: s.count for s in steps if not s.kept}
        gone = _gone(files)
        record(
            actor, "privacy.pupil_erased", pupil, school=pupil.school, rows=counts, files=len(gone)
        )
        # Storage is not transactional: files go only once the rows that named them have.
        transaction.on_commit(lambda: _remove(gone))
    return counts


def _remove(names: list[str]) -> None:
    for name in names:
        default_storage.delete(name)
