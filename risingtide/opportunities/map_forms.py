"""The provision map's page input: its filters (read from the query string, a value it does
not offer ignored, as every list page here does) and the opportunity form. The form reads only
the input's shape; ``map_services.check`` keeps the rules, so the API refuses alike."""

from decimal import Decimal

from django import forms

from risingtide.opportunities.map_queries import SOURCES, VIEWS, MapFilters, year_name
from risingtide.opportunities.map_services import LAST_YEAR, OpportunityData
from risingtide.opportunities.models import Component, Domain, Kind, Term, Wave
from risingtide.register.models import year_label
from risingtide.register.rows import GIFTED_DOMAINS, TALENTED_DOMAINS

ANY = [("", "Any")]
YEARS = [(str(y), year_name(y)) for y in range(0, LAST_YEAR + 1)]
SUBJECTS = [
    ("Gifted (academic)", sorted(GIFTED_DOMAINS.items(), key=lambda kv: kv[1])),
    ("Talented (arts and sport)", sorted(TALENTED_DOMAINS.items(), key=lambda kv: kv[1])),
]


class MapFilterForm(forms.Form):
    """What the map shows. Unknown values are dropped (the page shows its default instead)."""

    academic_year = forms.TypedChoiceField(label="Academic year", coerce=int, required=False)
    view = forms.ChoiceField(label="Show as", choices=list(VIEWS.items()), required=False)
    wave = forms.TypedChoiceField(
        label="Wave", choices=ANY + list(Wave.choices), coerce=int, required=False, empty_value=None
    )
    component = forms.ChoiceField(
        label="Component", choices=ANY + Component.choices, required=False
    )
    domain = forms.ChoiceField(
        label="Domain", choices=ANY + [c for c in Domain.choices if c[0] != "both"], required=False
    )
    term = forms.ChoiceField(label="Term", choices=ANY + Term.choices, required=False)
    kind = forms.ChoiceField(label="Kind", choices=ANY + Kind.choices, required=False)
    year = forms.TypedChoiceField(
        label="Year group", choices=ANY + YEARS, coerce=int, required=False, empty_value=None
    )
    source = forms.ChoiceField(label="From", choices=ANY + list(SOURCES.items()), required=False)
    withdrawn = forms.BooleanField(label="Include withdrawn", required=False)

    def __init__(self, data, *, years: list[int], default_year: int):
        # The defaults are put in as if asked for, so the form shows what the page shows.
        asked = {"academic_year": str(default_year), "view": "years"}
        asked.update({k: v for k, v in data.items() if k in self.base_fields})
        super().__init__(asked)
        self.default_year = default_year
        self.fields["academic_year"].choices = [(y, year_label(y)) for y in years]

    def filters(self) -> MapFilters:
        """The filters asked for, each one the form does not offer left at its default."""
        self.is_valid()
        data = {
            name: self.cleaned_data.get(name)
            for name in self.fields
            if name not in self.errors and self.cleaned_data.get(name) not in (None, "")
        }
        return MapFilters(
            academic_year=data.get("academic_year", self.default_year),
            wave=data.get("wave"),
            component=data.get("component"),
            domain=data.get("domain"),
            term=data.get("term"),
            kind=data.get("kind"),
            year=data.get("year"),
            source=data.get("source"),
            withdrawn=bool(data.get("withdrawn")),
        )

    def chosen_view(self) -> str:
        self.is_valid()
        return self.cleaned_data.get("view") or "years"


