"""Identification support: the screening list, the equity check and its chart.

Every test builds its own pupil records, results and evidence with the ORM, in two schools of
their own, so that the figures can be checked by hand.
"""

import itertools
import re
from datetime import date

import pytest
from django.template.loader import render_to_string
from django.urls import reverse

from risingtide.register import pictures
from risingtide.register.equity import equity_chart, equity_check
from risingtide.register.models import (
    Attainment,
    Criteria,
    Evidence,
    FsmPeriod,
    Pupil,
    RegisterEntry,
)
from risingtide.register.screening import screening_list
from risingtide.register.upn import make_upn
from risingtide.schools.models import LocalAuthority, Nation, School

YEAR = 2026
DAY = date(2027, 1, 15)
_serials = itertools.count(1)


@pytest.fixture
def schools(db):
    nation = Nation.objects.create(name="Testland")
    la = LocalAuthority.objects.create(nation=nation, code="801", name="Test LA")
    return [
        School.objects.create(
            local_authority=la,
            name=name,
            establishment_number=f"400{n}",
            urn=f"90000{n}",
            phase=School.Phase.SECONDARY,
        )
        for n, name in enumerate(["Tide School", "Other School"], start=1)
    ]


@pytest.fixture
def school(schools):
    return schools[0]


def criteria(school, **values) -> Criteria:
    return Criteria(school=school, **values)


