"""Ten people typing one code at the same instant, for the race test: in threads of this
process on PostgreSQL, or on SQLite in a child process on a database file
(``python -m risingtide.families.tests.race``), as ``credits.tests.race`` does."""

import json
import sys
import threading
from datetime import date


def _at_once(jobs) -> list[str]:
    """Every job in its own thread, all released together: "ok", the refusal's words, or the
    error (a refusal here names its field, so it has no single code to report)."""
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
            outcomes[n] = "refused: " + " ".join(exc.messages)
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


def race(people: int = 10) -> dict:
    from risingtide.families import services
    from risingtide.families.models import Invitation
    from risingtide.people.models import Membership, Role, User
    from risingtide.register.models import Pupil
    from risingtide.schools.models import LocalAuthority, Nation, School

    nation = Nation.objects.create(name="Raceland")
    la = LocalAuthority.objects.create(nation=nation, code="R02", name="Race LA")
    school = School.objects.create(
        local_authority=la, name="Race School", establishment_number="4999", urn="699999"
    )
    child = User.objects.create(username="race.child", first_name="Rae")
    Membership.objects.create(user=child, role=Role.PUPIL, school=school)
    head = User.objects.create(username="race.head")
    Membership.objects.create(user=head, role=Role.HEAD, school=school)
    record = Pupil.objects.create(
        school=school,
        upn="A123456789012",
        legal_surname="Race",
        legal_forename="Rae",
        date_of_birth=date(2014, 1, 1),
        gender="F",
        account=child,
    )
    invitation, code = services.invite(head, record)
    outcomes = _at_once(
        [
            (
                lambda n=n: services.redeem(
                    code,
                    new=services.NewCarer(f"racer{n}", "Racer", str(n), "", "a-long-passphrase-9"),
                )
            )
            for n in range(people)
        ]
    )
    carers = Membership.objects.filter(role=Role.CARER, child=child)
    winner = carers.first()
    return {
        "outcomes": outcomes,
        "memberships": carers.count(),
        "carers": User.objects.filter(username__startswith="racer").count(),
        "used_by_the_winner": bool(
            winner and Invitation.objects.get(pk=invitation.pk).used_by_id == winner.user_id
        ),
    }


def on_this_database(tmp_path) -> dict:
    from risingtide.credits.tests.race import on_this_database as run

    return run(tmp_path, race)


if __name__ == "__main__":
    import django

    django.setup()
    print(json.dumps(race(int(sys.argv[1]) if len(sys.argv) > 1 else 10)))  # noqa: T201
