"""The spend and uptake report's form: which period (a term, a financial year, or days chosen
by hand), how the spend is broken down, and how far ahead "expiring soon" looks."""

from django import forms

from risingtide.provision import periods, reports
from risingtide.provision.periods import Period

CUSTOM = "custom"


class ReportForm(forms.Form):
    period = forms.ChoiceField(label="Period", required=False)
    start = forms.DateField(
        label="From", required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    end = forms.DateField(
        label="To", required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    by = forms.ChoiceField(
        label="Spend by", choices=list(reports.BREAKDOWNS.items()), required=False
    )
    days = forms.IntegerField(
        label="Expiring within (days)", min_value=1, max_value=730, required=False
    )

    def __init__(self, data=None, *, default_by: str = "school", **kwargs):
        super().__init__(data, **kwargs)
        self.default_by = default_by
        offered = periods.choices()
        self.fields["period"].choices = [(p.code, p.label) for p in offered] + [
            (CUSTOM, "Dates chosen below")
        ]
        self.fields["period"].initial = periods.current().code
        self.fields["by"].initial = default_by
        self.fields["days"].initial = reports.EXPIRING_DAYS

    def clean(self):
        data = super().clean()
        if data.get("period") == CUSTOM:
            if not data.get("start") and "start" not in self.errors:
                self.add_error("start", "Give the first day of the period.")
            if not data.get("end") and "end" not in self.errors:
                self.add_error("end", "Give the last day of the period.")
            if data.get("start") and data.get("end") and data["start"] > data["end"]:
                self.add_error("end", "Give a day on or after the first.")
        return data

    def wanted(self) -> tuple[Period, str, int]:
        """The period, breakdown and days asked for (the defaults when nothing was sent)."""
        data = self.cleaned_data if self.is_bound and self.is_valid() else {}
        code = data.get("period") or periods.current().code
        if code == CUSTOM:
            period = periods.custom(data["start"], data["end"])
        else:
            period = periods.parse(code)
        return period, data.get("by") or self.default_by, data.get("days") or reports.EXPIRING_DAYS
