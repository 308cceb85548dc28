"""The restore drill (issue 21): build a world with notes, uploads and a booking, back it up
while another process keeps writing notes, restore it elsewhere (another SQLite file, or
another PostgreSQL database made for the drill and dropped after it), and compare every table's
row count and every file's checksum. Runs on the suite's database engine: CI runs it on both.

Row counts are compared with the backup's snapshot (the manifest's counts, taken in the copy
itself); tables the writer never touched must also match the source as it is at the end, the
writer's tables must lie between their counts before and after the backup, and each drill note
must arrive whole (an item at version 2 with its two revisions: two transactions, never half
of one)."""

import hashlib
import os
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import quote

import pytest
from django.conf import settings
from django.db import connection

from risingtide.backups import archive, databases
from risingtide.backups.places import Places, Refused
from risingtide.backups.restoring import restore
from risingtide.demo import schema

ON_POSTGRES = "postgresql" in settings.DATABASES["default"]["ENGINE"]
WRITER = Path(__file__).with_name("drill_writer.py")
SQLITE = {"ENGINE": "django.db.backends.sqlite3"}
# On PostgreSQL the drill's world is committed to the suite's test database (another process
# writes to it), which is flushed afterwards; on SQLite it needs no test database at all.
pytestmark = [pytest.mark.per_database] + (
    [pytest.mark.django_db(transaction=True)] if ON_POSTGRES else []
)
NOTE_PAIRS = (
    "SELECT count(*) FROM portfolios_item i WHERE i.title LIKE 'Drill %%' AND i.version <> "
    "(SELECT count(*) FROM portfolios_noterevision r WHERE r.item_id = i.id)"
)


def places_in(folder: Path, database: dict) -> Places:
    return Places(
        database=database,
        folders={
            "media": folder / "media",
            "scorm": folder / "scorm",
            "credential_keys": folder / "credential_keys",
            "lti_keys": folder / "lti_keys",
        },
        secret_key_file=folder / "secret_key",
    )


def checksums(places: Places) -> dict[str, str]:
    """Every file's checksum but hidden ones (a lock file, a key being written aside)."""
    found = {}
    for name, folder in places.folders.items():
        for path in sorted(folder.rglob("*")):
            if not path.is_file() or path.name.startswith("."):
                continue
            digest = hashlib.sha256(path.read_bytes()).hexdigest()
            found[f"{name}/{path.relative_to(folder)}"] = digest
    found["secret_key"] = hashlib.sha256(places.secret_key_file.read_bytes()).hexdigest()
    return found


def scalar(database: dict, query: str) -> int:
    if databases.engine_of(database) == "sqlite":
        with databases._sqlite(database) as raw:
            return raw.execute(query.replace("%%", "%")).fetchone()[0]
    with databases._pg_connect(database) as raw:
        return raw.execute(query).fetchone()[0]


def _postgres_database(name: str, sql: str) -> None:
    import psycopg

    admin = {**settings.DATABASES["default"], "NAME": "postgres"}
    with databases._pg_connect(admin, autocommit=True) as raw:
        raw.execute(psycopg.sql.SQL(sql).format(psycopg.sql.Identifier(name)))


@pytest.fixture
def source(tmp_path):
    """Where the drill's world lives: the suite's own PostgreSQL test database (committed, so
    another process sees it, and flushed afterwards), or a fresh SQLite file."""
    if ON_POSTGRES:
        connection.close()  # the writer and pg_dump have the database to themselves
        return places_in(tmp_path / "source", dict(connection.settings_dict))
    database = tmp_path / "source" / "risingtide.sqlite3"
    schema.restore(database)
    return places_in(tmp_path / "source", {**SQLITE, "NAME": str(database)})


