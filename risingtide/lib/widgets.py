"""Django's form renderer, with its plainest widgets written in Python.

Every ``<input>`` and ``<textarea>`` Django draws goes through three small templates (the
widget, ``input.html``, ``attrs.html``); on a page with a short form that was a quarter of the
page's CPU (docs/performance.md, "The page shell"). These few build the same HTML directly,
character for character (``lib/tests/test_widgets.py`` compares them with Django's templates
for every such widget); every other widget (selects, radios, clearable files...) is drawn by
Django's templates as before.
"""

import html

from django.forms.renderers import DjangoTemplates
from django.utils.functional import Promise
from django.utils.safestring import mark_safe

_WIDGETS = "django/forms/widgets/"
# Widget templates whose whole content is {% include "django/forms/widgets/input.html" %}.
INPUTS = frozenset(
    f"{_WIDGETS}{name}.html"
    for name in (
        "input",
        "text",
        "number",
        "email",
        "url",
        "password",
        "hidden",
        "date",
        "datetime",
        "time",
        "search",
        "tel",
        "color",
        "checkbox",
        "file",
    )
)
TEXTAREA = f"{_WIDGETS}textarea.html"


def shown(value) -> str:
    """The value as ``{{ value }}`` shows it: Django's ``conditional_escape`` (safe HTML as it
    is, anything else escaped), without the ``keep_lazy`` wrapper of its ``escape``, which
    looks at every argument for a lazy one on each call (a form's page escapes some forty
    values; a lazy text is made a string here, as it is there)."""
    if isinstance(value, Promise):
        value = str(value)  # as Django does: what a lazy value gives decides, not its proxy
    if hasattr(value, "__html__"):
        return value.__html__()
    return html.escape(str(value))


def _attrs(attrs: dict) -> str:
    """``attrs.html``: each attribute but the False ones, bare when True; every value as
    ``{{ value|stringformat:'s' }}`` shows it (escaped unless already safe). Escaped and joined
    here rather than through ``format_html`` per attribute, which was a tenth of a short form's
    page."""
    return "".join(
        f" {shown(name)}" if value is True else f' {shown(name)}="{shown(value)}"'
        for name, value in attrs.items()
        if value is not False
    )


class Renderer(DjangoTemplates):
    def render(self, template_name, context, request=None):
        widget = context.get("widget")
        if template_name in INPUTS and widget is not None:
            value = widget["value"]
            value_attr = "" if value is None else f' value="{shown(value)}"'
            return mark_safe(  # noqa: S308 - every value is escaped above
                f'<input type="{shown(widget["type"])}" name="{shown(widget["name"])}"'
                f"{value_attr}{_attrs(widget['attrs'])}>"
            )
        if template_name == TEXTAREA and widget is not None:
            return mark_safe(  # noqa: S308 - every value is escaped here
                f'<textarea name="{shown(widget["name"])}"{_attrs(widget["attrs"])}>\n'
                f"{shown(widget['value'] or '')}</textarea>"
            )
        return super().render(template_name, context, request)
