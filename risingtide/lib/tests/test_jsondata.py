"""The one JSON reader for outside data: clear refusals, never a RecursionError."""

import pytest

from risingtide.lib import jsondata
from risingtide.lib.jsondata import JsonRefused


def test_ordinary_json_reads_as_it_is():
    assert jsondata.loads(b'{"a": [1, 2.5, "x", null, true]}') == {"a": [1, 2.5, "x", None, True]}
    assert jsondata.loads("[]") == []


@pytest.mark.parametrize(
    "raw, message",
    [
        (b"[" * 100_000, "This file is nested more than 32 levels deep."),
        (b"[" * 100_000 + b"]" * 100_000, "This file is nested more than 32 levels deep."),
        (b"[" * 33 + b"]" * 33, "This file is nested more than 32 levels deep."),
        (b'{"a": ' * 40 + b"1" + b"}" * 40, "This file is nested more than 32 levels deep."),
        (b"[NaN]", "This file is not valid JSON: NaN is not a number JSON allows."),
        (b"\xff", "This file is not UTF-8 text (byte 0)."),
        (b'{"a": }', "This file is not valid JSON: Expecting value (line 1, column 7)."),
    ],
)
def test_hostile_json_is_refused_with_a_reason(raw, message):
    with pytest.raises(JsonRefused) as caught:
        jsondata.loads(raw)
    assert str(caught.value) == message


def test_the_limit_is_the_callers_and_exactly_met_is_allowed():
    assert jsondata.loads(b"[" * 32 + b"]" * 32)
    with pytest.raises(JsonRefused, match="The body is nested more than 3 levels deep"):
        jsondata.loads(b"[[[[]]]]", max_depth=3, what="The body")
    assert jsondata.loads(b"[[[]]]", max_depth=3) == [[[]]]


def test_depth_counts_without_recursing():
    deep: list = []
    node = deep
    for _ in range(50_000):  # deeper than Python could recurse
        node.append([])
        node = node[0]
    assert jsondata.depth(deep) == 50_001
    assert jsondata.depth(deep, stop_after=10) == 11
    assert jsondata.depth(7) == 0 and jsondata.depth({"a": {"b": []}}) == 3
