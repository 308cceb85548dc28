"""The Python-drawn widgets are Django's templates, character for character."""

import datetime

import pytest
from django import forms
from django.forms.renderers import DjangoTemplates
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy

from risingtide.lib.widgets import INPUTS, Renderer

VALUES = [
    None,
    "",
    "plain",
    "quotes \" and ' and <b>tags</b> & ampersands",
    mark_safe("<i>already safe</i>"),
    0,
    12345,
    3.5,
    datetime.date(2026, 12, 6),
    gettext_lazy("lazy text"),
]
ATTRS = [
    {},
    {"class": "wide", "required": True, "disabled": False, "maxlength": 40},
    {
        "aria-describedby": 'x" onmouseover="alert(1)',
        "data-x": mark_safe("&amp;"),
        "autofocus": True,
    },
    {"placeholder": gettext_lazy("Type here"), "min": 0, "step": 0.5},
]
WIDGETS = [
    forms.TextInput,
    forms.NumberInput,
    forms.EmailInput,
    forms.URLInput,
    forms.PasswordInput,
    forms.HiddenInput,
    forms.DateInput,
    forms.DateTimeInput,
    forms.TimeInput,
    forms.SearchInput,
    forms.TelInput,
    forms.ColorInput,
    forms.CheckboxInput,
    forms.FileInput,
    forms.Textarea,
]


@pytest.mark.parametrize("widget_class", WIDGETS, ids=lambda w: w.__name__)
def test_each_plain_widget_is_drawn_as_djangos_template_draws_it(widget_class):
    ours, django = Renderer(), DjangoTemplates()
    for attrs in ATTRS:
        widget = widget_class(attrs=attrs)
        if widget_class is forms.PasswordInput:
            widget.render_value = True
        for value in VALUES:
            for name in ("field", 'odd"name<'):
                expected = widget.render(name, value, renderer=django)
                assert widget.render(name, value, renderer=ours) == expected, (attrs, value)


def test_it_draws_every_input_template_it_claims():
    # A template named in INPUTS that Django drew differently would fail above; this makes
    # sure each one named there is a widget the test draws.
    drawn = {w.template_name for w in WIDGETS if w is not forms.Textarea}
    assert INPUTS - {"django/forms/widgets/input.html"} == drawn


def test_other_widgets_still_come_from_djangos_templates():
    ours, django = Renderer(), DjangoTemplates()
    widget = forms.Select(choices=[("a", "A & B"), ("b", "<b>")], attrs={"class": "x"})
    assert widget.render("pick", "b", renderer=ours) == widget.render("pick", "b", renderer=django)


def test_pages_use_it(settings):
    from django.forms.renderers import get_default_renderer

    assert isinstance(get_default_renderer(), Renderer)


def test_shown_is_what_djangos_conditional_escape_gives():
    from django.utils.functional import lazy
    from django.utils.html import conditional_escape
    from django.utils.safestring import SafeString, mark_safe
    from django.utils.translation import gettext_lazy

    from risingtide.lib.widgets import shown

    class Marked:
        def __html__(self):
            return "<b>ours</b>"

    values = [
        "<script>alert('x') & \"y\"</script>", mark_safe("<em>safe</em>"), 7, None, 2.5,
        gettext_lazy("Password <confirmation>"),
        mark_safe(gettext_lazy("<i>lazy safe</i>")),  # noqa: S308 - a test value
        lazy(lambda: "<u>later</u>", str)(), Marked(), "",
        # Lazy values whose proxy says otherwise than what they give: the value decides.
        lazy(lambda: mark_safe("<b>safe later</b>"), str)(),
        lazy(lambda: "<b>not safe</b>", SafeString)(),
    ]  # fmt: skip
    for value in values:
        assert str(shown(value)) == str(conditional_escape(value)), value
