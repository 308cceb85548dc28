"""The pupil subgroups the roll-ups count by: each dimension, its census column and how its
values read."""

from dataclasses import dataclass

from risingtide.register.ethnicity import MAJOR_GROUPS
from risingtide.register.models import SEN_CHOICES
from risingtide.register.pupil_groups import HEADINGS

YES, NO = "Y", "N"


@dataclass(frozen=True)
class Dimension:
    key: str
    label: str
    column: str | None  # the census column, None for "all pupils"
    boolean: bool
    groups: dict[str, str]  # value -> label, in reading order
    # The group whose gap the reports watch (e.g. FSM pupils against the rest), if any.
    focus: str | None = None

    def label_of(self, value: str) -> str:
        return self.groups.get(value, value)


def _yes_no(yes: str, no: str) -> dict[str, str]:
    return {YES: yes, NO: no}


NC_YEARS = {"R": "Reception", **{str(y): f"Year {y}" for y in range(1, 15)}, "X": "Not known"}

DIMENSIONS: tuple[Dimension, ...] = (
    Dimension("all", HEADINGS["all"], None, False, {"all": "All pupils"}),
    Dimension("fsm", HEADINGS["fsm"], "fsm", True, _yes_no("FSM", "Not FSM"), focus=YES),
    Dimension(
        "ever_6", HEADINGS["ever_6"], "ever_6", True, _yes_no("Ever-6 FSM", "Not Ever-6"), focus=YES
    ),
    Dimension(
        "gender", HEADINGS["gender"], "gender", False, {"F": "Girls", "M": "Boys", "U": "Not known"}
    ),
    Dimension("eal", HEADINGS["eal"], "eal", True, _yes_no("EAL", "Not EAL")),
    Dimension(
        "sen",
        HEADINGS["sen"],
        "sen",
        False,
        {"N": "No SEN", **dict(SEN_CHOICES)},
        focus="K",
    ),
    Dimension(
        "ethnic_group",
        HEADINGS["ethnic_group"],
        "ethnic_group",
        False,
        {g: g for g in MAJOR_GROUPS.values()},
    ),
    Dimension(
        "looked_after",
        HEADINGS["looked_after"],
        "looked_after",
        True,
        _yes_no("Looked after", "Not looked after"),
        focus=YES,
    ),
    Dimension("nc_year", HEADINGS["nc_year"], "nc_year", False, NC_YEARS),
)
BY_KEY = {d.key: d for d in DIMENSIONS}


def dimension(key: str) -> Dimension:
    try:
        return BY_KEY[key]
    except KeyError:
        raise LookupError(f"No dimension {key!r}") from None
