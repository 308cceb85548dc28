"""``expire_credits``: the dry run moves nothing; the run (and the task) send expired credits up."""

from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone

from risingtide.credits import services
from risingtide.credits.models import Lot
from risingtide.credits.tasks import expire_credits

pytestmark = pytest.mark.django_db


@pytest.fixture
def expired(funded):
    services.allocate(
        funded.user("la_lead@own"), funded.las["own"], funded.schools["own"], 400, None
    )
    # Backdate the school's lot: the ledger refuses to allocate with a past expiry date.
    Lot.objects.filter(account=services.account_of(funded.schools["own"])).update(
        expires_on=timezone.localdate() - timedelta(days=1)
    )
    return funded


def test_dry_run_says_what_would_go_and_moves_nothing(expired):
    out = StringIO()
    call_command("expire_credits", "--dry-run", stdout=out)
    assert "400 credits would go back" in out.getvalue()
    assert services.account_of(expired.schools["own"]).balance == 400


def test_the_run_sends_expired_credits_up_once(expired):
    out = StringIO()
    call_command("expire_credits", stdout=out)
    assert "1 expired lot(s)" in out.getvalue()
    assert services.account_of(expired.schools["own"]).balance == 0
    assert services.account_of(expired.las["own"]).balance == 2_000
    assert expire_credits.call() == 0  # nothing left to move: idempotent
