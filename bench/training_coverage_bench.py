"""Training coverage at scale (issue 18): the national officer's coverage page over 20,000
schools, and the LA lead's page for an LA of 300 schools, on SQLite or PostgreSQL.

A fresh database (see ``worlds.py``) gets a synthetic nation: 20,000 schools in 68 LAs (one,
"Bench LA", of exactly 300 and one of 30), two thirds primary; half the primaries in clusters
of five that share a leading teacher, 85% of the other schools and clusters with a leading
teacher of their own, two teachers a school besides. A national programme of three core
modules (one published version each) and the improvement-plan rule: 45% of the leading
teachers completed it at some point over the last 18 months, a further 25% part-way (one or
two core modules passed). The national officer and the LA lead then load, in-process through
Django's test client:

- national coverage: ``/training/coverage/nations/<id>/`` and both its CSVs (by LA and phase,
  by month) over all 20,000 schools;
- LA coverage: ``/training/coverage/las/<Bench LA>/`` and the same page for the 30-school LA,
  whose query count must equal the 300-school one's (asserted), each leading teacher not yet
  trained with the completion rules they still have to meet;

each ``--repeat`` times after a warm-up, against two references measured in the same run:
``/healthz`` through the same client, and the headline in raw SQL (schools with a trained
leading teacher at the school or its cluster, one ``COUNT`` with ``EXISTS``, no Django). Times
are p50 and p95.

    python bench/training_coverage_bench.py --db sqlite
    python bench/training_coverage_bench.py --db postgres
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
from risingtide.schools.models import Cluster, LocalAuthority, Nation, School
from risingtide.training.models import Completion, Module, ModuleVersion, Programme, Progress

rng = random.Random(18)
SCHOOLS = 20_000
now = timezone.now()
STEPS = {"steps": [{"kind": "page", "title": "Read", "body": "Read this."}]}
with transaction.atomic():
    nation = Nation.objects.create(name="Benchland")
    sizes = [300, 30] + [300] * 65
    sizes.append(SCHOOLS - sum(sizes))
    las = LocalAuthority.objects.bulk_create(
        LocalAuthority(nation=nation, code=f"{100 + i}", name=("Bench LA" if i == 0 else
            "Small LA" if i == 1 else f"LA {i:02d}")) for i in range(len(sizes)))
    schools, clusters = [], []
    n = 0
    for la, size in zip(las, sizes):
        open_cluster, members = None, 0
        for _ in range(size):
            phase = rng.choice(["primary"] * 4 + ["secondary", "special"])
            cluster = None
            if phase == "primary" and rng.random() < 0.5:
                if open_cluster is None or members == 5:
                    open_cluster = Cluster(local_authority=la, name=f"Cluster {len(clusters)}")
                    clusters.append(open_cluster)
                    members = 0
                cluster, members = open_cluster, members + 1
            schools.append(School(local_authority=la, cluster=cluster, name=f"School {n}",
                establishment_number=f"{1000 + (n % 9000)}", urn=f"{100000 + n}", phase=phase))
            n += 1
    Cluster.objects.bulk_create(clusters, batch_size=2000)
    for s in schools:
        s.cluster_id = s.cluster.pk if s.cluster else None
    schools = School.objects.bulk_create(schools, batch_size=2000)
    password = make_password("bench-password")
    la_lead = User.objects.create(username="bench.la", password=password)
    Membership.objects.create(user=la_lead, role=Role.LA_LEAD, local_authority=las[0])
    small_lead = User.objects.create(username="bench.small", password=password)
    Membership.objects.create(user=small_lead, role=Role.LA_LEAD, local_authority=las[1])
    national = User.objects.create(username="bench.national", password=password)
    Membership.objects.create(user=national, role=Role.NATIONAL_OFFICER, nation=nation)
    places = [("school", s.pk) for s in schools if not s.cluster_id] + [
        ("cluster", c.pk) for c in clusters]
    led = [p for p in places if rng.random() < 0.85]
    leads = User.objects.bulk_create((User(username=f"lead{kind}{pk}", password=password)
        for kind, pk in led), batch_size=5000)
    Membership.objects.bulk_create((Membership(user=u, role=Role.LEADING_TEACHER,
        **{f"{kind}_id": pk}) for u, (kind, pk) in zip(leads, led)), batch_size=5000)
    teachers = User.objects.bulk_create((User(username=f"teacher{s.pk}-{i}", password=password)
        for s in schools for i in range(2)), batch_size=5000)
    Membership.objects.bulk_create((Membership(user=t, role=Role.TEACHER,
        school_id=int(t.username[7:].split("-")[0])) for t in teachers), batch_size=5000)
    programme = Programme.objects.create(title="Leading teacher 2026", nation=nation,
        rules=["all_core_passed", "improvement_plan"])
    modules = [Module.objects.create(programme=programme, title=f"Core {i}", position=i)
        for i in range(3)]
    versions = [ModuleVersion.objects.create(module=m, number=1, content=STEPS,
        published_at=now - dt.timedelta(days=600)) for m in modules]
    completions, progress = [], []
    for u in leads:
        luck = rng.random()
        if luck < 0.45:
            completions.append(Completion(learner=u, programme=programme,
                completed_at=now - dt.timedelta(days=rng.randint(0, 540)), evidence={}))
            passed = 3
        else:
            passed = 1 + (luck > 0.6) if luck < 0.7 else 0
        progress.extend(Progress(learner=u, module=m, version=v, step=0,
            completed_at=now - dt.timedelta(days=rng.randint(0, 540)))
            for m, v in list(zip(modules, versions))[:passed])
    Completion.objects.bulk_create(completions, batch_size=5000)
    Progress.objects.bulk_create(progress, batch_size=5000)
print("RESULT" + json.dumps({"schools": School.objects.count(), "clusters": len(clusters),
    "leading_teachers": len(leads), "completions": len(completions),
    "memberships": Membership.objects.count(), "bench_la": las[0].pk,
    "small_la": las[1].pk, "nation": nation.pk, "programme": programme.pk}))
"""

