"""``risingtide manage restore ARCHIVE``: a checked archive into an empty data directory and an
empty database, all or nothing.

The archive is checked whole first (``checking``). Then the target must be empty: no table in
the database, no file in the media, SCORM or key folders, and no secret key other than one
this very process has just generated (the settings make one when none is configured; nothing
was ever signed with it). Files go in first, each hashed again as it is written; the database
goes in last, in one step (a file renamed into place; ``pg_restore --single-transaction``). If
anything fails, the files written are removed again, so a failed restore leaves the target as
empty as it found it. Every table's row count is then compared with the manifest's.
"""

import hashlib
import os
import tarfile
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from risingtide.backups import checking, databases
from risingtide.backups.archive import FOLDER_PREFIX, SECRET_KEY
from risingtide.backups.places import Places, Refused, files_in
from risingtide.lib import keyfile

_CHUNK = 1024 * 1024


@dataclass(frozen=True)
class Restored:
    manifest: dict
    files: int
    tables: int
    rows: int
    seconds: float


def refusals(places: Places, manifest: dict | None = None) -> list[str]:
    """Why the target is not empty (nothing when it is)."""
    found = []
    reason = databases.refusal_to_restore_into(places.database)
    if reason:
        found.append(reason)
    for folder in places.folders.values():
        if count := len(files_in(folder)):
            found.append(f"{folder} holds {count} file{'s' if count != 1 else ''}")
    secret = places.secret_key_file
    carries_secret = manifest is None or manifest.get("secret_key") == SECRET_KEY
    if carries_secret and secret and secret.exists() and secret not in keyfile.MADE_HERE:
        found.append(f"{secret} holds a secret key already")
    return found


def _unknown_migrations(manifest: dict) -> list[str]:
    """Migrations the archive's database has that this code does not know (a newer release)."""
    from django.db.migrations.loader import MigrationLoader

    known = {f"{app}.{name}" for app, name in MigrationLoader(None).disk_migrations}
    return sorted(set(manifest["migrations"]) - known)


def _target(places: Places, name: str) -> tuple[Path, int] | None:
    """Where a member goes, with its mode; None for the database and the index files."""
    if name == SECRET_KEY:
        return (places.secret_key_file, 0o600) if places.secret_key_file else None
    for folder_name, prefix in FOLDER_PREFIX.items():
        if name.startswith(prefix):
            folder = places.folders[folder_name]
            mode = 0o644 if prefix.startswith("files/") else 0o600
            return folder / name.removeprefix(prefix), mode
    return None


def _write(tar, info, path: Path, mode: int, expected: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    digest = hashlib.sha256()
    source = tar.extractfile(info)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, mode)
    with os.fdopen(fd, "wb") as out:
        while chunk := source.read(_CHUNK):
            digest.update(chunk)
            out.write(chunk)
    if digest.hexdigest() != expected:  # the archive changed since it was checked
        raise Refused(f"{info.name} changed while it was restored; nothing was kept")


def restore(archive: Path, places: Places) -> Restored:
    """Restore ``archive`` into the empty ``places``; ``Refused`` says why not."""
    started = time.monotonic()
    checked = checking.check(archive)
    manifest = checked.manifest
    if manifest["database"]["engine"] != places.engine:
        raise Refused(
            f"{archive.name} holds a {manifest['database']['engine']} database; this site is "
            f"configured for {places.engine} (RISINGTIDE_DATABASE_URL)"
        )
    problems = refusals(places, manifest)
    if problems:
        raise Refused(
            "Restore only into an empty data directory and an empty database: "
            + "; ".join(problems)
            + ". Nothing was restored."
        )
    if unknown := _unknown_migrations(manifest):
        raise Refused(
            f"{archive.name} was made by a newer Rising Tide (migration {unknown[0]} is unknown "
            "here): install that release first; nothing was restored"
        )
    written: list[Path] = []
    try:
        with tempfile.TemporaryDirectory(prefix="risingtide-restore-") as work:
            dump = Path(work) / "dump"
            with tarfile.open(archive, "r:") as tar:
                for info in tar:
                    if info.name == manifest["database"]["file"]:
                        _write(tar, info, dump, 0o600, checked.files[info.name])
                        continue
                    target = _target(places, info.name)
                    if target is None:
                        continue
                    path, mode = target
                    if path == places.secret_key_file:
                        path.unlink(missing_ok=True)  # one this process made (refusals)
                    _write(tar, info, path, mode, checked.files[info.name])
                    written.append(path)
            databases.load(places.database, dump)
    except BaseException:
        for path in written:
            path.unlink(missing_ok=True)
        raise
    counts = databases.row_counts(places.database)
    wrong = {
        table: (rows, counts.get(table))
        for table, rows in manifest["database"]["tables"].items()
        if counts.get(table) != rows
    }
    if wrong:
        table, (had, got) = next(iter(wrong.items()))
        raise Refused(
            f"the restored table {table} has {got} rows where the backup had {had}: do not use "
            "this site; empty it and restore again"
        )
    return Restored(
        manifest,
        files=len(written),
        tables=len(counts),
        rows=sum(counts.values()),
        seconds=time.monotonic() - started,
    )
