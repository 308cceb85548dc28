"""Completion is recorded once, and the badge issued once, however many requests arrive at one
instant: fifty callers that have all seen "none yet" get one row between them, each the same
one, with no error. Real threads, real database (SQLite file or PostgreSQL).

Losing that race happens inside the caller's transaction (a view's, a task's): the loser's
failed insert is rolled back to its own savepoint, so the caller's transaction goes on."""

from unittest import mock

import pytest
from django.db import transaction

from risingtide.audit.models import AuditEvent, record
from risingtide.credits.tests.race import on_this_database
from risingtide.training import completion, credentials
from risingtide.training.models import BadgeCredential, Completion
from risingtide.training.tests import race_completion
from risingtide.training.tests.world import complete


def check(found: dict) -> None:
    assert [o for o in found["recorded_outcomes"] if o != "ok"] == []
    assert found["completions"] == 1
    assert found["recorded"] == [found["completion"]] * len(found["recorded"])
    assert [o for o in found["issued_outcomes"] if o != "ok"] == []
    assert len(found["badges"]) == 1
    assert found["issued"] == found["badges"] * len(found["issued"])


@pytest.mark.django_db(transaction=True)
def test_fifty_at_once_record_one_completion_and_issue_one_badge(tmp_path):
    check(on_this_database(tmp_path, race_completion.race))


# --- the loser's caller goes on ----------------------------------------------------------------


@pytest.fixture
def finished(world):
    """A learner who has passed the programme, with the completion not yet recorded."""
    done = complete(world, "own", "leading_teacher@own")
    learner, programme = done.learner, done.programme
    done.delete()
    return learner, programme


@pytest.mark.django_db
def test_losing_the_completion_race_leaves_the_callers_transaction_usable(finished):
    learner, programme = finished
    real = completion.outcomes
    rival = []

    def recorded_elsewhere_meanwhile(*args):
        # After this caller found none and before it inserts, another request records one.
        found = real(*args)
        rival.append(
            Completion.objects.create(
                learner=learner, programme=programme, completed_at=programme.created_at
            )
        )
        return found

    with transaction.atomic():
        with mock.patch.object(completion, "outcomes", recorded_elsewhere_meanwhile):
            got = completion.record_if_complete(learner, programme)
        # The caller's transaction still takes queries and writes, and keeps them.
        record(learner, "test.after_race", got)
    assert got == rival[0]
    assert Completion.objects.filter(learner=learner, programme=programme).count() == 1
    assert AuditEvent.objects.filter(action="test.after_race").count() == 1


@pytest.mark.django_db
def test_losing_the_badge_race_leaves_the_callers_transaction_usable(world):
    done = complete(world, "own", "leading_teacher@own")
    real = credentials._status_place
    rival = []

    def issued_elsewhere_meanwhile(issuer_key):
        # After this caller found none and before it inserts, another download issues one.
        if not rival:
            with mock.patch.object(credentials, "_status_place", real):
                rival.append(credentials.issue(done.learner, done))
        return real(issuer_key)

    with transaction.atomic():
        with mock.patch.object(credentials, "_status_place", issued_elsewhere_meanwhile):
            got = credentials.issue(done.learner, done)
        record(done.learner, "test.after_race", got)
    assert got == rival[0]
    assert BadgeCredential.objects.filter(completion=done).count() == 1
    assert AuditEvent.objects.filter(action="test.after_race").count() == 1
