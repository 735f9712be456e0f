"""The rules of targets (domain/targets.py) and their use in a comparison, without a database."""

from __future__ import annotations

import math
from dataclasses import replace

import pytest

from shopper.domain import targets as rules
from shopper.domain.comparison import StoreInfo
from shopper.domain.targets import Targets
from tests.unit.test_pdf import small_comparison

CODES = ("welcome", "checkout")


def _problems(document: object) -> list[str]:
    return [p.message % p.params for p in rules.parse(document, CODES)[1]]


def test_a_whole_document_is_read_with_nulls_dropped() -> None:
    targets, problems = rules.parse(
        {"overall": 85, "sections": {"welcome": 90.5, "checkout": None}}, CODES
    )
    assert problems == ()
    assert targets == Targets(85.0, {"welcome": 90.5})
    assert targets.to_json() == {"overall": 85.0, "sections": {"welcome": 90.5}}
    assert targets.to_json(CODES) == {
        "overall": 85.0,
        "sections": {"welcome": 90.5, "checkout": None},
    }
    assert rules.parse({}, CODES) == (Targets(), ())


@pytest.mark.parametrize(
    ("document", "problems"),
    [
        ({"overall": 100.0001}, ["overall: must be a number from 0 to 100, or null."]),
        ({"overall": math.nan}, ["overall: must be a number from 0 to 100, or null."]),
        ({"overall": math.inf}, ["overall: must be a number from 0 to 100, or null."]),
        ({"overall": False}, ["overall: must be a number from 0 to 100, or null."]),
        ({"sections": {"Welcome": 1}}, ["sections.Welcome: no section has this code."]),
        ({"sections": "welcome"}, ["sections: must be an object of section codes and targets."]),
        ([], ["The targets must be an object with overall and sections."]),
        (
            {"overall": 1, "extra": 2},
            ["extra: not a field of the targets; use overall and sections."],
        ),
    ],
)
def test_each_problem_names_its_path(document, problems) -> None:
    assert _problems(document) == problems


def test_below_is_strictly_lower_and_needs_both() -> None:
    assert rules.below(49.999, 50.0) is True
    assert rules.below(50.0, 50.0) is False
    assert rules.below(None, 50.0) is False
    assert rules.below(10.0, None) is False
    targets = Targets(None, {"welcome": 80.0})
    assert rules.sections_below({"welcome": 79.9, "checkout": 0.0}, targets) == ["welcome"]
    assert rules.sections_below({"welcome": None, "checkout": 0.0}, targets) == []


def test_stored_targets_are_read_leniently() -> None:
    assert rules.from_stored({}) == Targets()
    assert rules.from_stored(None) == Targets()
    assert rules.from_stored({"overall": 120, "sections": {"a": 5, "b": "x"}}) == Targets(
        None, {"a": 5.0}
    )


def test_how_many_of_the_chains_stores_meet_the_target() -> None:
    stores = [
        StoreInfo("A", "A", "North", False),
        StoreInfo("B", "B", "North", False),
        StoreInfo("C", "C", "North", True),  # a competitor: never counted
        StoreInfo("D", "D", "South", False),
    ]
    built = small_comparison(stores, {"A": [80.0], "B": [70.0], "C": [50.0], "D": [69.9]})
    assert built.meeting_target() is None
    with_target = replace(built, targets=Targets(70.0, {"welcome": 75.0}))
    assert with_target.meeting_target() == (2, 3)  # A and B; D's 69.9 is below
    rows = {r.store.code: r for r in with_target.stores}
    assert {code: with_target.below_target(r) for code, r in rows.items()} == {
        "A": False,
        "B": False,
        "C": True,
        "D": True,
    }
    # Sections follow the overall scores in this fixture: welcome = the overall score.
    assert {code: with_target.sections_below_target(r) for code, r in rows.items()} == {
        "A": [],
        "B": ["welcome"],
        "C": ["welcome"],
        "D": ["welcome"],
    }
