"""An import whose worker was killed (still checking or writing long after any bundle takes)
shows as failed on its page and in the list, with a way to try again; a fresh one still runs."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from risingtide.rostering.models import RosterImport

pytestmark = pytest.mark.django_db


def test_an_import_cut_off_long_ago_shows_as_failed_with_try_again(world, client_for, settings):
    settings.ROSTER_STALLED_MINUTES = 30
    school = world.schools["own"]
    old = RosterImport.objects.create(
        school=school, state="writing", file_name="cut.zip", sha256="0"
    )
    RosterImport.objects.filter(pk=old.pk).update(
        confirmed_at=timezone.now() - timedelta(minutes=31)
    )
    fresh = RosterImport.objects.create(
        school=school, state="checking", file_name="new.zip", sha256="1"
    )
    old.refresh_from_db()
    assert old.stalled and not old.running and old.state_label == "Failed"
    assert fresh.running and not fresh.stalled

    client = client_for(world.user("head@own"))
    page = client.get(reverse("rostering:import", args=[old.pk])).content.decode()
    assert "stopped before it finished" in page and "Try again" in page
    assert "import-progress" not in page
    listing = client.get(reverse("rostering:school_imports", args=[school.pk])).content.decode()
    assert "Failed" in listing
    page = client.get(reverse("rostering:import", args=[fresh.pk])).content.decode()
    assert "import-progress" in page
