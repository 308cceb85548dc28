"""CSV and XLSX pupil files made for tests, headed and filled as schools' systems export them.

``STYLES`` names a header style: "sims" (SIMS-like: "Legal Surname", "DOB" as dd/mm/yyyy,
"Yes"/"No") and "arbor" (Arbor-like: "Legal last name", ISO dates, "Male", "Year 7",
"True"/"False", separate Gifted / Talented / Top 5% columns). ``bad={index: fault}`` puts one
of ``FAULTS`` into the pupil at that index (0-based; the pupil is on file row index + 2).
"""

import csv
import io
from collections.abc import Iterator
from datetime import date, timedelta

from django.utils import timezone

from risingtide.register.upn import make_upn

STYLES: dict[str, dict[str, str]] = {
    "sims": {
        "upn": "UPN",
        "legal_surname": "Legal Surname",
        "legal_forename": "Legal Forename",
        "preferred_surname": "Preferred Surname",
        "preferred_forename": "Preferred Forename",
        "date_of_birth": "DOB",
        "gender": "Gender",
        "nc_year": "NC Year Actual",
        "ethnicity": "Ethnicity",
        "first_language": "First Language",
        "sen": "SEN Provision",
        "fsm_now": "FSM Eligible",
        "looked_after": "In Care",
        "gifted_talented": "G&T",
        "domains": "Domains",
    },
    "arbor": {
        "upn": "UPN",
        "legal_forename": "Legal first name",
        "legal_surname": "Legal last name",
        "preferred_forename": "Preferred first name",
        "preferred_surname": "Preferred last name",
        "date_of_birth": "Date of birth",
        "gender": "Gender",
        "nc_year": "Year group",
        "ethnicity": "Ethnicity code",
        "first_language": "Home language",
        "sen": "SEN status",
        "fsm_now": "FSM",
        "looked_after": "Looked after",
        "school_urn": "School URN",
        "gifted_talented": "Gifted and Talented",
        "gifted": "Gifted",
        "talented": "Talented",
        "top_5": "Top 5%",
        "domains": "G&T areas",
    },
    "register": {
        "upn": "UPN",
        "gifted_talented": "G&T",
        "gifted": "Gifted",
        "talented": "Talented",
        "top_5": "Top 5%",
        "domains": "Domains",
    },
}

FAULTS = (
    "missing_upn",
    "wrong_check_letter",
    "duplicate_upn",  # the previous pupil's UPN
    "future_dob",
    "unknown_ethnicity",
    "bad_yes_no",
    "unknown_domain",
)

_ETHNICITIES = ("WBRI", "APKN", "BAFR", "MWBC", "CHNE", "WIRT", "AIND")
_DOMAINS = (("maths", "Mathematics"), ("music", "Music"), ("science", "Science"), ("art", "Art"))


