"""OneRoster 1.2 CSV bundles for the tests, written out as the specification and its published
samples lay them out: the full manifest (every file of the binding named, absent or not), the
binding's headers in its order, GUID sourcedIds, ISO 8601 dates, RFC 4180 quoting (a quoted
comma, a doubled quote, a line break inside a quoted cell) and CRLF line ends.

``files()`` gives one school's bundle (the tiny world's "own" school, URN 900001, LA 101) as
text per file, for a test to change a line of; ``zip_of`` packs it (with a byte-order mark,
in a folder, or without a file, as a test needs).
"""

import io
import zipfile

MANIFEST_FILES = (
    "academicSessions",
    "categories",
    "classes",
    "classResources",
    "courses",
    "courseResources",
    "demographics",
    "enrollments",
    "lineItemLearningObjectiveIds",
    "lineItems",
    "lineItemScoreScales",
    "orgs",
    "resources",
    "resultLearningObjectiveIds",
    "results",
    "resultScoreScales",
    "roles",
    "scoreScales",
    "userProfiles",
    "userResources",
    "users",
)

LA = "5b7c1f0e-2d3a-4c5b-9e8f-0a1b2c3d4e5f"
SCHOOL = "9f1d2c3b-4a5e-4f60-8a7b-6c5d4e3f2a10"
YEAR = "1e2d3c4b-5a69-4788-97a6-b5c4d3e2f101"
AUTUMN = "2e2d3c4b-5a69-4788-97a6-b5c4d3e2f102"
COURSE = "3c4d5e6f-7081-4920-a3b4-c5d6e7f80911"
CLASS_A = "4d5e6f70-8192-4a3b-b4c5-d6e7f8091a21"
CLASS_B = "4d5e6f70-8192-4a3b-b4c5-d6e7f8091a22"
TEACHER = "6f708192-a3b4-4c5d-8e7f-8091a2b3c401"
PUPILS = [f"70819203-b4c5-4d6e-9f80-91a2b3c4d5{n:02d}" for n in range(1, 5)]
GUARDIAN = "8192a3b4-c5d6-4e7f-8091-a2b3c4d5e601"

ORGS = (
    "sourcedId,status,dateLastModified,name,type,identifier,parentSourcedId\r\n"
    f"{LA},,,Own LA,district,101,\r\n"
    f'{SCHOOL},,,"Own School, Upper Site",school,900001,{LA}\r\n'
)
SESSIONS = (
    "sourcedId,status,dateLastModified,title,type,startDate,endDate,parentSourcedId,schoolYear\r\n"
    f"{YEAR},,,2026/27,schoolYear,2026-09-01,2027-07-22,,2027\r\n"
    f"{AUTUMN},,,Autumn 2026,term,2026-09-01,2026-12-18,{YEAR},2027\r\n"
)
COURSES = (
    "sourcedId,status,dateLastModified,schoolYearSourcedId,title,courseCode,grades,orgSourcedId,"
    "subjects,subjectCodes\r\n"
    f'{COURSE},,,{YEAR},Year 7 English,EN7,06,{SCHOOL},"English,Drama",\r\n'
)
CLASSES = (
    "sourcedId,status,dateLastModified,title,grades,courseSourcedId,classCode,classType,location,"
    "schoolSourcedId,termSourcedIds,subjects,subjectCodes,periods\r\n"
    f'{CLASS_A},,,"7K, ""Kingfishers""",06,{COURSE},7K,homeroom,"Room 12\r\nBlock B",'
    f'{SCHOOL},"{YEAR},{AUTUMN}",English,,"1,2"\r\n'
    f"{CLASS_B},,,7 Set 1,06,{COURSE},7S1,scheduled,Room 3,{SCHOOL},{AUTUMN},English,,3\r\n"
)
USER_HEADER = (
    "sourcedId,status,dateLastModified,enabledUser,orgSourcedIds,role,username,userIds,givenName,"
    "familyName,middleName,identifier,email,sms,phone,agentSourcedIds,grades,password,"
    "userMasterIdentifier,resourceSourcedIds,preferredGivenName,preferredMiddleName,"
    "preferredFamilyName,primaryOrgSourcedId,pronouns\r\n"
)


