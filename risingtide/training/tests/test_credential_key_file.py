"""The platform's signing key is made on the first download of a badge, while other first
downloads may be reading the key folder without the lock: none of them may see the key file
half-written (each would fail with a broken JSON file)."""

import json
from unittest import mock

from risingtide.training import credential_keys


def test_a_key_being_written_is_never_read_half_written(settings, tmp_path):
    settings.CREDENTIAL_KEY_DIR = tmp_path / "keys"
    real = json.dump
    seen = []

    def write_slowly(document, handle, *args, **kwargs):
        handle.write('{"created": ')  # half of it on disk…
        handle.flush()
        seen.append(credential_keys.all_keys())  # …when another request looks
        handle.seek(0)
        handle.truncate()
        real(document, handle, *args, **kwargs)

    with mock.patch.object(credential_keys.json, "dump", write_slowly):
        made = credential_keys.signing_key()
    assert seen == [[]]
    assert [k.thumbprint for k in credential_keys.all_keys()] == [made.thumbprint]
    # A set, not a sorted list: a thumbprint is base64url and one in 64 starts with "-",
    # which sorts before ".lock".
    assert {p.name for p in settings.CREDENTIAL_KEY_DIR.iterdir()} == {
        ".lock",
        f"{made.thumbprint}.json",
    }