def upn_for(n: int) -> str:
    return make_upn(801, 2000 + n // 100_000, (n // 1000) % 100, n % 1000)


def pupil(n: int, style: str) -> dict[str, object]:
    """Pupil ``n``'s values as a ``style`` export writes them (objects for XLSX cells)."""
    born = date(2010 + n % 5, 1 + n % 12, 1 + n % 28)
    year = 11 - n % 5
    on_register = n % 7 == 0
    domain = _DOMAINS[n % len(_DOMAINS)]
    if style == "sims":
        return {
            "upn": upn_for(n),
            "legal_surname": f"Surname{n}",
            "legal_forename": f"Forename{n}",
            "preferred_surname": f"Surname{n}",
            "preferred_forename": f"Fore{n}",
            "date_of_birth": born.strftime("%d/%m/%Y"),
            "gender": "MF"[n % 2],
            "nc_year": str(year),
            "ethnicity": _ETHNICITIES[n % len(_ETHNICITIES)],
            "first_language": "POL" if n % 3 == 1 else "ENG",
            "sen": "NKE"[n % 3],
            "fsm_now": "Yes" if n % 4 == 0 else "No",
            "looked_after": "No",
            "gifted_talented": "Y" if on_register else "N",
            "domains": f"{domain[0]}; english" if on_register else "",
        }
    if style == "arbor":
        return {
            "upn": upn_for(n),
            "legal_forename": f"Forename{n}",
            "legal_surname": f"Surname{n}",
            "preferred_forename": "" if n % 2 else f"Fore{n}",
            "preferred_surname": "",
            "date_of_birth": born.isoformat(),
            "gender": ("Male", "Female")[n % 2],
            "nc_year": f"Year {year}",
            "ethnicity": _ETHNICITIES[n % len(_ETHNICITIES)].lower(),
            "first_language": "ENG",
            "sen": ("", "SEN Support", "EHC Plan")[n % 3],
            "fsm_now": "True" if n % 4 == 0 else "False",
            "looked_after": "true" if n % 50 == 0 else "false",
            "school_urn": "100001",
            "gifted_talented": "Yes" if on_register else "No",
            "gifted": "",
            "talented": "",
            "top_5": "Y" if on_register and n % 2 else "",
            "domains": domain[1] if on_register else "",
        }
    if style == "register":
        return {
            "upn": upn_for(n),
            "gifted_talented": "Y" if on_register else "N",
            "gifted": "Y" if on_register and domain[0] in ("maths", "science") else "",
            "talented": "Y" if on_register and domain[0] in ("music", "art") else "",
            "top_5": "",
            "domains": domain[0] if on_register else "",
        }
    raise ValueError(style)


def _spoil(values: dict[str, object], fault: str, previous: dict[str, object] | None) -> None:
    if fault == "missing_upn":
        values["upn"] = ""
    elif fault == "wrong_check_letter":
        good = str(values["upn"])
        values["upn"] = ("A" if good[0] != "A" else "B") + good[1:]
    elif fault == "duplicate_upn":
        values["upn"] = previous["upn"] if previous else values["upn"]
    elif fault == "future_dob":
        values["date_of_birth"] = (timezone.localdate() + timedelta(days=40)).isoformat()
    elif fault == "unknown_ethnicity":
        values["ethnicity"] = "ZZZZ"
    elif fault == "bad_yes_no":
        values["gifted_talented"] = "Maybe"
    elif fault == "unknown_domain":
        values["gifted_talented"] = "Y"
        values["domains"] = "maths; Juggling"
    else:
        raise ValueError(f"{fault!r} is not one of {FAULTS}")


def records(count: int, style: str, bad: dict[int, str] | None = None) -> Iterator[list[object]]:
    """The header, then ``count`` pupils, as lists of cells."""
    columns = STYLES[style]
    yield list(columns.values())
    previous = None
    for n in range(count):
        values = pupil(n, style)
        if bad and n in bad:
            _spoil(values, bad[n], previous)
        yield [values[key] for key in columns]
        previous = values


def csv_bytes(
    count: int, style: str, bad: dict[int, str] | None = None, encoding: str = "utf-8"
) -> bytes:
    out = io.StringIO(newline="")
    csv.writer(out).writerows(records(count, style, bad))
    return out.getvalue().encode(encoding)


def write_csv(path, count: int, style: str = "sims") -> None:
    """A large file written a row at a time (for timing and streaming tests)."""
    with open(path, "w", newline="", encoding="utf-8") as file:
        csv.writer(file).writerows(records(count, style))


def _cell(key: str, value: object) -> object:
    """As a workbook holds it: dates as dates, years and URNs as numbers."""
    if key == "date_of_birth" and isinstance(value, str) and len(value) == 10:
        if value[2] == "/":
            return date(int(value[6:]), int(value[3:5]), int(value[:2]))
        return date.fromisoformat(value)
    if key in ("nc_year", "school_urn") and isinstance(value, str) and value.isdigit():
        return int(value)
    return value


def xlsx_bytes(count: int, style: str, bad: dict[int, str] | None = None) -> bytes:
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("Pupils")
    keys = list(STYLES[style])
    rows = records(count, style, bad)
    sheet.append(next(rows))
    for row in rows:
        sheet.append([_cell(key, value) for key, value in zip(keys, row, strict=True)])
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()
