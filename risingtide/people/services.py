"""Changes to people: adding pupils to a group, issuing new passwords.

Each function takes the acting person first, checks the capability through ``access``, acts
atomically and writes an audit event.
"""

from dataclasses import dataclass

from axes.utils import reset as axes_reset
from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.db.models import Q

from risingtide.access.core import can, visible
from risingtide.audit.models import record
from risingtide.people import credentials, roster
from risingtide.people.models import Membership, Role, User
from risingtide.schools.models import TeachingGroup


@dataclass(frozen=True)
class IssuedCredential:
    """A pupil's sign-in as printed on a card: the password exists only in this object."""

    pupil: User
    password: str


class RosterError(Exception):
    def __init__(self, errors: list[roster.RowError]):
        super().__init__(f"{len(errors)} problem(s) in the pupil list")
        self.errors = errors


def add_pupils(actor: User, group: TeachingGroup, text: str) -> list[IssuedCredential]:
    """Create a pupil account for every row of ``text`` and put them in ``group``.

    Either every pupil is created or, on any bad row, none is (``RosterError`` lists them all).
    """
    if not can(actor, "teaching_group.manage_pupils", group):
        raise PermissionDenied
    rows, errors = roster.parse(text, settings.PUPIL_IMPORT_MAX_ROWS)
    if errors:
        raise RosterError(errors)
    try:
        return _create_pupils(actor, group, rows)
    except IntegrityError:
        # Another list took one of these usernames between our check and our insert.
        raise RosterError(
            [roster.RowError(0, "", "someone added pupils at the same moment; send the list again")]
        ) from None


def _new_passwords(count: int) -> list[tuple[str, str]]:
    """Passwords and their hashes, made before any transaction: hashing is deliberately slow
    and must not hold SQLite's write lock while a class is signing in."""
    return [(p, make_password(p)) for p in (credentials.new_password() for _ in range(count))]


def _create_pupils(
    actor: User, group: TeachingGroup, rows: list[roster.RosterRow]
) -> list[IssuedCredential]:
    passwords = _new_passwords(len(rows))
    with transaction.atomic():
        errors = _conflicts(group, rows)
        if errors:
            raise RosterError(errors)
        bases = [
            row.username or credentials.username_base(row.first_name, row.last_name) for row in rows
        ]
        taken = {row.username for row in rows if row.username}
        unique_bases = sorted(set(bases))
        for start in range(0, len(unique_bases), 100):  # keep each OR list short for SQLite
            chunk = unique_bases[start : start + 100]
            taken.update(
                User.objects.filter(
                    Q(*[Q(username__startswith=b) for b in chunk], _connector=Q.OR)
                ).values_list("username", flat=True)
            )
        auto = [row.username == "" for row in rows]
        chosen = credentials.unique_usernames(
            [b for b, a in zip(bases, auto, strict=True) if a], taken
        )
        names = iter(chosen)
        issued = []
        for row, base, is_auto, (password, hashed) in zip(
            rows, bases, auto, passwords, strict=True
        ):
            pupil = User.objects.create(
                username=next(names) if is_auto else base,
                first_name=row.first_name,
                last_name=row.last_name,
                password=hashed,
            )
            issued.append(IssuedCredential(pupil, password))
        Membership.objects.bulk_create(
            [Membership(user=c.pupil, role=Role.PUPIL, school=group.school) for c in issued]
            + [
                Membership(user=c.pupil, role=Role.PUPIL, school=group.school, teaching_group=group)
                for c in issued
            ]
        )
        record(
            actor,
            "pupils.added",
            group,
            school=group.school,
            count=len(issued),
            usernames=[c.pupil.username for c in issued],
        )
    return issued


def _conflicts(group: TeachingGroup, rows: list[roster.RosterRow]) -> list[roster.RowError]:
    errors = []
    wanted = [row for row in rows if row.username]
    taken = set(
        User.objects.filter(username__in=[r.username for r in wanted]).values_list(
            "username", flat=True
        )
    )
    seen: dict[str, int] = {}
    for row in wanted:
        if row.username in taken:
            errors.append(roster.RowError(row.line, "username", f"{row.username!r} is taken"))
        elif row.username in seen:
            errors.append(
                roster.RowError(
                    row.line, "username", f"{row.username!r} is also on line {seen[row.username]}"
                )
            )
        seen.setdefault(row.username, row.line)
    existing = {
        (f.casefold(), s.casefold())
        for f, s in User.objects.filter(
            memberships__teaching_group=group, memberships__role=Role.PUPIL
        ).values_list("first_name", "last_name")
    }
    lines: dict[tuple[str, str], int] = {}
    for row in rows:
        key = (row.first_name.casefold(), row.last_name.casefold())
        if key in existing:
            errors.append(
                roster.RowError(
                    row.line,
                    "name",
                    f"{row.first_name} {row.last_name} is already in {group.name}",
                )
            )
        elif key in lines:
            errors.append(
                roster.RowError(
                    row.line,
                    "name",
                    f"{row.first_name} {row.last_name} is also on line {lines[key]}; "
                    "add twins or namesakes with a username column to tell them apart",
                )
            )
        lines.setdefault(key, row.line)
    return sorted(errors, key=lambda e: e.line)


def reissue_passwords(actor: User, pupils: list[User]) -> list[IssuedCredential]:
    """Give each pupil a new password (for a sign-in card); refuses if any is out of reach."""
    ids = [p.pk for p in pupils]
    allowed = visible(actor, "pupil", "pupil.reset_password").filter(pk__in=ids)
    reachable = {p.pk: p for p in allowed}
    if len(reachable) != len(set(ids)):
        raise PermissionDenied
    unique = list(dict.fromkeys(ids))
    issued = []
    with transaction.atomic():
        for pk, (password, hashed) in zip(unique, _new_passwords(len(unique)), strict=True):
            pupil = reachable[pk]
            pupil.password = hashed
            pupil.save(update_fields=["password"])
            issued.append(IssuedCredential(pupil, password))
            # A new card lifts any sign-in lock-out: "ask your teacher" must work.
            axes_reset(username=pupil.username)
        record(
            actor, "pupils.passwords_reissued", None, usernames=[c.pupil.username for c in issued]
        )
    return issued
