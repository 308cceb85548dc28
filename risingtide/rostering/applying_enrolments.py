"""Applying a bundle's enrolments (teaching group memberships), and ending, after a bulk
bundle, what it no longer lists.

Its own module because enrolments are most of a bundle's rows (five or more per pupil): they are
checked against the classes and users already read, and written a chunk at a time.
"""

from django.utils import timezone

from risingtide.people.models import Membership
from risingtide.register.import_writes import insert_rows
from risingtide.rostering import bundle as b
from risingtide.rostering.applying_people import CHUNK, SKIPPED_ROLES, _chunks, role_of
from risingtide.rostering.models import RosterLink
from risingtide.schools.models import TeachingGroup


class Enrolments:
    def __init__(self, people):
        self.p = people
        self.a = people.a
        self.out = people.out

    def read(self) -> None:
        seen: set[str] = set()
        mode = self.a.manifest.mode("enrollments")
        for chunk in _chunks(self._records(seen, mode), CHUNK):
            self._apply(chunk)

    def _user(self, sid: str):
        """A user this bundle brought, or (a delta bundle) an earlier one did."""
        found = self.p.users.get(sid)
        if found is not None:
            return found
        link = (
            RosterLink.objects.filter(
                local_authority=self.a.scope.local_authority,
                school_id__in=self.p.scope_schools,
                kind=RosterLink.Kind.USER,
                sourced_id=sid,
                ended_at__isnull=True,
            )
            .values_list("object_id", flat=True)
            .first()
        )
        if link is None:
            return None
        held = list(
            Membership.objects.filter(
                user_id=link, school_id__in=self.p.scope_schools, teaching_group__isnull=True
            ).values_list("role", "school_id")
        )
        if not held:
            return None
        found = (link, held[0][0], tuple(s for _, s in held))
        self.p.users[sid] = found
        return found

    def _records(self, seen: set, mode: str):
        today = timezone.localdate()
        for file, line, row in self.a.rows("enrollments"):
            sid = row["sourcedId"]
            ok = b.check_common(file, line, row, mode, self.a.problems)
            self.out.take(self.a.problems)
            if not ok or not self.a.first_sight(seen, file, line, sid):
                continue
            role = role_of(row["role"])
            if row["userSourcedId"] in self.p.gone:
                continue  # the user left the roster: their memberships are ended already
            if role is None:
                if row["role"] in SKIPPED_ROLES:
                    self.out.skip(file, line, sid, SKIPPED_ROLES[row["role"]])
                else:
                    self.out.problem(
                        b.Problem(file, line, "role", f"{row['role']!r} is not a OneRoster role")
                    )
                continue
            group = self.a.classes.get(row["classSourcedId"])
            if group is None:
                self.out.problem(
                    b.Problem(
                        file,
                        line,
                        "classSourcedId",
                        f"enrolment in an unknown class {row['classSourcedId']}",
                    )
                )
            user = self._user(row["userSourcedId"])
            if user is None:
                self.out.problem(
                    b.Problem(file, line, "userSourcedId", f"no user {row['userSourcedId']}")
                )
            school = self.a.orgs.get(row["schoolSourcedId"])
            ends = []
            for name in ("beginDate", "endDate"):
                if row.get(name) and b.parse_date(row[name]) is None:
                    self.out.problem(b.Problem(file, line, name, f"{row[name]!r} is not a date"))
                    ends.append(None)
            if group is None or user is None or None in ends:
                continue
            if school != group[1]:
                self.out.problem(
                    b.Problem(file, line, "schoolSourcedId", "not the school of the class")
                )
                continue
            if user[1] != role:
                self.out.problem(
                    b.Problem(
                        file, line, "role", f"{row['role']!r} but the user is not one in users.csv"
                    )
                )
                continue
            if group[1] not in user[2]:
                self.out.problem(
                    b.Problem(file, line, "userSourcedId", "the user is not in the class's school")
                )
                continue
            end = b.parse_date(row.get("endDate", ""))
            gone = row.get("status") == "tobedeleted" or (end is not None and end < today)
            yield {
                "file": file,
                "line": line,
                "sid": sid,
                "user": user[0],
                "role": role,
                "group": group,
                "gone": gone,
            }

    def _apply(self, records: list[dict]) -> None:
        links = self.a.links(RosterLink.Kind.ENROLLMENT, [r["sid"] for r in records])
        records = [
            r for r in records if not self.a.foreign(links.get(r["sid"]), r["file"], r["line"])
        ]
        held = {
            pk: (user, group)
            for pk, user, group in Membership.objects.filter(
                pk__in=[link.object_id for link in links.values()],
                school_id__in=self.p.scope_schools,
            ).values_list("pk", "user_id", "teaching_group_id")
        }
        pairs = {
            (user, role, group): pk
            for pk, user, role, group in Membership.objects.filter(
                teaching_group_id__in={r["group"][0] for r in records},
                user_id__in={r["user"] for r in records},
            ).values_list("pk", "user_id", "role", "teaching_group_id")
        }
        create, ending, keep, relink = [], [], [], []
        for r in records:
            link = links.get(r["sid"])
            current = (
                link.object_id
                if link and held.get(link.object_id) == (r["user"], r["group"][0])
                else None
            )
            if r["gone"]:
                if current is not None:
                    ending.append(current)
                continue
            if current is not None:
                keep.append(link.pk)
                self.out.count("memberships", "unchanged")
                continue
            existing = pairs.get((r["user"], r["role"], r["group"][0]))
            if existing is not None:  # already in the group (added in the platform): adopt it
                relink.append((r, link, existing))
                self.out.count("memberships", "unchanged")
                continue
            create.append(r)
        # The register's fast insert (COPY on PostgreSQL): most of a bundle's rows are these.
        made = insert_rows(
            Membership,
            [
                {
                    "user_id": r["user"],
                    "role": r["role"],
                    "school_id": r["group"][1],
                    "teaching_group_id": r["group"][0],
                }
                for r in create
            ],
            ids=True,
        )
        self.out.count("memberships", "created", len(made))
        if made:
            self.p._moved_on({r["user"] for r in create})
        relink += [(r, links.get(r["sid"]), pk) for r, pk in zip(create, made, strict=True)]
        self._links(relink, keep)
        if ending:
            self._end(ending)
            RosterLink.objects.filter(
                pk__in=[links[r["sid"]].pk for r in records if r["gone"] and r["sid"] in links]
            ).update(ended_at=self.a.now, seen_by=self.a.import_id)

    def _links(self, relink: list, keep: list) -> None:
        new = []
        la = self.a.scope.local_authority.pk
        for r, link, membership in relink:
            if link is None:
                new.append(
                    {
                        "local_authority_id": la,
                        "school_id": r["group"][1],
                        "kind": RosterLink.Kind.ENROLLMENT,
                        "sourced_id": r["sid"],
                        "object_id": membership,
                        "seen_by": self.a.import_id,
                    }
                )
            else:
                RosterLink.objects.filter(pk=link.pk).update(
                    object_id=membership,
                    school_id=r["group"][1],
                    ended_at=None,
                    seen_by=self.a.import_id,
                )
        insert_rows(RosterLink, new)
        RosterLink.objects.filter(pk__in=keep).update(seen_by=self.a.import_id, ended_at=None)

    def _end(self, membership_ids: list[int]) -> None:
        ending = Membership.objects.filter(
            pk__in=membership_ids, school_id__in=self.p.scope_schools
        ).select_related("user", "teaching_group")
        for m in ending[:200]:
            self.out.count("memberships", "ended", 0, name=f"{m.user} in {m.teaching_group}")
        self.out.count("memberships", "ended", ending.count())
        ending.delete()


