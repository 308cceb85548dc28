"""Pupil groups are named once: insights counts by the register's groups, under the same keys
and headings as the register's equity check."""

from risingtide.insights.groups import DIMENSIONS
from risingtide.register.equity import DIMENSIONS as EQUITY_DIMENSIONS
from risingtide.register.pupil_groups import HEADINGS


def test_insights_counts_by_the_registers_pupil_groups():
    assert {d.key: d.label for d in DIMENSIONS} == HEADINGS


def test_the_equity_check_uses_the_same_keys_and_headings():
    for key, heading, _column, _grouping in EQUITY_DIMENSIONS:
        assert HEADINGS[key] == heading
    assert {key for key, *_ in EQUITY_DIMENSIONS} == set(HEADINGS) - {"all", "nc_year"}
