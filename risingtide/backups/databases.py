"""Each engine's consistent online copy, its restore, and what is asked of a database around
them (is it empty, how many rows has each table, which migrations are applied).

A copy is one snapshot of the database while the platform keeps writing: SQLite's backup API
copies every page in one step inside one read transaction (pages=-1), which in WAL mode never
blocks a writer; PostgreSQL's ``pg_dump`` reads inside a REPEATABLE READ transaction whose
snapshot we export first, so the row counts written into the manifest are counted in that very
snapshot (``--snapshot``), and a restore can be checked against them table by table.
"""

import glob
import os
import re
import shutil
import sqlite3
import subprocess
from dataclasses import dataclass
from pathlib import Path

from risingtide.backups.places import Refused

# Where Debian keeps each PostgreSQL version's tools when they are not on PATH.
PG_TOOL_DIRS = "/usr/lib/postgresql/*/bin"
# Connection options libpq understands (Django's OPTIONS may hold its own too).
_LIBPQ_OPTIONS = {"sslmode", "sslrootcert", "sslcert", "sslkey", "options", "connect_timeout"}


@dataclass(frozen=True)
class Snapshot:
    tables: dict[str, int]  # rows in each table, as of the copy
    migrations: list[str]  # "app.name" of every applied migration, as of the copy


def engine_of(database: dict) -> str:
    return "sqlite" if "sqlite" in database["ENGINE"] else "postgresql"


def dump_name(database: dict) -> str:
    """The database's file inside the archive."""
    return (
        "database/risingtide.sqlite3"
        if engine_of(database) == "sqlite"
        else "database/risingtide.pgdump"
    )


def dump(database: dict, out: Path) -> Snapshot:
    """Copy the live ``database`` into the file ``out``, consistently, while others write."""
    return (
        _sqlite_dump(database, out) if engine_of(database) == "sqlite" else _pg_dump(database, out)
    )


def refusal_to_restore_into(database: dict) -> str | None:
    """Why ``database`` may not receive a restore (it holds tables, or cannot be reached)."""
    if engine_of(database) == "sqlite":
        return _sqlite_refusal(database)
    return _pg_refusal(database)


def load(database: dict, dump_file: Path) -> None:
    """Put the copy ``dump_file`` into the empty ``database``: all of it or nothing."""
    if engine_of(database) == "sqlite":
        _sqlite_load(database, dump_file)
    else:
        _pg_load(database, dump_file)


def row_counts(database: dict) -> dict[str, int]:
    if engine_of(database) == "sqlite":
        with _sqlite(database) as connection:
            return _sqlite_counts(connection)
    with _pg_connect(database) as connection:
        return _pg_counts(connection)


# --- SQLite -----------------------------------------------------------------------------------


def _sqlite_name(database: dict) -> str:
    return str(database["NAME"])


class _sqlite:
    """A plain connection, closed on leaving (sqlite3's own context manager only commits)."""

    def __init__(self, database: dict | str):
        name = database if isinstance(database, str) else _sqlite_name(database)
        self.connection = sqlite3.connect(name, uri=name.startswith("file:"), timeout=30)

    def __enter__(self) -> sqlite3.Connection:
        return self.connection

    def __exit__(self, *exc) -> None:
        self.connection.close()


def _sqlite_counts(connection: sqlite3.Connection) -> dict[str, int]:
    names = [
        row[0]
        for row in connection.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' "
            "ORDER BY name"
        )
    ]
    # Table names come from the database's own catalogue, quoted: nothing from outside.
    return {
        name: connection.execute(f'SELECT count(*) FROM "{name}"').fetchone()[0]  # noqa: S608
        for name in names
    }


def _migrations(rows) -> list[str]:
    return sorted(f"{app}.{name}" for app, name in rows)


def _sqlite_dump(database: dict, out: Path) -> Snapshot:
    with _sqlite(database) as source, _sqlite(str(out)) as copy:
        source.backup(copy)  # pages=-1: every page in one step, one read transaction
        # One self-contained file: no write-ahead log to carry beside it.
        copy.execute("PRAGMA journal_mode=DELETE")
        tables = _sqlite_counts(copy)
        migrations = _migrations(copy.execute("SELECT app, name FROM django_migrations"))
    return Snapshot(tables, migrations)


def _sqlite_refusal(database: dict) -> str | None:
    path = Path(_sqlite_name(database))
    for suffix in ("-wal", "-journal"):
        log = Path(f"{path}{suffix}")
        if log.exists() and log.stat().st_size:
            return f"the database {path} has a log ({log.name}) beside it: it is in use"
    if not path.exists() or path.stat().st_size == 0:
        return None
    with _sqlite(str(path)) as connection:
        tables = connection.execute(
            "SELECT count(*) FROM sqlite_master WHERE type = 'table'"
        ).fetchone()[0]
    return f"the database {path} holds {tables} tables" if tables else None


