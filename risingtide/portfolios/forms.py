"""The portfolio pages' forms: what a page's address or form may ask for, checked."""

from django import forms

from risingtide.portfolios.progress import SORTS


class ProgressGridForm(forms.Form):
    """The progress grid's order and filter, from the address (``?sort=help&needs_feedback=1``),
    so a sorted grid can be bookmarked and works without script."""

    sort = forms.ChoiceField(choices=list(SORTS.items()), required=False)
    needs_feedback = forms.BooleanField(required=False)

    def choice(self) -> dict:
        """The order and filter asked for; what cannot be read falls back to the grid by name,
        everyone shown (a stale bookmark still shows the grid)."""
        self.is_valid()  # an invalid field is left out of cleaned_data; the others stay
        data = self.cleaned_data
        return {
            "sort": data.get("sort") or "name",
            "needs_feedback": bool(data.get("needs_feedback")),
        }
