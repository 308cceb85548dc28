"""The register's page forms: what each page reads from what was posted, refused in words on
the field at fault before any service is asked.

The forms read the input's shape (a number, a date, one of the choices); the services keep the
register's rules (evidence before identifying, a reason for removing) for the pages and the API
alike, and a service's refusal lands on these forms' fields through ``lib.forms.show_refusal``.
Where a rule is both the page's and the service's (a required summary, a known domain), the
words are the service's, so a person reads the same reason whichever of the two refused.
"""

from django import forms
from django.core.validators import RegexValidator

from risingtide.register.column_mapping import FIELDS, REGISTER_FIELDS
from risingtide.register.import_batches import ImportBatch
from risingtide.register.models import Criteria, DataSharingAgreement, Evidence, RegisterEntry
from risingtide.register.rows import DOMAINS
from risingtide.register.services import SUMMARY_MAX

# --- fields in the register's words ---------------------------------------------------------


class WholeNumberField(forms.IntegerField):
    default_error_messages = {
        "invalid": "Give a whole number.",
        "required": "Give a whole number.",
    }


class NumberField(forms.FloatField):
    """A number, typed as people type them (no spinner); Django's FloatField already refuses
    NaN and infinity, which ``float()`` would take."""

    widget = forms.TextInput(attrs={"inputmode": "decimal"})
    default_error_messages = {"invalid": "Give a number.", "required": "Give a number."}


class DayField(forms.DateField):
    """A date as a date input sends it: YYYY-MM-DD only, never a locale's guess."""

    input_formats = ["%Y-%m-%d"]
    widget = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    default_error_messages = {
        "invalid": "Give the date as YYYY-MM-DD.",
        "required": "Give the date.",
    }


def _domains(*, required: bool, refusal: str = "") -> forms.MultipleChoiceField:
    return forms.MultipleChoiceField(
        choices=DOMAINS.items(),
        required=required,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": refusal, "invalid_choice": "Unknown domain: %(value)s"},
    )


def _summary(label: str, rows: int) -> forms.CharField:
    return forms.CharField(
        label=label,
        max_length=SUMMARY_MAX,
        widget=forms.Textarea(attrs={"rows": rows}),
        error_messages={
            "required": "Say what the evidence shows.",
            "max_length": f"Keep it under {SUMMARY_MAX} characters.",
        },
    )


class _PupilWork(forms.Form):
    """A form that may point at work in the pupil's portfolios: ``items`` are those the page
    offers (``queries.pupil_items``), and only those are taken."""

    item = forms.ChoiceField(
        required=False,
        error_messages={"invalid_choice": "That is not an item in this pupil's portfolios."},
    )

    def __init__(self, *args, items=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.items = {str(item.pk): item for item in items}
        self.fields["item"].choices = [
            ("", "None"),
            *((pk, f"{i.portfolio.project.title}: {i.title}") for pk, i in self.items.items()),
        ]

    def clean_item(self):
        return self.items.get(self.cleaned_data["item"])


# --- a pupil's record -----------------------------------------------------------------------

NOMINATION_KINDS = [(k, label) for k, label in Evidence.Kind.choices if k.endswith("_nomination")]
DECISIONS = [(k, label) for k, label in RegisterEntry.Status.choices if k != "nominated"]


class NominateForm(_PupilWork):
    kind = forms.ChoiceField(
        label="Who nominates",
        choices=NOMINATION_KINDS,
        required=False,
        error_messages={
            "invalid_choice": "Say who nominates: a teacher, the pupil, a peer or a parent."
        },
    )
    domains = _domains(required=True, refusal="Choose at least one domain.")
    summary = _summary("What you have seen", 4)
    field_order = ["kind", "domains", "summary", "item"]

    def clean_kind(self) -> str:
        return self.cleaned_data["kind"] or Evidence.Kind.TEACHER_NOMINATION


class EvidenceForm(_PupilWork):
    kind = forms.ChoiceField(
        choices=Evidence.Kind.choices,
        error_messages={
            "required": "Choose a kind of evidence.",
            "invalid_choice": "Choose a kind of evidence.",
        },
    )
    measure = forms.CharField(required=False, max_length=60)
    score = NumberField(
        required=False,
        error_messages={"invalid": "The score is a number, e.g. 124."},
    )
    domain = forms.ChoiceField(
        choices=[("", "Not one domain"), *DOMAINS.items()],
        required=False,
        error_messages={"invalid_choice": "Unknown domain."},
    )
    summary = _summary("What it shows", 3)
    field_order = ["kind", "measure", "score", "domain", "summary", "item"]


class DecideForm(forms.Form):
    status = forms.ChoiceField(
        label="Decision",
        choices=DECISIONS,
        initial=RegisterEntry.Status.IDENTIFIED,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose a decision.", "invalid_choice": "Choose a decision."},
    )
    domains = _domains(required=False)
    top_5 = forms.BooleanField(required=False, label="Meets the national top 5% criteria")
    reason = forms.CharField(
        required=False,
        max_length=SUMMARY_MAX,
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"max_length": f"Keep it under {SUMMARY_MAX} characters."},
    )
    next_review = DayField(required=False)

    @staticmethod
    def initial_for(current: RegisterEntry | None) -> dict:
        """Today's decision, to start from (a nomination's domains are its domains)."""
        if current is None:
            return {}
        return {"domains": current.domains, "top_5": current.top_5}


