"""Scores follow spec/scoring.md to the exact number; properties hold over random checklists."""

from __future__ import annotations

import json
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from shopper.domain.answers import validate_answers
from shopper.domain.checklist_format import (
    FORMAT,
    MAX_POINTS,
    PHOTO_MODES,
    QUESTION_TYPES,
    Checklist,
    Question,
    parse_checklist,
    to_document,
)
from shopper.domain.scoring import QuestionScore, SectionScore, round_pct, score_visit
from tests.support.checklists import FIXTURES

WORKED_EXAMPLE = {
    "format": FORMAT,
    "code": "worked-example",
    "title": "The worked example of scoring.md",
    "sections": [
        {
            "code": "welcome",
            "title": "Welcome",
            "questions": [
                {
                    "code": "q1",
                    "type": "yes_no",
                    "text": "Q1",
                    "points": 10,
                    "good_answer": "yes",
                    "critical": True,
                },
                {"code": "q2", "type": "scale", "text": "Q2", "min": 1, "max": 5, "points": 10},
            ],
        },
        {
            "code": "checkout",
            "title": "Checkout",
            "questions": [
                {
                    "code": "q3",
                    "type": "choice",
                    "text": "Q3",
                    "allow_na": True,
                    "options": [
                        {"code": "a", "label": "A", "points": 5},
                        {"code": "b", "label": "B", "points": 2},
                        {"code": "c", "label": "C", "points": 0},
                    ],
                },
                {"code": "q4", "type": "number", "text": "Q4"},
            ],
        },
    ],
}
VISIT_A = {"q1": "yes", "q2": 4, "q3": "b", "q4": 7}
VISIT_B = {"q1": "no", "q2": 5, "q3": "na"}


def worked_example(**top: object) -> Checklist:
    return parse_checklist({**WORKED_EXAMPLE, **top})


def checklist_of(*questions: dict) -> Checklist:
    """One section named ``s`` holding ``questions``."""
    return parse_checklist(
        {
            "format": FORMAT,
            "code": "c",
            "title": "C",
            "sections": [{"code": "s", "title": "S", "questions": list(questions)}],
        }
    )


def one(question: dict, value: object) -> QuestionScore:
    body = {"code": "q", "text": "Q?", **question}
    answers = {} if value is ... else {"q": value}
    return score_visit(checklist_of(body), answers).questions["q"]


# The worked example, to the exact numbers.


def test_worked_example_visit_a() -> None:
    score = score_visit(worked_example(), VISIT_A)
    assert score.sections == {
        "welcome": SectionScore("welcome", 17.5, 20.0, 87.5),
        "checkout": SectionScore("checkout", 2.0, 5.0, 40.0),
    }
    assert (score.earned, score.possible) == (19.5, 25.0)
    assert score.overall == 78.0
    assert score.overall_before_critical == 78.0
    assert score.critical_failure is False
    assert score.questions == {
        "q1": QuestionScore("q1", "welcome", 10.0, 10.0, True, False),
        "q2": QuestionScore("q2", "welcome", 7.5, 10.0, True, False),
        "q3": QuestionScore("q3", "checkout", 2.0, 5.0, True, False),
        "q4": QuestionScore("q4", "checkout", None, 0.0, False, False),
    }


def test_worked_example_visit_b_fails_a_critical_question() -> None:
    score = score_visit(worked_example(), VISIT_B)
    assert score.sections["welcome"] == SectionScore("welcome", 10.0, 20.0, 50.0)
    assert score.sections["checkout"] == SectionScore("checkout", 0.0, 0.0, None)
    assert (score.earned, score.possible) == (10.0, 20.0)
    assert score.overall_before_critical == 50.0
    assert score.overall == 0.0
    assert score.critical_failure is True
    assert score.questions["q1"] == QuestionScore("q1", "welcome", 0.0, 10.0, True, True)
    assert score.questions["q3"] == QuestionScore("q3", "checkout", None, 0.0, False, False)


def test_without_critical_zeroes_score_a_critical_failure_keeps_the_score() -> None:
    score = score_visit(worked_example(critical_zeroes_score=False), VISIT_B)
    assert score.critical_failure is True
    assert score.overall == score.overall_before_critical == 50.0
    assert score.sections["welcome"].score == 50.0


