"""The demo's fast first migration: a snapshot of an empty database as the migrations leave
it, copied into place when the demo's database does not exist yet.

Applying the migrations one by one costs about six seconds of processor time on SQLite (Django
re-renders its model states after nearly every operation; docs/performance.md, "First run"),
most of a new user's first wait. Copying the snapshot takes milliseconds; ``migrate`` then
runs as usual, applying any migration newer than the snapshot, so an out-of-date snapshot is
slower, never wrong. ``risingtide manage demo_schema`` writes it again after a migration is
added, and a test fails until it has been (decision 13).
"""

import gzip
import shutil
import sqlite3
from pathlib import Path

SNAPSHOT = Path(__file__).resolve().parent / "data" / "schema.sqlite3.gz"


def restore(database: Path) -> bool:
    """Put the snapshot at ``database`` if there is no database there yet. Returns whether it
    did: a database that exists (or its write-ahead log) is never touched."""
    if not SNAPSHOT.exists() or any(
        Path(f"{database}{suffix}").exists() for suffix in ("", "-wal", "-journal")
    ):
        return False
    database.parent.mkdir(parents=True, exist_ok=True)
    partial = database.with_name(database.name + ".restoring")
    with gzip.open(SNAPSHOT, "rb") as source, open(partial, "wb") as target:
        shutil.copyfileobj(source, target)
    partial.replace(database)  # all or nothing: a half-copied file is never taken for a database
    return True


def write(database: Path, snapshot: Path = SNAPSHOT) -> None:
    """Compact a freshly migrated database into one file and keep it, gzipped, as the
    snapshot."""
    with sqlite3.connect(database) as connection:
        connection.execute("PRAGMA journal_mode=DELETE")  # fold the log into the file
    connection.close()
    with sqlite3.connect(database) as connection:
        connection.execute("VACUUM")
    connection.close()
    snapshot.parent.mkdir(parents=True, exist_ok=True)
    with (
        open(database, "rb") as source,
        open(snapshot, "wb") as raw,
        gzip.GzipFile(filename="", mode="wb", fileobj=raw, mtime=0) as out,
    ):
        shutil.copyfileobj(source, out)