def end_missing(people) -> None:
    """After a bulk bundle: end what earlier bundles brought to the importer's schools and this
    one no longer lists (enrolments first, then users and classes)."""
    a = people.a
    stale = RosterLink.objects.filter(
        local_authority=a.scope.local_authority,
        school_id__in=people.scope_schools,
        ended_at__isnull=True,
    ).exclude(seen_by=a.import_id)
    if a.manifest.mode("enrollments") == "bulk":
        gone = stale.filter(kind=RosterLink.Kind.ENROLLMENT)
        ids = list(gone.values_list("object_id", flat=True))
        if ids:
            Enrolments(people)._end(ids)
        gone.update(ended_at=a.now)
    if a.manifest.mode("users") == "bulk":
        gone = stale.filter(kind=RosterLink.Kind.USER)
        ids = list(gone.values_list("object_id", flat=True))
        if ids:
            people.end_people(ids)
        gone.update(ended_at=a.now)
    if a.manifest.mode("classes") == "bulk":
        gone = stale.filter(kind=RosterLink.Kind.CLASS)
        ended = dict(gone.values_list("object_id", "sourced_id")[:200])
        for pk, name in TeachingGroup.objects.filter(pk__in=ended).values_list("pk", "name"):
            people.out.count("groups", "ended", 0, name=name, sid=ended[pk])
        people.out.counts["groups"]["ended"] += gone.count()
        gone.update(ended_at=a.now)
