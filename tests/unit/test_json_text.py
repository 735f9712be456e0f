"""Reading JSON with a bound on nesting and no unstorable text."""

from __future__ import annotations

import pytest
from werkzeug.routing import Map, Rule

from shopper.domain import json_text
from shopper.domain.json_text import MAX_DEPTH, TooDeep, Unstorable
from shopper.request_limits import LARGEST_ID, DatabaseInteger


def nested(levels: int) -> str:
    return "[" * levels + "]" * levels


def test_32_levels_are_read_and_33_are_too_deep() -> None:
    assert MAX_DEPTH == 32
    value = json_text.loads(nested(32))
    for _ in range(31):
        value = value[0]
    assert value == []
    with pytest.raises(TooDeep, match="nested deeper than 32 levels"):
        json_text.loads(nested(33))
    with pytest.raises(TooDeep):
        json_text.loads('{"a":' * 33 + "1" + "}" * 33)


def test_a_hundred_thousand_brackets_are_too_deep_not_a_recursion_error() -> None:
    with pytest.raises(TooDeep):
        json_text.loads("[" * 100_000)
    with pytest.raises(TooDeep):
        json_text.loads(nested(5_000).encode())


def test_a_value_nested_beyond_the_stack_is_checked_without_recursion() -> None:
    value: list = []
    for _ in range(100_000):
        value = [value]
    with pytest.raises(TooDeep):
        json_text.check(value)


@pytest.mark.parametrize(
    "text, field",
    [
        ('"a\\u0000b"', "body"),
        ('{"name": "a\\u0000"}', "name"),
        ('{"items": [{"store": "X"}, {"briefing": "\\ud800"}]}', "items[1].briefing"),
        ('{"answers": {"q1": {"comment": "\\u0000"}}}', "answers.q1.comment"),
        ('{"na\\u0000me": 1}', "na\\u0000me"),
        ('{"\\udc00": 1}', "\\udc00"),
    ],
)
def test_unstorable_text_names_its_field(text: str, field: str) -> None:
    with pytest.raises(Unstorable) as raised:
        json_text.loads(text)
    assert raised.value.field == field
    assert str(raised.value) == f"{field} contains control characters"


def test_ordinary_json_comes_back_as_json_loads_gives_it() -> None:
    text = '{"a": [1, 2.5, true, null, "ş ไทย اردو"], "b": {"c": ""}}'
    assert json_text.loads(text) == {"a": [1, 2.5, True, None, "ş ไทย اردو"], "b": {"c": ""}}


def test_an_int_route_past_the_integer_column_is_id_0() -> None:
    urls = Map([Rule("/v/<int:id>", endpoint="v")], converters={"int": DatabaseInteger}).bind("x")
    assert urls.match(f"/v/{LARGEST_ID}") == ("v", {"id": 2**31 - 1})
    assert urls.match(f"/v/{LARGEST_ID + 1}") == ("v", {"id": 0})
    assert urls.match("/v/" + "9" * 40) == ("v", {"id": 0})
    assert urls.match("/v/7") == ("v", {"id": 7})


@pytest.mark.parametrize("text", ["NaN", "[Infinity]", '{"a": -Infinity}'])
def test_nan_and_infinity_are_not_json(text: str) -> None:
    with pytest.raises(ValueError, match="is not JSON"):
        json_text.loads(text)
