"""The two-factor pages' forms."""

from django import forms
from django.contrib.auth import authenticate


class CodeForm(forms.Form):
    code = forms.CharField(
        label="Code",
        max_length=40,
        help_text="The six digits your authenticator app shows now, or one of your recovery codes.",
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "autocapitalize": "none", "spellcheck": "false"}
        ),
    )


class AppCodeForm(forms.Form):
    code = forms.CharField(
        label="Code from the app",
        max_length=12,
        help_text="The six digits the app shows for Rising Tide.",
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric"}),
    )


class PasswordForm(forms.Form):
    """Someone with no second factor (and none required) confirms with their password."""

    password = forms.CharField(
        label="Your password",
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )

    def __init__(self, *args, user, request, **kwargs):
        super().__init__(*args, **kwargs)
        self.user, self.request = user, request

    def clean_password(self):
        password = self.cleaned_data["password"]
        # Through the backends, so axes counts a wrong password here as at sign-in.
        found = authenticate(self.request, username=self.user.get_username(), password=password)
        if found is None or found.pk != self.user.pk:
            raise forms.ValidationError("That is not your password.")
        return password


class RequirementForm(forms.Form):
    required = forms.BooleanField(
        label="Require a second factor of leading teachers, heads and everyone above who reaches "
        "pupil records",
        required=False,
    )
    include_teachers = forms.BooleanField(label="Require it of teachers too", required=False)


class RemoveForm(forms.Form):
    device = forms.CharField(widget=forms.HiddenInput, max_length=200)


class ResetForm(forms.Form):
    confirm = forms.BooleanField(
        label="I have checked who is asking: remove their authenticator app, passkeys and "
        "recovery codes",
    )
