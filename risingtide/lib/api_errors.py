"""How the API answers a domain refusal: one shape, ``{"detail": "…", "errors": {field: […]}}``,
made in one place. It lives in ``lib``, below every app, because each app's own API router
(``tasc.api``, ``register.api``, …) answers refusals this way and no app may import ``api``."""

from functools import wraps

from django.core.exceptions import ValidationError
from ninja import Field, Schema, Status


class ErrorOut(Schema):
    detail: str
    errors: dict[str, list[str]] = Field(
        default_factory=dict, description="What is wrong with each field named, if any"
    )


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
                return Status(400, {"detail": " ".join(exc.messages), "errors": named})

        return answer

    return decorate(operation) if operation is not None else decorate
