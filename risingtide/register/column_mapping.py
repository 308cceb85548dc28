"""The column mapping: which of a CSV or XLSX file's columns holds each of our fields.

Its own module because the mapping is shared by three places that never read a row: the import
page and the API list our fields (``FIELDS``, ``REGISTER_FIELDS``) for a person to map,
``guess_mapping`` matches a file's headers to them as schools' systems (SIMS, Arbor,
Bromcom...) name them, and ``mapped_columns`` applies a mapping to a file's headers, refusing
one that does not fit before ``tabular`` reads any row.
"""

from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Literal

from risingtide.register.table_files import TableRefused

Kind = Literal["pupils", "register"]


@dataclass(frozen=True)
class Field:
    key: str
    label: str
    required: bool  # a file without this column is refused
    synonyms: tuple[str, ...]  # headers schools' systems use for it, matched loosely


FIELDS: tuple[Field, ...] = tuple(
    Field(key, label, required, tuple(synonyms.split("|")))
    for key, label, required, synonyms in (
        ("upn", "UPN", True, "UPN|Unique Pupil Number|Pupil UPN|UPN Number"),
        ("legal_surname", "Legal surname", True,
         "Legal Surname|Surname|Legal Last Name|Last Name|Family Name|Legal Family Name"),
        ("legal_forename", "Legal forename", True,
         "Legal Forename|Forename|Legal First Name|First Name|Given Name|Legal Given Name"),
        ("preferred_surname", "Preferred surname", False,
         "Preferred Surname|Preferred Last Name|Preferred Family Name|Known As Surname"),
        ("preferred_forename", "Preferred forename", False,
         "Preferred Forename|Preferred First Name|Preferred Name|Known As|Chosen Name"),
        ("date_of_birth", "Date of birth", True, "DOB|Date of Birth|Birth Date|Birthdate"),
        ("gender", "Gender", True, "Gender|Sex|Legal Sex"),
        ("nc_year", "NC year", False,
         "NC Year|NC Year Actual|National Curriculum Year|Curriculum Year|Year Group|Year"),
        ("ethnicity", "Ethnicity", False,
         "Ethnicity|Ethnic Code|Ethnicity Code|Ethnic Group Code|Ethnicity (Code)"),
        ("first_language", "First language", False,
         "First Language|Home Language|First Language Code|Language|Main Language"),
        ("sen", "SEN provision", False, "SEN Status|SEN Provision|SEN|SEN Stage|SEND Status"),
        ("fsm_now", "FSM eligible", False,
         "FSM|FSM Eligible|FSM Eligibility|Free School Meals|Eligible for FSM|FSM Status"),
        ("looked_after", "Looked after", False,
         "In Care|Looked After|CLA|LAC|Child Looked After|Looked After Child|Is Looked After"),
        ("school_urn", "School URN", False, "URN|School URN|Establishment URN"),
        ("gifted_talented", "G&T", False,
         "G&T|Gifted and Talented|Gifted & Talented|G and T|GT|G&T Flag|On G&T Register|"
         "G&T Register|More Able"),
        ("gifted", "Gifted", False, "Gifted|Is Gifted"),
        ("talented", "Talented", False, "Talented|Is Talented"),
        ("top_5", "Top 5%", False, "Top 5%|Top 5|Top 5 Percent|National Top 5%"),
        ("domains", "Domains", False,
         "Domains|G&T Domains|G&T Areas|G&T Subjects|Areas|Gifted and Talented Areas"),
    )
)  # fmt: skip
_REGISTER_KEYS = ("upn", "gifted_talented", "gifted", "talented", "top_5", "domains", "school_urn")
REGISTER_FIELDS: tuple[Field, ...] = tuple(
    replace(f, required=f.key in ("upn", "gifted_talented"))
    for key in _REGISTER_KEYS
    for f in FIELDS
    if f.key == key
)
GT_DETAILS = ("gifted", "talented", "top_5", "domains")


def fields_for(kind: Kind) -> tuple[Field, ...]:
    if kind == "pupils":
        return FIELDS
    if kind == "register":
        return REGISTER_FIELDS
    raise ValueError(f"{kind!r} is not a kind of file (pupils or register)")


def _loose(header: str) -> str:
    """A header for matching: lower case, letters and digits only."""
    return "".join(c for c in header.lower() if c.isalnum())


def guess_mapping(headers: Sequence[str], kind: Kind = "pupils") -> dict[str, str]:
    """Field key -> the file's header for each of our fields we recognise a column for."""
    by_loose: dict[str, str] = {}
    for header in headers:
        if header.strip():
            by_loose.setdefault(_loose(header), header)
    mapping: dict[str, str] = {}
    for each in fields_for(kind):
        for synonym in each.synonyms:
            header = by_loose.get(_loose(synonym))
            if header is not None and header not in mapping.values():
                mapping[each.key] = header
                break
    return mapping


def _column(index: int) -> str:
    """A spreadsheet's letters for a column index from 0: 0 -> A, 26 -> AA."""
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def mapped_columns(
    fields: tuple[Field, ...], mapping: dict[str, str], found: list[str], kind: Kind
) -> dict[str, tuple[int, str]]:
    """Field key -> (column index, header), or TableRefused saying what does not fit."""
    known = {f.key: f for f in fields}
    listed = ", ".join(f"\u2018{h}\u2019" for h in found if h) or "none"
    positions: dict[str, list[int]] = {}
    for index, header in enumerate(found):
        positions.setdefault(header, []).append(index)
    columns: dict[str, tuple[int, str]] = {}
    for key, header in mapping.items():
        if key not in known:
            raise TableRefused(f"{key!r} is not a field of a {kind} file.")
        header = (header or "").strip()
        if not header:
            continue
        places = positions.get(header) or [
            i for i, h in enumerate(found) if _loose(h) == _loose(header)
        ]
        if not places:
            raise TableRefused(
                f"The mapping uses a column headed \u2018{header}\u2019 for "
                f"{known[key].label}, but the file has no such column. Its columns: {listed}."
            )
        if len(places) > 1:
            letters = " and ".join(_column(i) for i in places)
            raise TableRefused(
                f"The file has more than one column headed \u2018{header}\u2019 (columns "
                f"{letters}), so we cannot tell which is {known[key].label}. Rename one."
            )
        columns[key] = (places[0], found[places[0]])
    missing = [f.label for f in fields if f.required and f.key not in columns]
    if missing:
        raise TableRefused(
            f"The file has no column for {', '.join(missing)}, which a {kind} file needs. "
            f"Its columns: {listed}."
        )
    details = [known[k].label for k in GT_DETAILS if k in columns]
    if details and "gifted_talented" not in columns:
        raise TableRefused(
            f"{', '.join(details)} can only be read with a G&T column saying whether the pupil "
            "is on the register: map one."
        )
    return columns
