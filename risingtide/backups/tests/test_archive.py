"""Backups and restores on a small SQLite site of their own (no test database needed): what the
archive holds, and every refusal: a changed, truncated or hostile archive, a target that is not
empty, a missing pg_dump. The whole drill on the suite's engine is ``test_drill``."""

import hashlib
import io
import json
import sqlite3
import tarfile
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from risingtide.backups import archive, databases, queries
from risingtide.backups.checking import check
from risingtide.backups.management.commands import backup as backup_command
from risingtide.backups.management.commands import restore as restore_command
from risingtide.backups.places import Places, Refused
from risingtide.backups.restoring import restore
from risingtide.lib import keyfile

SQLITE = "django.db.backends.sqlite3"
MEDIA_TEXT = b"hello from a pupil's upload"


def site(folder: Path, *, filled: bool = True) -> Places:
    places = Places(
        database={"ENGINE": SQLITE, "NAME": str(folder / "risingtide.sqlite3")},
        folders={name: folder / name for name in ("media", "scorm", "credential_keys", "lti_keys")},
        secret_key_file=folder / "secret_key",
    )
    if filled:
        folder.mkdir(parents=True)
        with databases._sqlite(places.database) as db:
            db.execute("PRAGMA journal_mode=WAL")
            db.execute("CREATE TABLE django_migrations (app TEXT, name TEXT)")
            db.execute("INSERT INTO django_migrations VALUES ('people', '0001_initial')")
            db.execute("CREATE TABLE notes (body TEXT)")
            db.executemany("INSERT INTO notes VALUES (?)", [("bees",), ("wasps",), ("ants",)])
            db.commit()
        (folder / "media" / "uploads").mkdir(parents=True)
        (folder / "media" / "uploads" / "a.txt").write_bytes(MEDIA_TEXT)
        (folder / "scorm" / "pkg").mkdir(parents=True)
        (folder / "scorm" / "pkg" / "index.html").write_text("<p>module</p>")
        (folder / "credential_keys").mkdir()
        (folder / "credential_keys" / "abc.json").write_text('{"jwk": "private"}')
        (folder / "credential_keys" / ".lock").write_text("")
        (folder / "secret_key").write_text("s3cret")
    return places


@pytest.fixture
def made(tmp_path):
    return archive.make_backup(site(tmp_path / "site"), tmp_path / "backups")


def rewrite(path: Path, members: list[tuple[tarfile.TarInfo, bytes | None]]) -> None:
    with tarfile.open(path, "w") as tar:
        for info, data in members:
            tar.addfile(info, io.BytesIO(data) if data is not None else None)


def members_of(path: Path) -> list[tuple[tarfile.TarInfo, bytes | None]]:
    with tarfile.open(path) as tar:
        return [(m, tar.extractfile(m).read() if m.isfile() else None) for m in tar]


def test_the_archive_holds_database_files_keys_and_a_manifest_with_checksums(made, tmp_path):
    assert made.path.name.startswith("risingtide-backup-") and made.path.suffix == ".tar"
    assert made.path.stat().st_mode & 0o077 == 0  # keys and records: the owner's alone
    manifest = made.manifest
    assert manifest["database"] == {
        "engine": "sqlite",
        "file": "database/risingtide.sqlite3",
        "tables": {"django_migrations": 1, "notes": 3},
    }
    assert manifest["migrations"] == ["people.0001_initial"]
    assert datetime.fromisoformat(manifest["created_at"]).tzinfo is not None
    paths = {entry["path"]: entry for entry in manifest["files"]}
    assert set(paths) == {
        "database/risingtide.sqlite3",
        "files/media/uploads/a.txt",
        "files/scorm/pkg/index.html",
        "keys/credential_keys/abc.json",
        "keys/secret_key",
    }
    assert paths["files/media/uploads/a.txt"]["sha256"] == hashlib.sha256(MEDIA_TEXT).hexdigest()
    with tarfile.open(made.path) as tar:
        names = tar.getnames()
        sums = tar.extractfile("SHA256SUMS").read().decode()
        assert json.loads(tar.extractfile("manifest.json").read()) == manifest
    assert names[-2:] == ["manifest.json", "SHA256SUMS"]
    assert f"{paths['keys/secret_key']['sha256']}  keys/secret_key\n" in sums
    assert "  manifest.json\n" in sums
    assert check(made.path).manifest == manifest
    assert list((tmp_path / "backups").iterdir()) == [made.path]  # no partial left behind


def test_a_restore_brings_back_every_table_and_file(made, tmp_path):
    target = site(tmp_path / "restored", filled=False)
    done = restore(made.path, target)
    assert (done.files, done.tables, done.rows) == (4, 2, 4)
    with databases._sqlite(target.database) as db:
        assert [r[0] for r in db.execute("SELECT body FROM notes ORDER BY body")] == [
            "ants",
            "bees",
            "wasps",
        ]
    assert (tmp_path / "restored/media/uploads/a.txt").read_bytes() == MEDIA_TEXT
    assert (tmp_path / "restored/secret_key").read_text() == "s3cret"
    assert (tmp_path / "restored/credential_keys/abc.json").stat().st_mode & 0o777 == 0o600


