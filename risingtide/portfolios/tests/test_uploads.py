"""Uploads: type by content, size limit, thumbnails, and files that can never run as pages."""

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from risingtide.demo.testing import png_file
from risingtide.portfolios.models import Item
from risingtide.portfolios.services import add_upload

pytestmark = pytest.mark.django_db

HOSTILE = [
    ("evil.png", b"<html><script>alert(document.cookie)</script></html>"),
    ("evil.png", b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'),
    ("evil.pdf", b"#!/bin/sh\nrm -rf /\n"),
    ("evil.jpg", b"\x7fELF\x02\x01\x01" + b"\0" * 64),
]


def test_a_real_image_is_kept_with_a_thumbnail(world):
    item = world.uploads["own"]
    assert (item.kind, item.file_type, item.file_name) == ("upload", "image/png", "picture.png")
    assert item.thumbnail and item.file.name.startswith(f"portfolios/{item.portfolio_id}/")
    assert "picture" not in item.file.name  # the pupil's name is never used on disk


@pytest.mark.parametrize("name, content", HOSTILE)
def test_files_are_judged_by_content_not_name(world, name, content):
    upload = SimpleUploadedFile(name, content, content_type="image/png")
    with pytest.raises(ValidationError, match="This kind of file cannot be added"):
        add_upload(world.user("pupil@own"), world.portfolios["own"], "gather", "", upload)


def test_oversized_upload_is_refused_with_the_limit(world, settings):
    settings.UPLOAD_MAX_BYTES = 1024
    big = png_file(size=(600, 600))
    with pytest.raises(ValidationError, match="files can be at most 0 MB"):
        add_upload(world.user("pupil@own"), world.portfolios["own"], "gather", "", big)


def test_a_decompression_bomb_gets_no_thumbnail_but_no_crash(world, monkeypatch):
    from PIL import Image

    monkeypatch.setattr(Image, "MAX_IMAGE_PIXELS", 100)
    item = add_upload(
        world.user("pupil@own"), world.portfolios["own"], "gather", "", png_file(size=(64, 64))
    )
    assert not item.thumbnail


def test_files_are_served_inert_and_only_to_those_allowed(world, client_for):
    item = world.uploads["own"]
    client = client_for(world.user("pupil@own"))
    response = client.get(reverse("portfolios:item_file", args=[item.pk]))
    assert response.status_code == 200 and response["Content-Type"] == "image/png"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Security-Policy"] == "default-src 'none'; sandbox"
    assert response["Content-Disposition"].startswith("inline")
    assert client.get(reverse("portfolios:item_thumbnail", args=[item.pk])).status_code == 200
    other = client_for(world.user("pupil2@own"))
    assert other.get(reverse("portfolios:item_file", args=[item.pk])).status_code == 404
    teacher = client_for(world.user("teacher@own"))
    assert teacher.get(reverse("portfolios:item_file", args=[item.pk])).status_code == 200


def test_documents_download_as_attachments(world, client_for):
    pdf = SimpleUploadedFile("plan.pdf", b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n")
    item = add_upload(world.user("pupil@own"), world.portfolios["own"], "implement", "", pdf)
    response = client_for(world.user("pupil@own")).get(
        reverse("portfolios:item_file", args=[item.pk])
    )
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("attachment")


def test_upload_page_flow_and_clear_errors(world, client_for, settings):
    client = client_for(world.user("pupil@own"))
    url = reverse("portfolios:add_upload", args=[world.portfolios["own"].pk])
    response = client.post(url, {"stage": "gather", "file": png_file("bees.png")})
    item = Item.objects.get(file_name="bees.png")
    board = reverse("portfolios:portfolio", args=[world.portfolios["own"].pk])
    assert response["Location"] == f"{board}?stage=gather#item-{item.pk}"  # on its new card
    page = client.post(
        url, {"stage": "gather", "file": SimpleUploadedFile("x.png", b"<html></html>")}, follow=True
    ).content.decode()
    assert "This kind of file cannot be added" in page
    settings.UPLOAD_MAX_BYTES = 10
    page = client.post(url, {"stage": "gather", "file": png_file()}, follow=True).content.decode()
    assert "picture.png is 0.0 MB; files can be at most 0 MB." in page
    # A body declared far over the limit is refused before anything (CSRF included) reads it.
    from django.test import Client

    strict = Client(enforce_csrf_checks=True)
    strict.force_login(world.user("pupil@own"))
    response = strict.post(
        url,
        {"stage": "gather", "file": png_file()},
        CONTENT_LENGTH=str(60 * 1_048_576),
        secure=True,
    )
    assert response.status_code == 413
    assert "Files can be at most 0 MB" in response.content.decode()


def test_a_huge_picture_gets_no_thumbnail_without_decoding_it(world):
    import io

    from PIL import Image

    from risingtide.portfolios import services

    out = io.BytesIO()
    Image.new("1", (8000, 6000)).save(out, "PNG")  # 48 Mpx, a few KB on disk
    upload = SimpleUploadedFile("huge.png", out.getvalue())
    item = services.add_upload(
        world.user("pupil@own"), world.portfolios["own"], "gather", "", upload
    )
    assert item.file and not item.thumbnail


def test_byte_ranges_let_videos_seek(world, client_for):
    item = world.uploads["own"]
    whole = b"".join(
        client_for(world.user("pupil@own")).get(reverse("portfolios:item_file", args=[item.pk]))
    )
    client = client_for(world.user("pupil@own"))
    url = reverse("portfolios:item_file", args=[item.pk])

    def get(range_header):
        return client.get(url, HTTP_RANGE=range_header)

    part = get("bytes=0-9")
    assert part.status_code == 206 and b"".join(part.streaming_content) == whole[:10]
    assert part["Content-Range"] == f"bytes 0-9/{len(whole)}" and part["Content-Length"] == "10"
    assert part["Content-Security-Policy"] == "default-src 'none'; sandbox"
    tail = get("bytes=-5")
    assert b"".join(tail.streaming_content) == whole[-5:]
    rest = get(f"bytes={len(whole) - 3}-")
    assert b"".join(rest.streaming_content) == whole[-3:]
    assert get(f"bytes={len(whole)}-").status_code == 416
    # Several ranges, or nonsense, get the whole file.
    for header in ("bytes=0-1,4-5", "bytes=abc", "lines=1-2"):
        response = get(header)
        assert response.status_code == 200 and b"".join(response.streaming_content) == whole
    # Another pupil gets nothing, range or not.
    other = client_for(world.user("pupil2@own"))
    assert other.get(url, HTTP_RANGE="bytes=0-9").status_code == 404


def test_a_file_downloads_under_its_title_with_the_ending_of_its_real_type(world, client_for):
    """A PNG uploaded as ``x.html`` is never offered as ``x.html``; a right-to-left override
    cannot make ``…gnp.exe`` read as ``…exe.png``."""
    pupil = world.user("pupil@own")
    client = client_for(pupil)
    as_html = add_upload(pupil, world.portfolios["own"], "gather", "", png_file(name="x.html"))
    response = client.get(reverse("portfolios:item_file", args=[as_html.pk]))
    assert response["Content-Type"] == "image/png"
    assert response["Content-Disposition"] == 'inline; filename="x.png"'
    flipped = add_upload(
        pupil, world.portfolios["own"], "gather", "", png_file(name="evil\u202egnp.exe")
    )
    response = client.get(reverse("portfolios:item_file", args=[flipped.pk]))
    assert response["Content-Disposition"] == 'inline; filename="evilgnp.png"'
    pdf = SimpleUploadedFile("plan.html", b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n")
    titled = add_upload(pupil, world.portfolios["own"], "gather", "My plan v2.1", pdf)
    response = client.get(reverse("portfolios:item_file", args=[titled.pk]))
    assert response["Content-Disposition"] == 'attachment; filename="My plan v2-1.pdf"'
