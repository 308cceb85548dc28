"""``risingtide manage backup``: one dated tar archive of the database (a consistent online
copy), the uploaded files and the key material, with a manifest and checksums.

Layout of the archive (docs/backup.md)::

    database/risingtide.sqlite3 | database/risingtide.pgdump   the copy (pg_dump custom format)
    files/media/…  files/scorm/…                                uploaded files
    keys/credential_keys/…  keys/lti_keys/…  keys/secret_key    key material
    manifest.json                                               what it holds, with checksums
    SHA256SUMS                                                  ``sha256sum -c`` reads it

The manifest and the checksums come last, once every byte before them has been hashed as it
went into the archive, so what they say is what the archive holds. The archive is written under
a hidden name and renamed when whole: a backup killed half-way never looks like a backup.
"""

import hashlib
import io
import json
import os
import tarfile
import tempfile
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import risingtide
from risingtide.backups import databases
from risingtide.backups.places import Places, Refused, files_in

FORMAT = "risingtide-backup"
VERSION = 1
MANIFEST = "manifest.json"
CHECKSUMS = "SHA256SUMS"
SECRET_KEY = "keys/secret_key"  # noqa: S105 - a member's name, not a key
# Each folder of ``Places.folders``, by where it sits inside the archive.
FOLDER_PREFIX = {
    "media": "files/media/",
    "scorm": "files/scorm/",
    "credential_keys": "keys/credential_keys/",
    "lti_keys": "keys/lti_keys/",
}
NAME_PATTERN = "risingtide-backup-*.tar"
_CHUNK = 1024 * 1024


@dataclass(frozen=True)
class Made:
    path: Path
    manifest: dict
    seconds: float


class _Hashing:
    """A file read through once, into the archive, hashing the very bytes that go in."""

    def __init__(self, handle):
        self.handle = handle
        self.digest = hashlib.sha256()

    def read(self, size: int = -1) -> bytes:
        chunk = self.handle.read(size)
        self.digest.update(chunk)
        return chunk


def archive_name(now: datetime) -> str:
    return f"risingtide-backup-{now.astimezone(UTC):%Y%m%d-%H%M%S}Z.tar"


def _add_file(tar: tarfile.TarFile, path: Path, name: str, mode: int = 0o600) -> dict | None:
    try:
        handle = open(path, "rb")  # noqa: SIM115 - closed below, whatever happens
    except FileNotFoundError:  # removed since the folder was listed (a sweep): not data now
        return None
    with handle:
        stat = os.fstat(handle.fileno())
        info = tarfile.TarInfo(name)
        info.size, info.mtime, info.mode = stat.st_size, int(stat.st_mtime), mode
        reader = _Hashing(handle)
        tar.addfile(info, reader)  # reads exactly info.size bytes (a file that grows: no more)
    return {"path": name, "bytes": info.size, "sha256": reader.digest.hexdigest()}


def _add_bytes(tar: tarfile.TarFile, name: str, data: bytes, mtime: float) -> dict:
    info = tarfile.TarInfo(name)
    info.size, info.mtime, info.mode = len(data), int(mtime), 0o600
    tar.addfile(info, io.BytesIO(data))
    return {"path": name, "bytes": len(data), "sha256": hashlib.sha256(data).hexdigest()}


def make_backup(places: Places, to: Path, now: datetime | None = None) -> Made:
    """Write one archive of everything ``places`` holds into the folder ``to``."""
    started = time.monotonic()
    now = now or datetime.now(tz=UTC)
    to.mkdir(parents=True, exist_ok=True, mode=0o700)
    final = to / archive_name(now)
    if final.exists():
        raise Refused(f"{final} exists already: one backup a second at most")
    partial = to / f".{final.name}.partial"
    entries: list[dict] = []
    try:
        with tempfile.TemporaryDirectory(dir=to, prefix=".dumping-") as work:
            dump = Path(work) / "dump"
            snapshot = databases.dump(places.database, dump)
            # The archive holds keys and pupils' records: its owner alone may read it.
            handle = os.fdopen(os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600), "wb")
            with handle, tarfile.open(fileobj=handle, mode="w", format=tarfile.PAX_FORMAT) as tar:
                entries.append(_add_file(tar, dump, databases.dump_name(places.database)))
                for folder_name, folder in places.folders.items():
                    prefix = FOLDER_PREFIX[folder_name]
                    for path in files_in(folder):
                        name = prefix + path.relative_to(folder).as_posix()
                        entries.append(_add_file(tar, path, name))
                secret = places.secret_key_file
                if secret is not None and secret.exists():
                    entries.append(_add_file(tar, secret, SECRET_KEY))
                entries = [e for e in entries if e is not None]
                manifest = _manifest(places, snapshot, entries, now, secret)
                data = json.dumps(manifest, indent=1, sort_keys=True).encode()
                written = _add_bytes(tar, MANIFEST, data, now.timestamp())
                sums = "".join(f"{e['sha256']}  {e['path']}\n" for e in [*entries, written])
                _add_bytes(tar, CHECKSUMS, sums.encode(), now.timestamp())
        partial.replace(final)
    finally:
        partial.unlink(missing_ok=True)
    return Made(final, manifest, time.monotonic() - started)


def _manifest(places, snapshot, entries, now, secret) -> dict:
    return {
        "format": FORMAT,
        "version": VERSION,
        "created_at": now.astimezone(UTC).isoformat(timespec="seconds"),
        "platform_version": risingtide.__version__,
        "database": {
            "engine": places.engine,
            "file": databases.dump_name(places.database),
            "tables": snapshot.tables,
        },
        "migrations": snapshot.migrations,
        "secret_key": (
            SECRET_KEY
            if secret is not None and any(e["path"] == SECRET_KEY for e in entries)
            else "RISINGTIDE_SECRET_KEY: not in this archive; keep it with the archive"
        ),
        "files": entries,
    }
