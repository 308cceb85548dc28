"""Reading what a register page's form or query string sent: page numbers, whole numbers,
numbers and dates, each refused in words on its field; and a refusal's messages by field.

Its own module because every part of the register's pages reads its forms the same way.
"""

from datetime import date

from django.core.exceptions import ValidationError


def page_number(raw: str | None) -> int:
    """The page asked for in the query string, or the first."""
    return int(raw) if raw and raw.isascii() and raw.isdigit() and len(raw) < 6 else 1


def field_errors(exc: ValidationError) -> dict[str, str]:
    """A refusal's messages by field, each field's joined ("__all__" for one on no field)."""
    if hasattr(exc, "error_dict"):
        return {
            k: " ".join(v.messages if hasattr(v, "messages") else map(str, v))
            for k, v in exc.message_dict.items()
        }
    return {"__all__": " ".join(exc.messages)}


def whole_number(raw, name: str) -> int:
    try:
        return int(raw)
    except (TypeError, ValueError):
        raise ValidationError({name: "Give a whole number."}) from None


def number(raw, name: str) -> float:
    try:
        value = float(raw)
    except (TypeError, ValueError):
        raise ValidationError({name: "Give a number."}) from None
    if value != value or value in (float("inf"), float("-inf")):
        raise ValidationError({name: "Give a number."})
    return value


def optional_date(raw: str, name: str) -> date | None:
    try:
        return date.fromisoformat(raw) if raw else None
    except ValueError:
        raise ValidationError({name: "Give the date as YYYY-MM-DD."}) from None


def required_date(raw: str, name: str) -> date:
    value = optional_date(raw, name)
    if value is None:
        raise ValidationError({name: "Give the date."})
    return value
