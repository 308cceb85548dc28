"""Quality standards at scale (issue 7): the LA lead's monitoring page for an LA of 300 schools
and the national indicator over 20,000 schools, on SQLite or PostgreSQL.

A fresh database (see ``worlds.py``) gets the shipped frameworks (``migrate``) and a synthetic
nation: 20,000 schools in 68 LAs (one, "Bench LA", of exactly 300 and one of 30), 85% of them
with a submitted IQS judgement (14 element levels each, drawn at random), a third of those with
an earlier judgement it superseded a year before, 90% with a leading teacher; every school of
the two measured LAs has a current plan of eight actions (some overdue, some done) and a note.
The LA lead and the national officer then load, in-process through Django's test client:

- LA monitoring: ``/las/<Bench LA>/standards/``, unfiltered, filtered by element and level, by
  "no current plan", and as CSV; and the same page for the 30-school LA, whose query count must
  equal the 300-school one's (the page makes a constant number of queries; asserted);
- national indicator: ``/nations/<id>/standards/`` (and its CSV) over all 20,000 schools;

each ``--repeat`` times after a warm-up, against two references measured in the same run:
``/healthz`` through the same client, and the indicator's headline in raw SQL (schools in
force per overall level, one GROUP BY, no Django). Times are p50 and p95.

    python bench/standards_bench.py --db sqlite
    python bench/standards_bench.py --db postgres
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
from django.utils import timezone
from risingtide.people.models import Membership, Role, User
from risingtide.schools.models import LocalAuthority, Nation, School
from risingtide.standards.framework_models import Framework
from risingtide.standards.models import (ImprovementPlan, Judgement, MonitoringNote, PlanAction,
    SelfEvaluation)
from risingtide.standards.services import current_version

rng = random.Random(7)
SCHOOLS = 20_000
version = current_version("iqs")
framework = version.framework
elements = list(version.elements.order_by("number"))
now = timezone.now()
today = timezone.localdate()
with transaction.atomic():
    nation = Nation.objects.create(name="Benchland")
    sizes = [300, 30] + [300] * 65
    sizes.append(SCHOOLS - sum(sizes))
    las = LocalAuthority.objects.bulk_create(
        LocalAuthority(nation=nation, code=f"{100 + i}", name=("Bench LA" if i == 0 else
            "Small LA" if i == 1 else f"LA {i}")) for i in range(len(sizes)))
    schools = []
    n = 0
    for la, size in zip(las, sizes):
        for _ in range(size):
            schools.append(School(local_authority=la, name=f"School {n}",
                establishment_number=f"{1000 + (n % 9000)}", urn=f"{100000 + n}",
                phase=rng.choice(["primary"] * 4 + ["secondary", "special"])))
            n += 1
    # establishment numbers are unique per LA: at most 300 per LA here
    schools = School.objects.bulk_create(schools, batch_size=2000)
    password = make_password("bench-password")
    la_lead = User.objects.create(username="bench.la", password=password)
    Membership.objects.create(user=la_lead, role=Role.LA_LEAD, local_authority=las[0])
    small_lead = User.objects.create(username="bench.small", password=password)
    Membership.objects.create(user=small_lead, role=Role.LA_LEAD, local_authority=las[1])
    national = User.objects.create(username="bench.national", password=password)
    Membership.objects.create(user=national, role=Role.NATIONAL_OFFICER, nation=nation)
    leads = User.objects.bulk_create(User(username=f"lead{s.pk}", password=password)
        for s in schools if rng.random() < 0.9)
    Membership.objects.bulk_create(Membership(user=u, role=Role.LEADING_TEACHER,
        school_id=int(u.username[4:])) for u in leads)
    evaluations, earlier = [], []
    for s in schools:
        if rng.random() < 0.85:
            if rng.random() < 0.33:
                earlier.append(SelfEvaluation(school=s, framework=framework, version=version,
                    status="submitted", submitted_at=now - dt.timedelta(days=700),
                    superseded_at=now - dt.timedelta(days=300), overall_level=1))
            evaluations.append(SelfEvaluation(school=s, framework=framework, version=version,
                status="submitted", submitted_at=now - dt.timedelta(days=rng.randint(1, 300))))
    SelfEvaluation.objects.bulk_create(earlier, batch_size=2000)
    judgements = []
    for e in evaluations:
        levels = [rng.choice([1, 2, 2, 3]) for _ in elements]
        e.overall_level = min(levels)
        e._levels = levels
    SelfEvaluation.objects.bulk_create(evaluations, batch_size=2000)
    for e in [*evaluations, *earlier]:
        levels = getattr(e, "_levels", [1] * len(elements))
        judgements.extend(Judgement(evaluation=e, element=el, level=lv, evidence="e")
            for el, lv in zip(elements, levels))
        if len(judgements) > 20_000:
            Judgement.objects.bulk_create(judgements)
            judgements = []
    Judgement.objects.bulk_create(judgements)
    measured = [s for s in schools if s.local_authority_id in (las[0].pk, las[1].pk)]
    plans = ImprovementPlan.objects.bulk_create(ImprovementPlan(school=s, title="Plan",
        starts_on=today - dt.timedelta(days=90), ends_on=today + dt.timedelta(days=270))
        for s in measured)
    PlanAction.objects.bulk_create(PlanAction(plan=p, element=elements[i], what=f"Action {i}",
        due_on=today + dt.timedelta(days=rng.randint(-60, 120)),
        status=rng.choice(["not_started", "in_progress", "done"]), position=i)
        for p in plans for i in range(8))
    MonitoringNote.objects.bulk_create(MonitoringNote(school=s, author=la_lead,
        reviewed_on=today - dt.timedelta(days=rng.randint(1, 200)), text="Reviewed.")
        for s in measured)
print("RESULT" + json.dumps({"schools": School.objects.count(),
    "judgements": Judgement.objects.count(), "evaluations": SelfEvaluation.objects.count(),
    "bench_la": las[0].pk, "small_la": las[1].pk, "nation": nation.pk}))
"""

