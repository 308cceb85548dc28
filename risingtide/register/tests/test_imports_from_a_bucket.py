"""Imports whose uploads live where there is no local path (an S3 bucket, decision 29): the
check, the write and the rows-to-fix download read a temporary local copy, which is gone
afterwards. Django's in-memory storage, without its ``path``, stands in for the bucket."""

import os

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import InMemoryStorage
from django.db.models.fields.files import FieldFile
from django.urls import reverse

from risingtide.lib.storage import local_copy
from risingtide.register.import_batches import ImportBatch
from risingtide.register.tasks import write_import
from risingtide.register.tests.test_rows_to_fix import _checked, _csv_file, _download, _read

pytestmark = pytest.mark.django_db


class BucketStorage(InMemoryStorage):
    """Files held away from this machine, as S3's storage holds them: no local path."""

    def path(self, name):
        raise NotImplementedError("This backend doesn't support absolute paths.")

    def _relative_path(self, name):  # the in-memory tree's own use of a path, kept
        return os.path.relpath(InMemoryStorage.path(self, name), self.location)


@pytest.fixture
def bucket(settings):
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {"BACKEND": f"{__name__}.BucketStorage"},
    }


def test_a_local_copy_of_an_object_is_read_then_removed():
    storage = BucketStorage()
    stored = FieldFile(None, ImportBatch._meta.get_field("file"), "")
    stored.storage = storage
    stored.name = storage.save("imports/a.csv", ContentFile(b"UPN\nA123\n"))
    with pytest.raises(NotImplementedError):
        stored.path  # noqa: B018 (as S3's storage, it has none)

    with local_copy(stored, suffix=".csv") as path:
        assert path.endswith(".csv")
        with open(path, "rb") as handle:
            assert handle.read() == b"UPN\nA123\n"
    assert not os.path.exists(path)


def test_an_import_is_checked_written_and_its_bad_rows_given_back_from_a_bucket(
    world, client_for, bucket
):
    lead = client_for(world.user("leading_teacher@own"))
    data, _ = _csv_file(6, {2: "wrong_check_letter"})
    blocked = _checked(lead, world.schools["own"], "blocked.csv", data, "csv")
    with pytest.raises(NotImplementedError):
        blocked.file.path  # noqa: B018 (no local file: the check read a copy)
    assert blocked.state == ImportBatch.State.PREVIEW and blocked.error_count == 1
    assert [row[-2] for row in _read(_download(lead, blocked))[1:]] == ["4"]

    data, _ = _csv_file(5, {})
    clean = _checked(lead, world.schools["own"], "clean.csv", data, "csv")
    assert clean.error_count == 0
    lead.post(reverse("register:register_import_confirm", args=[clean.pk]))
    assert write_import.call(clean.pk) == "written"
    clean.refresh_from_db()
    assert clean.state == ImportBatch.State.DONE and not clean.file
    assert clean.summary["written"]["creates"] == 5


def test_a_roster_bundle_is_checked_and_written_from_a_bucket(world, client_for, bucket):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from risingtide.rostering.models import RosterImport
    from risingtide.rostering.tasks import check_roster, write_roster
    from risingtide.rostering.tests import bundles

    client = client_for(world.user("leading_teacher@own"))
    client.post(
        reverse("rostering:school_imports", args=[world.schools["own"].pk]),
        {"file": SimpleUploadedFile("roster.zip", bundles.zip_of(bundles.files()))},
    )
    batch = RosterImport.objects.get()
    assert check_roster.call(batch.pk) == "checked"
    client.post(reverse("rostering:import_confirm", args=[batch.pk]))
    assert write_roster.call(batch.pk) == "written"
    batch.refresh_from_db()
    assert batch.state == "done" and not batch.file
