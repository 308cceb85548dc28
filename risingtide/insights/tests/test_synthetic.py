"""The synthetic nation: deterministic, shaped like England, and its summaries add up."""

from collections import Counter, defaultdict
from io import StringIO
from statistics import correlation, fmean, pstdev

import pytest
from django.core.management import call_command
from django.db.models import Sum
from django.test import override_settings

from risingtide.insights import rollup, synthetic
from risingtide.insights.groups import NC_YEARS
from risingtide.insights.models import MEASURES, CensusRecord, MaskYear, Summary
from risingtide.insights.synthetic import population, pupils
from risingtide.register.upn import parse_upn
from risingtide.schools.models import LocalAuthority, Nation, School

pytestmark = pytest.mark.django_db

SMALL = {"las": 3, "schools": 12, "pupils": 3000, "years": 3, "last_year": 2025}
FIELDS = [f.attname for f in CensusRecord._meta.concrete_fields if f.attname != "id"]


def census() -> list[tuple]:
    """Every census record as comparable values (the school by URN, not by id)."""
    urns = dict(School.objects.values_list("pk", "urn"))
    rows = CensusRecord.objects.values_list(*FIELDS)
    at = FIELDS.index("school_id")
    return sorted((*row[:at], urns[row[at]], *row[at + 1 :]) for row in rows)


@pytest.fixture
def nation():
    counts = synthetic.generate_nation(**SMALL, seed=1)
    return counts


def test_the_counts_are_what_was_asked_for(nation):
    assert nation["las"] == 3 and nation["schools"] == 12
    assert nation["pupils_per_year"] == 3000
    assert nation["census_records"] == 9000 == CensusRecord.objects.count()
    assert (nation["first_year"], nation["last_year"]) == (2023, 2025)
    per_year = Counter(CensusRecord.objects.values_list("year", flat=True))
    assert per_year == {2023: 3000, 2024: 3000, 2025: 3000}
    assert Nation.objects.get(name=synthetic.NATION_NAME)
    assert LocalAuthority.objects.filter(name__startswith="Synthetic LA").count() == 3
    phases = Counter(School.objects.values_list("phase", flat=True))
    assert phases == {"primary": 10, "secondary": 2}
    assert not CensusRecord.objects.filter(pupil__isnull=False).exists()


def test_the_same_seed_gives_the_same_nation_and_another_seed_another(nation):
    first = census()
    again = synthetic.generate_nation(**SMALL, seed=1)
    assert again["las_created"] == again["schools_created"] == 0  # reused
    assert census() == first
    synthetic.generate_nation(**SMALL, seed=2)
    other = census()
    assert len(other) == len(first) and other != first


def test_years_generated_later_match_those_generated_together(nation):
    together = census()
    CensusRecord.objects.all().delete()
    synthetic.generate_nation(**{**SMALL, "years": 1}, seed=1)
    assert census() == [row for row in together if row[FIELDS.index("year")] == 2025]
    synthetic.generate_nation(**{**SMALL, "years": 2, "last_year": 2024}, seed=1)
    assert census() == together


def test_the_shares_are_roughly_englands(nation):
    rows = list(CensusRecord.objects.filter(year=2025).values())
    n = len(rows)

    def share(test) -> float:
        return sum(1 for r in rows if test(r)) / n

    assert share(lambda r: r["fsm"]) == pytest.approx(0.22, abs=0.04)
    assert share(lambda r: r["ever_6"]) == pytest.approx(0.29, abs=0.05)
    assert all(r["ever_6"] for r in rows if r["fsm"])
    assert share(lambda r: r["gender"] == "F") == pytest.approx(0.49, abs=0.03)
    assert share(lambda r: r["eal"]) == pytest.approx(0.20, abs=0.05)
    assert share(lambda r: r["sen"] == "K") == pytest.approx(0.12, abs=0.03)
    assert share(lambda r: r["sen"] == "E") == pytest.approx(0.03, abs=0.015)
    assert share(lambda r: r["looked_after"]) < 0.02
    groups = Counter(r["ethnic_group"] for r in rows)
    for group, expected, within in (
        ("White", 0.725, 0.06),
        ("Asian", 0.12, 0.04),
        ("Black", 0.06, 0.03),
        ("Mixed", 0.06, 0.03),
        ("Any other", 0.02, 0.015),
        ("Unclassified", 0.01, 0.01),
    ):
        assert groups[group] / n == pytest.approx(expected, abs=within), group
    assert set(groups) <= {"White", "Mixed", "Asian", "Black", "Chinese", "Any other"} | {
        "Unclassified"
    }
    assert {r["nc_year"] for r in rows} <= set(NC_YEARS)


