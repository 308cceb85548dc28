"""UPNs: known good and bad numbers, and properties over generated ones (Hypothesis)."""

import pytest
from django.core.exceptions import ValidationError
from hypothesis import given
from hypothesis import strategies as st

from risingtide.register.upn import CHECK_LETTERS, LA_CODE_RANGES, make_upn, parse_upn

VALID = ["B801200005001", "b801 2000 0500 1", make_upn(201, 1234, 24, 17)]
INVALID = {
    "A801200005001": "check letter should be B",
    "B80120000500": "13 characters",
    "B8012000050011": "13 characters",
    "I801200005001": "starts with a check letter",
    "B80120000500O": "temporary UPN ends in a letter other than",
    "B8012X0005001": "are digits",
    "B001200005001": "not an LA code in use",
    "": "13 characters",
}


@pytest.mark.parametrize("upn", VALID)
def test_known_valid_upns(upn):
    parsed = parse_upn(upn)
    assert parsed.value == "".join(upn.split()).upper() and len(parsed.value) == 13


@pytest.mark.parametrize(("upn", "reason"), INVALID.items())
def test_known_invalid_upns_say_why(upn, reason):
    with pytest.raises(ValidationError, match=reason):
        parse_upn(upn)


def test_a_temporary_upn_is_accepted_and_flagged():
    upn = make_upn(801, 2000, 5, "00A")
    assert upn.endswith("A") and parse_upn(upn).temporary
    assert not parse_upn("B801200005001").temporary


la_codes = st.sampled_from([c for low, high in LA_CODE_RANGES for c in range(low, high + 1)])
serials = st.one_of(
    st.integers(0, 999),
    st.builds(
        lambda n, letter: f"{n:02d}{letter}", st.integers(0, 99), st.sampled_from(CHECK_LETTERS)
    ),
)
upns = st.builds(make_upn, la_codes, st.integers(0, 9999), st.integers(0, 99), serials)


@given(upns)
def test_every_generated_upn_is_valid(upn):
    assert parse_upn(upn).value == upn


@given(upns, st.integers(0, 12), st.data())
def test_changing_any_one_character_fails(upn, position, data):
    old = upn[position]
    if old.isdigit():
        new = data.draw(st.sampled_from("0123456789".replace(old, "")))
    else:
        new = data.draw(st.sampled_from(CHECK_LETTERS.replace(old, "")))
    changed = upn[:position] + new + upn[position + 1 :]
    with pytest.raises(ValidationError):
        parse_upn(changed)
