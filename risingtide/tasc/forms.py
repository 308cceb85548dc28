from django import forms

from risingtide.tasc.models import STAGE_ORDER, Project, Stage
from risingtide.tasc.services import ProjectDetails


def _lines(text: str) -> list[str]:
    return [line.strip() for line in text.splitlines() if line.strip()]


class ProjectForm(forms.Form):
    title = forms.CharField(max_length=150)
    brief = forms.CharField(
        required=False,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text="What pupils are asked to do, in words they will understand.",
    )
    subject = forms.CharField(label="Subject or curriculum area", max_length=80, required=False)
    key_stage = forms.ChoiceField(choices=[("", "Choose…"), *Project.KeyStage.choices])
    success_criteria = forms.CharField(
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="One a line, e.g. “I can explain why my design works”.",
    )
    wheel = forms.ModelChoiceField(
        queryset=None,
        label="Wheel wording",
        empty_label=None,
        help_text="The questions and prompts pupils see at each stage.",
    )
    start_date = forms.DateField(required=False, widget=forms.DateInput(attrs={"type": "date"}))
    due_date = forms.DateField(required=False, widget=forms.DateInput(attrs={"type": "date"}))
    mode = forms.ChoiceField(
        choices=Project.Mode.choices, widget=forms.RadioSelect, initial=Project.Mode.INDIVIDUAL
    )
    pupils_choose_groups = forms.BooleanField(
        required=False,
        label="In group work, pupils may start or join a group themselves",
        help_text="Otherwise you form the groups on the project's Groups page.",
    )

    def __init__(self, *args, wheels, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["wheel"].queryset = wheels
        for stage in STAGE_ORDER:
            self.fields[f"prompts_{stage}"] = forms.CharField(
                label=f"Extra prompts for {Stage(stage).label}",
                required=False,
                widget=forms.Textarea(attrs={"rows": 2}),
                help_text="Optional, one a line; shown after the wheel's own prompts.",
            )

    def clean(self):
        data = super().clean()
        start, due = data.get("start_date"), data.get("due_date")
        if start and due and due < start:
            self.add_error("due_date", "The due date is before the start date.")
        return data

    def details(self) -> ProjectDetails:
        data = self.cleaned_data
        return ProjectDetails(
            title=data["title"].strip(),
            brief=data["brief"].strip(),
            subject=data["subject"].strip(),
            key_stage=data["key_stage"],
            success_criteria=_lines(data["success_criteria"]),
            wheel=data["wheel"],
            stage_prompts={
                stage: _lines(data[f"prompts_{stage}"])
                for stage in STAGE_ORDER
                if _lines(data[f"prompts_{stage}"])
            },
            start_date=data["start_date"],
            due_date=data["due_date"],
            mode=data["mode"],
            pupils_choose_groups=data["pupils_choose_groups"],
        )

    @staticmethod
    def initial_for(project: Project) -> dict:
        initial = {
            "title": project.title,
            "brief": project.brief,
            "subject": project.subject,
            "key_stage": project.key_stage,
            "success_criteria": "\n".join(project.success_criteria),
            "wheel": project.wheel_id,
            "start_date": project.start_date,
            "due_date": project.due_date,
            "mode": project.mode,
            "pupils_choose_groups": project.pupils_choose_groups,
        }
        for stage, prompts in project.stage_prompts.items():
            initial[f"prompts_{stage}"] = "\n".join(prompts)
        return initial


class RewordForm(forms.Form):
    name = forms.CharField(max_length=100, help_text="e.g. “Key stage 1 wheel”.")

    def __init__(self, *args, wheel, **kwargs):
        super().__init__(*args, **kwargs)
        self.stage_fields = []
        for s in wheel.stages.all():
            self.fields[f"title_{s.stage}"] = forms.CharField(
                label=f"Stage {s.number} name", max_length=60, initial=s.title
            )
            self.fields[f"question_{s.stage}"] = forms.CharField(
                label=f"Stage {s.number} question", max_length=200, initial=s.question
            )
            self.fields[f"prompts_{s.stage}"] = forms.CharField(
                label=f"Stage {s.number} prompts, one a line",
                required=False,
                widget=forms.Textarea(attrs={"rows": 3}),
                initial="\n".join(s.prompts),
            )


class AssignForm(forms.Form):
    """Whole classes and chosen pupils to set a project to: ``groups`` and ``pupils`` are the
    ones the page offers (those the teacher reaches in the project's school), and only those
    are taken."""

    group = forms.TypedMultipleChoiceField(
        coerce=int,
        required=False,
        initial=[],
        error_messages={"invalid_choice": "That class or set is not one you can set this to."},
    )
    pupil = forms.TypedMultipleChoiceField(
        coerce=int,
        required=False,
        initial=[],
        error_messages={"invalid_choice": "That pupil is not one you can set this to."},
    )

    def __init__(self, *args, groups, pupils, **kwargs):
        super().__init__(*args, **kwargs)
        self.groups, self.pupils = groups, pupils
        self.fields["group"].choices = [(g.pk, g.name) for g in groups]
        self.fields["pupil"].choices = [(p.pk, str(p)) for p in pupils]

    def chosen(self) -> dict:
        """The groups and pupils chosen, as ``services.assign`` takes them."""
        groups, pupils = set(self.cleaned_data["group"]), set(self.cleaned_data["pupil"])
        return {
            "groups": [g for g in self.groups if g.pk in groups],
            "pupils": [p for p in self.pupils if p.pk in pupils],
        }


class StatusForm(forms.Form):
    """A project's button to open or close it."""

    status = forms.ChoiceField(
        choices=Project.Status.choices,
        error_messages={
            "required": "Choose draft, open or closed.",
            "invalid_choice": "Choose draft, open or closed.",
        },
    )
