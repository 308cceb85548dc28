"""A bundle too big unpacked, or a file with too many rows, is refused with a clear reason
before (or while) it is read, and nothing is written."""

import pytest

from risingtide.people.models import User
from risingtide.rostering import bundle
from risingtide.rostering.importing import run_bundle
from risingtide.rostering.tests import bundles as b

pytestmark = pytest.mark.django_db


def test_a_bundle_over_the_unpacked_limit_is_refused_unread(world, tmp_path, settings):
    path = tmp_path / "big.zip"
    path.write_bytes(b.zip_of(b.files()))
    settings.ROSTER_MAX_UNPACKED_BYTES = 1000  # the sample bundle unpacks to more
    with pytest.raises(bundle.BundleRefused, match="RISINGTIDE_ROSTER_MAX_UNPACKED_MB"):
        bundle.open_bundle(path)
    with pytest.raises(bundle.BundleRefused, match="unpacked"):
        run_bundle(path, world.schools["own"], write=True)


def test_a_file_over_the_row_limit_is_refused_and_nothing_is_written(world, tmp_path, settings):
    path = tmp_path / "rows.zip"
    path.write_bytes(b.zip_of(b.files()))
    settings.ROSTER_MAX_ROWS = 3  # users.csv has five
    with pytest.raises(bundle.BundleRefused, match=r"\.csv has more than 3 rows"):
        run_bundle(path, world.schools["own"], write=True)
    assert not User.objects.filter(mis_id="P0001").exists()
