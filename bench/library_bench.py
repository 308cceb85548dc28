"""Library search over 10,000 resources (issue 4), on SQLite (FTS5) or PostgreSQL (tsvector).

A fresh database (see ``worlds.py``) gets the demo world and 10,000 generated resources from
its 20 or so teachers in six schools of two LAs: mixed kinds, subjects, key stages, audiences
(school, LA, everyone) and licences, one in fifty withdrawn, with titles and descriptions drawn
from a topic vocabulary with a long tail, so some words are in thousands of resources and some
in a handful. The demo teacher then searches, in-process through Django's test client (every
middleware, one client, no HTTP server):

- words: 20 searches of one to three words, common and rare, some with a phrase or an "or";
- words + filters: the same with a subject or key stage chosen;
- filters only: no words, newest first, a kind and a subject;
- browse: the library's first page, and page 25;

each ``--repeat`` times after a warm-up, against two references measured in the same run:
``/healthz`` through the same client, and the best 20 matches for "pupils research" straight
from the full-text index in raw SQL (no access rules, filters, count or Django). Times
are p50 and p95 per scenario over every request in it, with the SQL query count of one request.

    python bench/library_bench.py --db sqlite
    python bench/library_bench.py --db postgres
"""

import argparse
import json
import sys
from datetime import UTC, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from worlds import RESULTS_DIR, analyze, fresh_database, machine, manage

BUILD_SCRIPT = r"""
import random
from django.utils import timezone
from risingtide.demo import world
from risingtide.library.models import Resource, Subject
from risingtide.people.models import Membership
from risingtide.tasc.models import Project, Stage

world.load_demo()
rng = random.Random(4)
TOPICS = ("bees rivers volcanoes bridges robots castles poetry fractions electricity magnets "
    "rainforests recycling rockets dinosaurs planets chocolate fairtrade democracy migration "
    "earthquakes photosynthesis algorithms probability tessellation ecosystems plastics "
    "pyramids romans vikings tudors weather coastlines mountains deserts oceans habitats "
    "nutrition sound light forces materials inventors architecture sculpture music drama "
    "journalism advertising budgeting statistics codes ciphers gardens wildlife composting "
    "energy turbines floods erosion maps orienteering sport olympics health water famine "
    "trade factories railways canals flight bicycles cities villages festivals languages "
    "myths legends fables puzzles games chess origami bubbles crystals fossils skeletons "
    "microbes vaccines pollution climate glaciers lighthouses shipwrecks pirates explorers"
).split()
VERBS = "design build investigate plan compare explain debate survey model test create map".split()
FILLER = ("pupils will work in groups to research and present their findings about the "
    "question using evidence from books websites and interviews then evaluate how well "
    "their solution meets the success criteria and reflect on what they learned with "
    "support for more able learners extension tasks and a final showcase for parents").split()
staff = list(Membership.objects.filter(role__in=["teacher", "leading_teacher", "head"],
    school__isnull=False).values_list("user_id", "school_id", "school__local_authority_id"))

def zipf(words):
    # A long tail: the first words are picked far more often than the last.
    return words[min(int(rng.paretovariate(1.2)) - 1, len(words) - 1)]

subjects, stages = Subject.values, ["", *Stage.values]
kinds = ["template", "lesson_plan", "file", "link", "example"]
rows = []
for n in range(10_000):
    author, school, la = rng.choice(staff)
    a, b = zipf(TOPICS), zipf(TOPICS)
    kind = rng.choices(kinds, weights=[4, 3, 2, 2, 1])[0]
    rows.append(Resource(
        kind=kind,
        title=f"{rng.choice(VERBS).title()} {a} and {b} ({n})",
        description=" ".join([*rng.sample(FILLER, 20), zipf(TOPICS), zipf(TOPICS), a]),
        brief=f"Pupils {rng.choice(VERBS)} {a}." if kind in ("template", "example") else "",
        subject=rng.choice(subjects),
        key_stage=rng.choice(["", "ks1", "ks2", "ks3", "ks4", "ks5"]),
        stage=rng.choice(stages),
        licence=rng.choice(["cc-by-4.0"] * 6 + ["cc-by-sa-4.0", "cc-by-nc-4.0", "cc0-1.0"]),
        audience=rng.choices(["school", "la", "everyone"], weights=[2, 3, 5])[0],
        author_id=author, school_id=school, local_authority_id=la,
        url="https://example.org/" if kind == "link" else "",
        body="A plan." if kind == "lesson_plan" else "",
        withdrawn_at=timezone.now() if n % 50 == 0 else None,
    ))
Resource.objects.bulk_create(rows, batch_size=1000)
print("RESULT" + str(Resource.objects.count()))
"""

