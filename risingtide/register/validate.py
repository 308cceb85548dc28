"""Checks of single values from a pupil-data file, shared by the CTF and the CSV/XLSX readers.

Each check takes what the file gave (text from a CSV or XML; from a workbook also a number, a
date or a boolean) and returns the value normalised as ``rows.PupilRow`` holds it, or raises
``Invalid`` whose message says why, naming the value. The reader adds the row and the field.
Optional fields return "" (text) or None (yes/no) for a blank; required ones raise "missing".

They run once per cell of files of 200,000 rows, so the common case is a dictionary look-up or
a C-level string method: no regular expressions, no exceptions unless the value is wrong.
"""

import unicodedata
from collections.abc import Callable, Sequence
from datetime import date, datetime
from typing import Any, TypeVar

from django.core.exceptions import ValidationError

from risingtide.register import upn as upns
from risingtide.register.ethnicity import CODES as ETHNICITY_CODES
from risingtide.register.rows import DOMAINS, GIFTED_DOMAINS, TALENTED_DOMAINS, RegisterFlags

T = TypeVar("T")

MAX_NAME = 100
EARLIEST_BIRTH = date(1990, 1, 1)


class Invalid(ValueError):
    """A value the file gave that we cannot use; str() is the reason, for a person."""


def text(value: object) -> str:
    """A cell as stripped text: a workbook's whole numbers lose their ".0"."""
    if type(value) is str:
        return value.strip()
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


_UPN_CHAR_VALUES = {
    **{str(d): d for d in range(10)},
    **{c: i for i, c in enumerate(upns.CHECK_LETTERS)},
}


def _weighted(chars: str, first_weight: int) -> int:
    return sum(_UPN_CHAR_VALUES[c] * w for w, c in enumerate(chars, first_weight)) % 23


# The check letter's weighted sum, precomputed for each three-character slice of a UPN: the
# LA code (only codes in use), two runs of digits, and the serial's last three characters (a
# letter last for a temporary UPN). A well-formed UPN is then four look-ups.
_DIGITS3 = [f"{n:03d}" for n in range(1000)]
_SLICE_SUMS = (
    {
        code: _weighted(code, 2)
        for low, high in upns.LA_CODE_RANGES
        for code in map("{:03d}".format, range(low, high + 1))
    },
    {chars: _weighted(chars, 5) for chars in _DIGITS3},
    {chars: _weighted(chars, 8) for chars in _DIGITS3},
    {
        f"{n:02d}{last}": _weighted(f"{n:02d}{last}", 11)
        for n in range(100)
        for last in _UPN_CHAR_VALUES
    },
)


def _well_formed_upn(raw: str) -> bool:
    """True for a correct UPN already in upper case without spaces, the usual case, checked
    with dictionary look-ups; anything else goes to ``upn.parse_upn``, which says what is
    wrong."""
    if len(raw) != 13:
        return False
    la, first, second, serial = _SLICE_SUMS
    total = (
        la.get(raw[1:4], -99)
        + first.get(raw[4:7], -99)
        + second.get(raw[7:10], -99)
        + serial.get(raw[10:], -99)
    )
    return total >= 0 and upns.CHECK_LETTERS[total % 23] == raw[0]


def upn(value: object) -> tuple[str, bool]:
    """The UPN, normalised, and whether it is temporary."""
    raw = value.strip() if type(value) is str else text(value)
    if not raw:
        raise Invalid("missing")
    if _well_formed_upn(raw):
        return raw, not raw[12].isdigit()
    try:
        parsed = upns.parse_upn(raw)
    except ValidationError as exc:
        raise Invalid(" ".join(exc.messages)) from None
    return parsed.value, parsed.temporary


def all_upns(values: Sequence[object]) -> list[tuple[str, bool]] | None:
    """``upn`` of each value when every one is a correct UPN as written (the usual column of a
    file), checked without a Python-level loop of calls to ``upn``; None if any is not, for the
    caller to check each with ``upn`` and say which is wrong."""
    if None in values or not all(map(_well_formed_upn, values)):
        return None
    return [(value, not value[12].isdigit()) for value in values]  # type: ignore[index]


def name(value: object, *, required: bool = True) -> str:
    """A legal or preferred name: at most 100 characters, no control characters."""
    raw = value.strip() if type(value) is str else text(value)
    if not raw:
        if required:
            raise Invalid("missing")
        return ""
    if len(raw) > MAX_NAME:
        raise Invalid(f"{len(raw)} characters long; a name has at most {MAX_NAME}")
    # isprintable() is one C call for the usual name; it is also False for a no-break space
    # and other separators, which we keep, so only then look for real control characters.
    if not raw.isprintable() and any(unicodedata.category(c) == "Cc" for c in raw):
        raise Invalid(f"{raw!r} contains a control character (a tab, line break or similar)")
    return raw


