"""The ways pupils are grouped when the register is checked for fairness: one key and one
heading each, used by the equity check here and by the insights roll-ups above, so a group is
called the same on every page, in every CSV and in the API (issue 15 found ``ethnicity`` in one
and ``ethnic_group`` in the other)."""

ALL = "all"
HEADINGS = {
    ALL: "All pupils",
    "fsm": "Free school meals",
    "ever_6": "Ever-6 FSM",
    "gender": "Gender",
    "eal": "English as an additional language",
    "sen": "SEN provision",
    "ethnic_group": "Ethnicity (major group)",
    "looked_after": "Looked after",
    "nc_year": "NC year",
}