def test_a_changed_file_is_refused_by_name_and_nothing_is_written(made, tmp_path):
    data = made.path.read_bytes()
    made.path.write_bytes(data.replace(MEDIA_TEXT, MEDIA_TEXT.upper()))
    target = site(tmp_path / "restored", filled=False)
    with pytest.raises(Refused, match=r"files/media/uploads/a\.txt does not match its checksum"):
        restore(made.path, target)
    assert not (tmp_path / "restored").exists()


def test_a_changed_manifest_is_refused(made):
    members = members_of(made.path)
    for info, data in members:
        if info.name == "manifest.json":
            changed = data.replace(b'"notes": 3', b'"notes": 2')
            info.size = len(changed)
            members[members.index((info, data))] = (info, changed)
    rewrite(made.path, members)
    with pytest.raises(Refused, match=r"manifest\.json does not match its checksum"):
        check(made.path)


@pytest.mark.parametrize(
    ("cut_in", "says"),
    [
        ("database/risingtide.sqlite3", "truncated or damaged (while reading 'database/"),
        ("manifest.json", "truncated or damaged (while reading 'manifest.json'"),
        ("SHA256SUMS", "has no SHA256SUMS"),
    ],
)
def test_a_truncated_archive_is_refused_naming_the_member(made, cut_in, says):
    with tarfile.open(made.path) as tar:
        member = tar.getmember(cut_in)
    # Half-way through the member's data; at its very header for the last one.
    cut = member.offset if cut_in == "SHA256SUMS" else member.offset_data + member.size // 2
    made.path.write_bytes(made.path.read_bytes()[:cut])
    with pytest.raises(Refused, match=rf"{made.path.name}") as refused:
        check(made.path)
    assert says in str(refused.value)


@pytest.mark.parametrize(
    ("name", "kind", "problem"),
    [
        ("../../escaped.txt", tarfile.REGTYPE, "leaves the archive's folders"),
        ("files/media/../../../escaped.txt", tarfile.REGTYPE, "leaves the archive's folders"),
        ("/srv/escaped.txt", tarfile.REGTYPE, "absolute name"),
        ("files/media/link", tarfile.SYMTYPE, "not a plain file"),
        ("files/media/hard", tarfile.LNKTYPE, "not a plain file"),
        ("elsewhere/escaped.txt", tarfile.REGTYPE, "not something a Rising Tide backup holds"),
    ],
)
def test_hostile_member_names_refuse_the_whole_archive(made, tmp_path, name, kind, problem):
    """Even listed in a manifest whose checksums agree, such a member is never unpacked."""
    evil = b"owned"
    info = tarfile.TarInfo(name)
    info.type, info.size = kind, len(evil) if kind == tarfile.REGTYPE else 0
    info.linkname = "/etc/passwd" if kind != tarfile.REGTYPE else ""
    members = members_of(made.path)
    manifest = made.manifest
    manifest["files"].append(
        {"path": name, "bytes": len(evil), "sha256": hashlib.sha256(evil).hexdigest()}
    )
    body = json.dumps(manifest).encode()
    sums = "".join(f"{e['sha256']}  {e['path']}\n" for e in manifest["files"])
    sums += f"{hashlib.sha256(body).hexdigest()}  manifest.json\n"
    index = {"manifest.json": body, "SHA256SUMS": sums.encode()}
    rebuilt = [(info, evil if kind == tarfile.REGTYPE else None)]
    for member, data in members:
        if member.name in index:
            data = index[member.name]
            member.size = len(data)
        rebuilt.append((member, data))
    rewrite(made.path, rebuilt)
    target = site(tmp_path / "deep" / "er" / "restored", filled=False)
    with pytest.raises(Refused, match=problem):
        restore(made.path, target)
    assert not list(tmp_path.rglob("escaped.txt"))
    assert not (tmp_path / "deep").exists()


def test_only_an_empty_target_receives_a_restore(made, tmp_path):
    target = site(tmp_path / "restored", filled=False)
    (tmp_path / "restored/media").mkdir(parents=True)
    (tmp_path / "restored/media/left.png").write_bytes(b"x")
    (tmp_path / "restored/secret_key").write_text("an older site's key")
    with pytest.raises(Refused) as refused:
        restore(made.path, target)
    assert "media holds 1 file" in str(refused.value)
    assert "secret_key holds a secret key already" in str(refused.value)
    assert not (tmp_path / "restored/risingtide.sqlite3").exists()

    (tmp_path / "restored/media/left.png").unlink()
    keyfile.MADE_HERE.add(target.secret_key_file)  # as if this process's settings made it
    try:
        restore(made.path, target)
    finally:
        keyfile.MADE_HERE.discard(target.secret_key_file)
    assert (tmp_path / "restored/secret_key").read_text() == "s3cret"
    with pytest.raises(Refused, match="holds 2 tables"):
        restore(made.path, site(tmp_path / "restored", filled=False))