def test_scores_are_exact_not_float_sums() -> None:
    checklist = checklist_of(
        {"code": "a", "type": "yes_no", "text": "A", "points": 0.1},
        {"code": "b", "type": "yes_no", "text": "B", "points": 0.2},
        {"code": "c", "type": "scale", "text": "C", "min": 0, "max": 3, "points": 0.3},
    )
    score = score_visit(checklist, {"a": "yes", "b": "yes", "c": 0})
    # In floats (0.1 + 0.2) / 0.6 * 100 is 50.00000000000001.
    assert score.overall == 50.0
    assert score.earned == 0.3
    assert score.possible == 0.6
    assert score_visit(checklist, {"a": "yes", "b": "yes"}).overall == 100.0


def test_one_third_is_rounded_only_at_the_boundary() -> None:
    checklist = checklist_of(
        {"code": "q", "type": "scale", "text": "Q", "min": 0, "max": 3, "points": 1}
    )
    score = score_visit(checklist, {"q": 1})
    assert score.overall == 100 / 3
    assert round_pct(score.overall) == Decimal("33.3")


# One question of each type.


@pytest.mark.parametrize(
    ("good", "value", "earned"),
    [("yes", "yes", 10.0), ("yes", "no", 0.0), ("no", "no", 10.0), ("no", "yes", 0.0)],
)
def test_yes_no_earns_its_points_for_the_good_answer(good: str, value: str, earned: float) -> None:
    question = {"type": "yes_no", "points": 10, "good_answer": good}
    assert one(question, value) == QuestionScore("q", "s", earned, 10.0, True, False)


@pytest.mark.parametrize(
    ("value", "earned"), [(0, 0.0), (1, 2.0), (3, 6.0), (4, 8.0), (4.0, 8.0), (2.0, 4.0)]
)
def test_scale_earns_in_proportion_from_min_to_max(value: object, earned: float) -> None:
    question = {"type": "scale", "min": 0, "max": 4, "points": 8}
    assert one(question, value) == QuestionScore("q", "s", earned, 8.0, True, False)


def test_scale_with_negative_bounds() -> None:
    question = {"type": "scale", "min": -2, "max": 2, "points": 10}
    assert one(question, -1).earned == 2.5
    assert one(question, -2).earned == 0.0


@pytest.mark.parametrize("value", [5, -1, 2.5, True, "3", float("nan"), [3]])
def test_an_invalid_scale_value_counts_as_unanswered(value: object) -> None:
    question = {"type": "scale", "min": 0, "max": 4, "points": 8}
    assert one(question, value) == QuestionScore("q", "s", None, 0.0, False, False)


def test_choice_possible_is_the_largest_option_wherever_listed() -> None:
    question = {
        "type": "choice",
        "options": [
            {"code": "low", "label": "Low", "points": 1},
            {"code": "best", "label": "Best", "points": 7},
            {"code": "mid", "label": "Mid", "points": 4},
        ],
    }
    assert one(question, "mid") == QuestionScore("q", "s", 4.0, 7.0, True, False)
    assert one(question, "best").earned == 7.0
    assert one(question, "nope") == QuestionScore("q", "s", None, 0.0, False, False)


@pytest.mark.parametrize(
    ("question", "value"),
    [
        ({"type": "number", "unit": "min"}, 7),
        ({"type": "text"}, "Tall, red jacket"),
        ({"type": "photo", "photo": "required"}, ...),
    ],
)
def test_unscored_types_add_nothing(question: dict, value: object) -> None:
    assert one(question, value) == QuestionScore("q", "s", None, 0.0, False, False)


def test_na_counts_neither_in_earned_nor_in_possible() -> None:
    checklist = worked_example()
    with_na = score_visit(checklist, {**VISIT_A, "q3": "na"})
    assert (with_na.earned, with_na.possible) == (17.5, 20.0)
    assert with_na.sections["checkout"].score is None
    assert with_na.overall == 87.5


def test_na_where_it_is_not_allowed_counts_as_unanswered() -> None:
    question = {"type": "yes_no", "points": 10, "allow_na": False}
    assert one(question, "na") == QuestionScore("q", "s", None, 0.0, False, False)


