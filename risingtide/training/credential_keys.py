"""The platform's keys for signing training credentials: made once, kept, rotated, published.

Each key is an EC P-256 key (ES256) in its own file in ``settings.CREDENTIAL_KEY_DIR``, named
by its RFC 7638 thumbprint and readable only by the platform (0600), as the secret key is kept
in the data directory. The newest key signs; older ones stay in the directory, and so in the
published key set, so that every credential they signed still verifies after a rotation
(``rotate``). Withdrawing a key (deleting its file) makes what it signed fail verification:
for a key that leaked, not for routine rotation (docs/decisions/0019-training-credentials.md).

A key's ``kid`` is the public URL it is published at, as Open Badges 3.0 asks of a VC-JWT's
``kid`` (a URI that dereferences to the JWK); a verifier looks a key up by that URL only
among our own keys, never by fetching it.
"""

import fcntl
import json
import os
import re
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from django.conf import settings
from django.urls import reverse
from joserfc.jwk import ECKey

ALGORITHM = "ES256"
_THUMBPRINT = re.compile(r"^[A-Za-z0-9_-]{43}$")  # base64url of a SHA-256 digest


@dataclass(frozen=True)
class SigningKey:
    thumbprint: str
    created: str  # ISO 8601, UTC: the newest key signs
    key: ECKey

    @property
    def kid(self) -> str:
        return key_url(self.thumbprint)

    def public_jwk(self) -> dict:
        return {
            **self.key.as_dict(private=False),
            "kid": self.kid,
            "alg": ALGORITHM,
            "use": "sig",
        }


def key_url(thumbprint: str) -> str:
    return settings.PUBLIC_URL + reverse("training:credential_key", args=[thumbprint])


def _folder() -> Path:
    return Path(settings.CREDENTIAL_KEY_DIR)


def _read(path: Path) -> SigningKey:
    stored = json.loads(path.read_text(encoding="utf-8"))
    key = ECKey.import_key(stored["jwk"])
    return SigningKey(path.stem, stored["created"], key)


def all_keys() -> list[SigningKey]:
    """Every key kept, newest first."""
    folder = _folder()
    if not folder.is_dir():
        return []
    found = [_read(p) for p in folder.glob("*.json") if _THUMBPRINT.match(p.stem)]
    return sorted(found, key=lambda k: (k.created, k.thumbprint), reverse=True)


def _make(folder: Path) -> SigningKey:
    key = ECKey.generate_key("P-256", private=True)
    thumbprint = key.thumbprint()
    created = datetime.now(tz=UTC).isoformat(timespec="microseconds")
    # Written aside, then renamed into place in one step: ``signing_key`` reads the folder
    # without the lock, and a key file seen half-written would fail every first download
    # made at the same moment.
    aside = folder / f".{thumbprint}.writing"
    fd = os.open(aside, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        json.dump({"created": created, "jwk": key.as_dict(private=True)}, handle)
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(aside, folder / f"{thumbprint}.json")
    return SigningKey(thumbprint, created, key)


def _with_lock(make_new: bool) -> SigningKey:
    """The newest key, or a new one (``make_new``, or when there is none): one process at a
    time, so two first signings at once make one key, not two."""
    folder = _folder()
    folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    with open(folder / ".lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        kept = all_keys()
        if kept and not make_new:
            return kept[0]
        return _make(folder)


def signing_key() -> SigningKey:
    """The key that signs now: the newest kept, made on first use."""
    kept = all_keys()
    return kept[0] if kept else _with_lock(make_new=False)


def rotate() -> SigningKey:
    """Make a new key that signs from now on; the old ones stay published for verifying."""
    return _with_lock(make_new=True)


def by_kid(kid: object) -> SigningKey | None:
    """Our key published at ``kid`` (a URL), or None: nothing outside our own keys is ever
    looked up, and the thumbprint is checked before a file name is made from it."""
    if not isinstance(kid, str) or len(kid) > 500:
        return None
    found = re.search(r"/([A-Za-z0-9_-]{43})/$", kid)
    if found is None or kid != key_url(found[1]):
        return None
    thumbprint = found[1]
    return public_key(thumbprint)


def public_key(thumbprint: str) -> SigningKey | None:
    if not _THUMBPRINT.match(thumbprint):
        return None
    path = _folder() / f"{thumbprint}.json"
    return _read(path) if path.is_file() else None


def key_set() -> dict:
    """The JWKS every verifier may fetch: each kept key's public half."""
    return {"keys": [k.public_jwk() for k in all_keys()]}
