"""Assessment-for-learning benchmarks (issue 4), on SQLite or PostgreSQL.

1. A teacher's class overview (the progress grid) for 30 pupils × 8 stages, each pupil with
   items, finished stages and feedback threads: SQL queries and p50/p95.
2. A pupil's progress record with 10 projects (items, stages, feedback, replies, judgements):
   the page, the CSV and the PDF (WeasyPrint), p50/p95.
Both against ``/healthz`` through the same test client (the reference).

    python bench/feedback_bench.py --db sqlite
    python bench/feedback_bench.py --db postgres
"""

import argparse
import json
import sys
from datetime import UTC, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from worlds import RESULTS_DIR, fresh_database, manage

SCRIPT = r"""
import json, statistics, time
from django.db import connection
from django.test import Client
from risingtide.demo import world
from risingtide.feedback import services as feedback
from risingtide.people.models import User
from risingtide.portfolios import services
from risingtide.tasc.models import Assignment, Project, STAGE_ORDER

world.load_demo()
teacher = User.objects.get(username="teacher")
project = Project.objects.get(title="Design a bee hotel")
group = project.assignments.first().teaching_group
in_class = User.objects.filter(memberships__teaching_group=group, memberships__role="pupil")
pupils = list(in_class)[:30]
for n, pupil in enumerate(pupils):
    portfolio = services.portfolio_for(pupil, project)
    for k, stage in enumerate(STAGE_ORDER[: n % 8 + 1]):
        note = services.add_note(pupil, portfolio, stage, f"{stage} note")
        comment = feedback.give(teacher, portfolio, "next_step", "Say more", item_id=note.pk)
        feedback.reply(pupil, comment, "I will")
        services.set_stage_done(pupil, portfolio, stage, True)

star = User.objects.get(username="pupil")
for p in range(10):
    other = Project.objects.create(school=project.school, title=f"Project {p}", key_stage="ks3",
                                   wheel=project.wheel, status="open",
                                   success_criteria=["Explains", "Designs", "Evaluates"])
    Assignment.objects.create(project=other, pupil=star)
    portfolio = services.portfolio_for(star, other)
    for stage in STAGE_ORDER:
        for i in range(3):
            note = services.add_note(star, portfolio, stage, f"{stage} {i}")
        comment = feedback.give(teacher, portfolio, "praise", "Good thinking", item_id=note.pk)
        feedback.reply(star, comment, "Thank you")
        services.set_stage_done(star, portfolio, stage, True)
    for c in range(3):
        feedback.judge(teacher, portfolio, c, 2, "Evidence")

def measure(client, url, repeat):
    for _ in range(2):
        assert client.get(url, secure=True).status_code == 200, url
    q = []
    def count(execute, sql, params, many, context):
        q.append(sql)
        return execute(sql, params, many, context)
    with connection.execute_wrapper(count):
        client.get(url, secure=True)
    times = []
    for _ in range(repeat):
        t = time.perf_counter()
        r = client.get(url, secure=True)
        times.append(time.perf_counter() - t)
    times.sort()
    return {"queries": len(q), "p50_ms": statistics.median(times) * 1000,
            "p95_ms": times[max(0, int(len(times) * 0.95) - 1)] * 1000, "bytes": len(r.content)}

staff = Client(); staff.force_login(teacher)
pupil = Client(); pupil.force_login(star)
out = {
    "reference /healthz": measure(staff, "/healthz", REPEAT),
    "class overview (30 pupils)": measure(staff, f"/projects/{project.pk}/progress/", REPEAT),
    "feedback inbox (teacher)": measure(staff, "/feedback/", REPEAT),
    "progress record page (10 projects)": measure(pupil, f"/pupils/{star.pk}/record/", REPEAT),
    "progress record CSV": measure(pupil, f"/pupils/{star.pk}/record.csv", REPEAT),
    "progress record PDF": measure(pupil, f"/pupils/{star.pk}/record.pdf", max(3, REPEAT // 5)),
}
print("RESULT" + json.dumps(out))
"""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", choices=["sqlite", "postgres"], default="sqlite")
    parser.add_argument("--repeat", type=int, default=30)
    parser.add_argument("--pg-server", default="postgresql://postgres@127.0.0.1:5432")
    args = parser.parse_args()
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    with fresh_database(args.db, args.pg_server, f"rt_bench_feedback_{stamp.lower()}") as env:
        manage(env, "migrate", "-v0")
        output = manage(
            {**env, "RISINGTIDE_ALLOWED_HOSTS": "testserver"},
            "shell",
            "-c",
            SCRIPT.replace("REPEAT", str(args.repeat)),
        )
    pages = json.loads(output.split("RESULT", 1)[1])
    reference = pages["reference /healthz"]["p50_ms"]
    print(f"Assessment for learning ({args.db}):")
    print(f"  {'page':<36} {'queries':>7} {'p50 ms':>8} {'p95 ms':>8} {'× ref p50':>9}")
    for name, row in pages.items():
        print(
            f"  {name:<36} {row['queries']:>7} {row['p50_ms']:>8.1f} {row['p95_ms']:>8.1f} "
            f"{row['p50_ms'] / reference:>9.0f}"
        )
    RESULTS_DIR.mkdir(exist_ok=True)
    path = RESULTS_DIR / f"{stamp}-feedback-{args.db}.json"
    path.write_text(json.dumps({"db": args.db, "pages": pages}, indent=2))
    print(f"written {path}")


if __name__ == "__main__":
    main()
