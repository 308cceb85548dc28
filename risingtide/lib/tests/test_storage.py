"""The media storage takes back what failed work wrote; the sweep finds what a killed process
left."""

import json
import os
import time
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.management import call_command
from whitenoise.storage import CompressedManifestStaticFilesStorage

from risingtide.lib.storage import files_undone_on_failure, orphaned_files


def _files() -> set[str]:
    root = Path(settings.MEDIA_ROOT)
    return {p.relative_to(root).as_posix() for p in root.rglob("*")} if root.exists() else set()


def test_files_written_in_a_failed_block_are_deleted_with_the_folders_it_made():
    default_storage.save("kept/before.txt", ContentFile(b"x"))
    before = _files()
    with pytest.raises(RuntimeError), files_undone_on_failure():
        default_storage.save("kept/new.txt", ContentFile(b"y"))
        default_storage.save("made/deep/er/new.txt", ContentFile(b"z"))
        raise RuntimeError
    assert _files() == before  # kept/ stays (it was there), made/… goes


def test_a_block_that_succeeds_keeps_its_files():
    with files_undone_on_failure():
        name = default_storage.save("ok/file.txt", ContentFile(b"x"))
    assert default_storage.exists(name)


def test_an_inner_success_is_still_undone_when_the_outer_block_fails():
    with pytest.raises(ValueError), files_undone_on_failure():
        with files_undone_on_failure():
            inner = default_storage.save("inner/file.txt", ContentFile(b"x"))
        outer = default_storage.save("outer/file.txt", ContentFile(b"x"))
        raise ValueError
    assert not default_storage.exists(inner) and not default_storage.exists(outer)


def test_files_outside_any_block_are_left_alone():
    name = default_storage.save("loose/file.txt", ContentFile(b"x"))
    with pytest.raises(ValueError), files_undone_on_failure():
        raise ValueError
    assert default_storage.exists(name)


@pytest.mark.django_db
def test_the_sweep_finds_old_files_no_row_points_to(world, capsys):
    item = world.uploads["own"]
    stray = default_storage.save("portfolios/stray.png", ContentFile(b"x"))
    fresh = default_storage.save("portfolios/fresh.png", ContentFile(b"x"))
    old = time.time() - 3 * 86400
    os.utime(default_storage.path(stray), (old, old))
    os.utime(default_storage.path(item.file.name), (old, old))
    assert orphaned_files(default_storage, 86400) == [stray]
    call_command("sweep_media")
    assert default_storage.exists(stray)  # listed only
    call_command("sweep_media", "--delete")
    assert not default_storage.exists(stray)
    assert default_storage.exists(fresh) and default_storage.exists(item.file.name)
    assert "Removed 1 file(s)" in capsys.readouterr().out


def _static_storage(tmp_path, manifest: dict[str, str]):

    from risingtide.lib.storage import StaticStorage

    (tmp_path / "staticfiles.json").write_text(
        json.dumps({"paths": manifest, "version": "1.1", "hash": "x"})
    )
    return StaticStorage(location=str(tmp_path), base_url="/static/")


def test_static_addresses_are_remembered_as_django_gives_them(tmp_path, settings):
    settings.DEBUG = False
    storage = _static_storage(tmp_path, {"css/site.css": "css/site.abc123.css"})
    assert storage.url("css/site.css") == "/static/css/site.abc123.css"
    assert storage.url("css/site.css") == "/static/css/site.abc123.css"
    djangos = CompressedManifestStaticFilesStorage.url(storage, "img/not collected.svg")
    assert storage.url("img/not collected.svg") == djangos
    assert storage.url("img/not collected.svg") == djangos
    settings.DEBUG = True  # Django gives plain names then: so do we, not the remembered one
    assert storage.url("css/site.css") == "/static/css/site.css"


def test_a_new_manifest_gives_new_static_addresses(tmp_path, settings):
    """Collecting the files again in the same process (as tests and ``demo`` may) makes a new
    manifest, and with it new addresses: the remembered ones were for the old one."""
    settings.DEBUG = False
    storage = _static_storage(tmp_path, {"css/site.css": "css/site.abc123.css"})
    assert storage.url("css/site.css") == "/static/css/site.abc123.css"
    storage.hashed_files = {"css/site.css": "css/site.def456.css"}
    assert storage.url("css/site.css") == "/static/css/site.def456.css"
