"""The tool's own key pair: signs what we send platforms (deep linking answers, the client
assertion that gets a gradebook token) and is published as a JWKS for them to check it.

One RSA 2048 key (RS256: the one algorithm every LTI 1.3 platform must accept), made on first
use and kept in a file beside the credential keys, readable by its owner only. Its ``kid`` is its
RFC 7638 thumbprint, so a platform that caches our key set can tell a new key from the old one
if it is ever replaced (rotation is not automated: docs/lti.md says how).
"""

import contextlib
import json
import os
import tempfile
from functools import lru_cache
from pathlib import Path

from django.conf import settings
from joserfc.jwk import RSAKey

ALGORITHM = "RS256"


def _path() -> Path:
    return Path(settings.CREDENTIAL_KEY_DIR).parent / "lti_keys" / "tool.json"


@lru_cache(maxsize=4)
def _load(path: Path, mtime: float) -> RSAKey:
    return RSAKey.import_key(json.loads(path.read_text(encoding="utf-8")))


def tool_key() -> RSAKey:
    """The tool's private key, made now if there is none (the first process to link its file
    into place wins, as ``lib.keyfile`` does for the secret key)."""
    path = _path()
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        key = RSAKey.generate_key(2048, private=True)
        fd, aside = tempfile.mkstemp(dir=path.parent, prefix=".tool.")  # mode 0600
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as handle:
                json.dump(key.as_dict(private=True), handle)
            with contextlib.suppress(FileExistsError):
                os.link(aside, path)
        finally:
            os.unlink(aside)
    return _load(path, path.stat().st_mtime)


def kid() -> str:
    return tool_key().thumbprint()


def key_set() -> dict:
    """Our public key set, as a platform fetches it."""
    key = tool_key()
    return {
        "keys": [
            {**key.as_dict(private=False), "kid": key.thumbprint(), "alg": ALGORITHM, "use": "sig"}
        ]
    }
