"""An archive is checked whole before a restore writes anything: every member's name, kind and
checksum, the manifest against the checksums file, and nothing missing or extra.

A member whose name could land outside the restore's folders (an absolute path, ``..``, a
backslash), a link or device, or a name no backup writes refuses the whole archive: the
restore never has to decide where such a thing may go. A truncated archive fails while it is
read, and the refusal names the member it was reading.
"""

import hashlib
import json
import tarfile
from dataclasses import dataclass
from pathlib import Path

from risingtide.backups.archive import (
    CHECKSUMS,
    FOLDER_PREFIX,
    FORMAT,
    MANIFEST,
    SECRET_KEY,
    VERSION,
)
from risingtide.backups.places import Refused

_DATABASE_FILES = ("database/risingtide.sqlite3", "database/risingtide.pgdump")
_EXACT = {MANIFEST, CHECKSUMS, SECRET_KEY, *_DATABASE_FILES}
_CHUNK = 1024 * 1024
# The manifest and checksums are read into memory: a real one is a few hundred KB.
_MAX_INDEX_BYTES = 64 * 1024 * 1024


@dataclass(frozen=True)
class Checked:
    manifest: dict
    # path -> sha256 of every member but the manifest and checksums
    files: dict[str, str]


def name_problem(info: tarfile.TarInfo) -> str | None:
    """Why this member may not be in a backup, or None."""
    name = info.name
    if not info.isfile():
        return "is not a plain file (a link, folder or device)"
    parts = name.split("/")
    if name.startswith("/") or "\\" in name or ":" in parts[0]:
        return "has an absolute name"
    if any(part in ("", ".", "..") for part in parts):
        return "has a name that leaves the archive's folders"
    if name in _EXACT or any(name.startswith(prefix) for prefix in FOLDER_PREFIX.values()):
        return None
    return "is not something a Rising Tide backup holds"


def check(archive: Path) -> Checked:
    """The archive's manifest, once every checksum in it has been verified; ``Refused`` naming
    the member otherwise."""
    if not archive.is_file():
        raise Refused(f"{archive} is not a file")
    seen: dict[str, tuple[str, int]] = {}
    index: dict[str, bytes] = {}
    reading = "its first member"
    try:
        with tarfile.open(archive, "r:") as tar:
            for info in tar:
                reading = repr(info.name)
                problem = name_problem(info)
                if problem:
                    raise Refused(f"{archive.name}: {info.name!r} {problem}; nothing was restored")
                if info.name in seen:
                    raise Refused(f"{archive.name}: {info.name!r} is in the archive twice")
                if info.name in (MANIFEST, CHECKSUMS) and info.size > _MAX_INDEX_BYTES:
                    raise Refused(f"{archive.name}: {info.name} is too large to be ours")
                seen[info.name] = _hash(tar, info, index)
    except (tarfile.TarError, EOFError) as exc:
        raise Refused(
            f"{archive.name} is truncated or damaged (while reading {reading}: {exc}); "
            "nothing was restored"
        ) from exc
    return _compare(archive.name, seen, index)


def _hash(tar: tarfile.TarFile, info: tarfile.TarInfo, index: dict) -> tuple[str, int]:
    digest, size, kept = hashlib.sha256(), 0, []
    handle = tar.extractfile(info)
    while chunk := handle.read(_CHUNK):
        digest.update(chunk)
        size += len(chunk)
        if info.name in (MANIFEST, CHECKSUMS):
            kept.append(chunk)
    if size != info.size:
        raise tarfile.ReadError("unexpected end of data")
    if kept or info.name in (MANIFEST, CHECKSUMS):
        index[info.name] = b"".join(kept)
    return digest.hexdigest(), size


def _compare(archive: str, seen: dict, index: dict) -> Checked:
    for needed in (MANIFEST, CHECKSUMS):
        if needed not in index:
            raise Refused(
                f"{archive} has no {needed}: it is truncated or not a Rising Tide backup; "
                "nothing was restored"
            )
    sums = {}
    for line in index[CHECKSUMS].decode("utf-8", "replace").splitlines():
        digest, _, path = line.partition("  ")
        sums[path] = digest
    if sums.get(MANIFEST) != seen[MANIFEST][0]:
        raise Refused(f"{archive}: {MANIFEST} does not match its checksum in {CHECKSUMS}")
    try:
        manifest = json.loads(index[MANIFEST])
    except ValueError as exc:
        raise Refused(f"{archive}: {MANIFEST} cannot be read ({exc})") from exc
    if manifest.get("format") != FORMAT or manifest.get("version") != VERSION:
        raise Refused(f"{archive} is not a version {VERSION} Rising Tide backup")
    listed = {entry["path"]: entry for entry in manifest.get("files", [])}
    for path, entry in listed.items():
        if path not in seen:
            raise Refused(f"{archive}: {path} is missing (a truncated archive?)")
        digest, size = seen[path]
        if digest != entry["sha256"] or size != entry["bytes"] or sums.get(path) != digest:
            raise Refused(
                f"{archive}: {path} does not match its checksum: the archive was changed or "
                "damaged; nothing was restored"
            )
    extra = sorted(set(seen) - set(listed) - {MANIFEST, CHECKSUMS})
    if extra:
        raise Refused(f"{archive}: {extra[0]} is not listed in the manifest")
    if manifest["database"]["file"] not in listed:
        raise Refused(f"{archive} holds no database")
    return Checked(manifest, {path: entry["sha256"] for path, entry in listed.items()})
