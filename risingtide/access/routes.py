"""Every URL the site answers, with the access rule that guards it.

The route access tests and ``docs/access.md`` are both generated from this catalogue, so a route
added without a rule (``access.core.requires``) or a place in ``policy.PUBLIC_ROUTES`` fails the
tests and shows up in the doc.
"""

from dataclasses import dataclass

from django.urls import URLPattern, URLResolver, get_resolver

from risingtide.access.core import RouteRule
from risingtide.access.policy import PUBLIC_ROUTES

# Every Django admin page answers to one capability, through AdminSite.has_permission.
NAMESPACE_RULES = {"admin": RouteRule("site.admin", None)}


@dataclass(frozen=True)
class Route:
    path: str
    name: str
    methods: tuple[str, ...]
    rule: RouteRule | None
    public: bool


def _ninja_operations(callback):
    """The django-ninja operations behind one URL pattern (its view closes over a PathView)."""
    for cell in getattr(callback, "__closure__", None) or ():
        operations = getattr(cell.cell_contents, "operations", None)
        if operations is not None:
            return operations
    return []


def _walk(patterns, prefix="", namespace=None):
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            yield from _walk(
                pattern.url_patterns, prefix + str(pattern.pattern), pattern.namespace or namespace
            )
        elif isinstance(pattern, URLPattern):
            yield prefix + str(pattern.pattern), namespace, pattern


def catalogue(urlconf=None) -> list[Route]:

    routes = []
    for path, namespace, pattern in _walk(get_resolver(urlconf).url_patterns):
        name = f"{namespace}:{pattern.name}" if namespace else (pattern.name or "")
        callback = pattern.callback
        operations = _ninja_operations(callback) if namespace == "api-1" else []
        if operations:
            # Ninja makes one URL pattern per operation name on a path, each holding every
            # operation of that path: list each operation once, under its own name.
            for op in operations:
                if (getattr(op, "url_name", None) or op.view_func.__name__) != pattern.name:
                    continue
                rule = getattr(op.view_func, "access_rule", None)
                routes.append(
                    Route("/" + path, name, tuple(sorted(op.methods)), rule, name in PUBLIC_ROUTES)
                )
            continue
        rule = getattr(callback, "access_rule", None) or NAMESPACE_RULES.get(namespace or "")
        routes.append(Route("/" + path, name, (), rule, name in PUBLIC_ROUTES))
    return routes


def unguarded(urlconf=None) -> list[Route]:
    """Routes with neither an access rule nor a place on the public list."""
    return [r for r in catalogue(urlconf) if r.rule is None and not r.public]
