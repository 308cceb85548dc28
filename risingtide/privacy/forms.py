"""What the privacy pages read."""

from django import forms


class AskForm(forms.Form):
    """Asking for an export carries nothing but the CSRF token: the page names who it is for."""


class EraseForm(forms.Form):
    understood = forms.BooleanField(
        label="I understand that this cannot be undone: only a backup can bring it back",
        error_messages={"required": "Tick to confirm that you understand it cannot be undone."},
    )
