"""Sessions for several app servers (``RISINGTIDE_REDIS_URL``, decision 29): Django's
``cached_db`` engine over our plain-SQL database sessions (``people.sessions``).

Every session is written to the database and to the shared cache; a request reads the cache
first and the database on a miss. Redis gone is a miss (``lib.shared_cache``), so nobody is
signed out by an outage, and a session flushed during one is deleted from Redis before Redis
is used again, so nobody stays signed in by one either.
"""

from django.contrib.auth import BACKEND_SESSION_KEY
from django.contrib.sessions.backends import cached_db

from risingtide.people import sessions
from risingtide.people.backends import DJANGO_MODEL_BACKEND, PERSON_BACKEND


class SessionStore(cached_db.SessionStore, sessions.SessionStore):
    def load(self):
        data = super().load()  # cached_db's: the cache, then our plain-SQL read
        if data.get(BACKEND_SESSION_KEY) == DJANGO_MODEL_BACKEND:
            data[BACKEND_SESSION_KEY] = PERSON_BACKEND
        return data
