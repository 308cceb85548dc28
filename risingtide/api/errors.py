"""How the API answers a domain refusal: one shape, ``{"detail": "…"}``, made in one place."""

from functools import wraps

from django.core.exceptions import ValidationError
from ninja import Schema, Status


class ErrorOut(Schema):
    detail: str


def refusals_as_400(operation):
    """Answer a ``ValidationError`` from the domain (a closed project, an unknown stage, a
    refused file) as 400 with its message. Put it under ``requires``: the guard's 403 and 404
    are answered by the API's own handlers."""

    @wraps(operation)
    def answer(request, *args, **kwargs):
        try:
            return operation(request, *args, **kwargs)
        except ValidationError as exc:
            return Status(400, {"detail": " ".join(exc.messages)})

    return answer
