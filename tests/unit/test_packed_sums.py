"""Packed sums: what approvals store and reports read, exactly and in any script, by name."""

from __future__ import annotations

from datetime import date
from types import SimpleNamespace

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from shopper.domain.comparison import QuestionSums, SectionSums, add_sums
from shopper.services.aggregates import (
    DetailSums,
    Totals,
    add_packed,
    contribution,
    pack,
    unpack,
    unpack_as,
)

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


def test_packed_sums_read_back_by_name() -> None:
    packed = pack({"q1": QuestionSums(earned=3.0, possible=4.0, counted=2, fails=1)})

    (q1,) = unpack_as(packed, QuestionSums).values()

    assert (q1.earned, q1.possible, q1.counted, q1.fails) == (3.0, 4.0, 2.0, 1.0)
    assert unpack_as(pack({"s1": SectionSums(score=87.5, count=2)}), SectionSums) == {
        "s1": SectionSums(score=87.5, count=2.0)
    }
    with pytest.raises(ValueError, match="not SectionSums"):
        unpack_as(packed, SectionSums)  # question sums are four numbers, not two


def test_a_code_goes_when_its_last_visit_is_taken_back() -> None:
    kept = {"s1": SectionSums(150.0, 2), "s2": SectionSums(0.0, 1)}
    questions = {"q1": QuestionSums(0.0, 5.0, 1, 1)}

    add_sums(kept, {"s1": SectionSums(50.0, 1), "s2": SectionSums(0.0, 1)}, sign=-1)
    add_sums(questions, {"q1": QuestionSums(0.0, 5.0, 1, 1)}, sign=-1)

    # s2 scored 0 but still counted one visit: its count decides, not its score.
    assert kept == {"s1": SectionSums(100.0, 1)}
    assert questions == {}


def _row(**columns: object) -> SimpleNamespace:
    return SimpleNamespace(**columns)


def test_one_visits_contribution_is_every_kept_sum_it_adds() -> None:
    share = contribution(
        date(2026, 10, 20),
        62.5,
        True,
        [
            _row(section_code="welcome", score=75.0),
            _row(section_code="checkout", score=None),  # nothing scored: no sum
        ],
        [
            _row(question_code="q1", counted=True, earned=0.0, possible=10.0),
            _row(question_code="q2", counted=True, earned=10.0, possible=10.0),
            _row(question_code="q3", counted=True, earned=None, possible=5.0),  # a critical fail
            _row(question_code="q4", counted=False, earned=None, possible=0.0),  # not applicable
        ],
    )

    assert share.month == date(2026, 10, 1)
    assert share.totals == Totals(visits=1, overall_sum=62.5, overall_count=1, critical_failures=1)
    assert share.details.sections == {"welcome": SectionSums(score=75.0, count=1)}
    assert share.details.questions == {
        "q1": QuestionSums(earned=0.0, possible=10.0, counted=1, fails=1),
        "q2": QuestionSums(earned=10.0, possible=10.0, counted=1, fails=0),
        "q3": QuestionSums(earned=0.0, possible=5.0, counted=1, fails=1),
    }
    unscored = contribution(date(2026, 10, 31), None, False, [], [])
    assert unscored.totals == Totals(visits=1, overall_sum=0.0, overall_count=0)


def test_totals_and_details_add_up_and_take_back_exactly() -> None:
    first = contribution(date(2026, 9, 1), 80.0, False, [_row(section_code="s", score=80.0)], [])
    second = contribution(date(2026, 9, 30), 60.0, True, [_row(section_code="s", score=60.0)], [])
    month = DetailSums()
    month.add(first.details)
    month.add(second.details)
    totals = Totals().plus(first.totals).plus(second.totals)

    assert totals == Totals(visits=2, overall_sum=140.0, overall_count=2, critical_failures=1)
    assert month.sections == {"s": SectionSums(140.0, 2)}
    assert DetailSums.unpacked(pack(month.sections), b"") == month

    month.add(second.details, sign=-1)
    assert totals.plus(second.totals, sign=-1) == first.totals
    assert month == first.details