MEASURE_SCRIPT = r"""
import json
from django.test import Client
from risingtide.people.models import User

IDS = json.loads('IDS_JSON')
la, small, nation = IDS["bench_la"], IDS["small_la"], IDS["nation"]

def client_for(username):
    client = Client()
    client.force_login(User.objects.get(username=username))
    return client

lead, small_lead, officer = (client_for(u) for u in ("bench.la", "bench.small", "bench.national"))
scenarios = {
    "reference /healthz": (lead, [f"/healthz"]),
    "LA monitoring, 300 schools": (lead, [f"/las/{la}/standards/"]),
    "LA monitoring, filtered": (lead, [f"/las/{la}/standards/?element=3&level=1",
        f"/las/{la}/standards/?flag=no_leading_teacher", f"/las/{la}/standards/?flag=overdue"]),
    "LA monitoring CSV": (lead, [f"/las/{la}/standards.csv"]),
    "LA monitoring, 30 schools": (small_lead, [f"/las/{small}/standards/"]),
    "national indicator, 20,000 schools": (officer, [f"/nations/{nation}/standards/"]),
    "national indicator CSV": (officer, [f"/nations/{nation}/standards.csv"]),
}
out = {name: time_pages(client, urls, REPEAT) for name, (client, urls) in scenarios.items()}
# A page makes the same number of queries whatever the size of the LA.
assert out["LA monitoring, 300 schools"]["queries"] == out["LA monitoring, 30 schools"]["queries"]

RAW = ("SELECT e.overall_level, COUNT(*) FROM standards_selfevaluation e "
    "JOIN schools_school s ON s.id = e.school_id JOIN schools_localauthority l "
    "ON l.id = s.local_authority_id WHERE e.status = 'submitted' AND e.superseded_at IS NULL "
    "AND l.nation_id = %s GROUP BY e.overall_level")
out["reference raw GROUP BY"], _ = time_sql(RAW, [nation], REPEAT * 3)
print("RESULT" + json.dumps(out))
"""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", choices=["sqlite", "postgres"], default="sqlite")
    parser.add_argument("--repeat", type=int, default=20, help="timed requests per URL")
    parser.add_argument("--pg-server", default="postgresql://postgres@127.0.0.1:5432")
    args = parser.parse_args()
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    with fresh_database(args.db, args.pg_server, f"rt_bench_standards_{stamp.lower()}") as env:
        manage(env, "migrate", "-v0")
        built = json.loads(manage(env, "shell", "-c", BUILD_SCRIPT).split("RESULT", 1)[1])
        analyze(env)
        code = TIMING + MEASURE_SCRIPT.replace("REPEAT", str(args.repeat)).replace(
            "IDS_JSON", json.dumps(built)
        )
        output = manage({**env, "RISINGTIDE_ALLOWED_HOSTS": "testserver"}, "shell", "-c", code)
        results = json.loads(output.split("RESULT", 1)[1])
    healthz = results["reference /healthz"]["p50_ms"]
    raw = results["reference raw GROUP BY"]["p50_ms"]
    print(
        f"Quality standards ({args.db}): {built['schools']:,} schools, "
        f"{built['evaluations']:,} judgements, {built['judgements']:,} element levels"
    )
    print_table(
        results,
        36,
        {"p95 ÷ healthz p50": ("p95_ms", healthz, ".0f"), "p95 ÷ raw p50": ("p95_ms", raw, ".1f")},
    )
    RESULTS_DIR.mkdir(exist_ok=True)
    path = RESULTS_DIR / f"{stamp}-standards-{args.db}.json"
    path.write_text(
        json.dumps({"db": args.db, **built, "results": results, "machine": machine()}, indent=2)
    )
    print(f"written {path}")


if __name__ == "__main__":
    main()
