"""The synthetic pupils: each school's cohorts drawn from their own random streams, year by
year, as census rows (text for COPY, or tuples), with valid UPNs and standardised scores.

Kept apart from the population model (:mod:`.population`), which says what the nation looks
like, and from the writing (:mod:`.census`): this is the hot loop, where every line is paid for
millions of times, and where a year's rows are made the same whichever years are generated.
"""

import math
import random
from bisect import bisect_right
from statistics import NormalDist

from risingtide.insights.models import BAND_EDGES
from risingtide.insights.synthetic.population import (
    CENTRE,
    EAL_RATES,
    EVER_6_BEFORE,
    FRESH_WEIGHT,
    FSM_GAP,
    FSM_LEAVE,
    GIRLS,
    ID_BASE,
    ID_FSM,
    ID_SLOPE,
    LOOKED_AFTER,
    MINORITY,
    MISSING_SCORE,
    NC_YEARS,
    NOT_KNOWN,
    PRE_2014_SEN,
    PRIOR_WEIGHT,
    SECONDARY_YEARS,
    SEN_GAP,
    SEN_RATES,
    TOP_5_FROM,
    UNCLASSIFIED,
    PlannedSchool,
    _year_sizes,
)
from risingtide.register.upn import CHECK_LETTERS, LA_CODE_RANGES


def _weighted(chars: str, first_weight: int) -> int:
    return sum((int(c) if c.isdigit() else CHECK_LETTERS.index(c)) * w
               for w, c in enumerate(chars, first_weight))  # fmt: skip


SERIAL_SUMS = [_weighted(f"{n:03d}", 11) for n in range(1000)]
YEAR_SUMS = [_weighted(f"{n:02d}", 9) for n in range(100)]


# Standard normal deviates at 65,536 evenly spaced quantiles: a table look-up by 16 random
# bits is several times faster than ``random.gauss`` and as good for synthetic scores.
NORMAL = [NormalDist().inv_cdf((i + 0.5) / 65536) for i in range(65536)]


def _score(z: float) -> int:
    """A standardised score in tenths of a point, kept within 40–160."""
    return min(1600, max(400, round(1000 + 150 * z)))


BAND_FROM = [edge * 10 for edge in BAND_EDGES]


def _band(prior_x10: int) -> int:
    """``models.prior_band``, by bisection."""
    return bisect_right(BAND_FROM, prior_x10)


def _fsm_history(
    fsm: bool, switches: list[int], before: int, cohort: int, span: int
) -> tuple[list[bool], list[bool]]:
    """FSM and Ever-6 in each year of a pupil's time at the school, from their eligibility on
    arrival, the years it changed and the last year they were eligible before (-99: never)."""
    eligible, ever, last = [], [], before
    for offset in range(span):
        if switches and switches[0] == offset:
            fsm = not fsm
            switches = switches[1:]
        if fsm:
            last = cohort + offset
        eligible.append(fsm)
        ever.append(cohort + offset - last < 6)
    return eligible, ever


