"""Funding rounds as domain functions: the formula from the register, all-or-nothing posting."""

import pytest
from django.core.exceptions import ValidationError

from risingtide.credits import rounds, services
from risingtide.credits.models import Transaction
from risingtide.credits.tests.conftest import in_days

pytestmark = pytest.mark.django_db


def test_formula_counts_identified_and_weights_disadvantaged(funded):
    world = funded
    la = world.las["own"]
    preview = rounds.by_formula(la, 100, 150)
    by_school = {line.recipient: line for line in preview.lines}
    own = by_school[world.schools["own"]]
    assert (own.identified, own.disadvantaged) == (2, 1)
    assert own.amount == 250  # 100 × (1 + 1 × 1.5)
    assert by_school[world.schools["peer"]].amount == 0
    assert preview.pot == 2_000 and preview.total == 250 and preview.short == 0


def test_formula_for_the_nation_sums_each_la(funded):
    preview = rounds.by_formula(funded.nation, 10, 200)
    amounts = {line.recipient: line.amount for line in preview.lines}
    assert amounts[funded.las["own"]] == 30 and amounts[funded.las["other"]] == 0


def test_formula_refuses_bad_numbers(funded):
    with pytest.raises(ValidationError) as exc:
        rounds.by_formula(funded.las["own"], "2.5", 150)
    assert "per_pupil" in exc.value.message_dict
    with pytest.raises(ValidationError) as exc:
        rounds.by_formula(funded.las["own"], 10, 50)
    assert "weight" in exc.value.message_dict


def test_a_round_posts_whole_and_once(funded):
    world = funded
    lead, la = world.user("la_lead@own"), world.las["own"]
    amounts = {world.schools["own"].pk: 300, world.schools["peer"].pk: 200}
    done = rounds.post(lead, rounds.by_hand(la, amounts), in_days(100), "Autumn", "k1")
    assert len(done) == 2
    again = rounds.post(lead, rounds.by_hand(la, amounts), in_days(100), "Autumn", "k1")
    assert [t.pk for t in again] == [t.pk for t in done]
    assert services.account_of(la).balance == 1_500


def test_a_round_too_big_posts_nothing_and_says_by_how_much(funded):
    world = funded
    lead, la = world.user("la_lead@own"), world.las["own"]
    amounts = {world.schools["own"].pk: 1_500, world.schools["peer"].pk: 700}
    before = Transaction.objects.count()
    with pytest.raises(ValidationError) as exc:
        rounds.post(lead, rounds.by_hand(la, amounts), in_days(100), "", "k2")
    assert "200 short" in exc.value.messages[0]
    assert Transaction.objects.count() == before
    assert services.account_of(world.schools["own"]).balance == 0
