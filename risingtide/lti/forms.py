"""The LTI pages' forms: a platform's registration, and a teacher's choice of project."""

from django import forms

from risingtide.lib.forms import id_field
from risingtide.lti.models import Platform
from risingtide.schools.models import School


def _url(label: str, max_length: int = 500) -> forms.URLField:
    return forms.URLField(label=label, max_length=max_length, assume_scheme="https")


class PlatformForm(forms.ModelForm):
    issuer = _url("Issuer", 300)
    key_set_url = _url("Key set URL")
    auth_login_url = _url("Authentication request URL")
    token_url = _url("Access token URL")
    deployment_ids = forms.CharField(
        label="Deployment ids",
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="One a line, as the platform shows them in the tool's settings. A launch from "
        "any other deployment is refused.",
    )
    school = forms.ModelChoiceField(
        queryset=School.objects.order_by("name"),
        help_text="Everyone this platform launches gets an account in this school only.",
    )

    class Meta:
        model = Platform
        fields = [
            "name",
            "issuer",
            "client_id",
            "key_set_url",
            "auth_login_url",
            "token_url",
            "school",
            "new_teachers",
            "active",
        ]
        help_texts = {
            "issuer": "The platform's issuer (iss), e.g. https://moodle.example.sch.uk",
            "client_id": "The client id the platform gave Rising Tide when the tool was added.",
            "key_set_url": "Where the platform publishes its public keys (JWKS).",
            "auth_login_url": "The platform's OIDC authentication request URL.",
            "token_url": "The platform's OAuth 2 access token URL (for grades and members).",
            "new_teachers": "Whether someone who teaches a course on the platform gets a "
            "teacher's account here on their first launch. Leave it off where pupils can make "
            "courses of their own (Google Classroom): a pupil is the teacher of their own "
            "course. Moodle sends a staff role for its site administrators only, so a Moodle "
            "whose teachers should be added needs \u201canyone who teaches\u201d.",
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        platform = self.instance
        if platform.pk and (platform.identities.exists() or platform.contexts.exists()):
            # Moving it would split its data: its courses' classes stay in the old school while
            # new launches make accounts in the new one.
            self.fields["school"].disabled = True  # a posted school is ignored
            self.fields["school"].queryset = School.objects.filter(pk=platform.school_id)
            self.fields["school"].empty_label = None  # shown as the one school's name
            self.fields["school"].help_text = (
                f"Fixed as {platform.school}: people and courses have already come from this "
                "platform into that school, and moving it would split them between two "
                "schools. To serve another school, register the platform again with a new "
                "client id."
            )
        if self.instance.pk and not self.is_bound:
            self.initial["deployment_ids"] = "\n".join(
                self.instance.deployments.values_list("deployment_id", flat=True)
            )

    def clean_deployment_ids(self) -> list[str]:
        ids = [line.strip() for line in self.cleaned_data["deployment_ids"].splitlines()]
        ids = sorted({i for i in ids if i})
        if not ids:
            raise forms.ValidationError("Give at least one deployment id.")
        if any(len(i) > 255 for i in ids):
            raise forms.ValidationError("A deployment id is at most 255 characters.")
        return ids


class ChoiceForm(forms.Form):
    """One project of the school's, or one library template to copy, to place in the course."""

    project = id_field("That project is not one you can place.")
    template = id_field("That template is not one you can use.")

    def clean(self):
        data = super().clean()
        if bool(data.get("project")) == bool(data.get("template")):
            raise forms.ValidationError("Choose one project or one template.")
        return data
