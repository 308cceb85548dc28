"""The shape of the synthetic nation: England's shares (phases, FSM, SEN, ethnicity, EAL),
the gaps and identification odds that drive scores and the register, and the plan of schools
(which LA, how big, how many on FSM or from minority groups, and each year group's size).

Kept apart from drawing pupils (:mod:`.pupils`) and writing rows (:mod:`.census`): this is the
model a reader checks against England, in numbers, with no database in it.
"""

import math
import random
from dataclasses import dataclass

from risingtide.schools.models import School

SECONDARY_SHARE = 0.17
SIXTH_FORM_SHARE = 0.6  # of secondaries
FSM_RATE = 0.22
FSM_LEAVE = 0.10  # a year, of FSM pupils; joiners keep the rate steady
# Eligible for FSM in the years before they arrived: a Reception pupil, a Year 7 pupil.
EVER_6_BEFORE = {False: 0.03, True: 0.08}
GIRLS, NOT_KNOWN = 0.49, 0.002
LOOKED_AFTER = {False: 0.004, True: 0.01}  # by FSM
SEN_RATES = {"F": (0.085, 0.018), "M": (0.155, 0.042), "U": (0.12, 0.03)}  # (K, E)
PRE_2014_SEN = {"N": "N", "K": "P", "E": "S"}  # before 2014: School Action Plus, statement
# Major ethnic groups: national shares; the minority groups scale together by LA and school.
UNCLASSIFIED = 0.01
MINORITY = {"Asian": 0.12, "Black": 0.06, "Mixed": 0.06, "Chinese": 0.005, "Any other": 0.02}
EAL_RATES = {
    "White": 0.08,
    "Mixed": 0.12,
    "Asian": 0.72,
    "Black": 0.45,
    "Chinese": 0.75,
    "Any other": 0.8,
    "Unclassified": 0.2,
}
# Shifts of the latent score, in SDs.
FSM_GAP = -0.2
SEN_GAP = {"N": 0.0, "K": -0.5, "E": -1.0}
PRIOR_WEIGHT = 0.7  # attainment = 0.7 prior + the rest fresh: correlation about 0.7
FRESH_WEIGHT = math.sqrt(1 - PRIOR_WEIGHT**2)
# Identification: logit = ID_BASE + ID_SLOPE * attainment (SDs) + ID_FSM for an FSM pupil.
ID_BASE, ID_SLOPE, ID_FSM = -2.9, 1.6, -0.7
TOP_5_FROM = 1.2  # SDs of attainment, for an identified secondary pupil
MISSING_SCORE = 0.02
# The gaps above pull the mean down by this much: put back, so that scores average 100.
CENTRE = 0.135

NC_YEARS = ["R", *map(str, range(1, 14))]
PRIMARY_YEARS = range(0, 7)  # R to 6
SECONDARY_YEARS = range(7, 12)  # 7 to 11
SIXTH_FORM = (0.36, 0.34)  # years 12 and 13, as a share of a main year group


@dataclass
class PlannedSchool:
    index: int
    la: int  # index into the LAs
    phase: str
    pupils: int
    fsm: float  # the school's FSM rate
    minority: float  # its pupils not White (and not unclassified)
    sixth_form: bool = False
    estab: int = 0
    pk: int = 0
    la_code: str = ""


# --- the plan: where the schools are, how big, who attends ---------------------------------


def _mean_one(rng: random.Random, sigma: float) -> float:
    return rng.lognormvariate(-sigma * sigma / 2, sigma)


def _calibrate(values: list[float], weights: list[int], target: float, cap: float) -> list[float]:
    """``values`` scaled (and capped) so that their weighted mean is ``target``: the national
    share comes out right however few LAs and schools drew their variation."""
    total = sum(weights)
    for _ in range(20):
        mean = sum(v * w for v, w in zip(values, weights, strict=True)) / total
        if abs(mean - target) < 1e-6 or mean == 0:
            break
        values = [min(cap, v * target / mean) for v in values]
    return values