def test_a_non_required_question_left_unanswered_counts_like_na() -> None:
    question = {"type": "yes_no", "points": 10, "required": False}
    assert one(question, ...) == one({**question, "allow_na": True}, "na")
    assert one(question, None) == one(question, ...)


def test_answers_to_questions_the_checklist_does_not_have_are_ignored() -> None:
    assert score_visit(worked_example(), {**VISIT_A, "ghost": "yes"}) == score_visit(
        worked_example(), VISIT_A
    )


@pytest.mark.parametrize(
    ("good", "value", "failed"),
    [
        ("yes", "no", True),
        ("yes", "yes", False),
        ("no", "yes", True),
        ("no", "no", False),
        ("yes", "na", False),
        ("yes", None, False),
        ("yes", "maybe", False),
    ],
)
def test_a_critical_question_fails_only_on_the_bad_answer(
    good: str, value: object, failed: bool
) -> None:
    checklist = checklist_of(
        {
            "code": "q",
            "type": "yes_no",
            "text": "Q",
            "points": 10,
            "good_answer": good,
            "critical": True,
            "allow_na": True,
        },
        {"code": "r", "type": "yes_no", "text": "R", "points": 10},
    )
    score = score_visit(checklist, {"q": value, "r": "yes"})
    assert score.critical_failure is failed
    assert score.questions["q"].critical_failed is failed
    assert score.overall == (0.0 if failed else score.overall_before_critical)


def test_a_critical_failure_zeroes_even_a_visit_where_nothing_was_possible() -> None:
    checklist = checklist_of(
        {"code": "q", "type": "yes_no", "text": "Q", "points": 0, "critical": True},
    )
    score = score_visit(checklist, {"q": "no"})
    assert (score.overall_before_critical, score.overall) == (None, 0.0)


def test_no_possible_points_means_no_score() -> None:
    checklist = checklist_of({"code": "q", "type": "text", "text": "Q"})
    score = score_visit(checklist, {"q": "fine"})
    assert (score.earned, score.possible, score.overall) == (0.0, 0.0, None)
    assert score.sections["s"].score is None


def test_a_fixture_scores_every_section() -> None:
    fixture = FIXTURES / "magaza-hizmet.tr.json"
    checklist = parse_checklist(json.loads(fixture.read_text(encoding="utf-8")))
    answers = {
        "selam": "yes",
        "nezaket": 5,
        "iade-sureci": "yes",
        "ilgi": "yonlendirdi",
        "bekleme": 3,
        "gorus": "no",
    }
    score = score_visit(checklist, answers)
    assert {code: s.score for code, s in score.sections.items()} == {
        "karsilama": 100.0,
        "iade": 90.0,
        "kasa": 0.0,
    }
    assert (score.earned, score.possible) == (38.0, 45.0)
    assert score.overall == 3800 / 45
    assert round_pct(score.overall) == Decimal("84.4")


# Display rounding.


@pytest.mark.parametrize(
    ("value", "digits", "expected"),
    [
        (87.45, 1, "87.5"),
        (-0.05, 1, "-0.1"),
        (2.25, 1, "2.3"),
        (78.0, 1, "78.0"),
        (78, 1, "78.0"),
        (0.05, 1, "0.1"),
        (99.95, 1, "100.0"),
        (100 / 3, 1, "33.3"),
        (200 / 3, 1, "66.7"),
        (1.005, 2, "1.01"),
        (68.75, 1, "68.8"),
        (68.75, 0, "69"),
        (-0.01, 1, "0.0"),
        (0.0, 1, "0.0"),
        (1e-20, 1, "0.0"),
    ],
)
def test_round_pct_rounds_half_away_from_zero(value: float, digits: int, expected: str) -> None:
    rounded = round_pct(value, digits)
    assert rounded == Decimal(expected)
    assert str(rounded) == expected


def test_round_pct_of_none_is_none() -> None:
    assert round_pct(None) is None


def test_round_pct_refuses_non_finite_values() -> None:
    with pytest.raises(ValueError):
        round_pct(float("nan"))


# Properties over random checklists and answers.

CODE_CHARACTERS = "abcdefghijklmnopqrstuvwxyz0123456789-_"
SAMPLE_TEXTS = ["Karşılama", "การต้อนรับ", "استقبال", "Lyssna på kunden", "  padded  ", "Ölçü/İade"]

