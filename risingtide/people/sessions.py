"""Django's database sessions, read with one plain SQL statement instead of a built query.

Every signed-in request reads its session; building that ``SELECT`` through the ORM cost more
CPU than running it (docs/performance.md, "The page shell"). The row, the expiry check and
everything else (writing, rotating, flushing on sign-out) are Django's own, unchanged.

The row's signature is checked once per process for each distinct row: Django's decode checks
it with two keyed hashes on every request, though a session's row changes only when it is
written, and a signature checked without an age limit (Django gives none) stays good.
"""

import logging

from django.contrib.auth import BACKEND_SESSION_KEY
from django.contrib.sessions.backends import db
from django.core import signing
from django.core.exceptions import SuspiciousOperation
from django.db import connections, router
from django.utils import timezone

from risingtide.people.backends import DJANGO_MODEL_BACKEND, PERSON_BACKEND

# Rows whose signature was good, with the keys that checked them; emptied when full. Only
# rows of a signed-in person's usual size are remembered (a few hundred characters): a row
# anyone can make long (a sign-in flow's return address) would otherwise let a stranger fill
# every worker's memory. At most _CHECKED_MOST rows of _CHECKED_LONGEST characters: 2 MB.
_CHECKED: set[tuple] = set()
_CHECKED_MOST = 1024
_CHECKED_LONGEST = 2048


class _CheckedOnceSigner(signing.TimestampSigner):
    """Django's session signer, remembering the rows it found good (no age limit is asked)."""

    def unsign(self, value, max_age=None):
        if max_age is not None or len(value) > _CHECKED_LONGEST:
            return super().unsign(value, max_age=max_age)
        # Under the same keys (a fallback key taken away no longer passes) and salt.
        key = (self.key, tuple(self.fallback_keys), self.salt, value)
        if key in _CHECKED:
            # What Signer.unsign and TimestampSigner.unsign return: the value without its
            # signature, then without its timestamp.
            return value.rsplit(self.sep, 2)[0]
        found = super().unsign(value)  # raises BadSignature: nothing is remembered
        if len(_CHECKED) >= _CHECKED_MOST:
            _CHECKED.clear()
        _CHECKED.add(key)
        return found


class SessionStore(db.SessionStore):
    def decode(self, session_data):
        """Django's ``SessionBase.decode`` with the signature checked once per row: the
        same errors give the same empty session, and a bad signature is logged the same way."""
        try:
            signer = _CheckedOnceSigner(salt=self.key_salt)
            return signer.unsign_object(session_data, serializer=self.serializer)
        except signing.BadSignature:
            logging.getLogger("django.security.SuspiciousSession").warning("Session data corrupted")
        except Exception:  # noqa: S110 - Django's own: anything else is an empty session
            pass
        return {}

    def load(self):
        data = super().load()
        # Signed in before people.backends: the same person, loaded by its lighter backend.
        if data.get(BACKEND_SESSION_KEY) == DJANGO_MODEL_BACKEND:
            data[BACKEND_SESSION_KEY] = PERSON_BACKEND
        return data

    def _get_session_from_db(self):
        model = self.model
        table = model._meta.db_table
        using = router.db_for_read(model)
        connection = connections[using]
        quote = connection.ops.quote_name
        sql = (
            f"SELECT {quote('session_data')}, {quote('expire_date')} FROM {quote(table)}"  # noqa: S608 - names from the model
            f" WHERE {quote('session_key')} = %s AND {quote('expire_date')} > %s"
        )
        try:
            key = self.session_key
            if key is None:
                return None
            now = connection.ops.adapt_datetimefield_value(timezone.now())
            with connection.cursor() as cursor:
                cursor.execute(sql, [key, now])
                row = cursor.fetchone()
        except SuspiciousOperation as exc:
            logger = logging.getLogger(f"django.security.{exc.__class__.__name__}")
            logger.warning(str(exc))
            row = None
        if row is None:
            self._session_key = None
            return None
        return model(session_key=key, session_data=row[0])