# --- exports --------------------------------------------------------------------------------

EXPORT_REASONS = {
    "census": "School Census G&T return",
    "review": "Register review with staff",
    "governors": "Report to governors",
    "la": "Return to the local authority",
    "transfer": "A pupil is leaving",
    "other": "Other",
}


class _WhyForm(forms.Form):
    """Every export of pupil data says why; the reason goes to the audit log."""

    why = forms.ChoiceField(
        label="Why",
        choices=[("", "Choose…"), *EXPORT_REASONS.items()],
        error_messages={
            "required": "Say why you are exporting pupil data.",
            "invalid_choice": "Say why you are exporting pupil data.",
        },
    )
    why_other = forms.CharField(label="If other, what for", required=False, max_length=200)

    def clean(self):
        data = super().clean()
        if data.get("why") == "other" and not data.get("why_other"):
            self.add_error("why_other", "Say what the export is for.")
        return data

    def reason(self) -> str:
        """The reason in words, as the audit log keeps it."""
        why = self.cleaned_data["why"]
        return f"Other: {self.cleaned_data['why_other']}" if why == "other" else EXPORT_REASONS[why]


class ExportForm(_WhyForm):
    what = forms.ChoiceField(
        choices=[
            ("census", "Census G&T return (CSV): UPN, G&T flag, top 5%, domains"),
            ("csv", "The register (CSV)"),
            ("xlsx", "The register (Excel)"),
            ("pdf", "The register (PDF)"),
        ],
        initial="census",
        widget=forms.RadioSelect,
        error_messages={
            "required": "Choose what to export.",
            "invalid_choice": "Choose what to export.",
        },
    )
    field_order = ["what", "why", "why_other"]


def _code(label: str, digits: int, what: str) -> forms.CharField:
    return forms.CharField(
        label=label,
        required=False,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "maxlength": digits}),
        validators=[RegexValidator(f"^[0-9]{{{digits}}}$", f"{what} is {digits} digits.")],
    )


class LeaverForm(_WhyForm):
    """A CTF for a pupil who leaves: the destination, when the school knows it."""

    dest_la = _code("Destination LA code", 3, "An LA code")
    dest_estab = _code("Destination establishment number", 4, "An establishment number")


# --- the school's settings and agreements ---------------------------------------------------


