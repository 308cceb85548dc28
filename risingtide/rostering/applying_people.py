"""Applying a bundle's people: users to accounts and school memberships, enrolments to teaching
group memberships, and (for a bulk file) ending the memberships that are no longer listed.

Users and enrolments are taken a chunk at a time, with a few queries per chunk, so that an LA's
40,000 users and 200,000 enrolments go through in bounded memory. An account is never deleted:
a person who leaves the roster loses their memberships, and keeps everything they wrote.
"""

import re
from collections.abc import Iterable, Iterator
from itertools import islice

from django.db.models import F, Q
from django.db.models.functions import Lower

from risingtide.people import credentials
from risingtide.people.models import Membership, Role, User
from risingtide.register.import_writes import insert_rows
from risingtide.rostering import bundle as b
from risingtide.rostering.models import RosterLink
from risingtide.rostering.writing import guid

CHUNK = 2000
STAFF_ROLES = ("teacher", "administrator", "principal", "siteAdministrator")
# Roles a bundle may carry that give no account here, and why (shown in the preview).
SKIPPED_ROLES = {
    "aide": "teaching assistants are added in the platform by the school",
    "proctor": "invigilators have no account here",
    "counselor": "counsellors have no account here",
    "guardian": "carers are linked by the school's invitation, never from a file",
    "parent": "carers are linked by the school's invitation, never from a file",
    "relative": "carers are linked by the school's invitation, never from a file",
    "districtAdministrator": "LA roles are given in the platform, never from a file",
    "systemAdministrator": "site roles are given in the platform, never from a file",
}
EMAIL_RE = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
KIND_OF = {Role.PUPIL: "pupils", Role.TEACHER: "staff"}
ROW_FIELD = {
    "first_name": "givenName",
    "last_name": "familyName",
    "email": "email",
    "mis_id": "identifier",
}


def _chunks(items: Iterable, size: int) -> Iterator[list]:
    iterator = iter(items)
    while chunk := list(islice(iterator, size)):
        yield chunk


def role_of(value: str) -> str | None:
    """Our role for a OneRoster role: a pupil, or staff (a teacher membership). Roles that reach
    every pupil record (head, leading teacher) are given in the platform, never by a file."""
    if value == "student":
        return Role.PUPIL
    if value in STAFF_ROLES:
        return Role.TEACHER
    return None