def test_scores_are_standardised_and_attainment_follows_the_starting_point(nation):
    rows = list(CensusRecord.objects.filter(attainment_x10__isnull=False).values())
    attainment = [r["attainment_x10"] / 10 for r in rows]
    assert fmean(attainment) == pytest.approx(100, abs=2)
    assert pstdev(attainment) == pytest.approx(15, abs=2)
    both = [r for r in rows if r["prior_x10"] is not None]
    assert correlation([r["prior_x10"] for r in both], [r["attainment_x10"] for r in both]) == (
        pytest.approx(0.7, abs=0.08)
    )
    assert all(r["band"] == pupils._band(r["prior_x10"]) for r in both)
    fsm = fmean(r["attainment_x10"] for r in rows if r["fsm"])
    others = fmean(r["attainment_x10"] for r in rows if not r["fsm"])
    assert fsm < others
    # Reception has no scores, Year 1 an attainment only.
    reception = CensusRecord.objects.filter(nc_year="R")
    assert not reception.filter(attainment_x10__isnull=False).exists()
    assert not CensusRecord.objects.filter(nc_year="1", prior_x10__isnull=False).exists()


def test_about_a_tenth_are_on_the_register_and_fsm_pupils_are_under_represented(nation):
    rows = list(CensusRecord.objects.values())
    on = [r for r in rows if r["on_register"]]
    assert len(on) / len(rows) == pytest.approx(0.10, abs=0.03)
    assert sum(r["gifted"] for r in on) / len(on) == pytest.approx(0.70, abs=0.08)
    assert sum(r["talented"] for r in on) / len(on) == pytest.approx(0.38, abs=0.08)
    assert all(r["gifted"] or r["talented"] for r in on)
    assert not any(r["gifted"] or r["talented"] or r["top_5"] for r in rows if r not in on)
    fsm_share_on = sum(r["fsm"] for r in on) / len(on)
    fsm_share_all = sum(r["fsm"] for r in rows) / len(rows)
    assert 0.3 < fsm_share_on / fsm_share_all < 0.75
    # Identified pupils score higher, and the top 5% are secondary pupils with high scores.
    assert fmean(r["attainment_x10"] or 1000 for r in on) > 1150
    top = [r for r in on if r["top_5"]]
    assert top and all(r["nc_year"] in {"7", "8", "9", "10", "11", "12", "13"} for r in top)
    assert min(r["attainment_x10"] for r in top) >= 1150


def test_pupils_move_up_a_year_each_year(nation):
    order = {year: i for i, year in enumerate(NC_YEARS)}
    seen: dict[tuple[int, str], dict[int, dict]] = defaultdict(dict)
    for r in CensusRecord.objects.values():
        seen[r["school_id"], r["upn"]][r["year"]] = r
    stayed = 0
    for years in seen.values():
        for year, r in years.items():
            later = years.get(year + 1)
            if later is None:
                continue
            stayed += 1
            assert order[later["nc_year"]] == order[r["nc_year"]] + 1
            assert (later["gender"], later["ethnic_group"], later["upn"]) == (
                r["gender"],
                r["ethnic_group"],
                r["upn"],
            )
    # Everyone but the leavers (Year 6, Year 11 without a sixth form, Year 13) stays on.
    assert stayed > 0.75 * 6000


