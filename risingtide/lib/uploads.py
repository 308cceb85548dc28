"""Deciding what an uploaded file is from its bytes, never its name, and serving it safely.

The one upload-serving helper: every file goes out with its sniffed type, ``nosniff``, a
``sandbox`` Content-Security-Policy and, unless it is an image, sound or video, as an attachment,
so nothing a pupil uploads can run as a page of this site.
"""

import io
import re
import unicodedata
from dataclasses import dataclass

import filetype
from django.core.files.base import ContentFile
from django.http import FileResponse, HttpResponse, StreamingHttpResponse
from django.utils.http import content_disposition_header

# What pupils may upload, by sniffed MIME type, and how the page shows it.
ALLOWED = {
    "image/jpeg": "image",
    "image/png": "image",
    "image/gif": "image",
    "image/webp": "image",
    "audio/mpeg": "audio",
    "audio/mp4": "audio",
    "audio/ogg": "audio",
    "audio/x-wav": "audio",
    "audio/x-flac": "audio",
    "video/mp4": "video",
    "video/webm": "video",
    "video/quicktime": "video",
    "application/pdf": "document",
    "application/msword": "document",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": "document",
    "application/vnd.ms-excel": "document",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": "document",
    "application/vnd.ms-powerpoint": "document",
    "application/vnd.openxmlformats-officedocument.presentationml.presentation": "document",
    "application/vnd.oasis.opendocument.text": "document",
    "application/vnd.oasis.opendocument.spreadsheet": "document",
    "application/vnd.oasis.opendocument.presentation": "document",
}
PLAYABLE = {"image", "audio", "video"}
# The file-name ending for each type we keep (the pupil's own file name is never trusted).
EXTENSION = {
    "image/jpeg": ".jpg", "image/png": ".png", "image/gif": ".gif", "image/webp": ".webp",
    "audio/mpeg": ".mp3", "audio/mp4": ".m4a", "audio/ogg": ".ogg", "audio/x-wav": ".wav",
    "audio/x-flac": ".flac", "video/mp4": ".mp4", "video/webm": ".webm",
    "video/quicktime": ".mov", "application/pdf": ".pdf", "application/msword": ".doc",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": ".docx",
    "application/vnd.ms-excel": ".xls",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": ".xlsx",
    "application/vnd.ms-powerpoint": ".ppt",
    "application/vnd.openxmlformats-officedocument.presentationml.presentation": ".pptx",
    "application/vnd.oasis.opendocument.text": ".odt",
    "application/vnd.oasis.opendocument.spreadsheet": ".ods",
    "application/vnd.oasis.opendocument.presentation": ".odp",
}  # fmt: skip


# Types we serve that pupils do not upload (our own exports), and their endings.
SERVED_EXTENSION = {**EXTENSION, "application/zip": ".zip", "text/csv": ".csv"}


def download_name(name: str, mime: str) -> str:
    """The name a file is served under: ``name`` (a title or the uploader's file name) made
    safe, with the ending of its sniffed type, so a PNG uploaded as ``x.html`` downloads as
    ``x.png``.

    Format characters go first (a right-to-left override turns ``evil\u202egnp.exe`` into
    what looks like ``evilexe.png``), then control characters and path separators; whatever
    ending the name had is dropped, and other dots become hyphens so no second ending hides
    inside (``photo.exe.png`` would read as an .exe to some)."""
    cleaned = "".join(
        " " if ch in "/\\" else ch
        for ch in unicodedata.normalize("NFC", name)
        if unicodedata.category(ch) not in ("Cf", "Cc", "Cs", "Co", "Cn", "Zl", "Zp")
    )
    stem, dot, ending = cleaned.rpartition(".")
    looks_like_an_ending = dot and re.fullmatch(r"(?=.*[A-Za-z])[A-Za-z0-9]{1,6}", ending)
    stem = (stem if looks_like_an_ending else cleaned).replace(".", "-")
    stem = re.sub(r"\s+", " ", stem).strip(" -_")[:100].strip() or "file"
    return stem + SERVED_EXTENSION.get(mime, "")


class UploadRefused(ValueError):
    pass


@dataclass(frozen=True)
class Sniffed:
    mime: str
    family: str  # image, audio, video or document


