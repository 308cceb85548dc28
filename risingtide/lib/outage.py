"""What a request answers when the database is out of reach (restarting, failing over, the
network between them down): a short 503 that says to try again, never a 500 page or a
traceback.

Django turns an exception from any layer (a view, a middleware reading the session) into a
call of ``handler500`` inside the ``except`` block, so the exception is still at hand there:
``home.views.server_error`` asks ``database_unreachable()`` and answers with ``unavailable()``.
The broken connection is closed at the end of the request (Django does that after an error
on a connection that is no longer usable), and ``CONN_HEALTH_CHECKS`` checks a kept one
before reuse, so the next request after the database is back is served without a restart.
"""

import sys

from django.db import InterfaceError, OperationalError
from django.http import HttpResponse, JsonResponse
from django.template.loader import get_template

RETRY_AFTER_SECONDS = 10


def database_unreachable() -> bool:
    """Whether the exception being handled is the database out of reach (not a bug)."""
    error = sys.exc_info()[1]
    return isinstance(error, OperationalError | InterfaceError)


def unavailable(request) -> HttpResponse:
    """503 with Retry-After: JSON for the API, a plain page (no context processors, which
    read the database) for everything else."""
    if request.path.startswith("/api/"):
        response: HttpResponse = JsonResponse(
            {"detail": "The service is briefly unavailable. Try again in a few seconds."},
            status=503,
        )
    else:
        response = HttpResponse(get_template("503.html").render(), status=503)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    response["Cache-Control"] = "no-store"
    return response