def _school_rows(school: PlannedSchool, first: int, last: int, seed: int, text: bool) -> list:
    """Every census row of one school in years ``first``..``last``.

    Each cohort (the pupils who started in the school's first year group in one academic
    year) draws from its own random stream, and each pupil draws the same whatever years are
    written: their characteristics, when their FSM eligibility changes (the waits between
    changes are geometric, as for a yearly chance) and a packet of random bits for each
    year's score. A year's records are therefore the same whichever years are generated with
    it, so years can be added later and match, and no time goes on the years not written."""
    if text:
        true, false, null = "t", "f", r"\N"
    else:
        true, false, null = True, False, None
    sizes = _year_sizes(school)
    years_on = [k for k, n in enumerate(sizes) if n]
    low, high = years_on[0], years_on[-1]
    span = high - low + 1
    secondary = low >= SECONDARY_YEARS.start
    ever_6_before = EVER_6_BEFORE[secondary]
    # Ethnic groups by cumulative share, with each group's EAL rate.
    shares = {"White": 1 - school.minority - UNCLASSIFIED, "Unclassified": UNCLASSIFIED}
    minority_total = sum(MINORITY.values())
    shares.update({g: school.minority * s / minority_total for g, s in MINORITY.items()})
    groups = list(shares)
    eal_rates = [EAL_RATES[g] for g in groups]
    cumulative, running = [], 0.0
    for share in shares.values():
        running += share
        cumulative.append(running)
    cumulative[-1] = 2.0  # whatever rounding left over
    fsm_rate = school.fsm
    fsm_join = min(FSM_LEAVE * fsm_rate / max(1 - fsm_rate, 0.05), 0.99)
    # log(1 - chance of a change a year), by whether the pupil is eligible now.
    stay = {True: math.log(1 - FSM_LEAVE), False: math.log(1 - fsm_join)}
    upn_la = school.la_code if _valid(school.la_code) else "801"
    upn_body = f"{upn_la}{school.estab:04d}"
    upn_sum = _weighted(upn_body, 2)
    # What a row says about registration: (on register, gifted, talented, top 5%).
    flag_sets = {}
    for on, gifted, talented, top in (
        (False, False, False, False),
        *((True, g, t, top) for g, t in ((True, False), (False, True), (True, True))
          for top in (False, True)),
    ):  # fmt: skip
        values = tuple(true if v else false for v in (on, gifted, talented, top))
        flag_sets[on, gifted, talented, top] = "\t".join(values) if text else values
    off_register = flag_sets[False, False, False, False]
    missing_below = round(MISSING_SCORE * 256)
    packet = 24 * span  # a year's bits: 16 pick the score's noise, 8 whether it is missing
    head: tuple | str
    tail: tuple | str
    out: list = []
    append = out.append
    log = math.log
    for cohort in range(first - span + 1, last + 1):
        rng = random.Random(f"risingtide-synthetic:{seed}:{school.index}:{cohort}")  # noqa: S311
        rand, bits = rng.random, rng.getrandbits
        # The offsets (NC year - low) written: those of the years first..last.
        written = range(max(first - cohort, 0), min(last - cohort, span - 1) + 1)
        for position in range(sizes[low]):
            u = rand()
            gender = "F" if u < GIRLS else ("U" if u > 1 - NOT_KNOWN else "M")
            which = bisect_right(cumulative, rand())
            group = groups[which]
            eal = rand() < eal_rates[which]
            u = rand()
            k_rate, e_rate = SEN_RATES[gender]
            sen = "K" if u < k_rate else ("E" if u < k_rate + e_rate else "N")
            fsm = rand() < fsm_rate
            looked_after = rand() < LOOKED_AFTER[fsm]
            # The year the pupil was last eligible for FSM before arriving (-99: never).
            before = cohort - 1 - int(rand() * 5) if rand() < ever_6_before else -99
            switches, now, offset = [], fsm, 0
            while True:
                offset += 1 + int(log(1.0 - rand()) / stay[now])
                if offset >= span:
                    break
                switches.append(offset)
                now = not now
            latent = CENTRE + NORMAL[bits(16)] + SEN_GAP[sen] + (FSM_GAP if fsm else 0.0)
            if looked_after:
                latent -= 0.5
            # How readily the school identifies this pupil: they are on the register in a
            # year when their odds (in logits) beat this.
            chance = min(max(rand(), 1e-9), 1 - 1e-9)
            kind = rand()
            noise = bits(packet)
            if position >= sizes[low + written.start] if written else True:
                continue  # gone before the first year written (or arrives after the last)
            threshold = log(chance / (1 - chance))
            gifted, talented = (True, False) if kind < 0.62 else (
                (False, True) if kind < 0.92 else (True, True))  # fmt: skip
            prior = _score(latent)
            band = _band(prior)
            if switches:
                fsm_at, ever_at = _fsm_history(fsm, switches, before, cohort, span)
            issued = (cohort + 20 * (position // 1000)) % 100
            letter = CHECK_LETTERS[
                (upn_sum + YEAR_SUMS[issued] + SERIAL_SUMS[position % 1000]) % 23
            ]
            upn = f"{letter}{upn_body}{issued:02d}{position % 1000:03d}"
            if text:
                head = f"{school.pk}\t{upn}\t{gender}\t{true if eal else false}\t"
                tail = f"\t{group}\t{true if looked_after else false}\t"
                prior_cell, band_cell = f"{prior}\t", f"\t{band}"
            else:
                head = (school.pk, upn, gender, eal)
                tail = (group, looked_after)
            for offset in written:
                nc = low + offset
                if position >= sizes[nc]:
                    break  # left: the year group above is smaller
                year = cohort + offset
                if switches:
                    fsm, ever_6 = fsm_at[offset], ever_at[offset]
                else:
                    ever_6 = fsm or year - before < 6
                # Scores: none in Reception, attainment only in Year 1, both after.
                year_bits = noise >> (24 * offset)
                if nc == 0 or (year_bits >> 16) & 255 < missing_below:
                    attainment = None
                    ability = latent
                else:
                    ability = PRIOR_WEIGHT * latent + FRESH_WEIGHT * NORMAL[year_bits & 65535]
                    attainment = int(1000.5 + 150 * ability)
                    attainment = 400 if attainment < 400 else min(attainment, 1600)
                if ID_BASE + ID_SLOPE * ability + (ID_FSM if fsm else 0.0) > threshold:
                    top = secondary and attainment is not None and ability >= TOP_5_FROM
                    flags = flag_sets[True, gifted, talented, top]
                else:
                    flags = off_register
                sen_now = sen if year >= 2014 else PRE_2014_SEN[sen]
                if text:
                    if attainment is None:
                        scores = "\\N\t\\N\t\\N"
                    elif nc == 1:
                        scores = f"\\N\t{attainment}\t\\N"
                    else:
                        scores = f"{prior_cell}{attainment}{band_cell}"
                    append(
                        f"{head}{sen_now}{tail}{year}\t{NC_YEARS[nc]}\t"
                        f"{true if fsm else false}\t{true if ever_6 else false}\t{flags}\t"
                        f"{scores}\n"
                    )
                else:
                    both = attainment is not None and nc > 1
                    append(
                        (*head, sen_now, *tail, year, NC_YEARS[nc], fsm, ever_6, *flags,
                         prior if both else null, attainment, band if both else null)
                    )  # fmt: skip
    return out


def _valid(code: str) -> bool:
    return any(low <= int(code) <= high for low, high in LA_CODE_RANGES)
