"""The provision marketplace (issue 17): catalogue search over 5,000 services, and the national
spend and uptake report, on SQLite (FTS5) or PostgreSQL (tsvector).

A fresh database (see ``worlds.py``) gets the demo world (schools, pupils, registers and their
census figures), 40 providers with **5,000 published services** (titles and descriptions from a
topic vocabulary with a long tail, so some words are in hundreds of services and some in a
handful), a session each, credits funded down to every school, and ``--bookings`` bookings of
one to three pupils each made through ``provision.bookings.book`` (one in ten then cancelled).
Then, in-process through Django's test client (every middleware, no HTTP server):

- catalogue search: 20 searches of one to three words (a phrase, an ``or``, a provider's name
  among them) as the demo teacher, against two references measured in the same run: the
  catalogue with no words (the bare query: access rule, filters, count and page) and the best
  20 matches straight from the full-text index in raw SQL;
- the national spend and uptake report as the national officer, by LA, by school, by provider
  and by kind, for the sessions of the next 120 days; and the same through the API.

Times are p50 and p95 per scenario, with the SQL query count of one request.

    python bench/marketplace_bench.py --db sqlite
    python bench/marketplace_bench.py --db postgres
"""

import argparse
import json
import sys
from datetime import UTC, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from worlds import RESULTS_DIR, TIMING, analyze, fresh_database, machine, manage, print_table

BUILD_SCRIPT = r"""
import json, random, uuid
from datetime import timedelta
from django.utils import timezone
from risingtide.credits import ledger, services as credits
from risingtide.credits.models import Transaction
from risingtide.demo import world
from risingtide.people.models import Membership, Role
from risingtide.provision import bookings
from risingtide.provision.models import Service, Session
from risingtide.register.models import Pupil
from risingtide.schools.models import LocalAuthority, Nation, Provider, School

world.load_demo()
rng = random.Random(17)
nation = Nation.objects.get()
TOPICS = ("bees rivers volcanoes bridges robots castles poetry fractions electricity magnets "
    "rainforests recycling rockets dinosaurs planets chocolate democracy migration earthquakes "
    "photosynthesis algorithms probability ecosystems plastics pyramids romans vikings tudors "
    "weather coastlines mountains deserts oceans habitats nutrition sound light forces "
    "inventors architecture sculpture music drama journalism statistics codes ciphers gardens "
    "wildlife energy turbines floods erosion maps orienteering sport olympics chess origami "
    "crystals fossils skeletons microbes vaccines pollution climate glaciers lighthouses").split()
FILLER = ("pupils will work with experts to explore the question through hands on activities "
    "discussion and a final showcase with extension tasks for the most able and resources "
    "to take back to school including a teacher pack and follow up online sessions").split()
NAMES = ("Quill Cogwheel Orrery Lantern Compass Beacon Harbour Meridian Atlas Prism Kestrel "
    "Willow Summit Tidal Ember Aurora Cedar Falcon Garnet Heron").split()

def zipf(words):
    return words[min(int(rng.paretovariate(1.2)) - 1, len(words) - 1)]

providers = [
    Provider.objects.create(
        nation=nation, name=f"{NAMES[n % 20]} {'Trust' if n < 20 else 'Academy'}")
    for n in range(40)]
kinds = [k for k, _ in Service.Kind.choices]
rows = []
for n in range(5_000):
    a, b = zipf(TOPICS), zipf(TOPICS)
    rows.append(Service(
        provider=rng.choice(providers),
        title=f"{a.title()} and {b} {rng.choice(kinds).replace('_', ' ')} ({n})",
        summary=" ".join([*rng.sample(FILLER, 18), zipf(TOPICS), a]), kind=rng.choice(kinds),
        audience=Service.Audience.PUPILS, format=Service.Format.ONLINE, price=rng.randint(1, 5),
        register_only=False, year_from=0, year_to=13, status=Service.Status.PUBLISHED))
Service.objects.bulk_create(rows, batch_size=500)
now = timezone.now()
services = list(Service.objects.filter(title__contains="("))
Session.objects.bulk_create([
    Session(service=s, starts_at=now + timedelta(days=1 + n % 100),
        ends_at=now + timedelta(days=1 + n % 100, hours=2), capacity=50)
    for n, s in enumerate(services)], batch_size=500)
sessions = list(Session.objects.filter(service__in=services).select_related("service"))
schools = list(School.objects.all())
ledger.transfer(Transaction.Kind.FUNDING, credits.outside(), credits.account_of(nation), 10**7)
for la in LocalAuthority.objects.all():
    ledger.transfer(Transaction.Kind.ALLOCATION, credits.account_of(nation),
        credits.account_of(la), 10**6)
for school in schools:
    ledger.transfer(Transaction.Kind.ALLOCATION, credits.account_of(school.local_authority),
        credits.account_of(school), 10**5 // len(schools) * 10,
        new_lot=ledger.NewLot(expires_on=(now + timedelta(days=rng.randint(10, 400))).date()))
coordinators = {m.school_id: m.user for m in Membership.objects.filter(
    role__in=[Role.LEADING_TEACHER, Role.HEAD], school__isnull=False).select_related("user")}
pupils = {s.pk: list(Pupil.objects.filter(school=s, on_roll=True).values_list("pk", flat=True))
    for s in schools}
made = cancelled = 0
while made < BOOKINGS:
    school = rng.choice([s for s in schools if s.pk in coordinators and pupils[s.pk]])
    session = rng.choice(sessions)
    chosen = rng.sample(pupils[school.pk], min(len(pupils[school.pk]), rng.randint(1, 3)))
    try:
        booking = bookings.book(coordinators[school.pk], session, school, pupil_ids=chosen,
            key=str(uuid.uuid4()))
    except Exception:
        continue  # a pupil already placed there, or not eligible: try another
    made += 1
    if made % 10 == 0:
        bookings.cancel(coordinators[school.pk], booking)
        cancelled += 1
print("RESULT" + json.dumps({"services": Service.objects.count(), "bookings": made,
    "cancelled": cancelled, "schools": len(schools), "nation": nation.pk}))
"""

