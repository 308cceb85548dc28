"""Sample OneRoster 1.2 bundles, laid out as an MIS exports them: for trying an import on the
demo (``manage oneroster_sample``), for the tests, and for the bench (an LA of 50 schools and
40,000 users, made row by row so it never sits in memory).

The same arguments make the same bundle (stable GUIDs), so a second import of it is a
re-import, and ``leavers`` makes the next term's bundle with some pupils gone.
"""

from dataclasses import dataclass

from risingtide.rostering.writing import guid, write_bundle

FIRST = (
    "Amira",
    "Ben",
    "Chloe",
    "Dev",
    "Ella",
    "Finn",
    "Grace",
    "Hamza",
    "Isla",
    "Jack",
    "Kai",
    "Leah",
    "Mo",
    "Nia",
    "Oscar",
    "Priya",
    "Quinn",
    "Ruby",
    "Sam",
    "Tariq",
    "Uma",
    "Vik",
    "Willow",
    "Xander",
    "Yusuf",
    "Zara",
)
LAST = (
    "Khan",
    "Smith",
    "Jones",
    "Patel",
    "Evans",
    "O'Brien",
    "Nowak",
    "Taylor",
    "Brown",
    "Ahmed",
    "Wilson",
    "Murphy",
    "Chen",
    "Davies",
    "Okafor",
    "Hughes",
    "Green",
    "Kaur",
    "Walker",
    "Singh",
)


@dataclass(frozen=True)
class Plan:
    """What to make: schools as (URN, name), and how many of each thing per school."""

    la_code: str
    schools: tuple[tuple[str, str], ...]
    pupils: int = 30
    teachers: int = 3
    classes: int = 4
    per_pupil: int = 2  # enrolments per pupil
    year: int = 2026  # the academic year (2026 = 2026/27)
    years: tuple[int, ...] = (5, 6)  # the year groups (English)
    leavers: int = 0  # leave out the first N pupils of each school (next term's bundle)


def _grade(year_group: int) -> str:
    """The CEDS grade code for an English year group (Year 1 is KG)."""
    return "PK" if year_group == 0 else "KG" if year_group == 1 else f"{year_group - 1:02d}"


def _pupil_year(plan: Plan, p: int) -> int:
    return plan.years[p % len(plan.years)]


def _classes_of_year(plan: Plan, year_group: int) -> list[int]:
    i = plan.years.index(year_group)
    return [c for c in range(plan.classes) if c % len(plan.years) == i]


def _orgs(plan: Plan):
    la = guid("la", plan.la_code)
    yield {
        "sourcedId": la,
        "name": f"LA {plan.la_code}",
        "type": "district",
        "identifier": plan.la_code,
    }
    for urn, name in plan.schools:
        yield {
            "sourcedId": guid("org", urn),
            "name": name,
            "type": "school",
            "identifier": urn,
            "parentSourcedId": la,
        }


def _sessions(plan: Plan):
    yield {
        "sourcedId": guid("session", plan.year),
        "title": f"{plan.year}/{(plan.year + 1) % 100:02d}",
        "type": "schoolYear",
        "startDate": f"{plan.year}-09-01",
        "endDate": f"{plan.year + 1}-07-22",
        "schoolYear": str(plan.year + 1),
    }


def _courses(plan: Plan):
    for urn, _ in plan.schools:
        for y in plan.years:
            yield {
                "sourcedId": guid("course", urn, y),
                "title": f"Year {y}",
                "schoolYearSourcedId": guid("session", plan.year),
                "grades": _grade(y),
                "orgSourcedId": guid("org", urn),
                "courseCode": f"Y{y}",
            }


def _classes(plan: Plan):
    for urn, _ in plan.schools:
        for c in range(plan.classes):
            y = plan.years[c % len(plan.years)]
            name = f"{y}{chr(65 + c // len(plan.years))}"
            yield {
                "sourcedId": guid("class", urn, c),
                "title": name,
                "grades": _grade(y),
                "courseSourcedId": guid("course", urn, y),
                "classCode": name,
                "classType": "homeroom",
                "schoolSourcedId": guid("org", urn),
                "termSourcedIds": guid("session", plan.year),
            }


def _users(plan: Plan):
    for s, (urn, _) in enumerate(plan.schools):
        org = guid("org", urn)
        for t in range(plan.teachers):
            first, last = FIRST[(t * 7 + s) % len(FIRST)], LAST[(t * 3 + s) % len(LAST)]
            yield {
                "sourcedId": guid("teacher", urn, t),
                "enabledUser": "true",
                "orgSourcedIds": org,
                "role": "teacher",
                "username": f"t{urn}{t}",
                "givenName": first,
                "familyName": last,
                "identifier": f"T{urn}{t:04d}",
                "email": f"{first}.{last}.{t}@{urn}.school.example".lower().replace("'", ""),
            }
        for p in range(plan.leavers, plan.pupils):
            first, last = FIRST[(p + s) % len(FIRST)], LAST[(p * 7 + s) % len(LAST)]
            yield {
                "sourcedId": guid("pupil", urn, p),
                "enabledUser": "true",
                "orgSourcedIds": org,
                "role": "student",
                "username": f"p{urn}{p}",
                "givenName": first,
                "familyName": last,
                "identifier": f"{urn}{p:05d}",
                "grades": _grade(_pupil_year(plan, p)),
            }


def _enrollments(plan: Plan):
    for urn, _ in plan.schools:
        org = guid("org", urn)
        for c in range(plan.classes):
            t = c % plan.teachers
            yield {
                "sourcedId": guid("enrol-t", urn, c),
                "classSourcedId": guid("class", urn, c),
                "schoolSourcedId": org,
                "userSourcedId": guid("teacher", urn, t),
                "role": "teacher",
                "primary": "true",
            }
        for p in range(plan.leavers, plan.pupils):
            for c in _classes_of_year(plan, _pupil_year(plan, p))[: plan.per_pupil]:
                yield {
                    "sourcedId": guid("enrol", urn, p, c),
                    "classSourcedId": guid("class", urn, c),
                    "schoolSourcedId": org,
                    "userSourcedId": guid("pupil", urn, p),
                    "role": "student",
                    "primary": "false",
                    "beginDate": f"{plan.year}-09-01",
                }


def write_sample(target, plan: Plan) -> None:
    write_bundle(
        target,
        {
            "orgs": _orgs(plan),
            "academicSessions": _sessions(plan),
            "courses": _courses(plan),
            "classes": _classes(plan),
            "users": _users(plan),
            "enrollments": _enrollments(plan),
        },
        source="Sample MIS",
    )
