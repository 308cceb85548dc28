"""The pupil's home page kept per pupil under a version of what it shows (decision 0015).

A pupil's home page reads across five apps (their projects, portfolios, feedback, classes and
what their school has shown them) and costs about as much to build as a board did. It changes
only when one of those is written, so its panels and its "what to do next" list are kept, like
the board, and built again the moment anything they show moves on.

The version is the raw rows the page follows from, read in six plain SQL statements (no ORM
to build) and hashed: the pupil's portfolios with their content versions (which the database's
triggers move on with every item, stage, feedback thread, reply and read mark, and with the
project and its wheel: ``lib/versions.py``) and current stages; the projects set to them with
the fields the page shows; what their schools have shown pupils, with the fields that decide
whether it is for them; their register record's year; and the sessions they went to, with the
ratings they gave (the "rate your session" step). Their memberships move their access version,
which the key carries; the hour is in it too ("due", "new lately" and "rate within so many
days" follow the clock). What no row covers — a class or a school renamed — shows within
``KEEP_SECONDS``, the safety net.
"""

# ruff: noqa: S608 - SQL put together from fixed fragments; the person comes as a parameter

import hashlib

from django.db import connection
from django.utils import timezone

from risingtide.people.models import Role, User

# Everything the pupil's panels and steps are built from, as rows. ``PUPIL_TABLES`` names the
# tables these cover; the test of this module fails when the page reads one that is neither
# here nor moved on by a trigger.
_PUPIL_ROWS = (
    # Their portfolios: content (by triggers), stage, and the projects they belong to.
    """SELECT p.id, p.content_version, p.current_stage, p.project_id, p.name
       FROM portfolios_portfolio p JOIN portfolios_portfoliomember m ON m.portfolio_id = p.id
       WHERE m.pupil_id = %(u)s ORDER BY p.id""",
    # The projects set to them, directly or through a class, with what the page shows.
    """SELECT pr.id, pr.title, pr.status, pr.due_date, pr.wheel_id, pr.updated_at
       FROM tasc_project pr WHERE pr.id IN (
         SELECT a.project_id FROM tasc_assignment a
         WHERE a.pupil_id = %(u)s OR a.teaching_group_id IN (
           SELECT teaching_group_id FROM people_membership
           WHERE user_id = %(u)s AND role = %(pupil)s))
       ORDER BY pr.id""",
    # What their schools show pupils, and whether each is still for them.
    """SELECT o.id, o.shown_at, s.id, s.status, s.audience, s.kind, s.year_from, s.year_to
       FROM provision_showntopupils o JOIN provision_service s ON s.id = o.service_id
       WHERE o.school_id IN (
         SELECT school_id FROM people_membership WHERE user_id = %(u)s AND role = %(pupil)s)
       ORDER BY o.id""",
    # Their year, which decides what is for them.
    """SELECT id, school_id, nc_year, on_roll FROM register_pupil WHERE account_id = %(u)s
       ORDER BY id""",
    # Sessions they went to, which they may rate, and the ratings they gave.
    """SELECT pl.id, pl.active, pl.attended, b.status, se.id, se.ends_at
       FROM provision_place pl JOIN provision_booking b ON b.id = pl.booking_id
       JOIN provision_session se ON se.id = pl.session_id
       WHERE pl.staff_id = %(u)s OR pl.pupil_id IN (
         SELECT id FROM register_pupil WHERE account_id = %(u)s)
       ORDER BY pl.id""",
    """SELECT id, session_id FROM provision_rating WHERE rated_by_id = %(u)s ORDER BY id""",
)

PUPIL_TABLES = {
    "portfolios_portfolio",
    "portfolios_portfoliomember",
    "tasc_project",
    "tasc_assignment",
    "people_membership",
    "provision_showntopupils",
    "provision_service",
    "register_pupil",
    "provision_place",
    "provision_booking",
    "provision_session",
    "provision_rating",
}


