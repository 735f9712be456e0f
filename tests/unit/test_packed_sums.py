"""Packed sums: what approvals store and reports read, exactly and in any script."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from shopper.services.aggregates import add_packed, pack, unpack

CODES = st.text(min_size=1, max_size=12)  # any script: codes are user text
NUMBER = st.floats(allow_nan=False, allow_infinity=False)


def sums_of(width: int) -> st.SearchStrategy[dict[str, list[float]]]:
    return st.dictionaries(CODES, st.lists(NUMBER, min_size=width, max_size=width), max_size=8)


@given(st.integers(min_value=1, max_value=4).flatmap(sums_of))
def test_unpack_gives_back_every_number_to_the_last_bit(sums) -> None:
    packed = pack(sums)

    assert unpack(packed) == sums
    if sums:
        header = int.from_bytes(packed[:4], "little")
        assert (4 + header) % 8 == 0  # the numbers start on a multiple of 8


def test_no_sums_pack_to_nothing() -> None:
    assert pack({}) == b""
    assert unpack(b"") == unpack(None) == {}


def test_the_codes_are_in_order_whatever_order_they_were_added() -> None:
    assert pack({"b": [1.0, 1], "a": [2.0, 1]}) == pack({"a": [2.0, 1], "b": [1.0, 1]})


@given(
    st.lists(sums_of(4), min_size=1, max_size=6),
    st.lists(CODES, min_size=1, max_size=10, unique=True),
)
def test_add_packed_places_each_stores_sums_at_its_row_and_columns(stores, codes) -> None:
    columns = {code: index for index, code in enumerate(codes)}
    into = np.zeros((len(stores) + 1, len(codes), 4))
    rows = list(range(len(stores), 0, -1))  # any rows, row 0 left empty

    add_packed(into, [(row, pack(sums)) for row, sums in zip(rows, stores, strict=True)], columns)

    expected = np.zeros_like(into)
    for row, sums in zip(rows, stores, strict=True):
        for code, values in sums.items():
            if code in columns:  # codes the comparison does not show are skipped
                expected[row, columns[code]] = values
    assert np.array_equal(into, expected)


def test_add_packed_takes_away_and_skips_rows_without_sums() -> None:
    columns = {"q1": 0, "q2": 1}
    into = np.zeros((3, 2, 4))
    first = pack({"q1": [3.0, 4.0, 2, 1], "q2": [1.0, 1.0, 1, 0]})
    second = pack({"q2": [0.5, 1.0, 1, 1]})

    add_packed(into, [(0, first), (1, second), (2, b""), (2, None)], columns)
    add_packed(into, [(1, second)], columns, sign=-1)

    assert into[0].tolist() == [[3.0, 4.0, 2.0, 1.0], [1.0, 1.0, 1.0, 0.0]]
    assert not into[1:].any()


@pytest.mark.parametrize("bad", [{"q1": [1.0, 2.0], "q2": [1.0]}])
def test_sums_of_different_widths_are_refused(bad) -> None:
    with pytest.raises(ValueError):
        pack(bad)
