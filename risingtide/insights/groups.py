"""The pupil subgroups the roll-ups count by: each dimension, its census column and how its
values read."""

from dataclasses import dataclass

from risingtide.register.ethnicity import MAJOR_GROUPS
from risingtide.register.models import SEN_CHOICES

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
    Dimension("all", "All pupils", None, False, {"all": "All pupils"}),
    Dimension("fsm", "Free school meals", "fsm", True, _yes_no("FSM", "Not FSM"), focus=YES),
    Dimension(
        "ever_6", "Ever-6 FSM", "ever_6", True, _yes_no("Ever-6 FSM", "Not Ever-6"), focus=YES
    ),
    Dimension("gender", "Gender", "gender", False, {"F": "Girls", "M": "Boys", "U": "Not known"}),
    Dimension("eal", "English as an additional language", "eal", True, _yes_no("EAL", "Not EAL")),
    Dimension(
        "sen",
        "SEN provision",
        "sen",
        False,
        {"N": "No SEN", **dict(SEN_CHOICES)},
        focus="K",
    ),
    Dimension(
        "ethnic_group",
        "Ethnicity (major group)",
        "ethnic_group",
        False,
        {g: g for g in MAJOR_GROUPS.values()},
    ),
    Dimension(
        "looked_after",
        "Looked after",
        "looked_after",
        True,
        _yes_no("Looked after", "Not looked after"),
        focus=YES,
    ),
    Dimension("nc_year", "NC year", "nc_year", False, NC_YEARS),
)
BY_KEY = {d.key: d for d in DIMENSIONS}


def dimension(key: str) -> Dimension:
    try:
        return BY_KEY[key]
    except KeyError:
        raise LookupError(f"No dimension {key!r}") from None
