"""The portfolio import under the outside audit's attacks: a tiny ZIP that names one big file
many times, a file that fails in the middle of writing, duplicate reviewers, JSON nested a
hundred thousand deep. Each must be refused or undone with the media folder as it was."""

import hashlib
import io
import json
import zipfile
from pathlib import Path

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import IntegrityError
from django.urls import reverse

from risingtide.portfolios.models import Item
from risingtide.tasc.models import Project
from risingtide.transfer import exports, imports

pytestmark = pytest.mark.django_db

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * (5 * 1024 * 1024)  # a PNG signature and 5 MB of zeros


def _media_state() -> dict[str, str]:
    """Every file under the media folder, by path, with a digest of its bytes."""
    root = Path(settings.MEDIA_ROOT)
    if not root.exists():
        return {}
    return {
        p.relative_to(root).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(root.rglob("*"))
        if p.is_file()
    } | {p.relative_to(root).as_posix() + "/": "" for p in root.rglob("*") if p.is_dir()}


def _zip_naming_one_file(world, references: int, reviews: list[dict] | None = None) -> bytes:
    """An export whose items all name ``media/big.png`` (as the audit's 7 KB upload did)."""
    data = exports.export_data(world.portfolios["own"])
    template = next(i for i in data["items"] if i["file"])
    data["items"] = [
        {
            **template,
            "id": 1000 + n,
            "title": f"Copy {n}",
            "file": "media/big.png",
            "file_type": "image/png",
            "thumbnail": "",
            "annotations": [],
        }
        for n in range(references)
    ]
    data["connections"], data["feedback"] = [], []
    data["reviews"] = reviews or []
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("portfolio.json", json.dumps(data))
        archive.writestr("media/big.png", PNG)
    return out.getvalue()


def _import(world, body: bytes, name: str = "p.zip"):
    return imports.import_portfolio(
        world.user("teacher@own"),
        world.schools["own"],
        SimpleUploadedFile(name, body),
        [world.user("pupil2@own")],
    )


def test_a_small_zip_naming_one_file_sixty_times_writes_nothing(world):
    body = _zip_naming_one_file(world, 60)
    assert len(body) < 30_000  # the whole attack is a few kilobytes
    before, projects = _media_state(), Project.objects.count()
    with pytest.raises(ValidationError) as caught:
        _import(world, body)
    text = " ".join(caught.value.messages)
    assert "items[1].file: media/big.png is already used by items[0].file" in text
    assert "items[59].file" in text or "more problems" in text
    assert _media_state() == before
    assert Project.objects.count() == projects


def test_the_files_an_import_writes_are_capped(world, settings):
    """Named once each, the files still count against the cap, from the ZIP's own record."""
    settings.PORTFOLIO_IMPORT_MAX_BYTES = 4 * 1024 * 1024
    before = _media_state()
    with pytest.raises(ValidationError, match="the files come to 5 MB; an import may bring in"):
        _import(world, _zip_naming_one_file(world, 1))
    assert _media_state() == before
    settings.PORTFOLIO_IMPORT_MAX_BYTES = 6 * 1024 * 1024
    portfolio = _import(world, _zip_naming_one_file(world, 1))
    item = Item.objects.get(portfolio=portfolio)
    assert item.file.size == len(PNG)  # one copy, stored once


def test_duplicate_reviewers_are_found_by_the_check_with_their_place(world):
    data = exports.export_data(world.portfolios["own"])
    data["items"] = [i for i in data["items"] if not i["file"] and not i["thumbnail"]]
    me = data["portfolio"]["members"][0]
    review = {"is_self": True, "by": me, "anonymous": False, "levels": {}, "comment": "ok"}
    data["reviews"] = [review, dict(review)]
    data["stages"] = [{"stage": "gather", "status": "done", "done_at": None}] * 2
    with pytest.raises(ValidationError) as caught:
        _import(world, json.dumps(data).encode(), "p.json")
    text = " ".join(caught.value.messages)
    assert "reviews[1]: this person's self-review is already there" in text
    assert "stages[1]: a stage named twice" in text


def test_a_failure_half_way_leaves_the_media_folder_as_it_was(world, monkeypatch):
    """Whatever the check misses, a failure after files are written takes them back."""
    body = _zip_naming_one_file(world, 1)
    before, projects = _media_state(), Project.objects.count()

    def refuse(*args, **kwargs):
        raise IntegrityError("UNIQUE constraint failed: feedback_review")

    monkeypatch.setattr(imports, "_import_feedback", refuse)
    with pytest.raises(ValidationError, match="a value we cannot read"):
        _import(world, body)
    assert _media_state() == before
    assert Project.objects.count() == projects


def test_a_crash_half_way_leaves_the_media_folder_as_it_was(world, monkeypatch):
    body = _zip_naming_one_file(world, 1)
    before = _media_state()

    def crash(*args, **kwargs):
        raise KeyboardInterrupt  # not an error we catch: still, the files go

    monkeypatch.setattr(imports, "_import_feedback", crash)
    with pytest.raises(KeyboardInterrupt):
        _import(world, body)
    assert _media_state() == before


def test_deeply_nested_json_is_a_400_with_a_clear_message(world, client_for):
    teacher = client_for(world.user("teacher@own"))
    response = teacher.post(
        reverse("transfer:import_portfolio"),
        {
            "file": SimpleUploadedFile("deep.json", b"[" * 100_000),
            "pupil": world.users["pupil2@own"].pk,
        },
    )
    assert response.status_code == 400
    assert "portfolio.json is nested more than 32 levels deep" in response.content.decode()
    within_python = b'{"format": ' + b"[" * 500 + b"]" * 500 + b"}"  # parses, but too deep
    response = teacher.post(
        reverse("transfer:import_portfolio"),
        {
            "file": SimpleUploadedFile("deep.json", within_python),
            "pupil": world.users["pupil2@own"].pk,
        },
    )
    assert response.status_code == 400
    assert "nested more than 32 levels deep" in response.content.decode()


def test_dates_without_a_utc_time_are_refused_not_a_server_error(world):
    data = exports.export_data(world.portfolios["own"])
    data["items"] = [i for i in data["items"] if not i["file"] and not i["thumbnail"]]
    data["items"][0]["created_at"] = "0001-01-01T00:00:00+14:00"
    with pytest.raises(ValidationError, match=r"items\[0\]\.created_at: 1 is not a year"):
        _import(world, json.dumps(data).encode(), "p.json")
