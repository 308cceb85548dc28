"""The demo's register insights: five years of census for every demo school, so the school, LA
and national reports have figures and trends. Riverton Academy's current year is its real
census (taken from the pupil records the demo register holds); the rest is drawn at random at
each school's size, with FSM pupils under-identified as the reports should find."""

import random

from risingtide.insights import rollup
from risingtide.insights.models import CensusRecord, prior_band
from risingtide.register.models import Pupil, academic_year
from risingtide.schools.models import School

GROUPS = ["White"] * 14 + ["Asian"] * 3 + ["Black", "Mixed", "Any other", "Chinese"]
YEARS = 5


def load(schools: list[School], academy: School, rng: random.Random) -> None:
    this_year = academic_year()
    on_roll = Pupil.objects.filter(school=academy, on_roll=True).count()
    records = []
    for school in schools:
        secondary = school.phase == School.Phase.SECONDARY
        years = range(7, 12) if secondary else range(0, 7)
        fsm_rate = rng.uniform(0.12, 0.32)
        for year in range(this_year - YEARS + 1, this_year + 1):
            if school == academy and year == this_year:
                continue  # its real census, below
            size = on_roll if school == academy else 900 if secondary else 210
            for n in range(size):
                fsm = rng.random() < fsm_rate
                prior = rng.gauss(97 if fsm else 102, 15)
                attainment = 0.7 * prior + 30 + rng.gauss(0, 10) - (2 if fsm else 0)
                # Identification follows attainment, but FSM pupils need more to be seen.
                on = attainment > (122 if fsm else 116) and rng.random() < 0.8
                nc = list(years)[n % len(years)]
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
    CensusRecord.objects.bulk_create(records, batch_size=2000)
    rollup.take_census([academy.pk], this_year)
    rollup.rebuild_all()