def sniff(head: bytes) -> Sniffed:
    """The file's real type from its first bytes (8 KiB is plenty), or UploadRefused."""
    kind = filetype.guess(head)
    if kind is None or kind.mime not in ALLOWED:
        raise UploadRefused(
            "This kind of file cannot be added. Upload a picture (JPEG, PNG, GIF, WebP), a sound "
            "or video (MP3, M4A, OGG, WAV, MP4, WebM, MOV), a PDF or an office document."
        )
    return Sniffed(kind.mime, ALLOWED[kind.mime])


def check(upload, field: str = "file") -> Sniffed:
    """An uploaded file's real type, or a ``ValidationError`` on ``field`` saying why it is
    refused (too large for ``UPLOAD_MAX_BYTES``, or not a kind of file we keep)."""
    from django.conf import settings
    from django.core.exceptions import ValidationError

    limit = settings.UPLOAD_MAX_BYTES
    if upload.size > limit:
        raise ValidationError(
            {
                field: f"{upload.name} is {upload.size / 1_048_576:.1f} MB; files can be at "
                f"most {limit / 1_048_576:.0f} MB."
            }
        )
    upload.seek(0)
    try:
        sniffed = sniff(upload.read(8192))
    except UploadRefused as exc:
        raise ValidationError({field: str(exc)}) from None
    upload.seek(0)
    return sniffed


_RANGE = re.compile(r"^bytes=(\d{0,15})-(\d{0,15})$")


def serve(file, mime: str, name: str, range_header: str = "") -> HttpResponse:
    """A stored upload as a response that a browser will never treat as part of this site,
    offered under ``name`` made safe with the ending of its type (``download_name``).

    One byte range (``Range: bytes=a-b``) is answered 206, so a video can be sought and plays
    in Safari at all; anything else asks for the whole file.
    """
    inline = ALLOWED.get(mime) in PLAYABLE
    filename = download_name(name, mime)
    size = file.size
    match = _RANGE.match(range_header.strip())
    if match and match.group(1) + match.group(2):
        first, last = match.groups()
        if first:
            start, end = int(first), min(int(last) if last else size - 1, size - 1)
        else:  # the last N bytes
            start, end = max(0, size - int(last)), size - 1
        if start > end or start >= size:
            file.close()
            response = HttpResponse(status=416)
            response["Content-Range"] = f"bytes */{size}"
            return _inert(response)
        response = StreamingHttpResponse(_chunks(file, start, end - start + 1), status=206)
        response["Content-Type"] = mime
        response["Content-Length"] = str(end - start + 1)
        response["Content-Range"] = f"bytes {start}-{end}/{size}"
        response["Content-Disposition"] = content_disposition_header(not inline, filename)
    else:
        response = FileResponse(
            file, content_type=mime, as_attachment=not inline, filename=filename
        )
    response["Accept-Ranges"] = "bytes"
    return _inert(response)


def _chunks(file, start: int, length: int, size: int = 64 * 1024):
    with file:
        file.seek(start)
        while length > 0:
            chunk = file.read(min(size, length))
            if not chunk:
                return
            length -= len(chunk)
            yield chunk


def _inert(response: HttpResponse) -> HttpResponse:
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response["Cache-Control"] = "private, no-store"
    response["Cross-Origin-Resource-Policy"] = "same-origin"
    return response


THUMBNAIL_MAX_PIXELS = 40_000_000  # a 40-megapixel photo decodes in well under 200 MB


def make_thumbnail(upload) -> ContentFile | None:
    """A small PNG of an image, or None if Pillow cannot read it safely (a decompression bomb
    or a damaged file): the upload itself still stands."""
    import warnings

    from PIL import Image

    upload.seek(0)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(upload) as image:
                # Opening reads only the header: refuse a huge picture before decoding it.
                if image.width * image.height > THUMBNAIL_MAX_PIXELS:
                    return None
                image.draft("RGB", (960, 960))  # JPEG: decode at a reduced size
                image.thumbnail((480, 480))
                out = io.BytesIO()
                mode = "RGBA" if image.mode in ("P", "LA", "RGBA") else "RGB"
                image.convert(mode).save(out, "PNG")
    except Exception:  # any unreadable picture just gets no thumbnail
        return None
    finally:
        upload.seek(0)
    return ContentFile(out.getvalue(), name="thumb.png")
