from django import forms
from django.conf import settings

from risingtide.people import roster


class AddPupilsForm(forms.Form):
    pupils = forms.CharField(
        label="Pupils, one a line",
        required=False,
        widget=forms.Textarea(attrs={"rows": 10, "spellcheck": "false"}),
        help_text=(
            "Paste from a spreadsheet: First name and Last name columns (a header row such as "
            "Forename, Surname is understood; an optional Username column keeps existing "
            "sign-in names), or one full name a line."
        ),
    )
    csv_file = forms.FileField(
        label="Or upload a CSV file",
        required=False,
        help_text="A .csv or .txt export with the same columns.",
    )

    def clean(self):
        data = super().clean()
        upload = data.get("csv_file")
        if upload:
            if upload.size > settings.PUPIL_IMPORT_MAX_BYTES:
                raise forms.ValidationError(
                    f"The file is {upload.size // 1024} KB; the limit is "
                    f"{settings.PUPIL_IMPORT_MAX_BYTES // 1024} KB."
                )
            data["text"] = roster.decode(upload.read())
        elif data.get("pupils", "").strip():
            data["text"] = data["pupils"]
        else:
            raise forms.ValidationError("Paste a list of pupils or choose a CSV file.")
        return data
