"""The fast paths of working masks out give the masks the plain path gives, figure for figure:
the suppression search as rewritten for speed (against a digest of the masks the first
version gave), and a full rebuild with its LAs' first pass in worker processes (against the
same rebuild in one process)."""

import hashlib
import random

import pytest

from risingtide.insights import disclosure, masks, rollup, synthetic
from risingtide.insights.models import HiddenFigure

# sha256 of the masks of varied_tables(seed, 40) for seeds 9, 21 and 22, as
# disclosure.suppress gave them before it was made faster (commit 074cda6).
PLAIN_MASKS = "f5a0833a2630567b75515f0d914823bc9a518082d709ccd214e0677edbce9bf8"


def varied_tables(seed: int, count: int) -> list[tuple]:
    """(cohorts, registers, primary, threshold) shaped like insights tables: a quarter are an
    LA's ~100 schools by a dimension with rare groups (where the cycle search has to repair),
    the rest small; phases' missing year groups as rows of structural zeros, registers with
    many zeros, and now and then figures another table hides."""
    rng = random.Random(seed)
    out = []
    for n in range(count):
        if n % 4 == 0:
            r, c = rng.randint(60, 120), rng.choice([2, 3, 7])
            shares = [rng.random() ** (3 * j) for j in range(c)]
        else:
            r, c = rng.randint(1, 25), rng.choice([1, 2, 3, 4, 7, 14])
            shares = [1.0] * c
        cohorts, registers = [], []
        for _ in range(r):
            size = rng.choice([4, 12, 40, 150, 400])
            phase = rng.random()
            if phase < 0.2:
                empty = set(range(c // 2))
            elif phase < 0.4 and c > 2:
                empty = set(range(c // 2, c))
            else:
                empty = set()
            row = [0 if j in empty else rng.randint(0, round(size * shares[j])) for j in range(c)]
            cohorts.append(row)
            registers.append([rng.randint(0, k // 8) if k else 0 for k in row])
        primary = None
        if rng.random() < 0.5:
            primary = [[rng.random() < 0.04 for _ in range(c + 1)] for _ in range(r + 1)]
        out.append((cohorts, registers, primary, rng.choice([2, 3, 6])))
    return out


def test_the_suppression_search_gives_the_masks_it_always_gave(monkeypatch):
    repairs = []
    repair = disclosure._Protector._repair
    monkeypatch.setattr(
        disclosure._Protector, "_repair", lambda self, *a: repairs.append(a) or repair(self, *a)
    )
    digest = hashlib.sha256()
    for seed in (9, 21, 22):
        for cohorts, registers, primary, threshold in varied_tables(seed, 40):
            m = disclosure.suppress([cohorts, registers], threshold, primary=primary)
            digest.update(repr((m.cells, m.row_totals, m.col_totals, m.grand_total)).encode())
    assert len(repairs) >= 5  # the cycle search ran, not only the line balancing
    assert digest.hexdigest() == PLAIN_MASKS


def _stored() -> list[tuple]:
    return sorted(
        HiddenFigure.objects.values_list(
            "year", "table", "level", "entity", "parent", "dimension", "subgroup"
        )
    )


@pytest.mark.django_db
def test_workers_give_the_masks_one_process_gives(monkeypatch):
    synthetic.generate_nation(las=6, schools=40, pupils=8000, years=1, last_year=2025, seed=3)
    rollup.rebuild_all()  # a small world: worked out in this process
    plain = _stored()
    assert len(plain) > 100 and len({row[1] for row in plain}) > 20

    here = []
    suppress = disclosure.suppress
    monkeypatch.setattr(disclosure, "suppress", lambda *a, **k: here.append(a) or suppress(*a, **k))
    masks.rebuild([2025], workers=2)
    assert _stored() == plain
    # The LAs' tables came from the workers: this process worked out only the nation's
    # tables and any table worked out again.
    la_tables = 6 * len(masks.COLUMNED)
    assert len(here) < la_tables / 2
