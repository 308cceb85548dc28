"""Template filters for the export's summary."""

import json

from django import template
from django.core.serializers.json import DjangoJSONEncoder

register = template.Library()


@register.filter
def cell(row: dict, column: str) -> str:
    """One value of a row as text (structures as JSON, nothing as empty)."""
    value = row.get(column)
    if value is None:
        return ""
    if isinstance(value, dict | list):
        return json.dumps(value, cls=DjangoJSONEncoder, ensure_ascii=False)
    return str(value)
