from django import forms

from risingtide.library.models import Resource, Review, Subject
from risingtide.library.services import Details
from risingtide.tasc.models import Project, Stage


class DetailsForm(forms.Form):
    """What every resource has: the fields a colleague searches and filters by."""

    title = forms.CharField(max_length=150)
    description = forms.CharField(
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text="What it is, who it suits and how you used it: colleagues search these words.",
    )
    subject = forms.ChoiceField(choices=Subject.choices)
    key_stage = forms.ChoiceField(
        choices=[("", "Any key stage"), *Project.KeyStage.choices], required=False
    )
    stage = forms.ChoiceField(
        label="TASC stage",
        choices=[("", "All stages, or none in particular"), *Stage.choices],
        required=False,
    )
    licence = forms.ChoiceField(
        choices=Resource.Licence.choices,
        initial=Resource.Licence.CC_BY,
        help_text="How others may reuse it. CC BY 4.0: anyone may adapt it, naming you.",
    )
    audience = forms.ChoiceField(
        label="Share with",
        choices=Resource.Audience.choices,
        initial=Resource.Audience.SCHOOL,
        widget=forms.RadioSelect,
    )

    def details(self) -> Details:
        data = self.cleaned_data
        return Details(**{name: data[name] for name in Details.__dataclass_fields__})

    @staticmethod
    def initial_for(resource: Resource) -> dict:
        return {name: getattr(resource, name) for name in Details.__dataclass_fields__}


class PublishProjectForm(DetailsForm):
    kind = forms.ChoiceField(
        label="Publish as",
        choices=[(k, Resource.Kind(k).label) for k in Resource.PROJECT_KINDS],
        initial=Resource.Kind.TEMPLATE,
        widget=forms.RadioSelect,
        help_text="A template is for others to set to their pupils; an example shows a "
        "project that worked.",
    )
    field_order = ["kind"]

    @staticmethod
    def initial_from(project: Project) -> dict:
        # The project's subject is free text: a first guess at the library's, for the teacher
        # to check.
        guess = next(
            (
                code
                for code, label in Subject.choices
                if project.subject.lower().startswith(label.lower().split()[0])
            ),
            "",
        )
        return {
            "title": project.title,
            "description": project.brief[:1000],
            "key_stage": project.key_stage,
            "subject": guess,
        }


class NewResourceForm(DetailsForm):
    kind = forms.ChoiceField(
        label="What are you sharing?",
        choices=[
            (k, Resource.Kind(k).label)
            for k in (Resource.Kind.LESSON_PLAN, Resource.Kind.FILE, Resource.Kind.LINK)
        ],
        widget=forms.RadioSelect,
    )
    body = forms.CharField(
        label="Lesson plan",
        required=False,
        max_length=20000,
        widget=forms.Textarea(attrs={"rows": 10}),
        help_text="For a lesson plan: the plan itself.",
    )
    url = forms.CharField(
        label="Web address",
        required=False,
        max_length=2000,
        widget=forms.TextInput(attrs={"inputmode": "url", "placeholder": "https://…"}),
        help_text="For a link: the page to share. Rising Tide does not visit it.",
    )
    file = forms.FileField(
        required=False,
        help_text="For a file (or to go with a lesson plan): a picture, PDF or office document.",
    )
    field_order = ["kind"]


class ReviewForm(forms.Form):
    rating = forms.TypedChoiceField(
        label="Your rating",
        choices=[(n, f"{n} star{'s' if n > 1 else ''}") for n in range(5, 0, -1)],
        coerce=int,
        widget=forms.RadioSelect,
    )
    text = forms.CharField(
        label="Your review (optional)",
        required=False,
        max_length=Review.MAX_CHARS,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="A sentence or two: how did it go with your pupils?",
    )