def _sqlite_load(database: dict, dump_file: Path) -> None:
    path = Path(_sqlite_name(database))
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(path.name + ".restoring")
    shutil.copyfile(dump_file, partial)
    with _sqlite(str(partial)) as connection:
        verdict = connection.execute("PRAGMA quick_check").fetchone()[0]
    if verdict != "ok":
        partial.unlink()
        raise Refused(f"the database in the archive is damaged ({verdict})")
    for suffix in ("-shm", "-wal"):  # an empty database's leftovers, never applied to ours
        Path(f"{path}{suffix}").unlink(missing_ok=True)
    partial.replace(path)  # all or nothing: a half-copied file is never taken for a database


# --- PostgreSQL -------------------------------------------------------------------------------


def pg_tool(name: str) -> str:
    """``pg_dump`` or ``pg_restore``: on PATH, else the newest of Debian's versioned folders."""
    found = shutil.which(name)
    if found:
        return found

    def version(path: str) -> tuple[int, ...]:
        return tuple(int(n) for n in re.findall(r"\d+", path))

    candidates = sorted(glob.glob(f"{PG_TOOL_DIRS}/{name}"), key=version)
    if candidates:
        return candidates[-1]
    raise Refused(
        f"{name} was not found on PATH or in {PG_TOOL_DIRS}: install PostgreSQL's client tools "
        "(Debian: apt-get install postgresql-client), of the server's version or newer"
    )


def _pg_params(database: dict) -> dict:
    params = {
        "dbname": database["NAME"],
        "user": database.get("USER") or None,
        "host": database.get("HOST") or None,
        "port": str(database["PORT"]) if database.get("PORT") else None,
    }
    params.update({k: v for k, v in (database.get("OPTIONS") or {}).items() if k in _LIBPQ_OPTIONS})
    return {k: v for k, v in params.items() if v is not None}


def _pg_connect(database: dict, **extra):
    import psycopg

    return psycopg.connect(
        **_pg_params(database), password=database.get("PASSWORD") or None, **extra
    )


def _pg_tool_run(name: str, database: dict, args: list[str]) -> None:
    """Run a client tool against ``database``; the password travels in its environment, never
    on a command line others can read."""
    from psycopg.conninfo import make_conninfo

    env = {**os.environ}
    if database.get("PASSWORD"):
        env["PGPASSWORD"] = str(database["PASSWORD"])
    command = [pg_tool(name), f"--dbname={make_conninfo(**_pg_params(database))}", *args]
    done = subprocess.run(command, env=env, capture_output=True, text=True, check=False)  # noqa: S603
    if done.returncode:
        raise Refused(f"{name} failed: {done.stderr.strip() or done.stdout.strip()}")


def _pg_counts(connection) -> dict[str, int]:
    from psycopg import sql

    names = [
        row[0]
        for row in connection.execute(
            "SELECT tablename FROM pg_tables WHERE schemaname = current_schema() ORDER BY 1"
        )
    ]
    return {
        name: connection.execute(
            sql.SQL("SELECT count(*) FROM {}").format(sql.Identifier(name))
        ).fetchone()[0]
        for name in names
    }


def _pg_dump(database: dict, out: Path) -> Snapshot:
    with _pg_connect(database, autocommit=True) as connection:
        connection.execute("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY")
        # pg_dump reads this same snapshot, so these counts are the dump's counts.
        snapshot = connection.execute("SELECT pg_export_snapshot()").fetchone()[0]
        tables = _pg_counts(connection)
        migrations = _migrations(connection.execute("SELECT app, name FROM django_migrations"))
        # The exporting transaction must stay open until pg_dump has taken the snapshot.
        _pg_tool_run(
            "pg_dump", database, ["--format=custom", f"--snapshot={snapshot}", f"--file={out}"]
        )
        connection.execute("COMMIT")
    return Snapshot(tables, migrations)


def _pg_refusal(database: dict) -> str | None:
    import psycopg

    try:
        with _pg_connect(database, autocommit=True) as connection:
            tables = connection.execute(
                "SELECT count(*) FROM pg_tables WHERE schemaname = current_schema()"
            ).fetchone()[0]
    except psycopg.OperationalError as exc:
        return (
            f"the database {database['NAME']} cannot be reached ({str(exc).strip()}); "
            f"create it first (createdb {database['NAME']})"
        )
    return f"the database {database['NAME']} holds {tables} tables" if tables else None


def _pg_load(database: dict, dump_file: Path) -> None:
    _pg_tool_run(
        "pg_restore",
        database,
        [
            "--no-owner",
            "--no-privileges",
            "--exit-on-error",
            "--single-transaction",
            str(dump_file),
        ],
    )
