"""Applying a OneRoster bundle: orgs to our schools, academic sessions and courses to years and
year groups, classes to teaching groups; then (``applying_people``) users to accounts and
enrolments to memberships.

The check (the preview) and the write run the same code inside one transaction: the check
always rolls it back, the write rolls back when any row has a problem. So the preview says
exactly what confirming will do, and an error in the last file leaves nothing written.
"""

import re
from collections.abc import Callable
from dataclasses import dataclass, field

from django.db import transaction
from django.utils import timezone

from risingtide.rostering import bundle as b
from risingtide.rostering.applying_enrolments import Enrolments, end_missing
from risingtide.rostering.applying_people import People
from risingtide.rostering.models import RosterLink
from risingtide.rostering.outcome import Outcome
from risingtide.schools.models import LocalAuthority, School, TeachingGroup

# CEDS grade codes as the binding uses them, as English year groups: PK (age 4) is Reception,
# KG (age 5) is Year 1, and so on; UK systems' own "R", "Y7" or "Year 7" are read too.
CEDS_YEARS = {"PK": 0, "KG": 1, **{f"{n:02d}": n + 1 for n in range(1, 13)}}
UK_YEAR_RE = re.compile(r"^(?:y|year)\s*(\d{1,2})$", re.IGNORECASE)
NOT_OURS = -1  # an org of type school that is not one of the importer's schools


class Rollback(Exception):
    """Raised at the end of a check, or a write with problems, to undo everything."""


@dataclass
class Scope:
    """Whose bundle it is: one school's, or an LA's for all its schools."""

    local_authority: LocalAuthority
    school: School | None = None
    schools: dict[int, School] = field(default_factory=dict)

    @classmethod
    def of(cls, owner: School | LocalAuthority) -> "Scope":
        if isinstance(owner, School):
            return cls(owner.local_authority, owner, {owner.pk: owner})
        return cls(owner, None, {s.pk: s for s in owner.schools.select_related("local_authority")})

    @property
    def label(self) -> str:
        return str(self.school or self.local_authority)

    def match(self, identifier: str) -> School | None:
        """A school org's ``identifier``: its URN (100000) or DfE number (801/2000, 8012000)."""
        value = identifier.strip()
        for school in self.schools.values():
            if value in (school.urn, school.dfe_number, school.dfe_number.replace("/", "")):
                return school
        return None


def year_group(grades: str) -> int | None:
    for grade in b.id_list(grades):
        if grade.upper() in CEDS_YEARS:
            return CEDS_YEARS[grade.upper()]
        if grade.upper() in ("R", "REC", "RECEPTION"):
            return 0
        found = UK_YEAR_RE.match(grade)
        if found and int(found.group(1)) <= 13:
            return int(found.group(1))
    return None


