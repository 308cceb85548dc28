"""Training (issue 18): the LA lead's attendance register for a session of 200 sign-ups, on
SQLite or PostgreSQL.

A fresh database (see ``worlds.py``) gets one LA of 200 schools, each with a leading teacher,
a national programme, and two sessions of it scheduled by the LA lead that started an hour
ago: one with all 200 leading teachers booked (half of them already marked, some late, some
gone early) and a waiting list of 20 others, and one with 20 booked. The LA lead then loads, in
process through Django's test client:

- the register, 200 sign-ups: ``/training/sessions/<id>/register/``, and the same page for 20
  sign-ups, whose query count must equal the 200's (asserted: a constant number of queries);
- the session page (sign-ups and waiting list), 200 sign-ups;
- one row saved through htmx (``POST .../register/mark/``): what a tap costs;
- the register through the API (``GET /api/v1/training/sessions/<id>/register``);

each ``--repeat`` times after two warm-ups, against two references measured in the same run:
``/healthz`` through the same client (the bare view), the training home (the page shell:
sign-in, the header, one small list), and the register's rows read by one raw SQL join (no
Django). Times are p50 and p95.

    python bench/training_register_bench.py --db sqlite
    python bench/training_register_bench.py --db postgres
"""

import argparse
import json
import sys
from datetime import UTC, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from worlds import RESULTS_DIR, TIMING, analyze, fresh_database, machine, manage, print_table

BUILD_SCRIPT = r"""
import datetime as dt, json
from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.utils import timezone
from risingtide.people.models import Membership, Role, User
from risingtide.schools.models import LocalAuthority, Nation, School
from risingtide.training import services, sessions
from risingtide.training.models import SignUp

BOOKED, WAITING, SMALL = 200, 20, 20
with transaction.atomic():
    nation = Nation.objects.create(name="Benchland")
    la = LocalAuthority.objects.create(nation=nation, code="900", name="Bench LA")
    schools = School.objects.bulk_create(School(local_authority=la, name=f"School {n}",
        establishment_number=f"{1000 + n}", urn=f"{500000 + n}") for n in range(BOOKED + WAITING))
    password = make_password("bench-password")
    lead = User.objects.create(username="bench.la", password=password, first_name="Bench")
    Membership.objects.create(user=lead, role=Role.LA_LEAD, local_authority=la)
    national = User.objects.create(username="bench.national", password=password)
    Membership.objects.create(user=national, role=Role.NATIONAL_OFFICER, nation=nation)
    teachers = User.objects.bulk_create(User(username=f"teacher{n}", password=password,
        first_name=f"Teacher", last_name=f"Number {n:03}") for n in range(BOOKED + WAITING))
    Membership.objects.bulk_create(Membership(user=t, role=Role.LEADING_TEACHER, school=s)
        for t, s in zip(teachers, schools))
    programme = services.create_programme(national, "Leading teacher", nation,
        ["both_half_days_attended"])
    # Yesterday morning, not an hour ago: a session that crosses midnight cannot be marked with
    # times of day (the bench failed when run just after midnight).
    start = (timezone.localtime() - dt.timedelta(days=1)).replace(hour=9, minute=0, second=0,
        microsecond=0)
    before = start - dt.timedelta(days=3)
    def session(venue, half_day, capacity):
        return sessions.schedule(lead, programme, la, half_day=half_day, venue=venue,
            address="1 Bench Road", starts_at=start, ends_at=start + dt.timedelta(hours=3),
            capacity=capacity, now=before)
    big, small = session("Big hall", 1, BOOKED), session("Small room", 2, SMALL)
    for n, teacher in enumerate(teachers):
        sessions.sign_up(teacher, big, now=before + dt.timedelta(seconds=n))
    for teacher in teachers[:SMALL]:
        sessions.sign_up(teacher, small, now=before)
    rows = list(SignUp.objects.filter(session=big, status="booked").order_by("pk"))
    local = timezone.localtime(start)
    for n, row in enumerate(rows[: BOOKED // 2]):
        late = (local + dt.timedelta(minutes=10)).time() if n % 7 == 0 else None
        early = (local + dt.timedelta(minutes=90)).time() if n % 11 == 0 else None
        sessions.mark(lead, big, row.pk, attendance="absent" if n % 13 == 0 else "present",
            arrived=None if n % 13 == 0 else late, left=None if n % 13 == 0 else early)
print("RESULT" + json.dumps({"big": big.pk, "small": small.pk, "row": rows[-1].pk,
    "booked": SignUp.objects.filter(session=big, status="booked").count(),
    "waiting": SignUp.objects.filter(session=big, status="waiting").count()}))
"""

