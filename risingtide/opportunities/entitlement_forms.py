"""The entitlement pages' forms: the school's entitlement, and the term a page is about."""

from django import forms

from risingtide.opportunities import entitlement
from risingtide.opportunities.entitlement_services import MAX_PER_TERM


class EntitlementForm(forms.Form):
    per_term = forms.IntegerField(
        label="Opportunities each pupil takes a term, at least",
        min_value=1,
        max_value=MAX_PER_TERM,
        error_messages={
            "required": "Say how many opportunities a term, from 1 to 20.",
            "invalid": "Write a whole number of opportunities, from 1 to 20.",
            "min_value": "Choose between 1 and 20 opportunities a term.",
            "max_value": "Choose between 1 and 20 opportunities a term.",
        },
    )
    components = forms.IntegerField(
        label="Across at least this many of the five components",
        min_value=0,
        max_value=5,
        help_text="Assessment for learning, effective teaching and learning, curriculum "
        "entitlement and choice, the school as a learning organisation, beyond the classroom.",
        error_messages={
            "required": "Say how many components, from 0 to 5.",
            "invalid": "Write a whole number of components, from 0 to 5.",
            "min_value": "There are five components: choose between 0 and 5.",
            "max_value": "There are five components: choose between 0 and 5.",
        },
    )
    beyond_classroom = forms.BooleanField(
        label="At least one of them beyond the classroom", required=False
    )

    @classmethod
    def for_rule(cls, rule: entitlement.Rule, **kwargs) -> "EntitlementForm":
        initial = {
            "per_term": rule.per_term,
            "components": rule.components,
            "beyond_classroom": rule.beyond_classroom,
        }
        return cls(initial=initial, **kwargs)


class TermForm(forms.Form):
    """The term a page shows: one of this year's or last year's; anything else, the current
    term (a hand-edited address gets the page, not an error)."""

    term = forms.ChoiceField(label="Term", required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["term"].choices = [(p.code, p.label) for p in entitlement.term_choices()]

    @property
    def code(self) -> str:
        chosen = self.cleaned_data.get("term") if self.is_valid() else ""
        return chosen or entitlement.chosen_term().code
