"""One-time invitation codes: random, easy to read aloud and type, kept only as a digest.

Twelve characters from 29 that cannot be mistaken for one another (no 0/O, 1/I/L, 5/S)
give about 58 bits: guessing one among the live codes of a whole nation, a few tries every
fifteen minutes (``families.throttle``), would take longer than the universe has had. They are
shown in groups of four (``ABCD-EFGH-JKMN``); what a person types is read leniently (any case,
with or without spaces and dashes)."""

import hashlib
import secrets

# No I, L, O or S, no 0, 1 or 5: nothing a parent could read as something else.
ALPHABET = "ABCDEFGHJKMNPQRTUVWXYZ2346789"
LENGTH = 12
GROUP = 4


def new_code() -> str:
    """A fresh code in groups of four: ``ABCD-EFGH-JKMN``."""
    raw = "".join(secrets.choice(ALPHABET) for _ in range(LENGTH))
    return "-".join(raw[i : i + GROUP] for i in range(0, LENGTH, GROUP))


def normalised(typed: str) -> str:
    """What was typed, as the twelve characters of a code (or whatever is left, to fail)."""
    return "".join(c for c in typed.upper() if c.isalnum())


def digest(code: str) -> str:
    """The SHA-256 digest of a code's twelve characters, the only form it is stored in."""
    return hashlib.sha256(normalised(code).encode()).hexdigest()


def looks_like_a_code(typed: str) -> bool:
    found = normalised(typed)
    return len(found) == LENGTH and all(c in ALPHABET for c in found)