def all_names(values: Sequence[str], *, required: bool = True) -> list[str] | None:
    """``name`` of each value, checked in bulk with C-level calls when every one is a plain
    name (the usual column of a file); None if any is not, for the caller to check each with
    ``name`` and say which is wrong."""
    stripped = list(map(str.strip, values))
    if (
        "".join(stripped).isprintable()
        and max(map(len, stripped), default=0) <= MAX_NAME
        and (not required or all(stripped))
    ):
        return stripped
    return None


def _day_month_year(raw: str) -> date | None:
    parts = raw.split("/")
    if len(parts) != 3:
        return None
    day, month, year = parts
    if not (len(year) == 4 and 1 <= len(day) <= 2 and 1 <= len(month) <= 2):
        return None
    if not (day.isdigit() and month.isdigit() and year.isdigit() and raw.isascii()):
        return None
    try:
        return date(int(year), int(month), int(day))
    except ValueError:
        return None


def parse_date(value: object) -> date:
    """A date as a workbook gives it, or as text: ISO yyyy-mm-dd (a time or zone after it is
    ignored), or the UK's dd/mm/yyyy and d/m/yyyy. Raises Invalid naming the value."""
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, int | float) and not isinstance(value, bool):
        raise Invalid(f"{text(value)} is a number, not a date (format the column as dates)")
    raw = value.strip() if type(value) is str else text(value)
    if not raw:
        raise Invalid("missing")
    if len(raw) >= 10 and raw[4] == "-" and raw[7] == "-" and raw[:4].isdigit():
        if len(raw) == 10 or raw[10] in " TZ+-":  # a time or an XML time zone may follow
            try:
                return date.fromisoformat(raw[:10])
            except ValueError:
                pass
    elif "/" in raw and (found := _day_month_year(raw)) is not None:
        return found
    raise Invalid(f"{raw!r} is not a date (use yyyy-mm-dd or dd/mm/yyyy)")


def date_of_birth(value: object, *, latest: date) -> date:
    """A date of birth no later than ``latest`` (today, or the file's own date) and not before
    1990."""
    born = parse_date(value)
    if born > latest:
        raise Invalid(f"{born.isoformat()} is in the future")
    if born < EARLIEST_BIRTH:
        raise Invalid(f"{born.isoformat()} is before {EARLIEST_BIRTH.year}")
    return born


_GENDERS = {"m": "M", "f": "F", "u": "U", "male": "M", "female": "F", "unknown": "U"}


def gender(value: object, *, required: bool = True) -> str:
    raw = value.strip() if type(value) is str else text(value)
    if not raw:
        if required:
            raise Invalid("missing")
        return ""
    found = _GENDERS.get(raw.lower())
    if found is None:
        raise Invalid(f"{raw!r} is not M, F or U (or Male, Female, Unknown)")
    return found


def _nc_years() -> dict[str, str]:
    table = {"reception": "R", "rec": "R", "nursery1": "N1", "nursery2": "N2"}
    for year in ["R", "N1", "N2", "X", *map(str, range(1, 15))]:
        forms = [year] if not year.isdigit() else [year, year.zfill(2)]
        for form in forms:
            for prefix in ("", "y", "yr", "year", "ncyear"):
                table[prefix + form.lower()] = year
    return table


_NC_YEARS = _nc_years()


def nc_year(value: object) -> str:
    """R, N1, N2, 1..14 or X; "Year 7", "Y7", "Yr 07" and "Reception" are understood."""
    raw = value.strip() if type(value) is str else text(value)
    if not raw:
        return ""
    found = _NC_YEARS.get(raw.lower().replace(" ", ""))
    if found is None:
        raise Invalid(f"{raw!r} is not a National Curriculum year (R, N1, N2, 1 to 14 or X)")
    return found


def ethnicity(value: object) -> str:
    """A DfE ethnicity code (main or extended), upper case."""
    raw = (value.strip() if type(value) is str else text(value)).upper()
    if raw and raw not in ETHNICITY_CODES:
        raise Invalid(f"{raw!r} is not a DfE ethnicity code")
    return raw


def first_language(value: object) -> str:
    """A DfE language code: three or four letters (ENG, ENB, POL, PUNJ...), upper case."""
    raw = value.strip() if type(value) is str else text(value)
    if raw and not (3 <= len(raw) <= 4 and raw.isalpha() and raw.isascii()):
        raise Invalid(f"{raw!r} is not a language code (3 or 4 letters, such as ENG)")
    return raw.upper()