texts = st.text(
    alphabet=st.characters(exclude_categories=("Cs",), exclude_characters="\x00"), max_size=12
)
non_blank_texts = st.one_of(st.sampled_from(SAMPLE_TEXTS), texts.filter(lambda t: t.strip()))
points = st.one_of(
    st.integers(0, MAX_POINTS),
    st.floats(0, MAX_POINTS, allow_nan=False, allow_infinity=False),
    st.sampled_from([0.1, 0.2, 2.5, 7.25]),
)


def code_lists(size: int) -> st.SearchStrategy[list[str]]:
    return st.lists(
        st.text(CODE_CHARACTERS, min_size=1, max_size=8), min_size=size, max_size=size, unique=True
    )


@st.composite
def question_documents(draw: st.DrawFn, code: str) -> dict:
    """A valid question; optional keys are sometimes written, sometimes left to their default."""
    kind = draw(st.sampled_from(QUESTION_TYPES))
    question: dict[str, object] = {"code": code, "type": kind, "text": draw(non_blank_texts)}
    optional: dict[str, st.SearchStrategy] = {
        "guidance": texts,
        "standard": texts,
        "allow_na": st.booleans(),
        "required": st.booleans(),
        "critical": st.booleans() if kind == "yes_no" else st.just(False),
    }
    if kind == "photo":
        question["photo"] = draw(st.sampled_from(["optional", "required"]))
    else:
        optional["photo"] = st.sampled_from(PHOTO_MODES)
    if kind in ("yes_no", "scale"):
        question["points"] = draw(points)
    if kind == "yes_no":
        optional["good_answer"] = st.sampled_from(["yes", "no"])
    if kind == "scale":
        low = draw(st.integers(-10, 10))
        question["min"], question["max"] = low, low + draw(st.integers(1, 10))
    if kind == "choice":
        option_codes = draw(code_lists(draw(st.integers(2, 5))))
        question["options"] = [
            {"code": option_code, "label": draw(non_blank_texts), "points": draw(points)}
            for option_code in option_codes
        ]
    if kind == "number":
        optional["unit"] = st.sampled_from(["", "min", "dk", "منٹ", "kr"])
    for key, strategy in optional.items():
        if draw(st.booleans()):
            question[key] = draw(strategy)
    return question


@st.composite
def checklist_documents(draw: st.DrawFn) -> dict:
    """A valid shopper-checklist/1 document: 1–4 sections of 1–6 questions."""
    sizes = draw(st.lists(st.integers(1, 6), min_size=1, max_size=4))
    section_codes = draw(code_lists(len(sizes)))
    question_codes = iter(draw(code_lists(sum(sizes))))
    document: dict[str, object] = {
        "format": FORMAT,
        "code": draw(st.text(CODE_CHARACTERS, min_size=1, max_size=64)),
        "title": draw(non_blank_texts),
        "sections": [
            {
                "code": section_code,
                "title": draw(non_blank_texts),
                "questions": [draw(question_documents(next(question_codes))) for _ in range(size)],
            }
            for section_code, size in zip(section_codes, sizes, strict=True)
        ],
    }
    optional = {
        "language": st.sampled_from(["en", "tr", "sv", "th", "ur", "pt-BR"]),
        "description": texts,
        "critical_zeroes_score": st.booleans(),
    }
    for key, strategy in optional.items():
        if draw(st.booleans()):
            document[key] = draw(strategy)
    return document


checklists = checklist_documents().map(parse_checklist)
NOT_AN_ANSWER = st.sampled_from([True, False, "", "maybe", "NA", -1000, 10**6, 2.5, [], {}])


def answer_values(question: Question) -> st.SearchStrategy[object]:
    """Valid values, "na", None and values a validator would refuse."""
    if question.type == "yes_no":
        valid: st.SearchStrategy = st.sampled_from(["yes", "no"])
    elif question.type == "scale":
        assert question.min is not None and question.max is not None
        whole = st.integers(question.min - 2, question.max + 2)
        valid = st.one_of(whole, whole.map(float))
    elif question.type == "choice":
        valid = st.sampled_from([option.code for option in question.options])
    elif question.type == "number":
        valid = st.one_of(st.integers(-100, 100), st.floats(allow_nan=False, allow_infinity=False))
    elif question.type == "text":
        valid = texts
    else:
        valid = st.nothing()
    return st.one_of(valid, st.just("na"), st.none(), NOT_AN_ANSWER)


