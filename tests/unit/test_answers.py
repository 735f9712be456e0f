"""What a shopper may save in a draft and what a submission must contain."""

from __future__ import annotations

import pytest

from shopper.domain.answers import (
    is_valid_value,
    normalise_value,
    validate_answers,
    whole_number,
)
from shopper.domain.checklist_format import FORMAT, Checklist, Problem, parse_checklist

OPTIONS = [
    {"code": "helped", "label": "Help and a product", "points": 5},
    {"code": "help-only", "label": "Help only", "points": 2},
    {"code": "nothing", "label": "Nothing", "points": 0},
]


def visit_checklist() -> Checklist:
    """One question of each type, in the shapes the store-service fixture uses."""
    return parse_checklist(
        {
            "format": FORMAT,
            "code": "store-service",
            "title": "Store service audit",
            "sections": [
                {
                    "code": "welcome",
                    "title": "Welcome",
                    "questions": [
                        {"code": "greeted", "type": "yes_no", "text": "Greeted?", "points": 10},
                        {
                            "code": "courtesy",
                            "type": "scale",
                            "text": "Courtesy?",
                            "min": 1,
                            "max": 5,
                            "points": 10,
                        },
                        {
                            "code": "offer",
                            "type": "choice",
                            "text": "Offer?",
                            "options": OPTIONS,
                            "allow_na": True,
                        },
                        {
                            "code": "clean",
                            "type": "yes_no",
                            "text": "Clean?",
                            "points": 5,
                            "photo": "required",
                            "required": False,
                        },
                    ],
                },
                {
                    "code": "checkout",
                    "title": "Checkout",
                    "questions": [
                        {"code": "wait", "type": "number", "text": "Minutes?", "unit": "min"},
                        {"code": "staff", "type": "text", "text": "Who?", "required": False},
                        {
                            "code": "receipt",
                            "type": "photo",
                            "text": "Receipt",
                            "photo": "required",
                        },
                        {
                            "code": "shelf",
                            "type": "photo",
                            "text": "Shelf",
                            "photo": "optional",
                            "required": False,
                        },
                        {
                            "code": "returned",
                            "type": "yes_no",
                            "text": "Return ok?",
                            "points": 15,
                            "allow_na": True,
                            "critical": True,
                        },
                    ],
                },
            ],
        }
    )


COMPLETE = {
    "greeted": "yes",
    "courtesy": 4,
    "offer": "help-only",
    "wait": 3.5,
    "returned": "na",
}
PHOTOS = {"receipt": 1, "clean": 2}


def draft_problems(**answers: object) -> dict[str, str]:
    problems = validate_answers(visit_checklist(), answers, {}, complete=False)
    return {key: problem.message % problem.params for key, problem in problems.items()}


def submit_problems(answers: dict, photos: dict) -> dict[str, str]:
    problems = validate_answers(visit_checklist(), answers, photos, complete=True)
    return {key: problem.message % problem.params for key, problem in problems.items()}


def test_a_complete_visit_has_no_problem() -> None:
    assert submit_problems(COMPLETE, PHOTOS) == {}


def test_an_empty_draft_is_fine() -> None:
    assert draft_problems() == {}
    assert draft_problems(greeted=None, courtesy=None) == {}


def test_a_code_the_checklist_does_not_have_is_named() -> None:
    problems = validate_answers(visit_checklist(), {"colour": "red"}, {}, complete=False)
    assert problems == {
        "answers.colour": Problem(
            "answers.colour", "no such question in this checklist version", {"code": "colour"}
        )
    }
    assert submit_problems({**COMPLETE, "colour": None}, PHOTOS) == {
        "answers.colour": "no such question in this checklist version"
    }


def test_problems_are_keyed_for_the_api_error_fields() -> None:
    problems = validate_answers(visit_checklist(), {"greeted": "maybe"}, {}, complete=False)
    assert list(problems) == ["answers.greeted"]
    assert problems["answers.greeted"].path == "answers.greeted"
    assert str(problems["answers.greeted"]) == "answers.greeted: must be yes or no"


@pytest.mark.parametrize("value", ["yes", "no"])
def test_yes_no_takes_yes_or_no(value: str) -> None:
    assert draft_problems(greeted=value) == {}


@pytest.mark.parametrize("value", ["Yes", "true", True, 1, "", "maybe", ["yes"]])
def test_yes_no_refuses_anything_else(value: object) -> None:
    assert draft_problems(greeted=value) == {"answers.greeted": "must be yes or no"}
    assert draft_problems(returned=value) == {"answers.returned": "must be yes, no or na"}


def test_na_only_where_the_question_allows_it() -> None:
    assert draft_problems(returned="na", offer="na") == {}
    assert draft_problems(greeted="na", courtesy="na", wait="na") == {
        "answers.greeted": "N/A is not allowed for this question",
        "answers.courtesy": "N/A is not allowed for this question",
        "answers.wait": "N/A is not allowed for this question",
    }


@pytest.mark.parametrize("value", [1, 3, 5, 4.0, 1.0])
def test_scale_takes_a_whole_number_from_min_to_max(value: object) -> None:
    assert draft_problems(courtesy=value) == {}


@pytest.mark.parametrize("value", [0, 6, -1, 4.5, True, False, "4", float("nan"), float("inf")])
def test_scale_refuses_other_values(value: object) -> None:
    assert draft_problems(courtesy=value) == {
        "answers.courtesy": "must be a whole number from 1 to 5"
    }


def test_choice_takes_an_option_code() -> None:
    assert draft_problems(offer="helped") == {}
    assert draft_problems(offer="Help only") == {
        "answers.offer": "must be one of the options: helped, help-only, nothing"
    }
    assert draft_problems(offer=2) == {
        "answers.offer": "must be one of the options: helped, help-only, nothing"
    }


