"""What a pupil-data file says about one pupil, whatever its format (CTF, CSV, XLSX).

Every reader turns its file into ``PupilRow`` (or ``RegisterRow`` for a register-only file)
and ``RowError``; the import compares rows with the school's records and writes nothing itself.
A field left ``None`` was not in the file, so the import leaves what we hold alone; an empty
string or ``False`` is a value the file gave.
"""

from dataclasses import dataclass, field
from datetime import date

# Gifted: academic subjects. Talented: the arts, music, sport, performing arts (domain.md §3).
GIFTED_DOMAINS = {
    "english": "English",
    "maths": "Mathematics",
    "science": "Science",
    "history": "History",
    "geography": "Geography",
    "languages": "Modern foreign languages",
    "computing": "Computing",
    "re": "Religious education",
    "design_technology": "Design and technology",
    "classics": "Classics",
}
TALENTED_DOMAINS = {
    "art": "Art and design",
    "music": "Music",
    "sport": "PE and sport",
    "drama": "Drama",
    "dance": "Dance",
}
DOMAINS = {**GIFTED_DOMAINS, **TALENTED_DOMAINS}


@dataclass(frozen=True)
class RowError:
    row: int  # a CTF: the pupil's place, from 1; a CSV or XLSX: the row a spreadsheet shows
    upn: str
    field: str
    reason: str

    def __str__(self) -> str:
        who = f"row {self.row}" + (f" ({self.upn})" if self.upn else "")
        return f"{who}, {self.field}: {self.reason}"


@dataclass(frozen=True)
class FsmPeriod:
    start: date
    end: date | None


@dataclass(frozen=True)
class Assessment:
    stage: str  # KS1, KS2, KS4, or a year such as Y7
    subject: str
    method: str  # TT (test) or TA (teacher assessment)
    component: str
    result: str
    year: int  # the academic year's first calendar year (2023 means 2023/24)


@dataclass(frozen=True)
class RegisterFlags:
    gifted_talented: bool  # the census G&T flag
    gifted: bool = False
    talented: bool = False
    top_5: bool = False
    domains: tuple[str, ...] = ()  # keys of DOMAINS


@dataclass
class PupilRow:
    row: int
    upn: str
    temporary_upn: bool = False
    school_urn: str | None = None  # LA-wide files name each pupil's school
    legal_surname: str | None = None
    legal_forename: str | None = None
    preferred_surname: str | None = None
    preferred_forename: str | None = None
    date_of_birth: date | None = None
    gender: str | None = None  # M, F or U
    nc_year: str | None = None
    ethnicity: str | None = None  # DfE code, e.g. WBRI
    first_language: str | None = None  # DfE code, e.g. ENG
    sen: str | None = None  # provision now: K, E (older A, P, S), or "" for none
    looked_after: bool | None = None
    fsm: list[FsmPeriod] | None = None  # the whole history (CTF)
    fsm_now: bool | None = None  # eligible on the file's date (a CSV's Y/N column)
    assessments: list[Assessment] = field(default_factory=list)
    register: RegisterFlags | None = None


@dataclass
class RegisterRow:
    """One line of a register-only file: a pupil we already hold, and their flags."""

    row: int
    upn: str
    flags: RegisterFlags
    school_urn: str | None = None
