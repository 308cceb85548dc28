"""One learner's programme completion recorded, and their badge issued, by many requests at one
instant (the learner's last module finished in two tabs, a double-clicked download), for the
race test: in threads of this process on PostgreSQL, or in a child process on a SQLite file
(``python -m risingtide.training.tests.race_completion``). Prints or returns JSON.

Left to the scheduler, threads seldom meet in the few milliseconds between "is there one
already?" and "record one", so each call here waits at a gate just after that check until
every other call has made it too: the worst interleaving, every time. Only the unique
constraints, and the code that expects to lose to them, then keep the answer to one row."""

import json
import sys
import tempfile
import threading
from contextlib import contextmanager, suppress
from unittest import mock

from risingtide.credits.tests.race import _at_once

GATE_SECONDS = 30  # a call that never reaches the gate (an error) releases the others


@contextmanager
def all_look_first(target, name: str, parties: int):
    """Patch ``target.name`` so that each thread's first call waits until ``parties`` threads
    have made theirs: every caller has checked for an existing row before any writes one."""
    real = getattr(target, name)
    gate = threading.Barrier(parties, timeout=GATE_SECONDS)
    seen = threading.local()

    def gated(*args, **kwargs):
        found = real(*args, **kwargs)
        if not getattr(seen, "waited", False):
            seen.waited = True
            with suppress(threading.BrokenBarrierError):
                gate.wait()
        return found

    with mock.patch.object(target, name, gated):
        yield


def world() -> tuple[int, int]:
    """A leading teacher who has passed the one core module of an LA's programme, with the
    completion not recorded yet: (learner pk, programme pk)."""
    from risingtide.demo.testing import make_user, member
    from risingtide.people.models import Role
    from risingtide.schools.models import LocalAuthority, Nation, School
    from risingtide.training import services
    from risingtide.training.models import Completion
    from risingtide.training.tests.world import CONTENT

    nation = Nation.objects.create(name="Raceland")
    la = LocalAuthority.objects.create(nation=nation, code="R01", name="Race LA")
    school = School.objects.create(
        local_authority=la, name="Race School", establishment_number="0001", urn="600001"
    )
    lead = make_user("race.la.lead")
    member(lead, Role.LA_LEAD, local_authority=la)
    programme = services.create_programme(lead, "Race course", la, ["all_core_passed"])
    module = services.add_module(lead, programme, "Identifying G&T learners")
    services.save_draft(lead, module, CONTENT)
    services.publish(lead, module)
    learner = make_user("race.teacher")
    member(learner, Role.LEADING_TEACHER, school=school)
    progress = services.progress_for(learner, module)
    services.answer(progress, 1, {0: [1]})
    services.save_reflection(progress, 2, "The quiet ones.", 0)
    services.finish(progress)  # records the completion: forget it, for the race to record
    Completion.objects.filter(learner=learner, programme=programme).delete()
    return learner.pk, programme.pk


def race(requests: int = 50) -> dict:
    from django.test import override_settings

    from risingtide.people.models import User
    from risingtide.training import completion, credentials
    from risingtide.training.models import BadgeCredential, Completion, Programme

    learner_id, programme_id = world()
    recorded: list = [None] * requests
    issued: list = [None] * requests

    def record(n):
        def job():
            found = completion.record_if_complete(
                User.objects.get(pk=learner_id), Programme.objects.get(pk=programme_id)
            )
            recorded[n] = found.pk if found else None

        return job

    # ``outcomes`` runs after the "already recorded?" check and before the insert.
    with all_look_first(completion, "outcomes", requests):
        recorded_outcomes = _at_once([record(n) for n in range(requests)])

    one = Completion.objects.get(learner_id=learner_id, programme_id=programme_id)

    def download(n):
        def job():
            learner = User.objects.get(pk=learner_id)
            badge = credentials.issue(learner, Completion.objects.get(pk=one.pk))
            issued[n] = badge.pk

        return job

    # ``_status_place`` runs after the "already issued?" check and before the insert. No
    # signing key yet: the first downloads make it, and read it, at the same moment.
    with (
        tempfile.TemporaryDirectory() as keys,
        override_settings(CREDENTIAL_KEY_DIR=keys),
        all_look_first(credentials, "_status_place", requests),
    ):
        issued_outcomes = _at_once([download(n) for n in range(requests)])

    return {
        "recorded_outcomes": recorded_outcomes,
        "recorded": recorded,
        "completions": Completion.objects.filter(
            learner_id=learner_id, programme_id=programme_id
        ).count(),
        "completion": one.pk,
        "issued_outcomes": issued_outcomes,
        "issued": issued,
        "badges": list(
            BadgeCredential.objects.filter(completion_id=one.pk).values_list("pk", flat=True)
        ),
    }


if __name__ == "__main__":
    import django

    django.setup()
    found = race(int(sys.argv[1]) if len(sys.argv) > 1 else 50)
    print(json.dumps(found))  # noqa: T201 - the parent test reads it
