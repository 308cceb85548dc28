"""Entitlement (issue 19): the coordinator's entitlement page for a school of 2,000 pupils with
300 on the G&T register and a year of opportunities, on SQLite or PostgreSQL.

A fresh database (see ``worlds.py``) gets one LA with two secondary schools. The big one has
2,000 pupil records, each with an account in one of 60 classes; 300 are on this year's
register (a current entry, identified; 100 more nominated), with a learning guide each (one of
eight); its provision map has 40 opportunities across the year (a third each term, some all
year, each serving one to three components, a quarter beyond the classroom, some needing a
carer's consent), and each pupil on the register has 0 to 6 participations in every state
(places, taken part, asked, offered, waiting, declined, not now, awaiting consent):
about 900. Pupils have FSM periods, EAL, SEN and ethnic groups. The small school has 200 pupils
with 30 on the register and the same mix. The coordinator then loads, in process through
Django's test client:

- the entitlement page, 300 on the register: ``/schools/<id>/entitlement/``, and the same page
  for the small school's 30, whose query count must equal the 300's (asserted);
- the school's equity of provision (exact), 300;
- the entitlement through the API, 300;
- as the LA lead, the LA's equity of provision (both schools summed, suppressed);

each ``--repeat`` times after two warm-ups, against two references measured in the same run:
``/healthz`` through the same client (the bare view), and the register's pupils with their
participations this term counted by one raw SQL ``GROUP BY`` (no Django). Times are p50 and
p95.

    python bench/entitlement_bench.py --db sqlite
    python bench/entitlement_bench.py --db postgres
"""

import argparse
import json
import sys
from datetime import UTC, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from worlds import RESULTS_DIR, TIMING, analyze, fresh_database, machine, manage, print_table

BUILD_SCRIPT = r"""
import datetime as dt, json, random
from django.contrib.auth.hashers import make_password
from django.db import transaction
from risingtide.learners.models import LearningGuide
from risingtide.opportunities.models import (Opportunity, OpportunityComponent, Participation)
from risingtide.people.models import Membership, Role, User
from risingtide.provision import periods
from risingtide.register.models import FsmPeriod, Pupil, RegisterEntry
from risingtide.schools.models import LocalAuthority, Nation, School, TeachingGroup

rng = random.Random(19)
term = periods.current()
_, YEAR, WHICH = term.code.split(":")
YEAR = int(YEAR)
password = make_password("bench-password")
COMPONENTS = ["assessment", "teaching", "curriculum", "organisation", "beyond"]
STATES = (["place"] * 5 + ["took_part"] * 3 + ["requested", "offered", "waiting", "declined",
          "not_now", "alternative"])
ETHNIC = ["White"] * 6 + ["Asian", "Black", "Mixed", "Chinese", "Any other", ""]

def school_of(la, name, n, on_register, code):
    school = School.objects.create(local_authority=la, name=name, establishment_number=code,
        urn=f"9{code}0", phase=School.Phase.SECONDARY)
    groups = TeachingGroup.objects.bulk_create(TeachingGroup(school=school,
        name=f"{7 + k // 12}{'ABCDEFGHIJKL'[k % 12]}", year_group=7 + k // 12,
        academic_year=YEAR) for k in range(max(n // 33, 1)))
    accounts = User.objects.bulk_create(User(username=f"{code}.pupil{k}", password=password,
        first_name="Pupil", last_name=f"{k:04}") for k in range(n))
    Membership.objects.bulk_create(Membership(user=u, role=Role.PUPIL, school=school)
        for u in accounts)
    Membership.objects.bulk_create(Membership(user=u, role=Role.PUPIL, school=school,
        teaching_group=groups[k % len(groups)]) for k, u in enumerate(accounts))
    records = Pupil.objects.bulk_create(Pupil(school=school, upn=f"B{code}{k:08}",
        legal_surname=f"Surname{k:04}", legal_forename=f"Forename{k}",
        date_of_birth=dt.date(2013, 1 + k % 12, 1 + k % 28), gender="MF"[k % 2],
        nc_year=str(7 + k % 5), eal=rng.random() < 0.2, sen=rng.choice(["", "", "", "", "K", "E"]),
        ethnic_group=rng.choice(ETHNIC), account=u) for k, u in enumerate(accounts))
    FsmPeriod.objects.bulk_create(FsmPeriod(pupil=r, start=dt.date(YEAR - 2, 9, 1))
        for r in records if rng.random() < 0.2)
    chosen = rng.sample(records, on_register + on_register // 3)
    RegisterEntry.objects.bulk_create(RegisterEntry(pupil=r, school=school, academic_year=YEAR,
        status="identified" if k < on_register else "nominated", current=True, gifted=True,
        domains=["maths"]) for k, r in enumerate(chosen))
    lead = User.objects.create(username=f"{code}.lead", password=password, first_name="Lead")
    Membership.objects.create(user=lead, role=Role.LEADING_TEACHER, school=school)
    guides = User.objects.bulk_create(User(username=f"{code}.guide{k}", password=password,
        first_name="Guide", last_name=f"Number {k}") for k in range(8))
    Membership.objects.bulk_create(Membership(user=g, role=Role.TEACHER, school=school,
        teaching_group=groups[k % len(groups)]) for k, g in enumerate(guides))
    LearningGuide.objects.bulk_create(LearningGuide(pupil=r, guide=guides[k % 8])
        for k, r in enumerate(chosen[:on_register]))
    opportunities = []
    terms = ["autumn", "spring", "summer"] * 12 + ["year"] * 4
    for k, t in enumerate(terms):
        opportunities.append(Opportunity(school=school, title=f"Opportunity {k}", kind="club",
            wave=1 + k % 3, domain="gifted", year_from=7, year_to=11, academic_year=YEAR,
            term=t, capacity=None if k % 3 else 30, needs_consent=k % 7 == 0))
    opportunities = Opportunity.objects.bulk_create(opportunities)
    OpportunityComponent.objects.bulk_create(OpportunityComponent(opportunity=o, component=c)
        for k, o in enumerate(opportunities)
        for c in (["beyond"] if k % 4 == 0 else rng.sample(COMPONENTS[:4], 1 + k % 3)))
    participations = []
    for r in chosen[:on_register]:
        for o in rng.sample(opportunities, rng.randint(0, 6)):
            state = rng.choice(STATES)
            consent = "not_needed"
            if o.needs_consent and state == "place":
                consent = rng.choice(["awaiting", "given"])
            participations.append(Participation(opportunity=o, pupil=r, state=state,
                consent=consent))
    Participation.objects.bulk_create(participations)
    return school, lead, len(participations)

with transaction.atomic():
    nation = Nation.objects.create(name="Benchland")
    la = LocalAuthority.objects.create(nation=nation, code="900", name="Bench LA")
    big, lead, big_participations = school_of(la, "Big Academy", 2000, 300, "4001")
    small, _small_lead, _ = school_of(la, "Small High", 200, 30, "4002")
    la_lead = User.objects.create(username="bench.la", password=password)
    Membership.objects.create(user=la_lead, role=Role.LA_LEAD, local_authority=la)
print("RESULT" + json.dumps({"big": big.pk, "small": small.pk, "la": la.pk, "lead": lead.username,
    "small_lead": "4002.lead", "term": term.code, "participations": big_participations,
    "pupils": Pupil.objects.filter(school=big).count(),
    "on_register": RegisterEntry.objects.filter(school=big, status="identified").count()}))
"""