def test_upns_are_valid_and_unique_in_each_school_and_year(nation):
    rows = CensusRecord.objects.values_list("school_id", "year", "upn")
    assert len(set(rows)) == len(rows)
    for _, _, upn in rows[:500]:
        assert not parse_upn(upn).temporary


def test_school_sizes_and_phases_are_plausible():
    plan = population._plan(152, 1000, 370_000, 1)
    assert sum(s.pupils for s in plan) == 370_000
    primary = [s.pupils for s in plan if s.phase == "primary"]
    secondary = [s.pupils for s in plan if s.phase == "secondary"]
    assert len(secondary) == 170
    assert min(primary) >= 95 and max(primary) <= 605
    assert min(secondary) >= 595 and max(secondary) <= 2005
    assert len({s.la for s in plan}) == 152


def test_the_rebuilt_summaries_add_up_from_schools_to_las_to_the_nation(nation):
    rollup.rebuild_all()
    key = ("year", "dimension", "subgroup", "on_register")
    rows = list(Summary.objects.values("level", "school_id", "local_authority_id", *MEASURES, *key))
    summed: dict[tuple, Counter] = defaultdict(Counter)
    held: dict[tuple, dict] = {}
    for r in rows:
        at = tuple(r[k] for k in key)
        if r["level"] == "school":
            summed["la", r["local_authority_id"], *at].update({m: r[m] for m in MEASURES})
        elif r["level"] == "la":
            held["la", r["local_authority_id"], *at] = r
            summed["nation", *at].update({m: r[m] for m in MEASURES})
        else:
            held["nation", *at] = r
    assert held and set(held) == set(summed)
    for place, sums in summed.items():
        assert {m: held[place][m] for m in MEASURES} == {m: sums[m] for m in MEASURES}, place
    everyone = Summary.objects.filter(level="nation", year=2025, dimension="all")
    assert everyone.aggregate(n=Sum("pupils"))["n"] == 3000
    on = Summary.objects.filter(level="nation", year=2025, dimension="fsm", on_register=True)
    assert on.aggregate(n=Sum("pupils"))["n"] == (
        CensusRecord.objects.filter(year=2025, on_register=True).count()
    )


def test_the_commands_generate_and_rebuild():
    out = StringIO()
    call_command(
        "generate_nation",
        "--las=2",
        "--schools=4",
        "--pupils=400",
        "--years=2",
        "--last-year=2025",
        "--rebuild",
        stdout=out,
    )
    text = out.getvalue()
    assert "2 LAs, 4 schools" in text and "800 census records" in text
    assert "Rebuilt the summaries" in text
    assert Summary.objects.filter(level="nation", year=2024).exists()

    out = StringIO()
    call_command("rebuild_insights", "--year=2025", stdout=out)
    assert "Rebuilt the summaries (2025)" in out.getvalue()
    nation_2025 = Summary.objects.filter(level="nation", year=2025, dimension="all")
    assert nation_2025.aggregate(n=Sum("pupils"))["n"] == 400

    out = StringIO()
    call_command("rebuild_insights", stdout=out)
    assert "(all years)" in out.getvalue()
    assert Summary.objects.filter(level="nation", year=2024).exists()
    assert set(MaskYear.objects.values_list("year", "threshold")) == {(2024, 6), (2025, 6)}

    # A new threshold: until the masks are worked out again, nothing shows outside a school.
    with override_settings(SUPPRESSION_THRESHOLD=3):
        out = StringIO()
        call_command("rebuild_insights", "--masks-only", stdout=out)
        assert "Worked out the masks (all years)" in out.getvalue()
        assert set(MaskYear.objects.values_list("year", "threshold")) == {(2024, 3), (2025, 3)}
    assert Summary.objects.filter(level="nation", year=2024).exists()


def test_scale_keeps_the_las_and_divides_the_rest():
    assert synthetic.scaled(1 / 20) == {"las": 152, "schools": 1000, "pupils": 370_000}
    assert synthetic.scaled(1.0) == synthetic.ENGLAND