@st.composite
def visits(draw: st.DrawFn) -> tuple[Checklist, dict[str, object]]:
    """A random checklist and random answers to it; some questions left out."""
    checklist = draw(checklists)
    answers: dict[str, object] = {}
    for _, question in checklist.questions():
        if draw(st.booleans()):
            answers[question.code] = draw(answer_values(question))
    return checklist, answers


PROPERTY = settings(max_examples=100, deadline=None)


@PROPERTY
@given(visits())
def test_every_score_is_a_percentage_or_none(visit: tuple[Checklist, dict]) -> None:
    checklist, answers = visit
    score = score_visit(checklist, answers)
    for section in score.sections.values():
        assert 0 <= section.earned <= section.possible
        if section.possible == 0:
            assert section.score is None
        else:
            assert section.score is not None and 0 <= section.score <= 100
    for candidate in (score.overall, score.overall_before_critical):
        assert candidate is None or 0 <= candidate <= 100
    assert 0 <= score.earned <= score.possible
    assert (score.overall_before_critical is None) == (score.possible == 0)
    for question in score.questions.values():
        if question.counted:
            assert question.earned is not None and 0 <= question.earned <= question.possible
        else:
            assert (question.earned, question.possible) == (None, 0.0)


@PROPERTY
@given(visits())
def test_answering_na_never_increases_possible(visit: tuple[Checklist, dict]) -> None:
    checklist, answers = visit
    for _, question in checklist.questions():
        answered = score_visit(checklist, answers)
        with_na = score_visit(checklist, {**answers, question.code: "na"})
        assert with_na.possible <= answered.possible
        assert with_na.sections.keys() == answered.sections.keys()


@PROPERTY
@given(visits())
def test_a_critical_failure_zeroes_the_overall_only_when_the_checklist_says_so(
    visit: tuple[Checklist, dict],
) -> None:
    checklist, answers = visit
    score = score_visit(checklist, answers)
    assert score.critical_failure == any(q.critical_failed for q in score.questions.values())
    if score.critical_failure and checklist.critical_zeroes_score:
        assert score.overall == 0.0
    else:
        assert score.overall == score.overall_before_critical
    # Sections are never touched by the critical rule.
    recomputed = score_visit(
        Checklist(
            checklist.code,
            checklist.title,
            critical_zeroes_score=not checklist.critical_zeroes_score,
            sections=checklist.sections,
        ),
        answers,
    )
    assert recomputed.sections == score.sections


@PROPERTY
@given(visits())
def test_a_question_counts_exactly_when_its_answer_is_valid_scored_and_not_na(
    visit: tuple[Checklist, dict],
) -> None:
    checklist, answers = visit
    score = score_visit(checklist, answers)
    problems = validate_answers(checklist, answers, {}, complete=False)
    for _, question in checklist.questions():
        value = answers.get(question.code)
        valid = value is not None and f"answers.{question.code}" not in problems
        assert score.questions[question.code].counted == (
            question.scored and valid and value != "na"
        )


@PROPERTY
@given(checklist_documents())
def test_import_export_import_is_the_identity(document: dict) -> None:
    checklist = parse_checklist(document)
    exported = to_document(checklist)
    assert json.loads(json.dumps(exported)) == exported
    assert parse_checklist(exported) == checklist
    assert to_document(parse_checklist(exported)) == exported
    # The export is the import with defaults added: every key given comes back unchanged.
    assert_contains(exported, document)


def assert_contains(exported: object, given_value: object) -> None:
    if isinstance(given_value, dict):
        assert isinstance(exported, dict)
        for key, value in given_value.items():
            assert key in exported
            assert_contains(exported[key], value)
    elif isinstance(given_value, list):
        assert isinstance(exported, list) and len(exported) == len(given_value)
        for inner_exported, inner_given in zip(exported, given_value, strict=True):
            assert_contains(inner_exported, inner_given)
    else:
        assert type(exported) is type(given_value)
        assert exported == given_value