class Apply:
    """One run over a bundle (a check or a write). ``run`` returns the outcome."""

    def __init__(self, zf, scope: Scope, *, import_id: int, write: bool, actor=None, progress=None):
        self.zf, self.scope, self.write, self.actor = zf, scope, write, actor
        self.import_id = import_id
        self.progress: Callable[[int, int], None] | None = progress
        self.outcome = Outcome()
        self.problems: list[b.Problem] = []
        self.orgs: dict[str, int] = {}  # org sourcedId → school pk, 0 (not a school) or NOT_OURS
        self.years: dict[str, int] = {}  # academic session sourcedId → academic year
        self.courses: dict[str, tuple[str, str]] = {}  # sourcedId → (grades, schoolYear sid)
        self.classes: dict[str, tuple[int, int]] = {}  # class sourcedId → (group pk, school pk)
        self.done = 0
        self.total = 0

    # -- the run ---------------------------------------------------------------------------

    def run(self) -> Outcome:
        manifest = b.read_manifest(self.zf)
        self.manifest = manifest
        self.outcome.modes = {k: v for k, v in manifest.modes.items() if v != "absent"}
        self.outcome.source = manifest.source
        self.total = self._count_rows()
        self.now = timezone.now()
        try:
            with transaction.atomic():
                self._load_links()
                self.read_orgs()
                self.read_sessions()
                self.read_courses()
                self.read_classes()
                people = People(self)
                people.read_users()
                Enrolments(people).read()
                self.read_demographics()
                end_missing(people)
                self.tick(0, force=True)
                if not self.write or self.outcome.error_count:
                    raise Rollback
        except Rollback:
            return self.outcome
        self.outcome.written = True
        return self.outcome

    def _count_rows(self) -> int:
        """The data rows to go through, for the progress bar (a fast count of line ends)."""
        total = 0
        for name, mode in self.manifest.modes.items():
            if mode == "absent":
                continue
            with self.zf.open(b._member(self.zf, f"{name}.csv")) as raw:
                total += sum(block.count(b"\n") for block in iter(lambda: raw.read(1 << 20), b""))
        return total

    def tick(self, n: int = 1, *, force: bool = False) -> None:
        self.done += n
        self.outcome.rows += n
        if self.progress is not None and (force or self.done % 2000 == 0):
            self.progress(self.done, max(self.total, self.done))

    def rows(self, name: str):
        for line, row in b.rows(self.zf, self.manifest, name, self.problems):
            self.outcome.take(self.problems)
            self.tick()
            yield f"{name}.csv", line, row
        self.outcome.take(self.problems)

    def first_sight(self, seen: set, file: str, line: int, sid: str) -> bool:
        if sid in seen:
            self.outcome.problem(b.Problem(file, line, "sourcedId", f"{sid} appears twice"))
            return False
        seen.add(sid)
        return True

    def link(self, kind: str, sid: str, object_id: int, school_id: int, existing=None) -> None:
        """Remember (or refresh) what ``sid`` became; seen by this import."""
        if existing is not None:
            RosterLink.objects.filter(pk=existing.pk).update(
                object_id=object_id, school_id=school_id, ended_at=None, seen_by=self.import_id
            )
            return
        RosterLink.objects.create(
            local_authority=self.scope.local_authority,
            school_id=school_id,
            kind=kind,
            sourced_id=sid,
            object_id=object_id,
            seen_by=self.import_id,
        )

    def links(self, kind: str, sids) -> dict[str, RosterLink]:
        """The links of ``sids``, keyed by the LA: a link of another school's may be among them
        (see ``foreign``), and must never be adopted, updated, ended or repointed."""
        return {
            link.sourced_id: link
            for link in RosterLink.objects.filter(
                local_authority=self.scope.local_authority, kind=kind, sourced_id__in=list(sids)
            )
        }

    def foreign(self, link: RosterLink | None, file: str, line: int) -> bool:
        """A link to an object of a school outside this import's scope: a sourcedId another
        school of the LA already uses. Its row is a problem; the link and its object are left
        alone, so one school's bundle can never reach into a peer's accounts or groups."""
        if link is None or link.school_id in self.scope.schools:
            return False
        self.outcome.problem(
            b.Problem(
                file,
                line,
                "sourcedId",
                f"{link.sourced_id} is already used by another school of your LA",
            )
        )
        return True

    def _load_links(self) -> None:
        """What earlier bundles brought: a delta file may name orgs and classes it does not
        carry itself."""
        for link in RosterLink.objects.filter(
            local_authority=self.scope.local_authority,
            kind__in=[RosterLink.Kind.ORG, RosterLink.Kind.CLASS],
            ended_at__isnull=True,
        ):
            if link.kind == RosterLink.Kind.ORG:
                self.orgs[link.sourced_id] = (
                    link.object_id if link.object_id in self.scope.schools else NOT_OURS
                )
            elif link.school_id in self.scope.schools:
                self.classes[link.sourced_id] = (link.object_id, link.school_id)

    # -- orgs, sessions, courses, classes ----------------------------------------------------

    def read_orgs(self) -> None:
        seen: set[str] = set()
        mode = self.manifest.mode("orgs")
        for file, line, row in self.rows("orgs"):
            sid = row["sourcedId"]
            if not b.check_common(file, line, row, mode, self.problems) or not self.first_sight(
                seen, file, line, sid
            ):
                self.outcome.take(self.problems)
                continue
            if row.get("status") == "tobedeleted":
                self.outcome.skip(file, line, sid, "schools are never deleted by a bundle")
                continue
            if row["type"] != "school":
                self.orgs[sid] = 0
                code = row.get("identifier", "")
                if row["type"] == "district" and code and code != self.scope.local_authority.code:
                    self.outcome.problem(
                        b.Problem(file, line, "identifier", f"{code} is not your LA's code")
                    )
                continue
            school = self.scope.match(row.get("identifier", ""))
            if school is None:
                self.orgs[sid] = NOT_OURS
                self.outcome.problem(
                    b.Problem(
                        file,
                        line,
                        "identifier",
                        f"{row.get('identifier') or 'no identifier'} ({row['name']}) is not the "
                        f"URN or DfE number of a school of {self.scope.label}",
                    )
                )
                continue
            self.orgs[sid] = school.pk
            if school.name not in self.outcome.schools:
                self.outcome.schools.append(school.name)
            existing = self.links(RosterLink.Kind.ORG, [sid]).get(sid)
            if self.foreign(existing, file, line):
                continue
            self.link(RosterLink.Kind.ORG, sid, school.pk, school.pk, existing)

    def read_sessions(self) -> None:
        seen: set[str] = set()
        mode = self.manifest.mode("academicSessions")
        for file, line, row in self.rows("academicSessions"):
            sid = row["sourcedId"]
            if not b.check_common(file, line, row, mode, self.problems) or not self.first_sight(
                seen, file, line, sid
            ):
                self.outcome.take(self.problems)
                continue
            start, end = b.parse_date(row["startDate"]), b.parse_date(row["endDate"])
            for name, value in (("startDate", start), ("endDate", end)):
                if value is None:
                    self.outcome.problem(
                        b.Problem(file, line, name, f"{row[name]!r} is not a date (2026-09-01)")
                    )
            if not re.fullmatch(r"\d{4}", row["schoolYear"]):
                self.outcome.problem(
                    b.Problem(file, line, "schoolYear", f"{row['schoolYear']!r} is not a year")
                )
            elif start is not None:
                # A session starting in the autumn belongs to that academic year; one starting
                # in the spring or summer to the year that began the autumn before.
                self.years[sid] = start.year if start.month >= 8 else start.year - 1

    def read_courses(self) -> None:
        seen: set[str] = set()
        mode = self.manifest.mode("courses")
        for file, line, row in self.rows("courses"):
            sid = row["sourcedId"]
            if not b.check_common(file, line, row, mode, self.problems) or not self.first_sight(
                seen, file, line, sid
            ):
                self.outcome.take(self.problems)
                continue
            if row["orgSourcedId"] not in self.orgs:
                self.outcome.problem(
                    b.Problem(file, line, "orgSourcedId", f"no org {row['orgSourcedId']}")
                )
            self.courses[sid] = (row.get("grades", ""), row.get("schoolYearSourcedId", ""))

    def read_classes(self) -> None:
        seen: set[str] = set()
        mode = self.manifest.mode("classes")
        for file, line, row in self.rows("classes"):
            sid = row["sourcedId"]
            if not b.check_common(file, line, row, mode, self.problems) or not self.first_sight(
                seen, file, line, sid
            ):
                self.outcome.take(self.problems)
                continue
            school_id = self._school_of(file, line, "schoolSourcedId", row["schoolSourcedId"])
            course = self.courses.get(row["courseSourcedId"])
            if course is None and self.manifest.mode("courses") != "absent":
                self.outcome.problem(
                    b.Problem(file, line, "courseSourcedId", f"no course {row['courseSourcedId']}")
                )
            grades, course_year = course or ("", "")
            years = [self.years[t] for t in b.id_list(row["termSourcedIds"]) if t in self.years]
            year = years[0] if years else self.years.get(course_year)
            if year is None:
                self.outcome.problem(
                    b.Problem(
                        file,
                        line,
                        "termSourcedIds",
                        "no academic session in academicSessions.csv gives this class its year",
                    )
                )
            group_year = year_group(row.get("grades", ""))
            if group_year is None:
                group_year = year_group(grades)  # the course's grades
            if group_year is None:
                self.outcome.problem(
                    b.Problem(
                        file,
                        line,
                        "grades",
                        f"{row.get('grades') or 'no grades'!r}: give a grade (CEDS code such as "
                        "07, or Y7) for the class's year group",
                    )
                )
            title = " ".join(row["title"].split())
            bad_title = not title or len(title) > 60  # the teaching group's name
            if bad_title:
                self.outcome.problem(
                    b.Problem(file, line, "title", "a class title of 1 to 60 characters")
                )
            if school_id is None or year is None or group_year is None or bad_title:
                continue
            kind = TeachingGroup.Kind.SET if row.get("classType") == "scheduled" else "class"
            existing = self.links(RosterLink.Kind.CLASS, [sid]).get(sid)
            if self.foreign(existing, file, line):
                continue
            self._apply_class(
                sid,
                row.get("status") == "tobedeleted",
                school_id,
                title,
                year,
                group_year,
                kind,
                existing,
            )

    def _school_of(self, file: str, line: int, field_name: str, sid: str) -> int | None:
        org = self.orgs.get(sid)
        if org is None:
            reason = f"no org {sid} in orgs.csv or an earlier bundle"
        elif org == NOT_OURS:
            reason = f"the org {sid} is not a school of {self.scope.label}"
        elif org == 0:
            reason = f"the org {sid} is not a school"
        else:
            return org
        self.outcome.problem(b.Problem(file, line, field_name, reason))
        return None

    def _apply_class(
        self, sid, deleted, school_id, title, year, group_year, kind, existing
    ) -> None:
        group = None
        if existing is not None and existing.ended_at is None:
            group = TeachingGroup.objects.filter(
                pk=existing.object_id, school_id__in=list(self.scope.schools)
            ).first()
        if deleted:
            if group is not None:
                self.outcome.count("groups", "ended", name=group.name, sid=sid)
                RosterLink.objects.filter(pk=existing.pk).update(ended_at=self.now)
            return
        if group is None:
            group = TeachingGroup.objects.filter(
                school_id=school_id, academic_year=year, name=title
            ).first()
        if group is None:
            group = TeachingGroup.objects.create(
                school_id=school_id,
                name=title,
                academic_year=year,
                year_group=group_year,
                kind=kind,
            )
            self.outcome.count("groups", "created", name=title, sid=sid)
        else:
            wanted = {"name": title, "academic_year": year, "year_group": group_year, "kind": kind}
            changed = [k for k, v in wanted.items() if getattr(group, k) != v]
            if changed:
                TeachingGroup.objects.filter(pk=group.pk).update(**wanted)
                self.outcome.count("groups", "updated", name=title, sid=sid)
            else:
                self.outcome.count("groups", "unchanged")
        self.classes[sid] = (group.pk, school_id)
        self.link(RosterLink.Kind.CLASS, sid, group.pk, school_id, existing)

    def read_demographics(self) -> None:
        """Read and checked for conformance, never stored: pupils' characteristics come into
        the register from the MIS's CTF, under the register's own safeguards."""
        seen: set[str] = set()
        mode = self.manifest.mode("demographics")
        for file, line, row in self.rows("demographics"):
            b.check_common(file, line, row, mode, self.problems)
            self.first_sight(seen, file, line, row["sourcedId"])
            self.outcome.take(self.problems)
