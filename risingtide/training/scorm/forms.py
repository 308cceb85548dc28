"""Page input for SCORM packages: the ZIP, and which module of the programme it is a new
version of (or a new module, core or optional)."""

from django import forms

from risingtide.training.models import Programme

NEW = "new"


class PackageForm(forms.Form):
    package = forms.FileField(
        label="SCORM package (.zip)",
        error_messages={
            "required": "Choose the package's ZIP file.",
            "empty": "The file is empty.",
        },
    )
    module = forms.ChoiceField(label="Add it as")
    core = forms.BooleanField(label="A core module (learners must pass it)", required=False)

    def __init__(self, programme: Programme, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.programme = programme
        self.modules = {str(m.pk): m for m in programme.modules.all()}
        self.fields["module"].choices = [(NEW, "A new module, named after the package")] + [
            (pk, f"A new version of “{m.title}”") for pk, m in self.modules.items()
        ]
        self.fields["module"].error_messages["invalid_choice"] = (
            "That module is not part of this programme."
        )
        self.fields["module"].initial = NEW
        self.fields["core"].initial = True

    def chosen_module(self):
        return self.modules.get(self.cleaned_data["module"])