class OpportunityForm(forms.Form):
    title = forms.CharField(
        label="Title",
        max_length=120,
        error_messages={"required": "Give the opportunity a title."},
    )
    description = forms.CharField(
        label="Description (optional)",
        help_text="What it is and what pupils will do, in words a pupil and their family "
        "understand: they see this on the pupils' menu.",
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    kind = forms.ChoiceField(
        label="Kind",
        choices=[("", "Choose…"), *Kind.choices],
        error_messages={"required": "Choose what kind of opportunity this is."},
    )
    wave = forms.TypedChoiceField(
        label="Wave",
        choices=Wave.choices,
        coerce=int,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose the wave: whole class, small group or individual."},
    )
    components = forms.MultipleChoiceField(
        label="Components of personalised learning it serves",
        choices=Component.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,  # the service says "at least one", in its words
    )
    domain = forms.ChoiceField(
        label="Domain",
        choices=Domain.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose gifted, talented, or both."},
    )
    subjects = forms.MultipleChoiceField(
        label="Subjects (optional: none means any)",
        choices=SUBJECTS,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    year_from = forms.TypedChoiceField(
        label="From year group",
        choices=YEARS,
        coerce=int,
        error_messages={"required": "Choose the first year group it is for."},
    )
    year_to = forms.TypedChoiceField(
        label="To year group",
        choices=YEARS,
        coerce=int,
        error_messages={"required": "Choose the last year group it is for."},
    )
    academic_year = forms.TypedChoiceField(label="Academic year", coerce=int)
    term = forms.ChoiceField(
        label="Term",
        choices=Term.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose the term, or all year."},
    )
    starts_on = forms.DateField(
        label="Starts on (optional)",
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages={"invalid": "Enter a date, such as 2026-10-05."},
    )
    ends_on = forms.DateField(
        label="Ends on (optional)",
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages={"invalid": "Enter a date, such as 2026-12-14."},
    )
    staff_lead = forms.TypedChoiceField(
        label="Staff lead (optional)", coerce=int, required=False, empty_value=None
    )
    capacity = forms.IntegerField(
        label="Places (optional)",
        help_text="Leave blank for no limit.",
        required=False,
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
        error_messages={"invalid": "Enter a whole number of places."},
    )
    cost_pounds = forms.DecimalField(
        label="Cost to a family, in pounds",
        help_text="0 for free.",
        initial=Decimal("0"),
        required=False,
        max_digits=12,
        decimal_places=2,
        widget=forms.NumberInput(attrs={"step": "0.01", "inputmode": "decimal"}),
        error_messages={
            "invalid": "Enter the cost in pounds, such as 12.50.",
            "max_decimal_places": "Give the cost in pounds and pence, such as 12.50.",
        },
    )
    needs_consent = forms.BooleanField(
        label="A carer must agree before a pupil takes part", required=False
    )
    on_menu = forms.BooleanField(
        label="Show it on the pupils' menu, so they can ask to take part",
        required=False,
        initial=True,
    )

    def __init__(self, *args, staff, years: list[int], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["staff_lead"].choices = [("", "No one yet")] + [
            (u.pk, u.get_full_name() or u.username) for u in staff
        ]
        self.fields["academic_year"].choices = [(y, year_label(y)) for y in years]

    def data_out(self) -> OpportunityData:
        d = self.cleaned_data
        return OpportunityData(
            title=d["title"],
            description=d.get("description", ""),
            kind=d["kind"],
            wave=d["wave"],
            components=list(d.get("components") or []),
            domain=d["domain"],
            subjects=list(d.get("subjects") or []),
            year_from=d["year_from"],
            year_to=d["year_to"],
            academic_year=d["academic_year"],
            term=d["term"],
            starts_on=d.get("starts_on"),
            ends_on=d.get("ends_on"),
            staff_lead_id=d.get("staff_lead"),
            capacity=d.get("capacity"),
            cost_pounds=d.get("cost_pounds") if d.get("cost_pounds") is not None else Decimal("0"),
            needs_consent=d.get("needs_consent", False),
            on_menu=d.get("on_menu", False),
        )


def initial_of(data: OpportunityData) -> dict:
    """An opportunity's data as the form's initial values."""
    initial = {k: v for k, v in vars(data).items() if k != "staff_lead_id"}
    initial["staff_lead"] = data.staff_lead_id
    return initial