@pytest.mark.parametrize("value", [0, 7, -3, 2.5, 1e9])
def test_number_takes_a_finite_number(value: float) -> None:
    assert draft_problems(wait=value) == {}


@pytest.mark.parametrize("value", ["7", True, float("nan"), float("-inf"), [7]])
def test_number_refuses_anything_else(value: object) -> None:
    assert draft_problems(wait=value) == {"answers.wait": "must be a number"}


@pytest.mark.parametrize("value", ["", "Tall, red jacket", "na", "คนผมยาว", "x" * 4000])
def test_text_takes_a_string_up_to_4000_characters(value: str) -> None:
    assert draft_problems(staff=value) == {}


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("x" * 4001, "must be at most 4000 characters"),
        (12, "must be text"),
        ("nul\x00", "must not contain NUL characters or unpaired surrogates"),
        ("half \udc00", "must not contain NUL characters or unpaired surrogates"),
    ],
)
def test_text_refuses(value: object, message: str) -> None:
    assert draft_problems(staff=value) == {"answers.staff": message}


@pytest.mark.parametrize("value", ["yes", "na", "", 0, "receipt.jpg"])
def test_a_photo_question_takes_no_value(value: object) -> None:
    assert draft_problems(receipt=value) == {
        "answers.receipt": "a photo question takes photos, not a value"
    }


def test_a_draft_with_wrong_values_is_refused_too() -> None:
    assert draft_problems(greeted="yes", courtesy=9) == {
        "answers.courtesy": "must be a whole number from 1 to 5"
    }


def test_a_submission_needs_every_required_answer() -> None:
    answers = {"greeted": "yes"}
    assert submit_problems(answers, PHOTOS) == {
        "answers.courtesy": "an answer is required",
        "answers.offer": "an answer is required",
        "answers.wait": "an answer is required",
        "answers.returned": "an answer is required",
    }


def test_none_is_no_answer() -> None:
    assert submit_problems({**COMPLETE, "greeted": None}, PHOTOS) == {
        "answers.greeted": "an answer is required"
    }


def test_a_blank_text_does_not_answer_a_required_text_question() -> None:
    checklist = parse_checklist(
        {
            "format": FORMAT,
            "code": "c",
            "title": "C",
            "sections": [
                {
                    "code": "s",
                    "title": "S",
                    "questions": [{"code": "t", "type": "text", "text": "T"}],
                }
            ],
        }
    )
    for blank in ("", "   "):
        problems = validate_answers(checklist, {"t": blank}, {}, complete=True)
        assert {k: p.message for k, p in problems.items()} == {"answers.t": "an answer is required"}
    assert validate_answers(checklist, {"t": " ok "}, {}, complete=True) == {}


def test_non_required_questions_may_stay_unanswered() -> None:
    assert "answers.staff" not in submit_problems(COMPLETE, PHOTOS)


def test_a_photo_question_is_answered_by_its_photos() -> None:
    assert submit_problems(COMPLETE, {"clean": 1}) == {"answers.receipt": "a photo is required"}
    assert submit_problems(COMPLETE, {"clean": 1, "receipt": 0}) == {
        "answers.receipt": "a photo is required"
    }
    assert submit_problems(COMPLETE, {"clean": 1, "receipt": 3}) == {}


def test_photo_required_applies_to_any_question_even_when_not_required() -> None:
    assert submit_problems(COMPLETE, {"receipt": 1}) == {"answers.clean": "a photo is required"}
    assert submit_problems({**COMPLETE, "clean": "yes"}, {"receipt": 1}) == {
        "answers.clean": "a photo is required"
    }


def test_an_optional_photo_question_needs_no_photo() -> None:
    assert "answers.shelf" not in submit_problems(COMPLETE, PHOTOS)


def test_a_required_photo_question_with_optional_photos_still_needs_one() -> None:
    checklist = parse_checklist(
        {
            "format": FORMAT,
            "code": "c",
            "title": "C",
            "sections": [
                {
                    "code": "s",
                    "title": "S",
                    "questions": [{"code": "p", "type": "photo", "text": "P", "photo": "optional"}],
                }
            ],
        }
    )
    problems = validate_answers(checklist, {}, {}, complete=True)
    assert {k: p.message for k, p in problems.items()} == {"answers.p": "a photo is required"}
    assert validate_answers(checklist, {}, {"p": 1}, complete=True) == {}


def test_drafts_need_no_photos() -> None:
    assert validate_answers(visit_checklist(), COMPLETE, {}, complete=False) == {}


def test_a_wrong_value_is_reported_rather_than_a_missing_photo() -> None:
    assert submit_problems({**COMPLETE, "clean": "maybe"}, {"receipt": 1}) == {
        "answers.clean": "must be yes or no"
    }


def test_normalise_value_stores_a_scale_as_an_integer() -> None:
    checklist = visit_checklist()
    courtesy = checklist.question("courtesy")
    stored = normalise_value(courtesy, 4.0)
    assert stored == 4 and type(stored) is int
    assert normalise_value(courtesy, 4) == 4
    assert normalise_value(courtesy, "na") == "na"
    wait = normalise_value(checklist.question("wait"), 4.0)
    assert wait == 4.0 and type(wait) is float


def test_whole_number_and_is_valid_value() -> None:
    assert [whole_number(v) for v in (3, 3.0, 3.5, True, "3", float("inf"))] == [
        3,
        3,
        None,
        None,
        None,
        None,
    ]
    courtesy = visit_checklist().question("courtesy")
    assert is_valid_value(courtesy, 5)
    assert not is_valid_value(courtesy, 6)