MEASURE_SCRIPT = r"""
import json
from django.test import Client
from risingtide.people.models import User

IDS = json.loads('IDS_JSON')
big, small, la, term = IDS["big"], IDS["small"], IDS["la"], IDS["term"]
coordinator, small_coordinator, la_lead = Client(), Client(), Client()
coordinator.force_login(User.objects.get(username=IDS["lead"]))
small_coordinator.force_login(User.objects.get(username=IDS["small_lead"]))
la_lead.force_login(User.objects.get(username="bench.la"))
scenarios = {
    "reference /healthz": (coordinator, "/healthz"),
    "entitlement page, 300 on the register": (coordinator,
        f"/schools/{big}/entitlement/?term={term}"),
    "entitlement page, 30 on the register": (small_coordinator,
        f"/schools/{small}/entitlement/?term={term}"),
    "equity of provision, school (exact), 300": (coordinator,
        f"/schools/{big}/entitlement/equity/?term={term}"),
    "entitlement through the API, 300": (coordinator,
        f"/api/v1/schools/{big}/entitlement?term={term}"),
    "equity of provision, LA (suppressed), 330": (la_lead, f"/las/{la}/entitlement/?term={term}"),
}
out = {name: time_pages(client, [url], REPEAT) for name, (client, url) in scenarios.items()}
# The page makes the same number of queries for 30 pupils on the register as for 300.
assert (out["entitlement page, 300 on the register"]["queries"]
        == out["entitlement page, 30 on the register"]["queries"]), out

_, year, which = term.split(":")
RAW = ("SELECT e.pupil_id, COUNT(p.id) FROM register_registerentry e "
    "LEFT JOIN opportunities_participation p ON p.pupil_id = e.pupil_id "
    "LEFT JOIN opportunities_opportunity o ON o.id = p.opportunity_id "
    "AND o.academic_year = %s AND o.term IN (%s, 'year') "
    "WHERE e.school_id = %s AND e.academic_year = %s AND e.current AND e.status = 'identified' "
    "GROUP BY e.pupil_id")
out["reference raw SQL: participations per pupil"], rows = time_sql(
    RAW, [int(year), which, big, int(year)], REPEAT * 3)
assert len(rows) == IDS["on_register"], len(rows)
print("RESULT" + json.dumps(out))
"""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", choices=["sqlite", "postgres"], default="sqlite")
    parser.add_argument("--repeat", type=int, default=20, help="timed requests per scenario")
    parser.add_argument("--pg-server", default="postgresql://postgres@127.0.0.1:5432")
    args = parser.parse_args()
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    with fresh_database(args.db, args.pg_server, f"rt_bench_entitlement_{stamp.lower()}") as env:
        manage(env, "migrate", "-v0")
        built = json.loads(manage(env, "shell", "-c", BUILD_SCRIPT).split("RESULT", 1)[1])
        analyze(env)
        code = TIMING + MEASURE_SCRIPT.replace("REPEAT", str(args.repeat)).replace(
            "IDS_JSON", json.dumps(built)
        )
        output = manage({**env, "RISINGTIDE_ALLOWED_HOSTS": "testserver"}, "shell", "-c", code)
        results = json.loads(output.split("RESULT", 1)[1])
    healthz = results["reference /healthz"]["p50_ms"]
    raw = results["reference raw SQL: participations per pupil"]["p50_ms"]
    print(
        f"Entitlement ({args.db}): {built['pupils']} pupils, {built['on_register']} on the "
        f"register, {built['participations']} participations, {built['term']}"
    )
    print_table(
        results,
        46,
        {"p95 ÷ healthz p50": ("p95_ms", healthz, ".1f"), "p95 ÷ raw p50": ("p95_ms", raw, ".1f")},
    )
    RESULTS_DIR.mkdir(exist_ok=True)
    path = RESULTS_DIR / f"{stamp}-entitlement-{args.db}.json"
    path.write_text(
        json.dumps({"db": args.db, **built, "results": results, "machine": machine()}, indent=2)
    )
    print(f"written {path}")


if __name__ == "__main__":
    main()