@pytest.fixture
def target(tmp_path, source):
    if not ON_POSTGRES:
        database = {**SQLITE, "NAME": str(tmp_path / "restored" / "risingtide.sqlite3")}
        yield places_in(tmp_path / "restored", database)
        return
    name = f"{source.database['NAME']}_restored"
    _postgres_database(name, "DROP DATABASE IF EXISTS {} WITH (FORCE)")
    _postgres_database(name, "CREATE DATABASE {}")
    try:
        yield places_in(tmp_path / "restored", {**source.database, "NAME": name})
    finally:
        _postgres_database(name, "DROP DATABASE IF EXISTS {} WITH (FORCE)")


def start_writer(source: Places, stop: Path) -> subprocess.Popen:
    database = source.database
    if ON_POSTGRES:
        password = f":{quote(database['PASSWORD'])}" if database.get("PASSWORD") else ""
        url = (
            f"postgres://{database['USER']}{password}@{database['HOST'] or '127.0.0.1'}:"
            f"{database['PORT'] or 5432}/{database['NAME']}"
        )
    else:
        url = f"sqlite:///{database['NAME']}"
    folder = source.secret_key_file.parent
    env = {
        **os.environ,
        "RISINGTIDE_DATA_DIR": str(folder),
        "RISINGTIDE_DATABASE_URL": url,
        "RISINGTIDE_MEDIA_DIR": str(source.folders["media"]),
        "RISINGTIDE_CREDENTIAL_KEY_DIR": str(source.folders["credential_keys"]),
        "RISINGTIDE_TRAINING_SCORM_DIR": str(source.folders["scorm"]),
        "RISINGTIDE_DRILL_STOP": str(stop),
    }
    env.pop("RISINGTIDE_SECRET_KEY", None)  # generated into the data directory, and backed up
    command = [
        sys.executable,
        "-m",
        "risingtide.cli",
        "manage",
        "shell",
        "--no-imports",
        "-c",
        WRITER.read_text(),
    ]
    return subprocess.Popen(command, env=env, stdout=subprocess.PIPE, text=True)  # noqa: S603


def wait_for_more_notes(database: dict, than: int) -> int:
    deadline = time.monotonic() + 30
    while (count := scalar(database, "SELECT count(*) FROM portfolios_item")) <= than:
        assert time.monotonic() < deadline, "the writer stopped writing"
        time.sleep(0.05)
    return count


def test_restore_drill_while_a_writer_writes(source, target, tmp_path):
    stop = tmp_path / "stop"
    writer = start_writer(source, stop)
    try:
        assert writer.stdout.readline().strip() == "ready"
        before = databases.row_counts(source.database)
        wait_for_more_notes(source.database, before["portfolios_item"])
        made = archive.make_backup(source, tmp_path / "backups")
        during = databases.row_counts(source.database)
        wait_for_more_notes(source.database, during["portfolios_item"])
    finally:
        stop.touch()
        out, _ = writer.communicate(timeout=60)
    assert writer.returncode == 0 and out.startswith("wrote ")
    after = databases.row_counts(source.database)

    restored = restore(made.path, target)

    snapshot = made.manifest["database"]["tables"]
    assert databases.row_counts(target.database) == snapshot
    written = {table for table in after if after[table] != before[table]}
    assert {"portfolios_item", "portfolios_noterevision"} <= written
    for table, rows in snapshot.items():
        if table in written:
            assert before[table] <= rows <= after[table], table
        else:
            assert rows == after[table], table
    assert before["portfolios_item"] < snapshot["portfolios_item"] < after["portfolios_item"]
    assert snapshot["provision_booking"] == 1
    assert scalar(target.database, NOTE_PAIRS) == 0  # every drill note whole
    assert checksums(target) == checksums(source)
    assert {"media", "credential_keys", "lti_keys"} <= {k.split("/")[0] for k in checksums(source)}
    assert restored.files == len(made.manifest["files"]) - 1  # all but the database

    with pytest.raises(Refused, match="empty data directory and an empty database"):
        restore(made.path, target)  # never over what is there
