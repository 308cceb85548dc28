"""The scale-out settings (decision 29) read from RISINGTIDE_* variables, in a fresh process
each time, as a deployment would start: the shared Redis cache and sessions, the S3 bucket."""

import json
import os
import subprocess
import sys

import pytest

SHOW = """
import json
from risingtide import settings as s
print(json.dumps({"caches": s.CACHES, "session": s.SESSION_ENGINE, "storages": s.STORAGES,
                  "media": str(s.MEDIA_ROOT)}))
"""


def settings_with(tmp_path, **env):
    clean = {k: v for k, v in os.environ.items() if not k.startswith("RISINGTIDE_")}
    answer = subprocess.run(  # noqa: S603 - our own interpreter and code
        [sys.executable, "-c", SHOW],
        env={**clean, "RISINGTIDE_DATA_DIR": str(tmp_path), **env},
        check=True,
        capture_output=True,
        text=True,
    )
    return json.loads(answer.stdout.strip().splitlines()[-1])


def test_one_server_keeps_its_cache_sessions_and_files_to_itself(tmp_path):
    found = settings_with(tmp_path)
    assert found["caches"]["default"]["BACKEND"].endswith("LocMemCache")
    assert found["session"] == "risingtide.people.sessions"
    assert found["storages"]["default"]["BACKEND"] == "risingtide.lib.storage.MediaStorage"
    assert found["media"] == str(tmp_path / "media")


def test_several_servers_share_redis_for_cache_and_sessions_and_a_media_directory(tmp_path):
    found = settings_with(
        tmp_path,
        RISINGTIDE_REDIS_URL="redis://10.0.0.5:6379/2",
        RISINGTIDE_REDIS_KEY_PREFIX="tide",
        RISINGTIDE_MEDIA_DIR="/srv/shared/media",
    )
    assert found["caches"]["default"] == {
        "BACKEND": "risingtide.lib.shared_cache.SharedRedisCache",
        "LOCATION": "redis://10.0.0.5:6379/2",
        "KEY_PREFIX": "tide",
        "TIMEOUT": 3600,
    }
    assert found["session"] == "risingtide.people.cached_sessions"
    assert found["media"] == "/srv/shared/media"


def test_uploads_go_to_a_private_s3_compatible_bucket_when_one_is_named(tmp_path):
    found = settings_with(
        tmp_path,
        RISINGTIDE_S3_BUCKET="tide-media",
        RISINGTIDE_S3_ENDPOINT_URL="https://s3.example.org",
        RISINGTIDE_S3_REGION="eu-west-2",
        RISINGTIDE_S3_ACCESS_KEY_ID="AKIDEXAMPLE",
        RISINGTIDE_S3_SECRET_ACCESS_KEY="not-a-real-secret",
        RISINGTIDE_S3_ADDRESSING_STYLE="path",
    )
    assert found["storages"]["default"] == {
        "BACKEND": "risingtide.lib.s3_storage.S3MediaStorage",
        "OPTIONS": {
            "bucket_name": "tide-media",
            "endpoint_url": "https://s3.example.org",
            "region_name": "eu-west-2",
            "access_key": "AKIDEXAMPLE",
            "secret_key": "not-a-real-secret",
            "location": "media",
            "default_acl": None,
            "querystring_auth": True,
            "file_overwrite": False,
            "addressing_style": "path",
        },
    }
    assert found["storages"]["staticfiles"]["BACKEND"] == "risingtide.lib.storage.StaticStorage"


def test_the_s3_storage_is_made_from_those_options_without_reaching_the_bucket(
    settings, monkeypatch
):
    """Django builds the storage from STORAGES as the site would (boto3 connects lazily, and
    nothing here sends a request), and a failed import's objects are taken back like files."""
    import storages.backends.s3 as s3
    from django.core.files.base import ContentFile
    from django.core.files.storage import storages

    from risingtide.lib.s3_storage import S3MediaStorage
    from risingtide.lib.storage import files_undone_on_failure

    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "risingtide.lib.s3_storage.S3MediaStorage",
            "OPTIONS": {"bucket_name": "tide-media", "endpoint_url": "http://127.0.0.1:9"},
        },
    }
    storage = storages["default"]
    assert isinstance(storage, S3MediaStorage)
    assert (storage.bucket_name, storage.endpoint_url) == ("tide-media", "http://127.0.0.1:9")

    saved, deleted = [], []
    monkeypatch.setattr(s3.S3Storage, "exists", lambda self, name: False)
    monkeypatch.setattr(s3.S3Storage, "_save", lambda self, name, c: saved.append(name) or name)
    monkeypatch.setattr(s3.S3Storage, "delete", lambda self, name: deleted.append(name))
    with pytest.raises(RuntimeError), files_undone_on_failure():
        storage.save("register/imports/pupils.csv", ContentFile(b"upn"))
        raise RuntimeError("the import failed")
    assert saved == ["register/imports/pupils.csv"]
    assert deleted == saved
