"""The insights API's answers: the schemas of a school's report and of an LA's or the nation's
comparison, and the descriptions shared by their parameters. Kept apart from the operations
(``reports``) so that neither module is long."""

from ninja import Field, Schema

from risingtide.insights.groups import DIMENSIONS

FIGURES = (
    'Every figure is {"value": number | null, "shown": text}: "shown" is the figure as the '
    'pages print it ("12", "18%", "0.75"); a figure withheld by disclosure control is '
    '{"value": null, "shown": "c"}, and its value appears nowhere else in the answer.'
)
YEAR = "An academic year by its first calendar year (2025 is 2025/26); default, or a year "
YEAR += "without figures: the latest with figures (the answer's `year` says which)"
DIMENSION = "The dimension whose focus group the trend follows (and, for an LA or the nation, "
DIMENSION += "the one compared): one of " + ", ".join(d.key for d in DIMENSIONS if d.column)


# --- answers ---------------------------------------------------------------------------------


class FigureOut(Schema):
    value: int | float | None = Field(description="The figure, or null when suppressed")
    shown: str = Field(description='As printed: "12", "18%", "0.75", or "c" when suppressed')


class YearOut(Schema):
    year: int
    label: str


class PlaceOut(Schema):
    id: int
    name: str
    code: str = Field(description="A school's URN, an LA's code; empty for a nation")


class DimensionOut(Schema):
    key: str
    label: str
    focus: str | None = Field(description="The subgroup the reports watch, e.g. FSM pupils")
    focus_label: str


class HeadlineOut(Schema):
    name: str
    pupils: FigureOut
    on_register: FigureOut
    rate: FigureOut
    gifted: FigureOut
    talented: FigureOut
    top_5: FigureOut
    gt_progress: FigureOut = Field(description="G&T pupils' mean progress, in points")


class HeadlinesOut(Schema):
    school: HeadlineOut
    la: HeadlineOut
    nation: HeadlineOut


class GroupOut(Schema):
    subgroup: str
    label: str
    cohort: FigureOut = Field(description="The group's pupils")
    on_register: FigureOut = Field(description="The group's pupils on the register")
    rate: FigureOut = Field(description="Share of the group's pupils on the register")
    share_of_cohort: FigureOut
    share_of_register: FigureOut
    ratio: FigureOut = Field(description="Representation: share of register ÷ share of cohort")
    flagged: bool = Field(description="Under-represented (a ratio below 0.8), when shown")
    gt_progress: FigureOut


class SchoolGroupOut(GroupOut):
    gt_attainment: FigureOut


class GapsOut(Schema):
    same: FigureOut = Field(description="To the same group's G&T pupils nationally")
    other: FigureOut = Field(description="To the other groups' G&T pupils nationally")
    all: FigureOut = Field(description="To all G&T pupils nationally")


class SubgroupOut(Schema):
    subgroup: str
    label: str
    school: SchoolGroupOut
    la: SchoolGroupOut
    nation: SchoolGroupOut
    gaps: GapsOut = Field(description="The school's G&T progress minus the national comparator")


class ComparisonOut(Schema):
    dimension: DimensionOut
    subgroups: list[SubgroupOut]


class PlacesFiguresOut(Schema):
    school: FigureOut
    la: FigureOut
    nation: FigureOut


class SchoolTrendOut(Schema):
    year: int
    label: str
    rate: PlacesFiguresOut
    ratio: PlacesFiguresOut = Field(description="Of the trend dimension's focus group")
    gt_progress: PlacesFiguresOut


class SchoolReportOut(Schema):
    school: PlaceOut
    local_authority: PlaceOut
    nation: PlaceOut
    year: int | None = Field(description="The year shown; null when there are no figures yet")
    year_label: str
    years: list[YearOut] = Field(description="Every year with figures, newest first")
    exact: bool = Field(
        description="The school's own figures exact (its own staff), not suppressed"
    )
    threshold: int = Field(description="Counts below this are suppressed where not exact")
    rounding: int | None = Field(description="Shown counts rounded to this, where not exact")
    headline: HeadlinesOut | None
    dimensions: list[ComparisonOut]
    trend_dimension: DimensionOut
    trend: list[SchoolTrendOut]
    prompts: list[str]


class EntityOut(Schema):
    id: int | None = Field(description="The school's or LA's id; null for the area's total")
    name: str
    code: str
    pupils: FigureOut
    on_register: FigureOut
    rate: FigureOut
    groups: list[GroupOut]
    gt_progress: FigureOut
    stands_out: list[str] = Field(description="Why it stands out from the area, in words")


class AreaTrendOut(Schema):
    year: int
    label: str
    rate: FigureOut
    ratio: FigureOut = Field(description="Of the dimension's focus group")
    gt_progress: FigureOut


class SubgroupKeyOut(Schema):
    subgroup: str
    label: str


class AreaReportOut(Schema):
    year: int | None = Field(description="The year shown; null when there are no figures yet")
    year_label: str
    years: list[YearOut] = Field(description="Every year with figures, newest first")
    threshold: int = Field(description="Counts below this are suppressed")
    rounding: int | None = Field(description="Shown counts rounded to this, if set")
    dimension: DimensionOut
    subgroups: list[SubgroupKeyOut] = Field(description="The columns of each row's `groups`")
    total: EntityOut | None = Field(description="The whole area, as its own figures")
    trend: list[AreaTrendOut] = Field(description="The area over the years up to `year`")


class LaReportOut(AreaReportOut):
    local_authority: PlaceOut
    schools: list[EntityOut]


class NationReportOut(AreaReportOut):
    nation: PlaceOut
    local_authorities: list[EntityOut]
