"""Production settings, the deploy check, and the commands' refusals."""

import os
import subprocess
import sys

import pytest
from django.db import connection

from risingtide import settings as production


def run(args, **env):
    return subprocess.run(  # noqa: S603
        [sys.executable, "-m", "risingtide.cli", *args],
        capture_output=True,
        text=True,
        env={**os.environ, **env},
        timeout=120,
        check=False,
    )


def test_passwords_are_hashed_with_argon2id_at_owasp_minimum_or_above():
    from django.utils.module_loading import import_string

    hasher = import_string(production.PASSWORD_HASHERS[0])()
    encoded = hasher.encode("otter-maple-42", hasher.salt())
    assert encoded.startswith("argon2$argon2id$")
    assert hasher.memory_cost >= 19 * 1024 and hasher.time_cost >= 2
    assert hasher.verify("otter-maple-42", encoded)


def test_check_deploy_is_clean_with_production_settings(tmp_path):
    result = run(
        ["manage", "check", "--deploy", "--fail-level", "WARNING"],
        RISINGTIDE_DATA_DIR=str(tmp_path),
        RISINGTIDE_SECRET_KEY="x" * 64 + "production-secret-key-for-the-check",
        RISINGTIDE_DEBUG="0",
        RISINGTIDE_HTTPS="1",
    )
    assert result.returncode == 0, result.stderr + result.stdout
    assert "no issues" in result.stdout


def test_check_deploy_refuses_the_test_only_fetch_allow_list(tmp_path):
    result = run(
        ["manage", "check", "--deploy", "--fail-level", "WARNING"],
        RISINGTIDE_DATA_DIR=str(tmp_path),
        RISINGTIDE_SECRET_KEY="x" * 64 + "production-secret-key-for-the-check",
        RISINGTIDE_DEBUG="0",
        RISINGTIDE_HTTPS="1",
        RISINGTIDE_FETCH_ALLOW_HOSTS="127.0.0.1:8123",
    )
    assert result.returncode != 0 and "risingtide.W001" in result.stderr + result.stdout


def test_serve_refuses_without_secret_or_with_debug(tmp_path):
    env = {"RISINGTIDE_DATA_DIR": str(tmp_path), "RISINGTIDE_SECRET_KEY": ""}
    result = run(["serve"], **env)
    assert result.returncode == 2 and "RISINGTIDE_SECRET_KEY is not set" in result.stderr
    result = run(["serve"], **{**env, "RISINGTIDE_SECRET_KEY": "s" * 60, "RISINGTIDE_DEBUG": "1"})
    assert result.returncode == 2 and "RISINGTIDE_DEBUG is on" in result.stderr
    result = run(
        ["serve"], **{**env, "RISINGTIDE_SECRET_KEY": "s" * 60 + "xyz", "RISINGTIDE_HTTPS": "0"}
    )
    assert result.returncode == 2 and "SECURE_SSL_REDIRECT" in result.stderr


def test_bad_setting_fails_loudly(tmp_path):
    result = run(["manage", "check"], RISINGTIDE_DATA_DIR=str(tmp_path), RISINGTIDE_DEBUG="maybe")
    assert result.returncode != 0
    assert "RISINGTIDE_DEBUG must be a boolean" in result.stderr


def test_secret_key_is_generated_once_and_kept(tmp_path):
    env = {"RISINGTIDE_DATA_DIR": str(tmp_path), "RISINGTIDE_SECRET_KEY": ""}
    code = "from django.conf import settings; print(settings.SECRET_KEY)"
    first = run(["manage", "shell", "-c", code], **env).stdout.strip().splitlines()[-1]
    second = run(["manage", "shell", "-c", code], **env).stdout.strip().splitlines()[-1]
    assert first == second and len(first) > 50
    assert oct((tmp_path / "secret_key").stat().st_mode)[-3:] == "600"


@pytest.mark.django_db
def test_sqlite_is_tuned_for_concurrent_writers():
    if connection.vendor != "sqlite":
        pytest.skip("SQLite only")
    options = connection.settings_dict["OPTIONS"]
    assert options["transaction_mode"] == "IMMEDIATE" and options["timeout"] >= 5
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA foreign_keys")
        assert cursor.fetchone()[0] == 1


def test_sqlite_file_database_uses_wal(tmp_path):
    code = (
        "from django.db import connection; c = connection.cursor(); "
        "c.execute('PRAGMA journal_mode'); print(c.fetchone()[0]); "
        "c.execute('PRAGMA busy_timeout'); print(c.fetchone()[0])"
    )
    result = run(
        ["manage", "shell", "-c", code],
        RISINGTIDE_DATA_DIR=str(tmp_path),
        RISINGTIDE_DATABASE_URL="",
    )
    lines = result.stdout.strip().splitlines()
    assert lines[-2:] == ["wal", "10000"], result.stderr
