"""Django's database sessions, read with one plain SQL statement instead of a built query.

Every signed-in request reads its session; building that ``SELECT`` through the ORM cost more
CPU than running it (docs/performance.md, "The page shell"). The row, the expiry check and
everything else (writing, rotating, flushing on sign-out) are Django's own, unchanged.
"""

import logging

from django.contrib.auth import BACKEND_SESSION_KEY
from django.contrib.sessions.backends import db
from django.core.exceptions import SuspiciousOperation
from django.db import connections, router
from django.utils import timezone

from risingtide.people.backends import DJANGO_MODEL_BACKEND, PERSON_BACKEND


class SessionStore(db.SessionStore):
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
