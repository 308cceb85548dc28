from django import template

from risingtide.library.queries import adapted_from

register = template.Library()


@register.inclusion_tag("library/_adapted_from.html")
def library_source(project):
    """ "Adapted from …" for a project copied from the library (one query)."""
    return {"use": adapted_from(project)}
