"""Exporting a school's (or an LA's) roster as a OneRoster 1.2 CSV bundle, bulk.

What crosses: the schools (URN as identifier), a school year per academic year, a course per
year group, the teaching groups as classes, the pupils and staff with a school membership
(names, username, MIS id, email) and their group memberships as enrolments. Nothing of the
register, no characteristics, no passwords. A sourcedId an MIS gave us goes back out as it came
(``RosterLink``); other objects get a stable GUID of their own.

The zip is written to a temporary file row by row, so an LA's roster never sits in memory.
"""

import tempfile
from collections.abc import Iterator

from risingtide.audit.models import record
from risingtide.people.models import Membership, Role
from risingtide.register.services import require
from risingtide.rostering.applying import CEDS_YEARS
from risingtide.rostering.models import RosterLink
from risingtide.rostering.writing import guid, write_bundle
from risingtide.schools.models import LocalAuthority, School, TeachingGroup

ROLE_OUT = {
    Role.PUPIL: "student",
    Role.TEACHER: "teacher",
    Role.LEADING_TEACHER: "teacher",
    Role.HEAD: "principal",
}
GRADE_OF = {year: code for code, year in CEDS_YEARS.items()}


class Export:
    def __init__(self, owner: School | LocalAuthority):
        self.la = owner.local_authority if isinstance(owner, School) else owner
        self.schools = [owner] if isinstance(owner, School) else list(owner.schools.order_by("pk"))
        self.school_ids = [s.pk for s in self.schools]
        self.ids: dict[tuple[str, int], str] = {
            (kind, object_id): sid
            for kind, object_id, sid in RosterLink.objects.filter(
                local_authority=self.la, ended_at__isnull=True
            ).values_list("kind", "object_id", "sourced_id")
        }

    def sid(self, kind: str, pk: int) -> str:
        return self.ids.get((kind, pk)) or guid("risingtide", kind, pk)

    def orgs(self) -> Iterator[dict]:
        la = guid("risingtide", "la", self.la.pk)
        yield {
            "sourcedId": la,
            "name": self.la.name,
            "type": "district",
            "identifier": self.la.code,
        }
        for school in self.schools:
            yield {
                "sourcedId": self.sid(RosterLink.Kind.ORG, school.pk),
                "name": school.name,
                "type": "school",
                "identifier": school.urn,
                "parentSourcedId": la,
            }

    def groups(self):
        return TeachingGroup.objects.filter(school_id__in=self.school_ids).order_by("pk")

    def sessions(self) -> Iterator[dict]:
        years = sorted(set(self.groups().values_list("academic_year", flat=True)))
        for year in years:
            yield {
                "sourcedId": guid("risingtide", "year", year),
                "title": f"{year}/{(year + 1) % 100:02d}",
                "type": "schoolYear",
                "startDate": f"{year}-09-01",
                "endDate": f"{year + 1}-08-31",
                "schoolYear": str(year + 1),
            }

    def courses(self) -> Iterator[dict]:
        keys = self.groups().values_list("school_id", "year_group", "academic_year").distinct()
        for school_id, year_group, year in sorted(set(keys)):
            yield {
                "sourcedId": guid("risingtide", "course", school_id, year_group, year),
                "schoolYearSourcedId": guid("risingtide", "year", year),
                "title": "Reception" if year_group == 0 else f"Year {year_group}",
                "grades": GRADE_OF.get(year_group, ""),
                "orgSourcedId": self.sid(RosterLink.Kind.ORG, school_id),
            }

    def classes(self) -> Iterator[dict]:
        for group in self.groups().iterator(chunk_size=2000):
            yield {
                "sourcedId": self.sid(RosterLink.Kind.CLASS, group.pk),
                "title": group.name,
                "grades": GRADE_OF.get(group.year_group, ""),
                "courseSourcedId": guid(
                    "risingtide", "course", group.school_id, group.year_group, group.academic_year
                ),
                "classType": "scheduled" if group.kind == TeachingGroup.Kind.SET else "homeroom",
                "schoolSourcedId": self.sid(RosterLink.Kind.ORG, group.school_id),
                "termSourcedIds": guid("risingtide", "year", group.academic_year),
            }

    def users(self) -> Iterator[dict]:
        """One row per person, with every school of the owner's they hold a role in (at the
        school or in one of its groups); staff roles are listed before a pupil's."""
        rows = (
            Membership.objects.filter(school_id__in=self.school_ids, role__in=list(ROLE_OUT))
            .order_by("user_id", "school_id")
            .values_list(
                "user_id",
                "role",
                "school_id",
                "user__username",
                "user__first_name",
                "user__last_name",
                "user__mis_id",
                "user__email",
                "user__is_active",
            )
        )
        current = None
        for user_id, role, school_id, username, first, last, mis_id, email, active in rows.iterator(
            chunk_size=5000
        ):
            if current is not None and current["_pk"] != user_id:
                yield current
                current = None
            org = self.sid(RosterLink.Kind.ORG, school_id)
            if current is None:
                current = {
                    "_pk": user_id,
                    "sourcedId": self.sid(RosterLink.Kind.USER, user_id),
                    "enabledUser": "true" if active else "false",
                    "orgSourcedIds": org,
                    "role": ROLE_OUT[role],
                    "username": username,
                    "givenName": first,
                    "familyName": last,
                    "identifier": mis_id,
                    "email": email,
                    "primaryOrgSourcedId": org,
                }
            else:
                if org not in current["orgSourcedIds"].split(","):
                    current["orgSourcedIds"] += f",{org}"
                if current["role"] == "student" and role != Role.PUPIL:
                    current["role"] = ROLE_OUT[role]  # a member of staff, whatever else
        if current is not None:
            yield current

    def enrollments(self) -> Iterator[dict]:
        rows = (
            Membership.objects.filter(
                school_id__in=self.school_ids,
                teaching_group__isnull=False,
                role__in=[Role.PUPIL, Role.TEACHER],
            )
            .order_by("pk")
            .values_list("pk", "user_id", "role", "teaching_group_id", "school_id")
        )
        for pk, user_id, role, group_id, school_id in rows.iterator(chunk_size=5000):
            yield {
                "sourcedId": self.sid(RosterLink.Kind.ENROLLMENT, pk),
                "classSourcedId": self.sid(RosterLink.Kind.CLASS, group_id),
                "schoolSourcedId": self.sid(RosterLink.Kind.ORG, school_id),
                "userSourcedId": self.sid(RosterLink.Kind.USER, user_id),
                "role": ROLE_OUT[role],
                "primary": "false",
            }


def export_roster(actor, owner: School | LocalAuthority):
    """The roster as a OneRoster bundle in a temporary file (rewound), and its file name."""
    is_school = isinstance(owner, School)
    require(actor, "roster.export" if is_school else "roster.export_la", owner)
    export = Export(owner)
    handle = tempfile.TemporaryFile()  # noqa: SIM115  (the response closes it once sent)
    write_bundle(
        handle,
        {
            "orgs": export.orgs(),
            "academicSessions": export.sessions(),
            "courses": export.courses(),
            "classes": export.classes(),
            "users": export.users(),
            "enrollments": export.enrollments(),
        },
    )
    handle.seek(0)
    name = f"oneroster-{owner.urn if is_school else 'la-' + owner.code}.zip"
    record(
        actor,
        "roster.exported",
        owner,
        school=owner if is_school else None,
        why="OneRoster export",
    )
    return handle, name
