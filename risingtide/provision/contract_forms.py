"""The forms of the contract manager's pages, the provider's profile and rating a session.
Domain refusals land on them through ``lib.forms.show_refusal``."""

from decimal import Decimal

from django import forms

from risingtide.provision.contract_models import ContractKPI
from risingtide.provision.contracts import CONTRACT_FIELDS, ContractInput
from risingtide.provision.models import ProviderProfile
from risingtide.provision.ratings import FACES, STAFF_SCALE

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class ContractForm(forms.Form):
    reference = forms.CharField(label="Reference", max_length=50)
    title = forms.CharField(label="Title", max_length=200)
    starts_on = forms.DateField(label="First day", widget=DATE)
    ends_on = forms.DateField(label="Last day", widget=DATE)
    notice_days = forms.IntegerField(
        label="Notice window (days before the last day)",
        min_value=0,
        max_value=730,
        initial=90,
        help_text="From then on the contract shows as ending, due for renewal or re-procurement.",
    )
    value = forms.DecimalField(
        label="Value (£)", min_value=Decimal(0), max_digits=12, decimal_places=2
    )
    services = forms.TypedMultipleChoiceField(
        label="Services it covers",
        coerce=int,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    target_places = forms.IntegerField(
        label="Places delivered (count)", min_value=0, max_value=1_000_000, required=False
    )
    target_disadvantaged = forms.DecimalField(
        label="Share of pupil places to disadvantaged (Ever-6 FSM) pupils (%)",
        min_value=Decimal(0),
        max_value=Decimal(100),
        decimal_places=1,
        required=False,
    )
    target_satisfaction = forms.DecimalField(
        label="Satisfaction (mean rating out of 5)",
        min_value=Decimal(1),
        max_value=Decimal(5),
        decimal_places=1,
        required=False,
    )
    notes = forms.CharField(
        label="Notes", widget=forms.Textarea(attrs={"rows": 3}), max_length=3000, required=False
    )

    KPI_FIELDS = {
        "target_places": ContractKPI.Measure.PLACES,
        "target_disadvantaged": ContractKPI.Measure.DISADVANTAGED,
        "target_satisfaction": ContractKPI.Measure.SATISFACTION,
    }

    def __init__(self, *args, services=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["services"].choices = services

    @classmethod
    def initial_from(cls, contract) -> dict:
        initial = {name: getattr(contract, name) for name in CONTRACT_FIELDS}
        initial["services"] = [s.pk for s in contract.services.all()]
        targets = {k.measure: k.target for k in contract.kpis.all()}
        for field, measure in cls.KPI_FIELDS.items():
            value = targets.get(measure)
            if value is not None and measure == ContractKPI.Measure.PLACES:
                value = int(value)
            initial[field] = value
        return initial

    def contract_input(self) -> ContractInput:
        data = self.cleaned_data
        targets = {}
        for field, measure in self.KPI_FIELDS.items():
            value = data[field]
            targets[measure] = None if value is None else Decimal(value)
        return ContractInput(
            reference=data["reference"],
            title=data["title"],
            starts_on=data["starts_on"],
            ends_on=data["ends_on"],
            value=data["value"],
            notice_days=data["notice_days"],
            notes=data["notes"],
            service_ids=tuple(data["services"]),
            targets=targets,
        )


class ChooseProviderForm(forms.Form):
    provider = forms.TypedChoiceField(label="Provider", coerce=int)

    def __init__(self, *args, providers=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["provider"].choices = [(p.pk, p.name) for p in providers]


class SignForm(forms.Form):
    signed_on = forms.DateField(label="Signed on", widget=DATE)


class DocumentForm(forms.Form):
    title = forms.CharField(label="Title (optional)", max_length=200, required=False)
    file = forms.FileField(
        label="File",
        help_text="PDF, Word (DOCX), Excel (XLSX) or OpenDocument text (ODT).",
        widget=forms.ClearableFileInput(
            attrs={"accept": ".pdf,.docx,.xlsx,.odt"},
        ),
    )


class RenewalForm(forms.Form):
    days = forms.IntegerField(
        label="Ending within (days)", min_value=1, max_value=3650, initial=90, required=False
    )


class ProfileForm(forms.ModelForm):
    website = forms.URLField(label="Website", max_length=200, required=False, assume_scheme="https")
    areas = forms.TypedMultipleChoiceField(
        label="Areas served (local authorities)",
        coerce=int,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    class Meta:
        model = ProviderProfile
        fields = (
            "offer",
            "safeguarding",
            "staff_checks_on",
            "contact_name",
            "contact_email",
            "contact_phone",
        )
        widgets = {
            "offer": forms.Textarea(attrs={"rows": 4}),
            "safeguarding": forms.Textarea(attrs={"rows": 4}),
            "staff_checks_on": DATE,
            "contact_phone": forms.TextInput(attrs={"type": "tel"}),
        }
        labels = {"offer": "What we offer"}

    def __init__(self, *args, areas=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["areas"].choices = areas


class StaffRatingForm(forms.Form):
    score = forms.TypedChoiceField(
        label="How good was it?", choices=STAFF_SCALE, coerce=int, widget=forms.RadioSelect
    )
    comment = forms.CharField(
        label="Comment (optional)",
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=1000,
        required=False,
    )


class PupilRatingForm(forms.Form):
    score = forms.TypedChoiceField(
        label="How was it?", choices=FACES, coerce=int, widget=forms.RadioSelect
    )
    comment = forms.CharField(
        label="Tell them more (optional)",
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=500,
        required=False,
    )
