"""How the API answers a refusal: one shape, ``{"detail": "…", "errors": {field: […]}}`` (plus
what a particular refusal gives a client to recover with, such as a stale save's texts), made
in one place: ``refusal`` for an operation that answers one itself, ``refusals_as_400`` for the
domain's ``ValidationError``. It lives in ``lib``, below every app, because each app's own API
router (``tasc.api``, ``register.api``, …) answers refusals this way and no app may import
``api``. The guard's 401, 403 and 404 are answered by ``api.api``'s handlers."""

from functools import wraps
from typing import Any

from django.core.exceptions import ValidationError
from ninja import Field, Schema, Status


class ErrorOut(Schema):
    """Every refusal's answer; one that gives more (a conflict's texts) is a subclass."""

    detail: str
    errors: dict[str, list[str]] = Field(
        default_factory=dict, description="What is wrong with each field named, if any"
    )


def refusal(
    status: int, detail: str, errors: dict[str, list[str]] | None = None, **extra: Any
) -> Status:
    """A refusal an operation answers itself (a stale save: 409; not in a group yet: 404), in
    the one shape: ``detail`` for a person, ``errors`` by field, and ``extra`` for what the
    refusal's own schema (``ErrorOut`` or a subclass) adds."""
    return Status(status, {"detail": detail, "errors": errors or {}, **extra})


def refusals_as_400(operation=None, *, fields: dict[str, str] | None = None):
    """Answer a ``ValidationError`` from the domain (a closed project, an unknown stage, a
    refused file) as 400 with its message and, when it names fields, each field's messages;
    ``fields`` renames a service's field to the API body's (``{"item": "item_id"}``). Put it
    under ``requires``: the guard's 403 and 404 are answered by the API's own handlers."""
    rename = fields or {}

    def decorate(operation):
        @wraps(operation)
        def answer(request, *args, **kwargs):
            try:
                return operation(request, *args, **kwargs)
            except ValidationError as exc:
                named = (
                    {rename.get(k, k): v for k, v in exc.message_dict.items()}
                    if hasattr(exc, "error_dict")
                    else {}
                )
                return refusal(400, " ".join(exc.messages), named)

        return answer

    return decorate(operation) if operation is not None else decorate