def make_pupil(school, surname=None, forename="Pat", **fields) -> Pupil:
    n = next(_serials)
    values = {
        "school": school,
        "upn": make_upn(801, 4001, 10 + n // 1000, n % 1000),
        "legal_surname": surname or f"P{n:04d}",
        "legal_forename": forename,
        "date_of_birth": date(2014, 1, 1),
        "gender": "F",
        "ethnic_group": "White",
        **fields,
    }
    return Pupil.objects.create(**values)


def pupils(school, count, **fields) -> list[Pupil]:
    return [make_pupil(school, **fields) for _ in range(count)]


def result(pupil, score, *, stage="KS2", subject="MAT", method="TT", year=2023, component=""):
    return Attainment.objects.create(
        pupil=pupil,
        stage=stage,
        subject=subject,
        component=component,
        method=method,
        result=str(score),
        score=score,
        year=year,
    )


def evidence(pupil, score, *, measure="CAT verbal", kind="test_score", year=YEAR):
    return Evidence.objects.create(
        pupil=pupil, academic_year=year, kind=kind, summary="x", measure=measure, score=score
    )


def entry(pupil, status, *, year=YEAR, current=True):
    return RegisterEntry.objects.create(
        pupil=pupil, school=pupil.school, academic_year=year, status=status, current=current
    )


def listed(school, **values):
    return screening_list(school, criteria(school, **values), year=YEAR)


def names(screened) -> list[str]:
    return [s.pupil.legal_surname for s in screened]


# --- the screening list ---------------------------------------------------------------------


def test_the_top_ten_percent_of_thirty_is_the_top_three(school):
    ranked = pupils(school, 30)
    for score, pupil in enumerate(ranked, start=1):
        result(pupil, score)
    screened = listed(school)
    assert names(screened) == [p.legal_surname for p in ranked[-3:]]
    reasons = {s.pupil.pk: [r.text for r in s.reasons] for s in screened}
    assert reasons[ranked[-1].pk] == ["KS2 MAT TT 2023: 30, top 4% (1st of 30)"]
    assert reasons[ranked[-3].pk] == ["KS2 MAT TT 2023: 28, top 10% (3rd of 30)"]
    top = screened[-1].reasons[0]
    assert (top.kind, top.rank, top.cohort, top.score) == ("attainment", 1, 30, 30)


def test_ties_at_the_boundary_go_the_pupils_way(school):
    # 30, 29, then three on 28: fewer than 10% (3 of 30) scored higher than each 28.
    ranked = pupils(school, 30)
    scores = [*range(1, 26), 28, 28, 28, 29, 30]
    for pupil, score in zip(ranked, scores, strict=True):
        result(pupil, score)
    screened = listed(school)
    assert names(screened) == [p.legal_surname for p in ranked[-5:]]
    tied = next(s for s in screened if s.pupil == ranked[-3])
    assert tied.reasons[0].text == "KS2 MAT TT 2023: 28, top 10% (=3rd of 30)"


def test_four_tied_at_the_top_are_all_in_and_the_next_is_not(school):
    ranked = pupils(school, 30)
    for pupil, score in zip(ranked, [*range(1, 27), 40, 40, 40, 40], strict=True):
        result(pupil, score)
    assert names(listed(school)) == [p.legal_surname for p in ranked[-4:]]


def test_a_measure_two_pupils_have_flags_nobody(school):
    a, b, c = pupils(school, 3)
    result(a, 90, subject="ENG")
    result(b, 10, subject="ENG")
    assert listed(school) == []
    # A third pupil with the measure: the top one is in (nobody scored higher).
    result(c, 50, subject="ENG")
    assert names(listed(school)) == [a.legal_surname]


def test_identified_pupils_are_ranked_but_not_listed(school):
    ranked = pupils(school, 30)
    for score, pupil in enumerate(ranked, start=1):
        result(pupil, score)
    entry(ranked[-1], RegisterEntry.Status.IDENTIFIED)
    # Identified last year, or identified then removed this year: listed.
    entry(ranked[-2], RegisterEntry.Status.IDENTIFIED, year=YEAR - 1)
    entry(ranked[-3], RegisterEntry.Status.IDENTIFIED, current=False)
    entry(ranked[-3], RegisterEntry.Status.REMOVED)
    # The identified pupil still counts: the fourth is not pulled into the top 10%.
    assert names(listed(school)) == [p.legal_surname for p in ranked[-3:-1]]


def test_nominated_pupils_are_listed_as_nominated(school):
    ranked = pupils(school, 30)
    for score, pupil in enumerate(ranked, start=1):
        result(pupil, score)
    entry(ranked[-1], RegisterEntry.Status.NOMINATED)
    entry(ranked[-2], RegisterEntry.Status.NOMINATED, year=YEAR - 1)
    entry(ranked[-3], RegisterEntry.Status.NOT_IDENTIFIED)
    nominated = {s.pupil.pk: s.nominated for s in listed(school)}
    assert nominated == {ranked[-1].pk: True, ranked[-2].pk: False, ranked[-3].pk: False}


def test_other_schools_pupils_are_never_counted_or_listed(schools):
    school, other = schools
    ranked = pupils(school, 30)
    for score, pupil in enumerate(ranked, start=1):
        result(pupil, score)
        evidence(pupil, score)
    # Thirty higher scores on the same measures elsewhere change nothing here.
    for pupil in pupils(other, 30):
        result(pupil, 100)
        evidence(pupil, 100)
    screened = listed(school)
    assert names(screened) == [p.legal_surname for p in ranked[-3:]]
    assert {r.cohort for s in screened for r in s.reasons} == {30}
    assert all(s.pupil.school_id == other.pk for s in listed(other)) and len(listed(other)) == 30


def test_pupils_off_roll_are_neither_ranked_nor_listed(school):
    a, b = pupils(school, 2)
    gone = make_pupil(school, on_roll=False, left_on=date(2026, 7, 20))
    for pupil, score in ((a, 50), (b, 40), (gone, 99)):
        result(pupil, score)
    # Two pupils on roll have the measure: too few to rank, and the leaver is not listed.
    assert listed(school) == []
    evidence(gone, 1.5, kind="progress", measure="")
    assert listed(school) == []


def test_evidence_measures_are_ranked_by_measure_and_year(school):
    ranked = pupils(school, 10)
    for score, pupil in enumerate(ranked, start=1):
        evidence(pupil, 100 + score)  # CAT verbal 2026/27
        evidence(pupil, 200 - score, year=YEAR - 1)  # last year's order was the reverse
    screened = listed(school)
    texts = {s.pupil.pk: [r.text for r in s.reasons] for s in screened}
    assert texts == {
        ranked[-1].pk: ["CAT verbal 2026/27: 110, top 10% (1st of 10)"],
        ranked[0].pk: ["CAT verbal 2025/26: 199, top 10% (1st of 10)"],
    }


def test_a_pupils_newest_evidence_of_a_measure_counts(school):
    ranked = pupils(school, 10)
    for score, pupil in enumerate(ranked, start=1):
        evidence(pupil, score)
    evidence(ranked[-1], 1)  # the top pupil's score, entered again: now the lowest
    assert names(listed(school)) == [ranked[-2].legal_surname]


def test_evidence_without_a_measure_or_of_an_unranked_kind_is_not_a_measure(school):
    ranked = pupils(school, 10)
    for score, pupil in enumerate(ranked, start=1):
        evidence(pupil, score, measure="")
        evidence(pupil, score, measure="Debate", kind="teacher_nomination")
    assert listed(school) == []
    for score, pupil in enumerate(ranked, start=1):
        evidence(pupil, score, measure="Reading age", kind="teacher_assessment")
    assert names(listed(school)) == [ranked[-1].legal_surname]


def test_exceptional_progress_at_or_above_the_threshold(school):
    a, b, c, d = pupils(school, 4)
    evidence(a, 1.4, kind="progress", measure="")
    evidence(b, 1.0, kind="progress", measure="KS2-KS3 maths")
    evidence(c, 0.9, kind="progress", measure="")
    evidence(d, None, kind="progress", measure="")
    texts = {s.pupil.pk: [r.text for r in s.reasons] for s in listed(school)}
    assert texts == {
        a.pk: ["Progress 2026/27: +1.4"],
        b.pk: ["Progress (KS2-KS3 maths) 2026/27: +1"],
    }
    assert names(listed(school, progress_threshold=1.2)) == [a.legal_surname]


def test_the_top_percent_is_the_schools_setting(school):
    ranked = pupils(school, 30)
    for score, pupil in enumerate(ranked, start=1):
        result(pupil, score)
    assert len(listed(school, top_percent=20)) == 6
    assert len(listed(school, top_percent=1)) == 1


def test_a_pupil_lists_every_reason_once(school):
    ranked = pupils(school, 10)
    for score, pupil in enumerate(ranked, start=1):
        result(pupil, score)
        result(pupil, score, subject="ENG", method="TA")
        evidence(pupil, score)
    evidence(ranked[-1], 2.0, kind="progress", measure="")
    [screened] = listed(school)
    assert [r.text for r in screened.reasons] == [
        "KS2 ENG TA 2023: 10, top 10% (1st of 10)",
        "KS2 MAT TT 2023: 10, top 10% (1st of 10)",
        "CAT verbal 2026/27: 10, top 10% (1st of 10)",
        "Progress 2026/27: +2",
    ]


def test_sorted_by_surname_then_forename_as_the_school_uses_them(school):
    people = [
        make_pupil(school, "Zephyr", "Amy", preferred_surname="Adams"),
        make_pupil(school, "brown", "Cai"),
        make_pupil(school, "Brown", "Ali"),
    ]
    for pupil in people:
        evidence(pupil, 1.5, kind="progress", measure="")
    assert [(s.pupil.surname, s.pupil.forename) for s in listed(school)] == [
        ("Adams", "Amy"),
        ("Brown", "Ali"),
        ("brown", "Cai"),
    ]


def _fill(school, count):
    ranked = pupils(school, count)
    for score, pupil in enumerate(ranked, start=1):
        result(pupil, score)
        result(pupil, count - score, subject="ENG")
        evidence(pupil, score)
        evidence(pupil, score / count * 2, kind="progress", measure="")
        if score % 4 == 0:
            entry(pupil, RegisterEntry.Status.IDENTIFIED)
        elif score % 5 == 0:
            entry(pupil, RegisterEntry.Status.NOMINATED)
        if score % 3 == 0:
            FsmPeriod.objects.create(pupil=pupil, start=date(2020, 9, 1))
    return ranked


@pytest.mark.parametrize("count", [12, 90])
def test_the_screening_list_takes_four_queries_whatever_the_size(
    school, count, django_assert_num_queries
):
    _fill(school, count)
    rule = criteria(school)
    with django_assert_num_queries(4):
        screened = screening_list(school, rule, year=YEAR)
        for s in screened:  # what the page reads
            assert s.pupil.surname and s.pupil.nc_year is not None and s.reasons
    assert screened


def test_nobody_to_list_takes_three_queries(school, django_assert_num_queries):
    pupils(school, 3)
    with django_assert_num_queries(3):
        assert screening_list(school, criteria(school), year=YEAR) == []


# --- the equity check -----------------------------------------------------------------------


def group(equity, dimension, key):
    found = {d.key: {g.key: g for g in d.groups} for d in equity.dimensions}
    return found[dimension].get(key)


def check(school, **values):
    return equity_check(school, criteria(school, **values), year=YEAR, day=DAY)


def test_equity_figures_checked_by_hand(school):
    # 20 pupils: 5 on FSM (none identified), 15 not (3 identified); 10 girls (the 3
    # identified), 10 boys; 3 looked after, none identified.
    fsm = pupils(school, 5, gender="M")
    rest = pupils(school, 5, gender="M") + pupils(school, 10, gender="F")
    for pupil in fsm:
        FsmPeriod.objects.create(pupil=pupil, start=date(2025, 9, 1))
    for pupil in rest[-3:]:
        entry(pupil, RegisterEntry.Status.IDENTIFIED)
    for pupil in rest[:3]:
        Pupil.objects.filter(pk=pupil.pk).update(looked_after=True)
    equity = check(school)
    assert (equity.cohort, equity.identified, equity.rate) == (20, 3, 0.15)

    on_fsm = group(equity, "fsm", "yes")
    assert (on_fsm.cohort, on_fsm.identified, on_fsm.rate) == (5, 0, 0)
    assert (on_fsm.rest_cohort, on_fsm.rest_identified, on_fsm.rest_rate) == (15, 3, 0.2)
    assert on_fsm.ratio == 0 and on_fsm.flagged and not on_fsm.too_small
    not_fsm = group(equity, "fsm", "no")
    assert (not_fsm.cohort, not_fsm.rate, not_fsm.rest_rate) == (15, 0.2, 0)
    assert not_fsm.ratio is None and not not_fsm.flagged  # the rest has nobody identified

    boys, girls = group(equity, "gender", "M"), group(equity, "gender", "F")
    assert (boys.cohort, boys.identified, boys.rest_rate, boys.flagged) == (10, 0, 0.3, True)
    assert (girls.cohort, girls.identified, girls.rate, girls.flagged) == (10, 3, 0.3, False)

    looked_after = group(equity, "looked_after", "yes")
    assert (looked_after.cohort, looked_after.identified) == (3, 0)
    assert looked_after.ratio == 0 and looked_after.too_small and not looked_after.flagged

    white = group(equity, "ethnic_group", "White")
    assert (white.cohort, white.rest_cohort, white.rest_rate, white.ratio) == (20, 0, None, None)
    assert [g.label for g in equity.flagged] == ["Eligible for FSM", "Ever-6", "Male"]


def test_ever_6_reaches_back_six_years_and_fsm_now_only_today(school):
    now, three_years, seven_years, later = pupils(school, 4)
    FsmPeriod.objects.create(pupil=now, start=date(2024, 9, 1))
    FsmPeriod.objects.create(pupil=three_years, start=date(2022, 9, 1), end=date(2024, 1, 10))
    FsmPeriod.objects.create(pupil=seven_years, start=date(2018, 9, 1), end=date(2020, 1, 10))
    FsmPeriod.objects.create(pupil=later, start=date(2027, 3, 1))
    equity = check(school)
    assert group(equity, "fsm", "yes").cohort == 1
    assert group(equity, "fsm", "no").cohort == 3
    assert group(equity, "ever_6", "yes").cohort == 2
    assert group(equity, "ever_6", "no").cohort == 2
    # Six years and a day after the period that ended on 10 January 2024, it no longer counts.
    late = equity_check(school, criteria(school), year=YEAR, day=date(2030, 1, 11))
    assert group(late, "ever_6", "yes").cohort == 2  # "now" and "later", both still eligible
    last = equity_check(school, criteria(school), year=YEAR, day=date(2030, 1, 10))
    assert group(last, "ever_6", "yes").cohort == 3


def test_the_fraction_and_the_smallest_group_are_the_schools_settings(school):
    # EAL: 10 pupils, 2 identified (20%); the rest: 20 pupils, 5 identified (25%): 0.8 exactly.
    eal = pupils(school, 10, eal=True)
    rest = pupils(school, 20)
    for pupil in eal[:2] + rest[:5]:
        entry(pupil, RegisterEntry.Status.IDENTIFIED)
    at = group(check(school), "eal", "yes")
    assert at.ratio == pytest.approx(0.8) and not at.flagged  # exactly 0.8 is not below it
    assert group(check(school, equity_fraction=0.9), "eal", "yes").flagged
    smaller = group(check(school, equity_fraction=0.9, min_group_size=11), "eal", "yes")
    assert smaller.too_small and not smaller.flagged


def test_older_sen_codes_count_with_their_modern_meaning_and_blank_ethnicity_is_unclassified(
    school,
):
    for sen in ["", "K", "A", "P", "E", "S"]:
        make_pupil(school, sen=sen, ethnic_group="")
    equity = check(school)
    sen = {g.key: (g.label, g.cohort) for g in equity.dimensions[4].groups}
    assert sen == {
        "none": ("No SEN provision", 1),
        "support": ("SEN support (K; older A, P)", 3),
        "plan": ("EHC plan or statement (E; older S)", 2),
    }
    assert [(g.label, g.cohort) for g in equity.dimensions[5].groups] == [("Unclassified", 6)]
    make_pupil(school, ethnic_group="white ")
    make_pupil(school, ethnic_group="White")
    assert [(g.label, g.cohort) for g in check(school).dimensions[5].groups] == [
        ("White", 2),
        ("Unclassified", 6),
    ]


def test_only_pupils_on_roll_at_the_school_are_the_cohort(schools):
    school, other = schools
    pupils(school, 4)
    make_pupil(school, on_roll=False)
    for pupil in pupils(other, 6):
        entry(pupil, RegisterEntry.Status.IDENTIFIED)
    equity = check(school)
    assert (equity.cohort, equity.identified) == (4, 0)


@pytest.mark.parametrize("count", [12, 90])
def test_the_equity_check_takes_one_query_whatever_the_size(
    school, count, django_assert_num_queries
):
    _fill(school, count)
    rule = criteria(school)
    with django_assert_num_queries(1):
        equity = equity_check(school, rule, year=YEAR, day=DAY)
    assert equity.cohort == count


def test_an_empty_school_has_nothing_to_check(school):
    equity = check(school)
    assert (equity.cohort, equity.rate, equity.dimensions[0].groups) == (0, None, [])
    assert 'role="img"' in str(equity_chart(equity))


# --- the chart and the partials -------------------------------------------------------------


def flagged_world(school, ethnic_group="White"):
    """12 Black pupils with 4 identified, 12 of ``ethnic_group`` with none: that group is
    flagged (0% against 33.3%)."""
    for pupil in pupils(school, 12, ethnic_group="Black")[:4]:
        entry(pupil, RegisterEntry.Status.IDENTIFIED)
    pupils(school, 12, ethnic_group=ethnic_group)
    return check(school)


def test_the_chart_is_an_image_with_a_title_and_description(school):
    svg = str(equity_chart(flagged_world(school)))
    assert svg.startswith("<svg") and 'role="img"' in svg
    labelled = re.search(r'aria-labelledby="([^"]+)"', svg).group(1).split()
    assert labelled == ["equity-title", "equity-desc"]
    assert (
        '<title id="equity-title">Identification rate by group, Tide School, 2026/27</title>' in svg
    )
    desc = re.search(r'<desc id="equity-desc">(.*?)</desc>', svg).group(1)
    assert "Below 0.8 of the rest: White: 0.0% against 33.3%" in desc
    assert 'id="other-title"' in str(equity_chart(check(school), prefix="other"))


def test_the_chart_needs_no_style_or_script(school):
    svg = str(equity_chart(flagged_world(school)))
    assert "style=" not in svg and "<script" not in svg and "<style" not in svg


def test_flagged_groups_are_marked_in_words_and_by_a_pattern_not_only_colour(school):
    equity = flagged_world(school)
    svg = str(equity_chart(equity))
    assert [g.label for g in equity.flagged] == ["White"]
    # The legend's swatch and the flagged group's bar are hatched; no other bar is.
    assert svg.count('fill="url(#equity-hatch)"') == 2
    row = svg[svg.index(">White</text>") :]
    row = row[: row.index("</text>", row.index("<text", 10)) + 7]
    assert "⚠ Below 0.8 of the rest" in row
    assert "too small to judge" not in str(equity_chart(check(school, min_group_size=1)))


def test_groups_too_small_to_judge_say_so(school):
    pupils(school, 10)
    make_pupil(school, looked_after=True)
    svg = str(equity_chart(check(school)))
    assert "too small to judge" in svg


def test_the_chart_escapes_a_hostile_group_label(school):
    hostile = "<script>x</script>"
    equity = flagged_world(school, ethnic_group=hostile)
    svg = str(equity_chart(equity))
    assert hostile not in svg and "&lt;script&gt;x&lt;/script&gt;" in svg
    html = render_to_string("register/_equity.html", {"equity": equity})
    assert hostile not in html and "&lt;script&gt;x&lt;/script&gt;" in html
    school.name = '"><b>Tide</b>'
    svg = str(equity_chart(equity))
    assert "<b>" not in svg and "&quot;&gt;&lt;b&gt;Tide&lt;/b&gt;" in svg


def _contrast(colour: str) -> float:
    def channel(c):
        c = int(c, 16) / 255
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (channel(colour[i : i + 2]) for i in (1, 3, 5))
    return 1.05 / (0.2126 * r + 0.7152 * g + 0.0722 * b + 0.05)


@pytest.mark.parametrize("name", ["INK", "MUTED", "BRAND", "ERROR"])
def test_the_charts_colours_meet_aa_contrast_on_white(name):
    assert _contrast(getattr(pictures, name)) >= 4.5


def test_the_equity_partial_is_a_table_with_the_chart_above_it(school):
    equity = flagged_world(school)
    html = render_to_string("register/_equity.html", {"equity": equity})
    assert html.index("<svg") < html.index("<table")
    assert "<caption>Identification by group, 2026/27" in html
    assert '<th scope="col" class="num">Pupils</th>' in html
    assert '<th scope="row">White</th>' in html and 'scope="rowgroup"' in html
    assert html.count("Below 0.8 of the rest</span>") == 1
    assert '<td class="num">33.3%</td>' in html
    # A chart the view made is used as it is.
    html = render_to_string("register/_equity.html", {"equity": equity, "chart": "CHART"})
    assert "CHART" in html and "<svg" not in html


def test_the_screening_partial_links_each_pupil_and_says_who_is_nominated(school):
    a, b = pupils(school, 2)
    evidence(a, 1.5, kind="progress", measure="")
    evidence(b, 1.5, kind="progress", measure="")
    entry(b, RegisterEntry.Status.NOMINATED)
    html = render_to_string("register/_screening.html", {"screened": listed(school)})
    assert "2 pupils meet the criteria but are not identified" in html
    assert f'href="{reverse("register:register_pupil", args=[a.pk])}"' in html
    assert html.count('<span class="tag">Nominated</span>') == 1
    assert "Progress 2026/27: +1.5" in html
    empty = render_to_string("register/_screening.html", {"screened": []})
    assert "No pupil meets the criteria" in empty


def test_a_group_is_not_flagged_when_the_rest_is_too_small_to_judge(school):
    """One looked-after pupil, identified: "Not looked after" (the other 29) has a lower rate
    than the one, but one pupil decides that, so it is not flagged, and the page says why."""
    others = pupils(school, 29)
    (cared_for,) = pupils(school, 1)
    Pupil.objects.filter(pk=cared_for.pk).update(looked_after=True)
    for pupil in [cared_for, *others[:5]]:
        entry(pupil, RegisterEntry.Status.IDENTIFIED)
    not_looked_after = group(check(school), "looked_after", "no")
    assert not_looked_after.ratio < 0.8  # 5/29 against 1/1
    assert not_looked_after.rest_too_small and not not_looked_after.flagged
    assert not group(check(school), "looked_after", "yes").flagged  # the group itself: too small
    assert "so one pupil would decide it" in render_to_string(
        "register/_equity.html", {"equity": check(school)}
    )
