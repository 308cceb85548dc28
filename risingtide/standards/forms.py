from django import forms

from risingtide.standards.framework_models import Level
from risingtide.standards.models import EvidenceLink, PlanAction


class JudgementForm(forms.Form):
    level = forms.TypedChoiceField(
        label="Best-fit level",
        choices=[("", "Not judged yet"), *Level.choices],
        coerce=int,
        empty_value=None,
        required=False,
        widget=forms.RadioSelect,
    )
    evidence = forms.CharField(
        label="Evidence", widget=forms.Textarea(attrs={"rows": 4}), required=False, max_length=10000
    )
    next_steps = forms.CharField(
        label="Next steps",
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        max_length=10000,
    )
    revision = forms.IntegerField(widget=forms.HiddenInput, min_value=0)


class ThemeForm(forms.Form):
    """Which theme of a draft self-evaluation its page shows (``?theme=B``); blank: the first
    theme with an element still to answer."""

    theme = forms.ChoiceField(required=False, choices=[])

    def __init__(self, *args, codes=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["theme"].choices = [("", "The first with work to do"), *[(c, c) for c in codes]]


class EvidenceForm(forms.Form):
    kind = forms.ChoiceField(label="Kind of evidence", choices=EvidenceLink.Kind.choices)
    title = forms.CharField(label="Title", max_length=200, required=False)
    url = forms.CharField(label="Web address", max_length=2000, required=False)
    project = forms.TypedChoiceField(
        label="TASC project", coerce=int, empty_value=None, required=False, choices=[]
    )
    file = forms.FileField(label="File", required=False)

    def __init__(self, *args, projects=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["project"].choices = [("", "Choose a project"), *projects]


class ActionForm(forms.Form):
    what = forms.CharField(label="What will be done", widget=forms.Textarea(attrs={"rows": 2}))
    element = forms.TypedChoiceField(
        label="Element", coerce=int, empty_value=None, required=False, choices=[]
    )
    who = forms.CharField(label="Who", max_length=200, required=False)
    due_on = forms.DateField(
        label="By when",
        required=False,
        widget=forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"}),
    )
    success_criteria = forms.CharField(
        label="Success criteria", widget=forms.Textarea(attrs={"rows": 2}), required=False
    )
    cost = forms.CharField(label="Cost (£)", max_length=20, required=False)
    credits = forms.IntegerField(
        label="E-credits budgeted", min_value=0, max_value=1_000_000, initial=0, required=False
    )
    status = forms.ChoiceField(label="Status", choices=PlanAction.Status.choices)
    impact = forms.CharField(
        label="Evidence of impact", widget=forms.Textarea(attrs={"rows": 2}), required=False
    )

    def __init__(self, *args, elements=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["element"].choices = [("", "No element"), *elements]


class MilestoneForm(forms.Form):
    title = forms.CharField(label="Milestone", max_length=200)
    due_on = forms.DateField(
        label="Date", widget=forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"})
    )


class MilestoneReachedForm(forms.Form):
    """A milestone's button: reached (``done=1``) or reopened (``done=0``)."""

    done = forms.TypedChoiceField(
        choices=[("1", "Reached"), ("0", "Reopened")],
        coerce=lambda value: value == "1",
        error_messages={
            "required": "Say whether the milestone is reached or reopened.",
            "invalid_choice": "Say whether the milestone is reached or reopened.",
        },
    )


class NoteForm(forms.Form):
    reviewed_on = forms.DateField(
        label="Date of the review",
        widget=forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"}),
    )
    text = forms.CharField(
        label="What the review found", widget=forms.Textarea(attrs={"rows": 4}), max_length=10000
    )
    agreed_actions = forms.CharField(
        label="Actions agreed with the school (one per line)",
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        max_length=5000,
    )


class FrameworkImportForm(forms.Form):
    file = forms.FileField(
        label="Framework file (YAML or JSON)",
        help_text="The format is described in docs/standards-frameworks.md; export a shipped "
        "framework to start from it.",
    )