RUN_SCRIPT = r"""
import json
from datetime import timedelta
from urllib.parse import urlencode
from django.db import connection
from django.test import Client
from django.utils import timezone
from risingtide.people.models import User

WORDS = ["bees", "volcanoes", "rivers floods", "robots masterclass", "magnets electricity",
    "chocolate", "lighthouses", "pupils experts", "showcase", '"bees and rivers"',
    "castles or pyramids", "fossils -dinosaurs", "ecosystems habitats", "algorithms",
    "ciphers codes", "origami", "quill trust", "kestrel academy", "glaciers",
    "statistics probability"]
today = timezone.localdate()
PERIOD = {"period": "custom", "start": today.isoformat(),
    "end": (today + timedelta(days=120)).isoformat()}
BYS = ("la", "school", "provider", "kind")
teacher, national = Client(), Client()
teacher.force_login(User.objects.get(username="teacher"))
national.force_login(User.objects.get(username="national"))
scenarios = {
    "reference /healthz": (teacher, [("/healthz", None)]),
    "catalogue, no words (bare query)": (
        teacher, [("/provision/", None), ("/provision/", {"page": 25})]),
    "catalogue search": (teacher, [("/provision/", {"q": w}) for w in WORDS]),
    "catalogue search + filters": (teacher, [
        ("/provision/", {"q": w, "kind": "masterclass", "price_up_to": 3}) for w in WORDS]),
    "national report (page)": (national, [
        (f"/provision/reports/nations/{NATION}/", {**PERIOD, "by": by}) for by in BYS]),
    "national report (API)": (national, [
        (f"/api/v1/provision/reports/nations/{NATION}", {**PERIOD, "by": by}) for by in BYS]),
}

def url_of(path, params):
    return path + ("?" + urlencode(params) if params else "")

out = {name: time_pages(client, [url_of(path, params) for path, params in requests], REPEAT)
    for name, (client, requests) in scenarios.items()}

if connection.vendor == "postgresql":
    RAW = ("SELECT id FROM provision_service WHERE search_vector @@ websearch_to_tsquery("
        "'english', %s) ORDER BY ts_rank(search_vector, websearch_to_tsquery('english', %s)) "
        "DESC LIMIT 20")
    ARGS = ["rivers floods", "rivers floods"]
else:
    RAW = ("SELECT rowid FROM provision_service_fts WHERE provision_service_fts MATCH %s "
        "ORDER BY rank LIMIT 20")
    ARGS = ['"rivers" AND "floods"']
out["reference raw top 20"], _ = time_sql(RAW, ARGS, REPEAT * 5)
print("RESULT" + json.dumps(out))
"""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", choices=["sqlite", "postgres"], default="sqlite")
    parser.add_argument("--repeat", type=int, default=10, help="timed requests per URL")
    parser.add_argument("--bookings", type=int, default=1000, help="bookings to make")
    parser.add_argument("--pg-server", default="postgresql://postgres@127.0.0.1:5432")
    args = parser.parse_args()
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    with fresh_database(args.db, args.pg_server, f"rt_bench_market_{stamp.lower()}") as env:
        manage(env, "migrate", "-v0")
        build = BUILD_SCRIPT.replace("BOOKINGS", str(args.bookings))
        world = json.loads(manage(env, "shell", "-c", build).split("RESULT", 1)[1])
        analyze(env)
        code = TIMING + RUN_SCRIPT.replace("REPEAT", str(args.repeat)).replace(
            "NATION", str(world["nation"])
        )
        output = manage({**env, "RISINGTIDE_ALLOWED_HOSTS": "testserver"}, "shell", "-c", code)
        results = json.loads(output.split("RESULT", 1)[1])
    bare = results["catalogue, no words (bare query)"]["p95_ms"]
    raw = results["reference raw top 20"]["p50_ms"]
    print(
        f"Marketplace ({args.db}): {world['services']:,} services, {world['bookings']:,} "
        f"bookings ({world['cancelled']} cancelled) in {world['schools']} schools"
    )
    print_table(
        results,
        34,
        {"p95 ÷ bare p95": ("p95_ms", bare, ".2f"), "p95 ÷ raw p50": ("p95_ms", raw, ".0f")},
    )
    RESULTS_DIR.mkdir(exist_ok=True)
    path = RESULTS_DIR / f"{stamp}-marketplace-{args.db}.json"
    path.write_text(
        json.dumps(
            {"db": args.db, "world": world, "results": results, "machine": machine()}, indent=2
        )
    )
    print(f"written {path}")


if __name__ == "__main__":
    main()
