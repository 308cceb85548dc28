"""An import whose worker was killed part-way (tests/test_faults.py kills one for real): after
RISINGTIDE_TASK_STALLED_MINUTES it shows as failed, with nothing written, and stops polling."""

from datetime import timedelta

from django.urls import reverse
from django.utils import timezone

from risingtide.register.import_batches import ImportBatch


def writing_since(world, minutes_ago: int) -> ImportBatch:
    return ImportBatch.objects.create(
        school=world.schools["own"],
        uploaded_by=world.users["leading_teacher@own"],
        file_name="pupils.csv",
        sha256="7" * 64,
        format="csv",
        state=ImportBatch.State.WRITING,
        confirmed_at=timezone.now() - timedelta(minutes=minutes_ago),
        done=0,
        total=40,
    )


def test_an_import_writing_past_the_limit_shows_as_failed(world, client_for, settings):
    settings.TASK_STALLED_MINUTES = 60
    fresh = writing_since(world, minutes_ago=5)
    assert fresh.running and not fresh.stalled and fresh.state_label == "Writing"
    batch = writing_since(world, minutes_ago=61)
    assert batch.stalled and not batch.running and batch.state_label == "Failed"
    lead = client_for(world.user("leading_teacher@own"))
    page = lead.get(reverse("register:register_import", args=[batch.pk])).content.decode()
    assert "The import stopped part-way" in page
    assert "Nothing was written" in page
    assert 'id="import-progress"' not in page


def test_the_api_says_an_import_stalled_as_the_page_does(world, client_for, settings):
    settings.TASK_STALLED_MINUTES = 60
    fresh, stopped = writing_since(world, minutes_ago=5), writing_since(world, minutes_ago=61)
    lead = client_for(world.user("leading_teacher@own"))
    assert lead.get(f"/api/v1/imports/{fresh.pk}").json()["stalled"] is False
    assert lead.get(f"/api/v1/imports/{stopped.pk}").json()["stalled"] is True
