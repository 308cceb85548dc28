"""Whether each pupil may take a place on a service, and if not, why: in words a coordinator
can act on. One query for any number of pupils."""

from dataclasses import dataclass
from datetime import date

from django.db.models import Exists

from risingtide.provision.models import Service
from risingtide.register.models import Pupil, RegisterEntry, current_entry, fsm_on


def year_of(nc_year: str) -> int | None:
    """An NC year as recorded ("R", "7", "12") as a number (Reception is 0), or None."""
    text = (nc_year or "").strip().upper()
    if text == "R":
        return 0
    return int(text) if text.isdigit() else None


def years_label(service: Service) -> str:
    def one(year: int) -> str:
        return "Reception" if year == 0 else f"Year {year}"

    if service.year_from == service.year_to:
        return one(service.year_from)
    return f"{one(service.year_from)} to {service.year_to}"


@dataclass(frozen=True)
class Verdict:
    pupil: Pupil
    reason: str  # empty when the pupil may take a place
    fsm: bool  # eligible for free school meals today (may take a place kept for them)

    @property
    def eligible(self) -> bool:
        return not self.reason


def eligibility(service: Service, pupils, year: int, day: date) -> list[Verdict]:
    """A verdict for each of ``pupils`` (a queryset of pupil records) on ``service`` in academic
    year ``year``, FSM as on ``day``."""
    on_register = current_entry(year).filter(status=RegisterEntry.Status.IDENTIFIED)
    rows = pupils.annotate(
        listed=Exists(on_register),
        top_5=Exists(on_register.filter(top_5=True)),
        fsm=fsm_on(day),
    ).order_by("legal_surname", "legal_forename", "pk")
    verdicts = []
    for pupil in rows:
        verdicts.append(Verdict(pupil, _reason(service, pupil), pupil.fsm))
    return verdicts


def _reason(service: Service, pupil) -> str:
    if not pupil.on_roll:
        return "has left the school"
    year = year_of(pupil.nc_year)
    if year is None:
        return "has no NC year recorded, so their year group cannot be checked"
    if not service.year_from <= year <= service.year_to:
        shown = "Reception" if year == 0 else f"Year {year}"
        return f"is in {shown}; this is for {years_label(service)}"
    if service.register_only and not pupil.listed:
        return "is not on the G&T register this year"
    if service.top_5_only and not pupil.top_5:
        return "is not in the national top 5%"
    return ""