class People:
    def __init__(self, run):
        self.a = run
        self.out = run.outcome
        # user sourcedId → (user pk, role, school pks): what enrolments need to know.
        self.users: dict[str, tuple[int, str, tuple[int, ...]]] = {}
        self.scope_schools = list(run.scope.schools)
        self.gone: set[str] = set()  # users disabled or to be deleted in this bundle
        self._own_guids: dict[str, int] | None = None

    # -- users -------------------------------------------------------------------------------

    def read_users(self) -> None:
        seen: set[str] = set()
        mode = self.a.manifest.mode("users")
        for chunk in _chunks(self._user_records(seen, mode), CHUNK):
            self._apply_users(chunk)

    def _user_records(self, seen: set, mode: str) -> Iterator[dict]:
        for file, line, row in self.a.rows("users"):
            self.out.users += 1
            sid = row["sourcedId"]
            ok = b.check_common(file, line, row, mode, self.a.problems)
            self.out.take(self.a.problems)
            if not ok or not self.a.first_sight(seen, file, line, sid):
                continue
            role = role_of(row["role"])
            if role is None:
                if row["role"] in SKIPPED_ROLES:
                    self.out.skip(file, line, sid, SKIPPED_ROLES[row["role"]])
                else:
                    self.out.problem(
                        b.Problem(file, line, "role", f"{row['role']!r} is not a OneRoster role")
                    )
                continue
            record = self._user_record(file, line, row, role)
            if record is not None:
                yield record

    def _user_record(self, file: str, line: int, row: dict, role: str) -> dict | None:
        problems = []
        schools = []
        for org in b.id_list(row["orgSourcedIds"]):
            school = self.a._school_of(file, line, "orgSourcedIds", org) if org else None
            if school:
                schools.append(school)
            elif self.a.orgs.get(org) != 0:
                problems.append(org)
        if not schools and not problems:
            self.out.problem(b.Problem(file, line, "orgSourcedIds", "the user is in no school"))
            return None
        first = " ".join((row.get("preferredGivenName") or row["givenName"]).split())[:150]
        last = " ".join((row.get("preferredFamilyName") or row["familyName"]).split())[:150]
        for name, value in (("givenName", first), ("familyName", last)):
            if not value:
                self.out.problem(b.Problem(file, line, name, "missing"))
                problems.append(name)
        email = row.get("email", "")
        if email and (not EMAIL_RE.match(email) or len(email) > 254):
            self.out.problem(b.Problem(file, line, "email", f"{email!r} is not an email address"))
            problems.append("email")
        if row["enabledUser"].lower() not in ("true", "false"):
            self.out.problem(b.Problem(file, line, "enabledUser", "must be true or false"))
            problems.append("enabledUser")
        if problems:
            return None
        return {
            "file": file,
            "line": line,
            "sid": row["sourcedId"],
            "role": role,
            "schools": tuple(dict.fromkeys(schools)),
            "first_name": first,
            "last_name": last,
            "email": email.lower(),
            "mis_id": row.get("identifier", "")[:64],
            # Disabled or to be deleted: in the roster no longer (the account is kept).
            "gone": row.get("status") == "tobedeleted" or row["enabledUser"].lower() == "false",
        }

    def _matches(self, records: list[dict]) -> dict[str, int]:
        """Accounts already in the importer's schools for people no bundle brought before: by
        MIS id, then by email; never across the site, never by name."""
        members = Membership.objects.filter(school_id__in=self.scope_schools)
        mis = {r["mis_id"] for r in records if r["mis_id"]}
        emails = {r["email"] for r in records if r["email"]}
        by_mis = (
            dict(members.filter(user__mis_id__in=mis).values_list("user__mis_id", "user_id"))
            if mis
            else {}
        )
        by_email = (
            dict(
                members.annotate(e=Lower("user__email"))
                .filter(e__in=emails)
                .values_list("e", "user_id")
            )
            if emails
            else {}
        )
        found = {}
        for r in records:
            user_id = (
                by_mis.get(r["mis_id"]) or by_email.get(r["email"]) or self._exported(r["sid"])
            )
            if user_id:
                found[r["sid"]] = user_id
        return found

    def _exported(self, sid: str) -> int | None:
        """A person our own export named (``exporting``): their GUID, made from their key, leads
        back to them, so a bundle we exported comes home without making anyone twice."""
        if self._own_guids is None:
            members = Membership.objects.filter(school_id__in=self.scope_schools)
            self._own_guids = {
                guid("risingtide", RosterLink.Kind.USER, pk): pk
                for pk in members.values_list("user_id", flat=True).distinct()
            }
        return self._own_guids.get(sid)

    def _apply_users(self, records: list[dict]) -> None:
        links = self.a.links(RosterLink.Kind.USER, [r["sid"] for r in records])
        records = [
            r for r in records if not self.a.foreign(links.get(r["sid"]), r["file"], r["line"])
        ]
        # An ended link still names the account: a pupil who comes back gets their own again.
        linked = {s: link.object_id for s, link in links.items()}
        unlinked = [r for r in records if r["sid"] not in linked]
        matched = self._matches(unlinked) if unlinked else {}
        ids = {**linked, **matched}
        users = User.objects.in_bulk(set(ids.values()))
        new = [r for r in records if ids.get(r["sid"]) not in users and not r["gone"]]
        for r, user in zip(new, self._create(new), strict=True):
            ids[r["sid"]] = user.pk
            users[user.pk] = user
            self.out.count(KIND_OF[r["role"]], "created", name=str(user), sid=r["sid"])
        fields = ("first_name", "last_name", "email", "mis_id")
        changed, refused = [], set()
        fresh = {id(r) for r in new}
        others = self._held_elsewhere(
            [u for r in records if id(r) not in fresh and (u := ids.get(r["sid"])) in users]
        )
        for r in records:
            user = users.get(ids.get(r["sid"]))
            if user is None or id(r) in fresh:
                continue
            diff = [f for f in fields if r[f] and getattr(user, f) != r[f]]
            if diff and user.pk in others:
                refused.add(id(r))
                self.out.problem(
                    b.Problem(
                        r["file"],
                        r["line"],
                        ROW_FIELD[diff[0]],
                        f"this person is also {others[user.pk]}: their details are changed in "
                        "Rising Tide, not by a roster",
                    )
                )
                continue
            for f in diff:
                setattr(user, f, r[f])
            if diff and not r["gone"]:
                changed.append(user)
                self.out.count(KIND_OF[r["role"]], "updated", name=str(user), sid=r["sid"])
            elif not r["gone"]:
                self.out.count(KIND_OF[r["role"]], "unchanged")
        if changed:
            User.objects.bulk_update(changed, fields)
        records = [r for r in records if id(r) not in refused]
        self._school_memberships(records, ids)
        self._link_users(records, ids, links)

    def _held_elsewhere(self, user_ids: list[int]) -> dict[int, str]:
        """Accounts a roster may not rename, with what else they are: anyone holding a role
        other than pupil or teacher (a head, a coordinator, an LA lead...), a member of a school
        outside this import, or site staff. Their name, email and MIS id are theirs to change
        in Rising Tide; otherwise a coordinator's bundle could take over the head's account."""
        if not user_ids:
            return {}
        found: dict[int, set[str]] = {}
        held = Membership.objects.filter(user_id__in=user_ids).filter(
            ~Q(role__in=[Role.PUPIL, Role.TEACHER]) | ~Q(school_id__in=self.scope_schools)
        )
        for user_id, role in held.values_list("user_id", "role").distinct():
            label = (
                "a member of a school this roster is not for"
                if role in (Role.PUPIL, Role.TEACHER)
                else f"a {Role(role).label.lower()}"
            )
            found.setdefault(user_id, set()).add(label)
        for user_id in User.objects.filter(
            Q(is_staff=True) | Q(is_superuser=True), pk__in=user_ids
        ).values_list("pk", flat=True):
            found.setdefault(user_id, set()).add("site staff")
        return {user_id: " and ".join(sorted(labels)) for user_id, labels in found.items()}

    def _create(self, records: list[dict]) -> list[User]:
        """New accounts, with names made as the pupil lists make them; no usable password until
        the school prints sign-in cards (or the school's single sign-on matches them)."""
        if not records:
            return []
        bases = [credentials.username_base(r["first_name"], r["last_name"]) for r in records]
        taken: set[str] = set()
        unique = sorted(set(bases))
        for start in range(0, len(unique), 100):  # short OR lists for SQLite
            part = unique[start : start + 100]
            taken.update(
                User.objects.filter(
                    Q(*[Q(username__startswith=base) for base in part], _connector=Q.OR)
                ).values_list("username", flat=True)
            )
        names = credentials.unique_usernames(bases, taken)
        users = []
        for r, username in zip(records, names, strict=True):
            user = User(
                username=username,
                first_name=r["first_name"],
                last_name=r["last_name"],
                email=r["email"],
                mis_id=r["mis_id"],
            )
            user.set_unusable_password()
            users.append(user)
        return User.objects.bulk_create(users)

    def _school_memberships(self, records: list[dict], ids: dict[str, int]) -> None:
        user_ids = [ids[r["sid"]] for r in records if r["sid"] in ids]
        held = set(
            Membership.objects.filter(
                user_id__in=user_ids,
                school_id__in=self.scope_schools,
                teaching_group__isnull=True,
                role__in=[Role.PUPIL, Role.TEACHER],
            ).values_list("user_id", "role", "school_id")
        )
        wanted, gone = [], []
        for r in records:
            user_id = ids.get(r["sid"])
            if r["gone"]:
                self.gone.add(r["sid"])  # their enrolments are passed over, not refused
                if user_id is not None:
                    gone.append(user_id)
                continue
            if user_id is None:
                continue
            self.users[r["sid"]] = (user_id, r["role"], r["schools"])
            wanted += [
                {"user_id": user_id, "role": r["role"], "school_id": s}
                for s in r["schools"]
                if (user_id, r["role"], s) not in held
            ]
        if wanted:
            insert_rows(Membership, wanted)
            self._moved_on({m["user_id"] for m in wanted})
        if gone:
            self.end_people(gone)

    def _moved_on(self, user_ids: set[int]) -> None:
        """Memberships made in bulk send no signal: move their people's access on ourselves."""
        User.objects.filter(pk__in=user_ids).update(access_version=F("access_version") + 1)

    def _link_users(self, records, ids, links) -> None:
        now = self.a.now
        new_links, seen, ended = [], [], []
        for r in records:
            link, user_id = links.get(r["sid"]), ids.get(r["sid"])
            if user_id is None:
                continue
            if link is None:
                if not r["gone"]:
                    new_links.append(
                        {
                            "local_authority_id": self.a.scope.local_authority.pk,
                            "school_id": r["schools"][0],
                            "kind": RosterLink.Kind.USER,
                            "sourced_id": r["sid"],
                            "object_id": user_id,
                            "seen_by": self.a.import_id,
                        }
                    )
            elif r["gone"]:
                ended.append(link.pk)
            else:
                seen.append((link, user_id, r["schools"][0]))
        insert_rows(RosterLink, new_links)
        RosterLink.objects.filter(pk__in=ended).update(ended_at=now, seen_by=self.a.import_id)
        RosterLink.objects.filter(pk__in=[link.pk for link, _, _ in seen]).update(
            seen_by=self.a.import_id, ended_at=None
        )
        for link, user_id, school_id in seen:
            if link.object_id != user_id or link.school_id != school_id:  # matched anew
                RosterLink.objects.filter(pk=link.pk).update(object_id=user_id, school_id=school_id)

    def end_people(self, user_ids: list[int]) -> None:
        """People who left the roster: their memberships in the importer's schools end; their
        accounts and work stay."""
        ending = Membership.objects.filter(
            user_id__in=user_ids,
            school_id__in=self.scope_schools,
            role__in=[Role.PUPIL, Role.TEACHER],
        ).select_related("user", "teaching_group")
        for m in ending:
            if m.teaching_group_id is None:
                self.out.count(KIND_OF[m.role], "ended", name=str(m.user))
            else:
                self.out.count("memberships", "ended", name=f"{m.user} in {m.teaching_group}")
        ending.delete()
