"""Typed readers of ``RISINGTIDE_*`` environment variables for settings.py: each fails loudly
(ImproperlyConfigured, naming the variable) on a value it cannot read, rather than starting a
site that is set up otherwise than its operator meant."""

import os
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ImproperlyConfigured


def env_str(name: str, default: str = "") -> str:
    return os.environ.get(name, default)


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    if value.lower() in {"1", "true", "yes", "on"}:
        return True
    if value.lower() in {"0", "false", "no", "off"}:
        return False
    raise ImproperlyConfigured(f"{name} must be a boolean (1/0, true/false), not {value!r}")


def env_int(name: str, default: int) -> int:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    try:
        return int(value)
    except ValueError as exc:
        raise ImproperlyConfigured(f"{name} must be a whole number, not {value!r}") from exc


def env_decimal(name: str, default: str) -> Decimal:
    value = os.environ.get(name) or default
    try:
        number = Decimal(value)
    except InvalidOperation as exc:
        raise ImproperlyConfigured(f"{name} must be a number such as 1.00, not {value!r}") from exc
    if not number.is_finite() or number < 0:
        raise ImproperlyConfigured(f"{name} must be a number of pounds, not {value!r}")
    return number


def env_list(name: str, default: str) -> list[str]:
    return [item.strip() for item in env_str(name, default).split(",") if item.strip()]
