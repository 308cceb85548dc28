"""Many requests at one instant against the ledger, for the race tests: run in threads of this
process (PostgreSQL: the test database is a server others can reach) or, for SQLite, in a child
process on a database file (``python -m risingtide.credits.tests.race``), since the in-memory
test database cannot be shared by threads the way a file is. Prints or returns plain JSON."""

import json
import os
import subprocess
import sys
import threading

from risingtide.lib.testing import migrated_data_dir

ALLOWANCES = [300, 200, 100, 100, 0]  # in holds of 100: 3 + 2 + 1 + 1 + 0 = 7 in all
PER_HOLD = 100


def world():
    """A nation, one LA and five schools with the credits of ``ALLOWANCES``."""
    from risingtide.credits import ledger, services
    from risingtide.credits.models import Transaction
    from risingtide.schools.models import LocalAuthority, Nation, School

    nation = Nation.objects.create(name="Raceland")
    la = LocalAuthority.objects.create(nation=nation, code="R01", name="Race LA")
    schools = [
        School.objects.create(
            local_authority=la, name=f"Race {n}", establishment_number=f"{n:04}", urn=f"6{n:05}"
        )
        for n in range(len(ALLOWANCES))
    ]
    total = sum(ALLOWANCES)
    ledger.transfer(
        Transaction.Kind.FUNDING, services.outside(), services.account_of(nation), total
    )
    ledger.transfer(
        Transaction.Kind.ALLOCATION,
        services.account_of(nation),
        services.account_of(la),
        total,
    )
    for school, allowance in zip(schools, ALLOWANCES, strict=True):
        if allowance:
            ledger.transfer(
                Transaction.Kind.ALLOCATION,
                services.account_of(la),
                services.account_of(school),
                allowance,
            )
    return [s.pk for s in schools]


def _at_once(jobs) -> list[str]:
    """Run every job in its own thread, all released together; each one's outcome."""
    from django.core.exceptions import ValidationError
    from django.db import connection

    gate = threading.Barrier(len(jobs))
    outcomes = [""] * len(jobs)

    def run(n, job):
        try:
            gate.wait()
            job()
            outcomes[n] = "ok"
        except ValidationError as exc:
            outcomes[n] = exc.code or "refused"
        except Exception as exc:
            outcomes[n] = f"error: {type(exc).__name__}: {exc}"
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(n, job)) for n, job in enumerate(jobs)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return outcomes


def race(requests: int = 50) -> dict:
    """``requests`` holds of 100 at once, spread over the five schools; then ten copies of one
    request with one idempotency key. What happened, and what the ledger says after."""
    from risingtide.credits import queries, services
    from risingtide.credits.models import Account, Transaction
    from risingtide.schools.models import School

    school_ids = world()
    schools = list(School.objects.filter(pk__in=school_ids).order_by("pk"))
    count = len(schools)
    holds = _at_once(
        [(lambda s=schools[n % count]: services.hold(s, PER_HOLD)) for n in range(requests)]
    )
    # The same request, sent ten times at once (a double click, a retry): one hold.
    richest = schools[0]
    its_hold = Transaction.objects.filter(
        kind="hold", postings__account=services.account_of(richest)
    ).first()
    services.release(its_hold, PER_HOLD)
    repeats = _at_once(
        [(lambda: services.hold(richest, PER_HOLD, key="retry-1")) for _ in range(10)]
    )
    return {
        "holds": holds,
        "repeats": repeats,
        "repeat_transactions": Transaction.objects.filter(idempotency_key="retry-1").count(),
        "negative": list(
            Account.objects.exclude(kind="outside")
            .filter(balance__lt=0)
            .values_list("pk", flat=True)
        ),
        "problems": queries.problems(),
        "school_balances": [services.account_of(s).balance for s in schools],
    }


def on_this_database(tmp_path, in_process) -> dict:
    """A race's JSON result, run where the test database is: ``in_process(50)`` in threads of
    this process on PostgreSQL; on SQLite, ``python -m`` its module with ``50`` in a child process
    on a fresh database file that every thread opens, as the server's processes do."""
    from django.db import connection

    if connection.vendor == "postgresql":
        return in_process(50)
    env = {
        **os.environ,
        "RISINGTIDE_DATA_DIR": str(tmp_path),
        "RISINGTIDE_DATABASE_URL": "",
        "DJANGO_SETTINGS_MODULE": "risingtide.settings",
    }
    migrated_data_dir(tmp_path, env)
    done = subprocess.run(  # noqa: S603 - one of our own test modules
        [sys.executable, "-m", in_process.__module__, "50"],
        env=env,
        check=True,
        capture_output=True,
        text=True,
        timeout=300,
    )
    return json.loads(done.stdout.strip().splitlines()[-1])


if __name__ == "__main__":
    import django

    django.setup()
    found = race(int(sys.argv[1]) if len(sys.argv) > 1 else 50)
    print(json.dumps(found))  # noqa: T201 - the parent test reads it
