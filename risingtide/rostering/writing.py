"""Writing a OneRoster 1.2 CSV bundle: the manifest and each file, streamed into a zip.

Shared by the export (``exporting``) and the sample bundles (``sample``, the bench and the
tests), so that what we write is what the reader expects: the binding's header names in its
order, RFC 4180 quoting (``csv`` quotes a cell with a comma, quote or line break in it, and
doubles its quotes), CRLF line ends, UTF-8.
"""

import csv
import hashlib
import hmac
import io
import uuid
import zipfile
from collections.abc import Iterable

from django.conf import settings

from risingtide.rostering.bundle import HEADERS


def guid(*parts) -> str:
    """sourcedIds we make for objects no MIS named: stable GUIDs (the same object, the same id
    while SECRET_KEY stays the same), keyed so that no one can work one out from a primary key:
    an import matches a person by the GUID our export gave them, so a computable one would let
    a bundle name (and take over) anyone. HMAC-SHA256, cut to a version 4 style UUID."""
    message = ":".join(str(p) for p in parts).encode()
    key = f"rostering-guid:{settings.SECRET_KEY}".encode()
    digest = hmac.new(key, message, hashlib.sha256).digest()
    return str(uuid.UUID(bytes=digest[:16], version=4))


def write_bundle(
    target,
    files: dict[str, Iterable[dict]],
    *,
    modes: dict[str, str] | None = None,
    source: str = "Rising Tide",
) -> None:
    """Write ``files`` (name → rows as {header: value}) into the zip ``target`` (a path or a
    binary file), each under the binding's full header, with its manifest."""
    modes = modes or {}
    with zipfile.ZipFile(target, "w", compression=zipfile.ZIP_DEFLATED) as bundle:
        manifest = [
            ("manifest.version", "1.0"),
            ("oneroster.version", "1.2"),
            *[
                (f"file.{name}", modes.get(name, "bulk") if name in files else "absent")
                for name in HEADERS
            ],
            ("source.systemName", source),
            ("source.systemCode", ""),
        ]
        with bundle.open("manifest.csv", "w") as raw:
            _write(
                raw,
                ("propertyName", "value"),
                ({"propertyName": key, "value": value} for key, value in manifest),
            )
        for name, rows in files.items():
            with bundle.open(f"{name}.csv", "w", force_zip64=True) as raw:
                _write(raw, HEADERS[name], rows)


def _write(raw, header: tuple[str, ...], rows: Iterable[dict]) -> None:
    text = io.TextIOWrapper(raw, encoding="utf-8", newline="")
    writer = csv.writer(text, lineterminator="\r\n")
    writer.writerow(header)
    for row in rows:
        writer.writerow([row.get(h, "") for h in header])
    text.flush()
    text.detach()
