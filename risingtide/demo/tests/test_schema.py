"""The demo's empty-database snapshot is what the migrations make, so a first run that starts
from it has the same database as one that migrates from nothing."""

import sqlite3

import pytest
from django.db import connection
from django.db.migrations.loader import MigrationLoader

from risingtide.demo import schema

pytestmark = pytest.mark.django_db

REFRESH = "the demo's schema snapshot is out of date: run `risingtide manage demo_schema`"


def _objects(rows) -> list[tuple]:
    return sorted(
        (kind, name, table, " ".join((sql or "").split()))
        for kind, name, table, sql in rows
        if not name.startswith("sqlite_")
    )


@pytest.fixture
def snapshot(tmp_path):
    database = tmp_path / "demo.sqlite3"
    assert schema.restore(database)
    with sqlite3.connect(database) as db:
        yield db
    db.close()


def test_the_snapshot_records_every_migration(snapshot):
    recorded = set(snapshot.execute("SELECT app, name FROM django_migrations"))
    assert recorded == set(MigrationLoader(None).disk_migrations), REFRESH


def test_the_snapshot_has_the_schema_the_migrations_make(snapshot):
    if connection.vendor != "sqlite":
        pytest.skip("the demo is SQLite; the test database here is not")
    query = "SELECT type, name, tbl_name, sql FROM sqlite_master"
    with connection.cursor() as cursor:
        cursor.execute(query)
        migrated = _objects(cursor.fetchall())
    assert _objects(snapshot.execute(query)) == migrated, REFRESH


def test_restore_never_touches_a_database_that_exists(tmp_path):
    database = tmp_path / "demo.sqlite3"
    database.write_bytes(b"mine")
    assert not schema.restore(database)
    assert database.read_bytes() == b"mine"