MEASURE_SCRIPT = r"""
import json
from django.test import Client
from risingtide.people.models import User

IDS = json.loads('IDS_JSON')
big, small, row = IDS["big"], IDS["small"], IDS["row"]
client = Client()
client.force_login(User.objects.get(username="bench.la"))
csrf = {"HTTP_HX_REQUEST": "true"}
scenarios = {
    "reference /healthz": ("get", "/healthz", None),
    "reference: the page shell (/training/)": ("get", "/training/", None),
    "register, 200 sign-ups": ("get", f"/training/sessions/{big}/register/", None),
    "register, 20 sign-ups": ("get", f"/training/sessions/{small}/register/", None),
    "session page, 200 sign-ups + 20 waiting": ("get", f"/training/sessions/{big}/", None),
    "one row saved (htmx)": ("post", f"/training/sessions/{big}/register/mark/",
        {"sign_up": row, "attendance": "present"}),
    "register through the API, 200": ("get", f"/api/v1/training/sessions/{big}/register", None),
}
def call(method, url, data):
    if method == "get":
        return client.get(url, secure=True)
    return client.post(url, data, secure=True, **csrf)
out = {}
for name, (method, url, data) in scenarios.items():
    times, queries = time_requests(lambda: call(method, url, data), REPEAT)
    out[name] = summary(times, queries)
# The register makes the same number of queries for 20 sign-ups as for 200.
assert out["register, 200 sign-ups"]["queries"] == out["register, 20 sign-ups"]["queries"], out

RAW = ("SELECT u.first_name, u.last_name, s.present, s.arrived_at, s.left_at, sc.name "
    "FROM training_signup s JOIN people_user u ON u.id = s.learner_id "
    "LEFT JOIN people_membership m ON m.user_id = u.id AND m.role = 'leading_teacher' "
    "LEFT JOIN schools_school sc ON sc.id = m.school_id "
    "WHERE s.session_id = %s AND s.status = 'booked' ORDER BY u.last_name, u.first_name")
out["reference raw SQL: the register's rows"], rows = time_sql(RAW, [big], REPEAT * 3)
assert len(rows) == IDS["booked"], len(rows)
print("RESULT" + json.dumps(out))
"""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", choices=["sqlite", "postgres"], default="sqlite")
    parser.add_argument("--repeat", type=int, default=20, help="timed requests per scenario")
    parser.add_argument("--pg-server", default="postgresql://postgres@127.0.0.1:5432")
    args = parser.parse_args()
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    with fresh_database(args.db, args.pg_server, f"rt_bench_training_{stamp.lower()}") as env:
        manage(env, "migrate", "-v0")
        built = json.loads(manage(env, "shell", "-c", BUILD_SCRIPT).split("RESULT", 1)[1])
        analyze(env)
        code = TIMING + MEASURE_SCRIPT.replace("REPEAT", str(args.repeat)).replace(
            "IDS_JSON", json.dumps(built)
        )
        output = manage({**env, "RISINGTIDE_ALLOWED_HOSTS": "testserver"}, "shell", "-c", code)
        results = json.loads(output.split("RESULT", 1)[1])
    healthz = results["reference /healthz"]["p50_ms"]
    raw = results["reference raw SQL: the register's rows"]["p50_ms"]
    print(f"Training register ({args.db}): {built['booked']} booked, {built['waiting']} waiting")
    print_table(
        results,
        42,
        {"p95 ÷ healthz p50": ("p95_ms", healthz, ".1f"), "p95 ÷ raw p50": ("p95_ms", raw, ".1f")},
    )
    RESULTS_DIR.mkdir(exist_ok=True)
    path = RESULTS_DIR / f"{stamp}-training-register-{args.db}.json"
    path.write_text(
        json.dumps({"db": args.db, **built, "results": results, "machine": machine()}, indent=2)
    )
    print(f"written {path}")


if __name__ == "__main__":
    main()
