"""Page input for training: which step a learner acts on, and their choices in a knowledge
check (one field a question: radio buttons, or checkboxes where several answers are right)."""

from django import forms

from risingtide.training.content import MAX_STEPS

STEP_REFUSAL = "That step of the module is not there."


class StepForm(forms.Form):
    step = forms.IntegerField(
        min_value=0,
        max_value=MAX_STEPS,
        widget=forms.HiddenInput,
        error_messages={
            key: STEP_REFUSAL for key in ("required", "invalid", "min_value", "max_value")
        },
    )


class CheckForm(forms.Form):
    """The questions of one knowledge check; ``chosen()`` gives question → answer indexes."""

    def __init__(self, check: dict, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for index, question in enumerate(check["questions"]):
            choices = [(str(n), a["text"]) for n, a in enumerate(question["answers"])]
            missing = f"Choose an answer to question {index + 1}."
            if question["multiple"]:
                field = forms.MultipleChoiceField(
                    choices=choices, widget=forms.CheckboxSelectMultiple
                )
            else:
                field = forms.ChoiceField(choices=choices, widget=forms.RadioSelect)
            field.label = question["text"]
            field.error_messages["required"] = missing
            field.error_messages["invalid_choice"] = "That answer is not one of the choices."
            self.fields[f"q{index}"] = field

    def chosen(self) -> dict[int, list[int]]:
        found = {}
        for name, value in self.cleaned_data.items():
            values = value if isinstance(value, list) else [value]
            found[int(name[1:])] = [int(v) for v in values]
        return found