def test_an_archive_from_a_newer_release_is_refused(tmp_path):
    places = site(tmp_path / "site")
    with databases._sqlite(places.database) as db:
        db.execute("INSERT INTO django_migrations VALUES ('people', '9999_from_the_future')")
        db.commit()
    made = archive.make_backup(places, tmp_path / "backups")
    with pytest.raises(Refused, match=r"newer Rising Tide .*people\.9999_from_the_future"):
        restore(made.path, site(tmp_path / "restored", filled=False))


def test_without_pg_dump_the_refusal_says_what_to_install(monkeypatch, tmp_path):
    monkeypatch.setattr(databases.shutil, "which", lambda name: None)
    monkeypatch.setattr(databases, "PG_TOOL_DIRS", str(tmp_path / "no-postgres" / "*" / "bin"))
    with pytest.raises(Refused, match=r"pg_dump was not found on PATH .*postgresql-client"):
        databases.pg_tool("pg_dump")


def test_the_newest_backup_is_read_from_its_manifest(tmp_path):
    folder = tmp_path / "backups"
    assert queries.newest_backup(folder) is None
    places = site(tmp_path / "site")
    now = datetime(2026, 12, 1, 3, 0, tzinfo=UTC)
    archive.make_backup(places, folder, now=now - timedelta(days=1))
    newest = archive.make_backup(places, folder, now=now)
    (folder / ".risingtide-backup-20261202-000000Z.tar.partial").write_bytes(b"half")
    summary = queries.newest_backup(folder)
    assert summary.name == newest.path.name
    assert (summary.created_at, summary.engine, summary.files) == (now, "sqlite", 5)


def test_the_commands_say_what_they_did_and_how_long_it_took(tmp_path, monkeypatch):
    source, target = site(tmp_path / "site"), site(tmp_path / "restored", filled=False)
    monkeypatch.setattr(backup_command.Places, "from_settings", classmethod(lambda c: source))
    out = io.StringIO()
    call_command("backup", to=tmp_path / "backups", stdout=out)
    assert "Backed up the sqlite database (2 tables, 4 rows, 1 migrations applied)" in (
        out.getvalue()
    )
    assert " s." in out.getvalue()
    made = next((tmp_path / "backups").glob("*.tar"))

    monkeypatch.setattr(restore_command.Places, "from_settings", classmethod(lambda c: target))
    out = io.StringIO()
    call_command("restore", str(made), stdout=out)
    assert f"Restored {made.name}" in out.getvalue()
    assert "every checksum verified" in out.getvalue()
    with pytest.raises(CommandError, match="Restore stopped: Restore only into an empty"):
        call_command("restore", str(made), stdout=io.StringIO())


def test_the_places_are_the_settings(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "m"
    settings.TRAINING_SCORM_DIR = tmp_path / "s"
    settings.CREDENTIAL_KEY_DIR = tmp_path / "k" / "credential_keys"
    settings.SECRET_KEY_FILE = None
    places = Places.from_settings()
    assert places.folders == {
        "media": tmp_path / "m",
        "scorm": tmp_path / "s",
        "credential_keys": tmp_path / "k" / "credential_keys",
        "lti_keys": tmp_path / "k" / "lti_keys",
    }
    assert places.secret_key_file is None
    assert places.database["ENGINE"] == settings.DATABASES["default"]["ENGINE"]


def test_a_sqlite_copy_is_one_file_with_the_writes_still_in_the_log(tmp_path):
    """Rows only in the write-ahead log (not yet checkpointed) are in the copy."""
    places = site(tmp_path / "site")
    with databases._sqlite(places.database) as db:
        db.execute("PRAGMA wal_autocheckpoint=0")
        db.execute("INSERT INTO notes VALUES ('moths')")
        db.commit()
        assert Path(places.database["NAME"] + "-wal").stat().st_size > 0
        snapshot = databases.dump(places.database, tmp_path / "copy.sqlite3")
    assert snapshot.tables["notes"] == 4
    with sqlite3.connect(tmp_path / "copy.sqlite3") as copy:
        assert copy.execute("PRAGMA journal_mode").fetchone()[0] == "delete"
        assert copy.execute("SELECT count(*) FROM notes").fetchone()[0] == 4


def test_no_such_archive_and_the_wrong_engine_are_refused(made, tmp_path):
    with pytest.raises(Refused, match="is not a file"):
        restore(tmp_path / "nowhere.tar", site(tmp_path / "restored", filled=False))
    postgres = Places(
        database={"ENGINE": "django.db.backends.postgresql", "NAME": "elsewhere"},
        folders={},
    )
    with pytest.raises(Refused, match="holds a sqlite database; this site is configured for"):
        restore(made.path, postgres)
