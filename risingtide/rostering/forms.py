"""The roster import page's one form: the bundle to upload."""

from django import forms


class BundleForm(forms.Form):
    file = forms.FileField(
        label="OneRoster 1.2 CSV bundle (zip)",
        help_text="The zip your MIS or rostering service exports: manifest.csv, orgs.csv, "
        "users.csv and the rest.",
        widget=forms.FileInput(attrs={"accept": ".zip,application/zip"}),
        error_messages={"required": "Choose a zip file.", "empty": "The file is empty."},
    )