def _sizes(rng: random.Random, phases: list[str], pupils: int) -> list[int]:
    """Pupils per school (primary 100–600, secondary 600–2,000 as far as the total allows),
    adding up to ``pupils`` exactly."""
    bounds = {School.Phase.PRIMARY: (100, 600), School.Phase.SECONDARY: (600, 2000)}
    medians = {School.Phase.PRIMARY: (230, 0.4), School.Phase.SECONDARY: (900, 0.3)}
    raw = [rng.lognormvariate(math.log(medians[p][0]), medians[p][1]) for p in phases]
    for _ in range(30):  # scale towards the total, within the phase bounds
        factor = pupils / sum(raw)
        raw = [
            min(max(r * factor, bounds[p][0]), bounds[p][1])
            for r, p in zip(raw, phases, strict=True)
        ]
    factor = pupils / sum(raw)  # the bounds cannot hold this total: scale regardless
    sizes = [max(1, int(r * factor)) for r in raw]
    order = list(range(len(sizes)))
    rng.shuffle(order)
    step = 0
    while (gap := pupils - sum(sizes)) != 0:  # a pupil more (or fewer) here and there
        i = order[step % len(order)]
        if gap > 0 or sizes[i] > 1:
            sizes[i] += 1 if gap > 0 else -1
        step += 1
    return sizes


def _plan(las: int, schools: int, pupils: int, seed: int) -> list[PlannedSchool]:
    rng = random.Random(f"risingtide-synthetic:{seed}:plan")  # noqa: S311 (not for secrets)
    weights = [_mean_one(rng, 0.5) for _ in range(las)]
    # Every LA has a school while there are enough, the rest go by size.
    homes = list(range(min(las, schools)))
    total = sum(weights)
    homes += rng.choices(range(las), weights=[w / total for w in weights], k=schools - len(homes))
    rng.shuffle(homes)
    secondaries = set(rng.sample(range(schools), round(schools * SECONDARY_SHARE)))
    phases = [
        School.Phase.SECONDARY if i in secondaries else School.Phase.PRIMARY for i in range(schools)
    ]
    sizes = _sizes(rng, phases, pupils)
    la_fsm = [_mean_one(rng, 0.35) for _ in range(las)]
    la_minority = [_mean_one(rng, 0.8) for _ in range(las)]
    fsm = _calibrate(
        [la_fsm[homes[i]] * _mean_one(rng, 0.4) for i in range(schools)], sizes, FSM_RATE, 0.85
    )
    minority_share = sum(MINORITY.values())
    minority = _calibrate(
        [la_minority[homes[i]] * _mean_one(rng, 0.3) for i in range(schools)],
        sizes,
        minority_share,
        0.95 - UNCLASSIFIED,
    )
    plan = [
        PlannedSchool(
            index=i,
            la=homes[i],
            phase=phases[i],
            pupils=sizes[i],
            fsm=fsm[i],
            minority=minority[i],
            sixth_form=phases[i] == School.Phase.SECONDARY and rng.random() < SIXTH_FORM_SHARE,
        )
        for i in range(schools)
    ]
    counters: dict[tuple[int, str], int] = {}
    for school in plan:
        key = (school.la, school.phase)
        counters[key] = counters.get(key, 0) + 1
        base = 4000 if school.phase == School.Phase.SECONDARY else 2000
        school.estab = base + counters[key]
        if counters[key] > 1999:
            raise ValueError("Too many schools of one phase in one LA for 4-digit numbers.")
    return plan


def _year_sizes(school: PlannedSchool) -> list[int]:
    """Pupils in each NC year (index 0 is Reception), never rising from one year to the next
    within a school, so a cohort only ever loses pupils as it moves up."""
    if school.phase == School.Phase.PRIMARY:
        span, shares = PRIMARY_YEARS, [1.0] * len(PRIMARY_YEARS)
    else:
        span = range(SECONDARY_YEARS.start, SECONDARY_YEARS.stop + (2 if school.sixth_form else 0))
        shares = [1.0] * len(SECONDARY_YEARS) + (list(SIXTH_FORM) if school.sixth_form else [])
    whole = sum(shares)
    sizes = [int(school.pupils * s / whole) for s in shares]
    for i in range(school.pupils - sum(sizes)):
        sizes[i % len(sizes)] += 1
    by_year = [0] * len(NC_YEARS)
    for year, size in zip(span, sizes, strict=True):
        by_year[year] = size
    return by_year
