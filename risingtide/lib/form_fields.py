"""``{% form_fields form %}``: a form's fields, labels, hints and errors, drawn in Python.

Every form page drew its fields through ``_form_fields.html``: a loop over the fields with a
loop over each field's errors, a dozen lookups a field. On the signed-in shell (a page of one
three-field form) that template was a third of the page's CPU (docs/performance.md, "The page
shell"). This draws the same HTML, character for character (``lib/tests/test_form_fields.py``
compares it with the template, which stays as the reference, for forms with and without
errors, hints and labels). A template library of the template engine's built-ins
(settings.TEMPLATES), so no page needs ``{% load %}``.
"""

from django import template
from django.utils.safestring import SafeString, mark_safe

# A value as {{ value }} shows it (None as "None"), escaped unless it is safe already.
from risingtide.lib.widgets import shown as _text

register = template.Library()


@register.simple_tag
def form_fields(form) -> SafeString:
    parts = []
    problems = form.non_field_errors()
    if problems:
        items = "".join(f"<li>{_text(error)}</li>" for error in problems)
        parts.append(f'\n<div class="error-summary" role="alert">\n  <ul>{items}</ul>\n</div>\n')
    parts.append("\n")
    for field in form:
        errors = field.errors
        auto_id = _text(field.auto_id)
        parts.append(
            f'\n<div class="field{" has-error" if errors else ""}">\n'
            f'  <label for="{_text(field.id_for_label)}">{_text(field.label)}</label>\n  '
        )
        help_text = field.help_text
        if help_text:
            # ``|safe``, as the template has it: help texts are ours, written as HTML.
            parts.append(f'<div class="hint" id="{auto_id}_helptext">{help_text}</div>')
        parts.append("\n  ")
        for error in errors:
            parts.append(f'<p class="field-error" id="{auto_id}_error">{_text(error)}</p>')
        parts.append(f"\n  {field}\n</div>\n")
    parts.append("\n")
    return mark_safe("".join(parts))  # noqa: S308 - every value above is escaped or ours
