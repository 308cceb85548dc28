"""The demo's register insights before this year: four past years of census for every demo
school, at about the school's size today, so the reports have trends. This year's census is
the schools' own, taken from the pupil records their imports wrote (``demo.register``), so
the figures for this year agree with the register and the home pages everywhere.

Past censuses are snapshots the platform keeps but cannot take again (the pupils have moved on),
so they are written directly, as the synthetic nation writes its own, with FSM pupils
under-identified as the reports should find."""

import random

from risingtide.insights import rollup
from risingtide.insights.models import CensusRecord, prior_band
from risingtide.people.models import Membership, Role
from risingtide.register.models import academic_year
from risingtide.schools.models import School

GROUPS = ["White"] * 14 + ["Asian"] * 3 + ["Black", "Mixed", "Any other", "Chinese"]
PAST_YEARS = 4


def past_years() -> list[int]:
    this_year = academic_year()
    return list(range(this_year - PAST_YEARS, this_year))


def _census(school: School, year: int, size: int, fsm_rate: float, rng) -> list[CensusRecord]:
    secondary = school.phase == School.Phase.SECONDARY
    years = list(range(7, 12) if secondary else range(0, 7))
    records = []
    for n in range(size):
        fsm = rng.random() < fsm_rate
        prior = rng.gauss(97 if fsm else 102, 15)
        attainment = 0.7 * prior + 30 + rng.gauss(0, 10) - (2 if fsm else 0)
        # Identification follows attainment, but FSM pupils need more to be seen.
        on = attainment > (122 if fsm else 116) and rng.random() < 0.8
        nc = years[n % len(years)]
        prior_x10, att_x10 = round(prior * 10), round(attainment * 10)
        records.append(
            CensusRecord(
                school=school,
                year=year,
                upn=f"D{school.pk:04d}{year % 100:02d}{n:06d}",
                nc_year="R" if nc == 0 else str(nc),
                gender=rng.choice("FM"),
                fsm=fsm,
                ever_6=fsm or rng.random() < 0.08,
                eal=rng.random() < 0.18,
                sen=rng.choices("NKE", [85, 12, 3])[0],
                ethnic_group=rng.choice(GROUPS),
                looked_after=rng.random() < 0.005,
                on_register=on,
                gifted=on and rng.random() < 0.7,
                talented=on and rng.random() < 0.4,
                top_5=on and secondary and attainment > 128,
                prior_x10=prior_x10,
                attainment_x10=att_x10,
                band=prior_band(prior_x10),
            )
        )
    return records


def load(schools: list[School], rng: random.Random) -> None:
    """Past years' census for every school, a little smaller or larger than today's roll."""
    pupils = {
        school.pk: Membership.objects.filter(
            school=school, role=Role.PUPIL, teaching_group__isnull=True
        ).count()
        for school in schools
    }
    records = []
    for school in schools:
        fsm_rate = rng.uniform(0.12, 0.32)
        for year in past_years():
            size = max(30, pupils[school.pk] + rng.randint(-8, 8))
            records.extend(_census(school, year, size, fsm_rate, rng))
    CensusRecord.objects.bulk_create(records, batch_size=2000)


def rebuild_past_years() -> None:
    """Sum the past years' census into their summaries and masks (this year's were built as
    each school's import wrote it)."""
    rollup.rebuild_all(past_years())