def user(sid, role, given, family, identifier, email="", org=SCHOOL, enabled="true", **extra):
    cells = {
        "sourcedId": sid,
        "enabledUser": enabled,
        "orgSourcedIds": org,
        "role": role,
        "givenName": given,
        "familyName": family,
        "identifier": identifier,
        "email": email,
        "primaryOrgSourcedId": org.split(",")[0] if org else "",
        **extra,
    }
    header = USER_HEADER.strip().split(",")
    out = []
    for h in header:
        value = str(cells.get(h, ""))
        out.append(f'"{value}"' if "," in value else value)
    return ",".join(out) + "\r\n"


USERS = (
    USER_HEADER
    + user(TEACHER, "teacher", "Tamsin", "Teach", "T0001", "t.teach@own.example")
    + user(PUPILS[0], "student", "Amira", "Khan", "P0001", grades="06", userIds="{MIS:P0001}")
    + user(PUPILS[1], "student", "Ben", "O'Neill", "P0002")
    + user(PUPILS[2], "student", "Chloé", "Nowak", "P0003", preferredGivenName="Clo")
    + user(PUPILS[3], "student", "Dev", "Patel", "P0004", email="dev.p@pupils.example")
    + user(GUARDIAN, "guardian", "Gail", "Khan", "G0001", agentSourcedIds=PUPILS[0])
)


def enrolment(n: int, cls: str, who: str, role: str = "student", school: str = SCHOOL) -> str:
    sid = f"a1b2c3d4-0000-4000-8000-{n:012d}"
    return f"{sid},,,{cls},{school},{who},{role},false,2026-09-01,\r\n"


ENROLLMENTS = (
    "sourcedId,status,dateLastModified,classSourcedId,schoolSourcedId,userSourcedId,role,primary,"
    "beginDate,endDate\r\n"
    + enrolment(1, CLASS_A, TEACHER, "teacher").replace(",false,", ",true,")
    + "".join(enrolment(2 + i, CLASS_A, p) for i, p in enumerate(PUPILS))
    + enrolment(10, CLASS_B, PUPILS[0])
    + enrolment(11, CLASS_B, PUPILS[1])
)


def files() -> dict[str, str]:
    return {
        "orgs": ORGS,
        "academicSessions": SESSIONS,
        "courses": COURSES,
        "classes": CLASSES,
        "users": USERS,
        "enrollments": ENROLLMENTS,
    }


def manifest(present, modes: dict | None = None, **props) -> str:
    modes = modes or {}
    lines = ["propertyName,value", "manifest.version,1.0", "oneroster.version,1.2"]
    lines += [
        f"file.{n},{modes.get(n, 'bulk') if n in present else 'absent'}" for n in MANIFEST_FILES
    ]
    lines += ["source.systemName,Sample MIS", "source.systemCode,MIS-1"]
    text = "\r\n".join(lines) + "\r\n"
    for key, value in props.items():
        key = key.replace("_", ".")
        text = "\r\n".join(
            f"{key},{value}" if line.split(",")[0] == key else line for line in text.split("\r\n")
        )
    return text


def zip_of(
    data: dict[str, str],
    *,
    modes: dict | None = None,
    manifest_text: str | None = None,
    bom: bool = False,
    folder: str = "",
    leave_out: tuple[str, ...] = (),
) -> bytes:
    """The bundle as zip bytes: ``manifest_text`` replaces the manifest ("" leaves it out);
    ``leave_out`` drops files the manifest still lists."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zf:
        text = manifest(data, modes) if manifest_text is None else manifest_text
        if text:
            zf.writestr(f"{folder}manifest.csv", text.encode())
        for name, body in data.items():
            if name in leave_out:
                continue
            zf.writestr(f"{folder}{name}.csv", (("\ufeff" if bom else "") + body).encode())
    return out.getvalue()