# Today K (SEN support) and E (EHC plan); older files A, P (School Action, Plus) and S
# (statement). MIS exports sometimes spell them out.
_SEN = {
    "k": "K", "e": "E", "a": "A", "p": "P", "s": "S", "n": "",
    "sensupport": "K", "ehcplan": "E", "ehcp": "E", "educationhealthandcareplan": "E",
    "schoolaction": "A", "schoolactionplus": "P", "statement": "S", "statemented": "S",
    "none": "", "nosen": "", "nospecialeducationalneed": "",
}  # fmt: skip


def sen(value: object) -> str:
    """SEN provision now: K, E (or older A, P, S); N or blank is none, ""."""
    raw = value.strip() if type(value) is str else text(value)
    if not raw:
        return ""
    found = _SEN.get(raw.lower().replace(" ", "").replace("-", ""))
    if found is None:
        raise Invalid(f"{raw!r} is not an SEN provision (K, E, or older A, P, S; N for none)")
    return found


_YES_NO = {
    "y": True, "yes": True, "true": True, "1": True,
    "n": False, "no": False, "false": False, "0": False,
}  # fmt: skip


def yes_no(value: object) -> bool | None:
    """Y/N, Yes/No, True/False, 1/0 in any case; blank is None (the file does not say)."""
    if value is True or value is False:
        return value
    raw = value.strip() if type(value) is str else text(value)
    if not raw:
        return None
    found = _YES_NO.get(raw.lower())
    if found is None:
        raise Invalid(f"{raw!r} is not yes or no (Y/N, Yes/No, True/False, 1/0)")
    return found


def _domain_names() -> dict[str, str]:
    table: dict[str, str] = {}
    for key, label in DOMAINS.items():
        for form in (key, key.replace("_", " "), label):
            table[form.lower()] = key
    return table


_DOMAIN_NAMES = _domain_names()


def domains(value: object) -> tuple[str, ...]:
    """Domains separated by commas or semicolons, each a key or a label of ``rows.DOMAINS``
    in any case; returned as keys, each once, in the file's order."""
    raw = value.strip() if type(value) is str else text(value)
    if not raw:
        return ()
    found: list[str] = []
    unknown: list[str] = []
    for part in raw.replace(";", ",").split(","):
        part = part.strip()
        if not part:
            continue
        key = _DOMAIN_NAMES.get(part.lower())
        if key is None:
            unknown.append(part)
        elif key not in found:
            found.append(key)
    if unknown:
        names = ", ".join(repr(u) for u in unknown)
        raise Invalid(f"{names} {'is not a domain' if len(unknown) == 1 else 'are not domains'}")
    return tuple(found)


def gifted_talented_split(domain_keys: tuple[str, ...]) -> tuple[bool, bool]:
    """Whether the domains include a gifted (academic) one and a talented one."""
    return (
        any(d in GIFTED_DOMAINS for d in domain_keys),
        any(d in TALENTED_DOMAINS for d in domain_keys),
    )


def academic_year(value: object) -> int:
    """An academic year as its first calendar year: "2023", "2023/24", "2023-2024" -> 2023."""
    raw = value.strip() if type(value) is str else text(value)
    if not raw:
        raise Invalid("missing")
    first, _, second = raw.replace("-", "/").partition("/")
    if len(first) == 4 and first.isdigit() and first.isascii():
        year = int(first)
        if not second or (
            second.isdigit() and second in (str(year + 1), f"{(year + 1) % 100:02d}")
        ):
            return year
    raise Invalid(f"{raw!r} is not an academic year (such as 2023 or 2023/24)")


def school_urn(value: object) -> str:
    """A school's unique reference number: six digits."""
    raw = value.strip() if type(value) is str else text(value)
    if not (len(raw) == 6 and raw.isdigit() and raw.isascii()):
        raise Invalid(f"{raw!r} is not a school URN (6 digits)" if raw else "missing")
    return raw


def register_flags(
    gifted_talented: bool,
    *,
    gifted: bool | None = None,
    talented: bool | None = None,
    top_5: bool | None = None,
    domains: tuple[str, ...] = (),
) -> RegisterFlags:
    """A pupil's register entry. Gifted and talented, when the file does not say, follow from
    the domains. A pupil not on the register with domains or gifted/talented is an Invalid."""
    if not gifted_talented and (gifted or talented or domains):
        raise Invalid("says not on the register, but gifted, talented or domains are given")
    in_gifted, in_talented = gifted_talented_split(domains)
    return RegisterFlags(
        gifted_talented=gifted_talented,
        gifted=in_gifted if gifted is None else gifted,
        talented=in_talented if talented is None else talented,
        top_5=bool(top_5),
        domains=domains,
    )


class Problems(list[tuple[str, str]]):
    """The (field, reason) problems found in one pupil's record."""

    def check(self, field: str, check: Callable[..., T], value: object, **options: Any) -> T | None:
        """``check(value, **options)``, or None with the problem noted."""
        try:
            return check(value, **options)
        except Invalid as exc:
            self.append((field, str(exc)))
            return None
