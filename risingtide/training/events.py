"""Training's hooks: how a higher app's credentials, signed with the platform's credential key,
are checked on training's public verification page without training importing that app."""

from dataclasses import dataclass
from datetime import datetime

from risingtide.lib.hooks import Hook


@dataclass(frozen=True)
class IssuedRecord:
    """What an app keeps of a credential it issued under the platform's key: the token as
    signed, whether (and when) it was revoked, who revoked it in words fit for anyone to read
    ("the school"), and its own public page. Never why: the checking page is public, and a
    reason can name another child."""

    token: str
    revoked_at: datetime | None
    revoked_by: str
    page: str


credential_records = Hook(
    "training.credential_records",
    "A credential signed with the platform's key whose issuer is not training's. Handlers get "
    "``iss`` and ``jti`` (strings from the verified JWT) and return an ``IssuedRecord`` when "
    "the issuer is theirs and they issued that id, False when the issuer is theirs but they "
    "have no such credential, and None when the issuer is not theirs (badges: a school).",
)
