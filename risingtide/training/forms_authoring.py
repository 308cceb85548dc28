"""Page input for authoring: a programme, a module, a module's draft as the editor posts it
(one field per thing the author writes, named by where it sits: ``s-2-q-0-a-1-text`` is the
text of step 3's first question's second answer) and the structural button pressed."""

import re

from django import forms
from django.core.exceptions import ValidationError

from risingtide.training import authoring, completion, content
from risingtide.training.models import Module, Programme

REVISION_REFUSAL = "The editor sent no revision: reload the page."


class ProgrammeForm(forms.Form):
    title = forms.CharField(max_length=200, error_messages={"required": "Give it a title."})
    summary = forms.CharField(
        max_length=2000, required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    rules = forms.MultipleChoiceField(
        label="To complete it, a learner must",
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": "Choose at least one thing a learner must do to complete it."},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["rules"].choices = [(k, r.label) for k, r in completion.RULES.items()]


class ModuleForm(forms.Form):
    title = forms.CharField(max_length=200, error_messages={"required": "Give it a title."})
    core = forms.TypedChoiceField(
        label="Core or optional",
        choices=[("1", "Core: every learner takes it"), ("0", "Optional")],
        coerce=lambda v: v == "1",
        initial="1",
        widget=forms.RadioSelect,
    )
    prerequisites = forms.ModelMultipleChoiceField(
        label="Learners finish these first",
        queryset=Module.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, programme: Programme, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["prerequisites"].queryset = programme.modules.all()


class DetailsForm(ModuleForm):
    """A module's details, changed after it was added (its own module not among the choices)."""

    summary = forms.CharField(
        max_length=2000, required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    field_order = ["title", "summary", "core", "prerequisites"]

    def __init__(self, module: Module, *args, **kwargs):
        kwargs.setdefault(
            "initial",
            {
                "title": module.title,
                "summary": module.summary,
                "core": "1" if module.core else "0",
                "prerequisites": [p.pk for p in module.prerequisites.all()],
            },
        )
        super().__init__(module.programme, *args, **kwargs)
        self.fields["prerequisites"].queryset = module.programme.modules.exclude(pk=module.pk)


class CopyForm(forms.Form):
    programme = forms.ModelChoiceField(
        label="Copy into",
        queryset=Programme.objects.none(),
        error_messages={
            "required": "Choose the programme to copy it into.",
            "invalid_choice": "Choose one of your programmes.",
        },
    )

    def __init__(self, programmes, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["programme"].queryset = programmes


# The structural buttons: name="action", value "up-3", "remove_answer-1-0-2", "add-page"...
ACTION = re.compile(
    r"^(?:(add)-(page|check|reflection)|(restore)|(save|preview|publish)|(upload)-(\d{1,2})"
    r"|(up|down|remove|add_question)-(\d{1,2})|(remove_question|add_answer)-(\d{1,2})-(\d{1,2})"
    r"|(remove_answer)-(\d{1,2})-(\d{1,2})-(\d{1,2}))$"
)


def _count(data, name: str, most: int) -> int:
    try:
        return max(0, min(int(data.get(name, 0)), most))
    except (TypeError, ValueError):
        return 0


class DraftForm(forms.Form):
    """The whole draft as the editor posts it. ``steps()`` rebuilds the list of steps from the
    fields (unfinished steps kept as they are: the draft is the author's working copy);
    ``pressed()`` says which button was pressed, as ``authoring.edit`` takes it."""

    revision = forms.IntegerField(
        min_value=0,
        widget=forms.HiddenInput,
        error_messages={k: REVISION_REFUSAL for k in ("required", "invalid", "min_value")},
    )
    # How many steps the editor sent: required, so a post that lost its steps empties nothing.
    step_count = forms.IntegerField(
        min_value=0,
        max_value=content.MAX_STEPS,
        widget=forms.HiddenInput,
        error_messages={
            k: "The editor sent no steps: reload the page."
            for k in ("required", "invalid", "min_value", "max_value")
        },
    )
    action = forms.RegexField(
        regex=ACTION,
        required=False,
        error_messages={"invalid": "That is not something the editor can do."},
    )

    def _text(self, name: str) -> str:
        value = self.data.get(name, "")
        if len(value) > content.MAX_TEXT:
            raise ValidationError(f"A text is too long (at most {content.MAX_TEXT:,} characters).")
        return value.replace("\r\n", "\n")

    def steps(self) -> list[dict]:
        steps = []
        for i in range(self.cleaned_data["step_count"]):
            p = f"s-{i}-"
            kind = self.data.get(p + "kind")
            if kind not in content.KINDS:
                raise ValidationError(
                    f"Step {i + 1} must be a page, a knowledge check or a reflection."
                )
            step = {"kind": kind, "title": self._text(p + "title")}
            if kind == "page":
                step["body"] = self._text(p + "body")
            elif kind == "reflection":
                step["prompt"] = self._text(p + "prompt")
            else:
                mark = self.data.get(p + "pass_mark", "")
                step["pass_mark"] = int(mark) if mark.isdigit() and len(mark) < 4 else mark
                step["questions"] = [
                    self._question(f"{p}q-{q}-")
                    for q in range(_count(self.data, p + "questions", authoring.MAX_QUESTIONS))
                ]
            steps.append(step)
        return steps

    def _question(self, p: str) -> dict:
        return {
            "text": self._text(p + "text"),
            "multiple": self.data.get(p + "multiple") == "1",
            "answers": [
                {
                    "text": self._text(f"{p}a-{a}-text"),
                    "correct": self.data.get(f"{p}a-{a}-correct") == "1",
                    "feedback": self._text(f"{p}a-{a}-feedback"),
                }
                for a in range(_count(self.data, p + "answers", authoring.MAX_ANSWERS))
            ],
        }

    def pressed(self) -> tuple:
        """The button pressed as ``(verb, *numbers)``; ``("save",)`` when none."""
        found = ACTION.match(self.cleaned_data.get("action") or "save")
        words = [g for g in found.groups() if g is not None]
        return (words[0], *[w if not w.isdigit() else int(w) for w in words[1:]])
