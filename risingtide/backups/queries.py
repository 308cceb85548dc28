"""What the site knows of its backups: the newest archive in the backup folder, from its own
manifest (the security overview shows its age)."""

import json
import tarfile
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from risingtide.backups.archive import MANIFEST, NAME_PATTERN


@dataclass(frozen=True)
class BackupSummary:
    name: str
    created_at: datetime | None  # None: the archive's manifest cannot be read
    engine: str
    files: int
    bytes: int


def newest_backup(folder: Path) -> BackupSummary | None:
    """The newest finished archive in ``folder`` (a partial one is hidden until renamed), or
    None when there is none."""
    if not folder.is_dir():
        return None
    archives = sorted(folder.glob(NAME_PATTERN))  # dated names sort by date
    if not archives:
        return None
    newest = archives[-1]
    size = newest.stat().st_size
    try:
        with tarfile.open(newest, "r:") as tar:
            # The manifest is the next-to-last member: headers are skipped over, not read.
            member = next((m for m in tar if m.name == MANIFEST), None)
            manifest = json.loads(tar.extractfile(member).read()) if member else None
    except (tarfile.TarError, OSError, ValueError, AttributeError):
        manifest = None
    if manifest is None:
        return BackupSummary(newest.name, None, "", 0, size)
    return BackupSummary(
        newest.name,
        datetime.fromisoformat(manifest["created_at"]),
        manifest["database"]["engine"],
        len(manifest["files"]),
        size,
    )
