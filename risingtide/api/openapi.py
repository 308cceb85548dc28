"""The refusals every operation may give, written into the OpenAPI document.

Each operation declares its own success and the refusals it answers itself (``400`` from
``refusals_as_400``, a stale save's ``409``), but the answers that come from around it were not
in the document: the token check's 401, the access guard's 403 and 404 (``api.api``'s
handlers), a body that cannot be read (400) and the 422 for parameters or a body of the wrong
shape (``api.api.invalid_input``). A generated client, or a fuzzer checking answers against the
document (``tests/fuzz/``), then met statuses the document said could not happen. They are
added here, once, each in the one shape of every refusal (``ErrorOut``)."""

from typing import Any

ERROR = {"$ref": "#/components/schemas/ErrorOut"}
# ``ErrorOut`` as ``lib.api_errors`` declares it, for a document whose operations happen not to
# name it themselves (every refusal below has its shape).
ERROR_SCHEMA = {
    "title": "ErrorOut",
    "description": (
        "Every refusal's answer; one that gives more (a conflict's texts) is a subclass."
    ),
    "type": "object",
    "properties": {
        "detail": {"title": "Detail", "type": "string"},
        "errors": {
            "title": "Errors",
            "type": "object",
            "additionalProperties": {"type": "array", "items": {"type": "string"}},
        },
    },
    "required": ["detail"],
}

GUARD_REFUSALS = {
    "401": "No valid token and no signed-in session",
    "403": "The caller may not do this (or a token where a recent check of who they are is needed)",
    "404": "No such object among those the caller may see",
}


def _json(description: str, schema: dict) -> dict:
    return {"description": description, "content": {"application/json": {"schema": schema}}}


def add_refusals(schema: dict[str, Any]) -> dict[str, Any]:
    """Add the guard's, the body reader's and ninja's refusals to every authenticated operation
    that does not declare its own answer for that status."""
    components = schema.setdefault("components", {}).setdefault("schemas", {})
    components.setdefault("ErrorOut", ERROR_SCHEMA)
    for operations in schema.get("paths", {}).values():
        for operation in operations.values():
            if not operation.get("security"):
                continue  # the document itself and public pages: no guard, no refusals
            responses = operation.setdefault("responses", {})
            for status, description in GUARD_REFUSALS.items():
                responses.setdefault(status, _json(description, ERROR))
            if "requestBody" in operation:
                responses.setdefault("400", _json("The body cannot be read", ERROR))
            if operation.get("parameters") or "requestBody" in operation:
                responses.setdefault("422", _json("Parameters or a body of the wrong shape", ERROR))
    return schema