SEARCH_SCRIPT = r"""
import json, re, statistics, time
from urllib.parse import urlencode
from django.db import connection
from django.test import Client
from risingtide.people.models import User

WORDS = ["bees", "volcanoes", "rivers floods", "design robots", "magnets electricity",
    "chocolate fairtrade", "pirates", "shipwrecks lighthouses", "pupils research",
    "evaluate evidence", '"bees and rivers"', "castles or pyramids", "fossils -dinosaurs",
    "investigate ecosystems habitats", "algorithms", "ciphers codes", "origami tessellation",
    "plan survey", "glaciers", "statistics probability budgeting"]
SUBJECTS = ["science", "geography", "history", "maths", "dt"]
scenarios = {
    "reference /healthz": [("/healthz", None)],
    "words": [("/library/", {"q": w}) for w in WORDS],
    "words + filters": [("/library/", {"q": w, "subject": SUBJECTS[i % 5], "key_stage": "ks3"})
        for i, w in enumerate(WORDS)],
    "filters only": [("/library/", {"kind": k, "subject": s})
        for k in ("template", "lesson_plan", "file", "link") for s in SUBJECTS],
    "browse (page 1, page 25)": [("/library/", None), ("/library/", {"page": 25})],
}
client = Client()
teacher = User.objects.get(username="teacher")
client.force_login(teacher)

def url_of(path, params):
    return path + ("?" + urlencode(params) if params else "")

out = {}
for name, requests in scenarios.items():
    times, queries, found = [], 0, []
    for path, params in requests:
        url = url_of(path, params)
        for _ in range(2):
            response = client.get(url, secure=True)
            assert response.status_code == 200, (url, response.status_code)
        seen = []
        def count(execute, sql, params_, many, context):
            seen.append(sql)
            return execute(sql, params_, many, context)
        with connection.execute_wrapper(count):
            body = client.get(url, secure=True).content.decode()
        queries = max(queries, len(seen))
        match = re.search(r"\((\d+) found", body)
        if match:
            found.append(int(match.group(1)))
        for _ in range(REPEAT):
            started = time.perf_counter()
            client.get(url, secure=True)
            times.append(time.perf_counter() - started)
    times.sort()
    out[name] = {"requests": len(times), "queries": queries,
        "p50_ms": statistics.median(times) * 1000,
        "p95_ms": times[int(len(times) * 0.95) - 1] * 1000,
        "found_min": min(found) if found else None, "found_max": max(found) if found else None}

# The raw reference: the best 20 matches for two common words, straight from the full-text
# index in SQL, without access rules, filters, counting or Django.
if connection.vendor == "postgresql":
    RAW = ("SELECT id FROM library_resource WHERE search_vector @@ websearch_to_tsquery("
        "'english', %s) ORDER BY ts_rank(search_vector, websearch_to_tsquery('english', %s)) "
        "DESC LIMIT 20")
    ARGS = ["pupils research", "pupils research"]
else:
    RAW = ("SELECT rowid FROM library_resource_fts WHERE library_resource_fts MATCH %s "
        "ORDER BY bm25(library_resource_fts, 10.0, 4.0, 2.0) LIMIT 20")
    ARGS = ['"pupils" AND "research"']
times = []
with connection.cursor() as cursor:
    for _ in range(REPEAT * 5):
        started = time.perf_counter()
        cursor.execute(RAW, ARGS)
        assert len(cursor.fetchall()) == 20
        times.append(time.perf_counter() - started)
times.sort()
out["reference raw top 20"] = {"requests": len(times), "queries": 1,
    "p50_ms": statistics.median(times) * 1000,
    "p95_ms": times[int(len(times) * 0.95) - 1] * 1000, "found_min": None, "found_max": None}
print("RESULT" + json.dumps(out))
"""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", choices=["sqlite", "postgres"], default="sqlite")
    parser.add_argument("--repeat", type=int, default=10, help="timed requests per URL")
    parser.add_argument("--pg-server", default="postgresql://postgres@127.0.0.1:5432")
    args = parser.parse_args()
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    with fresh_database(args.db, args.pg_server, f"rt_bench_library_{stamp.lower()}") as env:
        manage(env, "migrate", "-v0")
        total = int(manage(env, "shell", "-c", BUILD_SCRIPT).split("RESULT", 1)[1])
        analyze(env)
        code = SEARCH_SCRIPT.replace("REPEAT", str(args.repeat))
        output = manage({**env, "RISINGTIDE_ALLOWED_HOSTS": "testserver"}, "shell", "-c", code)
        results = json.loads(output.split("RESULT", 1)[1])
    healthz = results["reference /healthz"]["p50_ms"]
    raw = results["reference raw top 20"]["p50_ms"]
    print(f"Library search over {total:,} resources ({args.db}):")
    print(
        f"  {'scenario':<26} {'requests':>8} {'queries':>7} {'found':>11} {'p50 ms':>8} "
        f"{'p95 ms':>8} {'p95 ÷ healthz p50':>17} {'p95 ÷ raw p50':>13}"
    )
    for name, row in results.items():
        found = f"{row['found_min']}–{row['found_max']}" if row["found_min"] is not None else ""
        print(
            f"  {name:<26} {row['requests']:>8} {row['queries']:>7} {found:>11} "
            f"{row['p50_ms']:>8.2f} {row['p95_ms']:>8.2f} {row['p95_ms'] / healthz:>17.0f} "
            f"{row['p95_ms'] / raw:>13.0f}"
        )
    RESULTS_DIR.mkdir(exist_ok=True)
    path = RESULTS_DIR / f"{stamp}-library-{args.db}.json"
    path.write_text(
        json.dumps(
            {"db": args.db, "resources": total, "results": results, "machine": machine()},
            indent=2,
        )
    )
    print(f"written {path}")


if __name__ == "__main__":
    main()
