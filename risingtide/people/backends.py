"""Django's ``ModelBackend``, reading the signed-in person with one plain SQL statement.

Every signed-in request loads its person; building that ``SELECT`` through the ORM cost more
CPU than running it (docs/performance.md, "The page shell"), as the session's did
(``people.sessions``). ``lib.rows`` converts each column the way the ORM does (``raw()`` did
too, but worked out which column is which field on every request). Checking a password,
permissions and everything else are Django's own, unchanged.
"""

from functools import cache

from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.db import connections, router

from risingtide.lib import rows

# Sessions signed in before this backend existed name Django's; ``people.sessions`` maps it here.
DJANGO_MODEL_BACKEND = "django.contrib.auth.backends.ModelBackend"
PERSON_BACKEND = "risingtide.people.backends.PersonBackend"


@cache
def _select_person(using: str) -> str:
    model = get_user_model()
    quote = connections[using].ops.quote_name
    columns = rows.columns(model, quote)
    pk = quote(model._meta.pk.column)
    return f"SELECT {columns} FROM {quote(model._meta.db_table)} WHERE {pk} = %s"  # noqa: S608 - names from the model


class PersonBackend(ModelBackend):
    def get_user(self, user_id):
        model = get_user_model()
        try:
            pk = model._meta.pk.to_python(user_id)
        except Exception:  # a session holding something that is not an id: nobody
            return None
        using = router.db_for_read(model)
        with connections[using].cursor() as cursor:
            cursor.execute(_select_person(using), [pk])
            row = cursor.fetchone()
        user = rows.instance(model, using, row) if row is not None else None
        return user if user is not None and self.user_can_authenticate(user) else None
