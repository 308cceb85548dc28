"""``{% form_fields %}`` draws what ``_form_fields.html`` draws, character for character."""

import pytest
from django import forms
from django.contrib.auth.forms import PasswordChangeForm
from django.template import Context, Template
from django.template.loader import get_template
from django.utils.translation import gettext_lazy

from risingtide.lib.form_fields import form_fields
from risingtide.people.models import User


class NoLabelId(forms.TextInput):
    def id_for_label(self, id_):
        return None  # the template shows it as "None"; so must the tag


class Everything(forms.Form):
    name = forms.CharField(label="Name <and> & 'quotes'", help_text="Say <b>who</b> you are")
    age = forms.IntegerField(required=False, help_text=gettext_lazy("In whole years"))
    kind = forms.ChoiceField(choices=[("a", "A & B"), ("c", "<C>")])
    agree = forms.BooleanField(label=gettext_lazy("I agree"))
    notes = forms.CharField(widget=forms.Textarea, required=False, label="")
    picture = forms.FileField(required=False)
    secret = forms.CharField(widget=forms.HiddenInput, required=False)
    when = forms.DateField(required=False, widget=forms.DateInput(attrs={"type": "date"}))
    odd = forms.CharField(required=False, widget=NoLabelId)

    def clean(self):
        data = super().clean()
        if data.get("name") == "both":
            raise forms.ValidationError(["One <problem>", "and another & more"])
        return data


def _password_form(data=None):
    user = User(username="someone")
    user.set_password("an old password")
    return PasswordChangeForm(user, data)


FORMS = {
    "empty": lambda: Everything(),
    "bound, with errors": lambda: Everything({"name": "", "age": "x<y", "kind": "zz"}),
    "non-field errors": lambda: Everything({"name": "both", "kind": "a", "agree": "on"}),
    "valid": lambda: Everything({"name": "Ada", "kind": "c", "agree": "on", "age": "12"}),
    "no ids": lambda: Everything(auto_id=False),
    "ids with a prefix": lambda: Everything(prefix="p<1>", auto_id="x_%s"),
    "password change": _password_form,
    "password change, wrong": lambda: _password_form({"old_password": "no"}),
}


@pytest.mark.parametrize("name", list(FORMS))
def test_the_tag_draws_what_the_template_draws(name):
    form = FORMS[name]()
    if form.is_bound:
        form.is_valid()
    expected = get_template("_form_fields.html").render({"form": form})
    assert form_fields(form) == expected


def test_the_tag_is_a_builtin_of_every_template():
    form = Everything({"name": ""})
    form.is_valid()
    drawn = Template("{% form_fields form %}").render(Context({"form": form}))
    assert drawn == get_template("_form_fields.html").render({"form": form})
    assert 'id="id_name_error">This field is required.</p>' in drawn