def pupil_version(user: User) -> str:
    """A version of what the pupil's home page shows: six plain queries, hashed."""
    digest = hashlib.blake2b(digest_size=16)
    with connection.cursor() as cursor:
        for sql in _PUPIL_ROWS:
            cursor.execute(sql, {"u": user.pk, "pupil": Role.PUPIL.value})
            digest.update(repr(cursor.fetchall()).encode())
    return digest.hexdigest()


def pupil_key(user: User) -> str:
    """The cache key of a pupil's kept home page: theirs alone (their id and access version),
    under the version of what it shows and the hour."""
    hour = timezone.now().strftime("%Y%m%d%H")
    return f"home:pupil:{user.pk}:{user.access_version}:{pupil_version(user)}:{hour}"


# Staff home pages: the schools the person's places reach, each with the content version the
# database moves on with whatever their page counts there (home/migrations/0001_school_versions),
# with the names shown beside them; the LAs of their places; and, for a teacher, the portfolios
# of their schools' projects (feedback waiting, pupils not started: each one's content version).
STAFF_ROLES = frozenset(
    {Role.TEACHER, Role.LEADING_TEACHER, Role.HEAD, Role.LA_LEAD, Role.NATIONAL_OFFICER}
)
_MINE = "SELECT {0} FROM people_membership WHERE user_id = %(u)s AND {0} IS NOT NULL"
_REACHED = f"""SELECT s.id FROM schools_school s
  WHERE s.id IN ({_MINE.format("school_id")})
     OR s.id IN (SELECT school_id FROM schools_teachinggroup
                 WHERE id IN ({_MINE.format("teaching_group_id")}))
     OR s.cluster_id IN ({_MINE.format("cluster_id")})
     OR s.local_authority_id IN ({_MINE.format("local_authority_id")})
     OR s.local_authority_id IN (SELECT id FROM schools_localauthority
                                 WHERE nation_id IN ({_MINE.format("nation_id")}))"""
_STAFF_ROWS = (
    f"""SELECT s.id, s.content_version, s.name, s.phase, s.establishment_number,
               s.local_authority_id, s.cluster_id, c.name
        FROM schools_school s LEFT JOIN schools_cluster c ON c.id = s.cluster_id
        WHERE s.id IN ({_REACHED}) ORDER BY s.id""",
    f"""SELECT id, name, code, nation_id FROM schools_localauthority
        WHERE id IN ({_MINE.format("local_authority_id")})
           OR nation_id IN ({_MINE.format("nation_id")})
           OR id IN (SELECT local_authority_id FROM schools_school WHERE id IN ({_REACHED}))
        ORDER BY id""",
    """SELECT id, session_id FROM provision_rating WHERE rated_by_id = %(u)s ORDER BY id""",
)
_TEACHER_ROWS = f"""SELECT COUNT(*), COALESCE(SUM(content_version + id), 0)
  FROM portfolios_portfolio WHERE project_id IN (
    SELECT id FROM tasc_project WHERE school_id IN ({_REACHED}))"""

STAFF_TABLES = {
    "people_membership",
    "schools_school",
    "schools_teachinggroup",
    "schools_cluster",
    "schools_localauthority",
    "provision_rating",
    "portfolios_portfolio",
    "tasc_project",
}


def staff_version(user: User, held: set[str]) -> str:
    """A version of what a member of staff's home page shows: three or four plain queries."""
    digest = hashlib.blake2b(digest_size=16)
    statements = [*_STAFF_ROWS, *([_TEACHER_ROWS] if Role.TEACHER in held else [])]
    with connection.cursor() as cursor:
        for sql in statements:
            cursor.execute(sql, {"u": user.pk})
            digest.update(repr(cursor.fetchall()).encode())
    return digest.hexdigest()


def staff_key(user: User, held: set[str]) -> str:
    """The cache key of a member of staff's kept home page: theirs alone, under the versions
    of the schools they reach and the hour."""
    hour = timezone.now().strftime("%Y%m%d%H")
    roles = ",".join(sorted(held))
    version = staff_version(user, held)
    return f"home:staff:{user.pk}:{user.access_version}:{roles}:{version}:{hour}"