MEASURE_SCRIPT = r"""
import json
from django.test import Client
from risingtide.people.models import User

IDS = json.loads('IDS_JSON')
la, small, nation, programme = IDS["bench_la"], IDS["small_la"], IDS["nation"], IDS["programme"]

def client_for(username):
    client = Client()
    client.force_login(User.objects.get(username=username))
    return client

lead, small_lead, officer = (client_for(u) for u in ("bench.la", "bench.small", "bench.national"))
base = f"/training/coverage/nations/{nation}/"
scenarios = {
    "reference /healthz": (officer, ["/healthz"]),
    "national coverage, 20,000 schools": (officer, [base]),
    "national coverage CSV (LA and phase)": (officer, [base + "coverage.csv"]),
    "national coverage CSV (month)": (officer, [base + "coverage.csv?by=month"]),
    "LA coverage, 300 schools": (lead, [f"/training/coverage/las/{la}/"]),
    "LA coverage, 30 schools": (small_lead, [f"/training/coverage/las/{small}/"]),
}
out = {name: time_pages(client, urls, REPEAT) for name, (client, urls) in scenarios.items()}
# A page makes the same number of queries whatever the size of the LA.
assert out["LA coverage, 300 schools"]["queries"] == out["LA coverage, 30 schools"]["queries"]

RAW = ("SELECT COUNT(*) FROM schools_school s JOIN schools_localauthority l "
    "ON l.id = s.local_authority_id WHERE l.nation_id = %s AND EXISTS (SELECT 1 FROM "
    "people_membership m JOIN training_completion c ON c.learner_id = m.user_id "
    "WHERE m.role = 'leading_teacher' AND c.programme_id = %s "
    "AND (m.school_id = s.id OR m.cluster_id = s.cluster_id))")
out["reference raw COUNT"], _ = time_sql(RAW, [nation, programme], REPEAT * 3)
print("RESULT" + json.dumps(out))
"""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", choices=["sqlite", "postgres"], default="sqlite")
    parser.add_argument("--repeat", type=int, default=20, help="timed requests per URL")
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
    raw = results["reference raw COUNT"]["p50_ms"]
    print(
        f"Training coverage ({args.db}): {built['schools']:,} schools, "
        f"{built['clusters']:,} clusters, {built['leading_teachers']:,} leading teachers, "
        f"{built['completions']:,} completions, {built['memberships']:,} memberships"
    )
    print_table(
        results,
        38,
        {"p95 ÷ healthz p50": ("p95_ms", healthz, ".0f"), "p95 ÷ raw p50": ("p95_ms", raw, ".1f")},
    )
    RESULTS_DIR.mkdir(exist_ok=True)
    path = RESULTS_DIR / f"{stamp}-training-coverage-{args.db}.json"
    path.write_text(
        json.dumps({"db": args.db, **built, "results": results, "machine": machine()}, indent=2)
    )
    print(f"written {path}")


if __name__ == "__main__":
    main()
