"""The periods the marketplace's reports read by: a school term, a financial year, or days
chosen by hand. Terms are fixed by the calendar (autumn September to December, spring January to
March, summer April to August): near enough to the schools' own dates, which differ between
LAs and move with Easter, for figures about a term's spending."""

from dataclasses import dataclass
from datetime import date

from django.utils import timezone

from risingtide.register.models import academic_year, year_label

TERMS = {"autumn": "Autumn term", "spring": "Spring term", "summer": "Summer term"}


@dataclass(frozen=True)
class Period:
    start: date
    end: date
    label: str
    code: str  # what a form or the API sends back: "term:2026:autumn", "fy:2026", "custom"


def term(year: int, which: str) -> Period:
    """A term of the academic year ``year`` (2026 is 2026/27)."""
    if which == "autumn":
        start, end = date(year, 9, 1), date(year, 12, 31)
    elif which == "spring":
        start, end = date(year + 1, 1, 1), date(year + 1, 3, 31)
    elif which == "summer":
        start, end = date(year + 1, 4, 1), date(year + 1, 8, 31)
    else:
        raise ValueError(f"no term {which!r}")
    return Period(start, end, f"{TERMS[which]} {year_label(year)}", f"term:{year}:{which}")


def financial_year(year: int) -> Period:
    """April ``year`` to March of the next."""
    return Period(
        date(year, 4, 1), date(year + 1, 3, 31), f"Financial year {year_label(year)}", f"fy:{year}"
    )


def custom(start: date, end: date) -> Period:
    return Period(start, end, f"{start:%-d %b %Y} to {end:%-d %b %Y}", "custom")


def financial_year_of(day: date) -> int:
    return day.year if day.month >= 4 else day.year - 1


def term_of(day: date) -> str:
    return "autumn" if day.month >= 9 else "spring" if day.month <= 3 else "summer"


def current(today: date | None = None) -> Period:
    """The academic year's term that ``today`` falls in."""
    today = today or timezone.localdate()
    return term(academic_year(today), term_of(today))


def choices(today: date | None = None) -> list[Period]:
    """The periods offered by name: this academic year's and last year's terms, and this and
    last financial year, latest first."""
    today = today or timezone.localdate()
    year = academic_year(today)
    terms = [term(y, t) for y in (year, year - 1) for t in ("summer", "spring", "autumn")]
    fy = financial_year_of(today)
    return [*terms, financial_year(fy), financial_year(fy - 1)]


def parse(code: str) -> Period:
    """A named period from its code (``ValueError`` if it is none)."""
    parts = code.split(":")
    if len(parts) == 3 and parts[0] == "term" and parts[1].isdigit():
        return term(int(parts[1]), parts[2])
    if len(parts) == 2 and parts[0] == "fy" and parts[1].isdigit():
        return financial_year(int(parts[1]))
    raise ValueError(f"no period {code!r}")