class CriteriaForm(forms.ModelForm):
    class Meta:
        model = Criteria
        fields = ["top_percent", "progress_threshold", "equity_fraction", "min_group_size"]
        field_classes = {
            "top_percent": WholeNumberField,
            "progress_threshold": NumberField,
            "equity_fraction": NumberField,
            "min_group_size": WholeNumberField,
        }
        labels = {
            "top_percent": "Screen the top … % of the school on any measure",
            "progress_threshold": "Exceptional progress: value added of at least",
            "equity_fraction": "Flag a group identified at less than … of the rest of the "
            "cohort's rate",
            "min_group_size": "Smallest group to judge",
        }
        help_texts = {"progress_threshold": "", "equity_fraction": "0.8 means four fifths."}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # The browser's hints (set after the fields', which know only "not negative"); the
        # model's validators are the rule.
        self.fields["top_percent"].widget.attrs.update(min=1, max=50)
        self.fields["min_group_size"].widget.attrs.update(min=1, max=1000)


class AgreementForm(forms.ModelForm):
    class Meta:
        model = DataSharingAgreement
        fields = ["reference", "starts_on", "ends_on"]
        field_classes = {"starts_on": DayField, "ends_on": DayField}
        labels = {"starts_on": "In force from", "ends_on": "Until"}
        error_messages = {"reference": {"required": "Give the agreement's reference."}}


class EndAgreementForm(forms.Form):
    end = forms.ModelChoiceField(
        queryset=DataSharingAgreement.objects.none(),
        widget=forms.HiddenInput,
        error_messages={"required": "No such agreement.", "invalid_choice": "No such agreement."},
    )

    def __init__(self, *args, school, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["end"].queryset = school.sharing.all()


# --- imports --------------------------------------------------------------------------------


class ImportForm(forms.Form):
    """A file to import; what it is is guessed from its name unless the person says."""

    file = forms.FileField(
        widget=forms.FileInput(
            attrs={"accept": ".xml,.csv,.xlsx,text/xml,application/xml,text/csv"}
        ),
        error_messages={"required": "Choose a file.", "empty": "The file is empty."},
    )
    format = forms.ChoiceField(
        choices=[("", "From the file name"), *ImportBatch.Format.choices],
        required=False,
        error_messages={"invalid_choice": "Choose CTF, CSV or Excel."},
    )
    kind = forms.ChoiceField(
        label="What the file holds",
        choices=ImportBatch.Kind.choices,
        required=False,
        error_messages={"invalid_choice": "Choose pupil data or the register only."},
    )
    encoding = forms.ChoiceField(
        label="Text encoding",
        choices=[
            ("utf-8", "UTF-8 (Excel “CSV UTF-8”)"),
            ("cp1252", "Windows-1252 (Excel “CSV”)"),
        ],
        required=False,
        error_messages={"invalid_choice": "Choose UTF-8 or Windows-1252."},
    )

    def clean_kind(self) -> str:
        return self.cleaned_data["kind"] or ImportBatch.Kind.PUPILS

    def clean_encoding(self) -> str:
        return self.cleaned_data["encoding"] or "utf-8"


class MappingForm(forms.Form):
    """Which of the file's columns holds each of our fields. A field is named by its key, as
    the mapping and its refusals name it; on the page each is ``map_<key>``."""

    def __init__(self, *args, batch: ImportBatch, **kwargs):
        kwargs.setdefault("initial", batch.mapping)
        super().__init__(*args, **kwargs)
        headers = batch.summary.get("headers", [])
        for f in REGISTER_FIELDS if batch.kind == ImportBatch.Kind.REGISTER else FIELDS:
            self.fields[f.key] = forms.ChoiceField(
                label=f.label,
                choices=[("", "Not in this file"), *((h, h) for h in headers)],
                required=f.required,
                error_messages={
                    "required": f"Choose the column that holds {f.label}.",
                    "invalid_choice": "The file has no column '%(value)s'.",
                },
            )

    def add_prefix(self, field_name: str) -> str:
        return f"map_{field_name}"

    def mapping(self) -> dict[str, str]:
        return {key: header for key, header in self.cleaned_data.items() if header}
