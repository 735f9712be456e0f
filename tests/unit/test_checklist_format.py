"""The shopper-checklist/1 format: what an import accepts, what it refuses, what an export writes."""

from __future__ import annotations

import copy
import json

import pytest

from shopper.domain.checklist_format import (
    FORMAT,
    Checklist,
    ChecklistFormatError,
    Option,
    Problem,
    Question,
    Section,
    parse_checklist,
    to_document,
)
from tests.support.checklists import FIXTURES, with_defaults

FIXTURE_NAMES = sorted(path.name for path in FIXTURES.glob("*.json"))


def load(name: str) -> dict:
    return json.loads((FIXTURES / name).read_text(encoding="utf-8"))


def one_question(**question: object) -> dict:
    """A valid document around a single question (a yes_no unless told otherwise)."""
    body = {"code": "q", "type": "yes_no", "text": "Were you greeted?", "points": 10}
    body.update(question)
    return {
        "format": FORMAT,
        "code": "check",
        "title": "Check",
        "sections": [{"code": "s", "title": "Section", "questions": [body]}],
    }


def problems_of(document: object) -> dict[str, str]:
    with pytest.raises(ChecklistFormatError) as caught:
        parse_checklist(document)
    return {problem.path: problem.message % problem.params for problem in caught.value.problems}


TWO_OPTIONS = [{"code": "a", "label": "A", "points": 1}, {"code": "b", "label": "B", "points": 0}]
ONLY_POINTS = (
    "only yes_no and scale questions take points; a choice takes its points from its options"
)


def with_question(question: dict) -> dict:
    document = one_question()
    # Deep copy: tests edit the result, and TWO_OPTIONS is shared.
    body = copy.deepcopy({"code": "q", "text": "Question?", **question})
    document["sections"][0]["questions"] = [body]
    return document


def choice(options: object) -> dict:
    return with_question({"type": "choice", "options": options})


# Fixtures: the five real checklists import and export faithfully.


@pytest.mark.parametrize("name", FIXTURE_NAMES)
def test_every_fixture_imports(name: str) -> None:
    document = load(name)
    checklist = parse_checklist(document)
    assert checklist.code == document["code"]
    assert checklist.language == name.split(".")[-2]
    assert [s.code for s in checklist.sections] == [s["code"] for s in document["sections"]]


@pytest.mark.parametrize("name", FIXTURE_NAMES)
def test_export_is_the_fixture_with_every_default_filled_in(name: str) -> None:
    document = load(name)
    assert to_document(parse_checklist(document)) == with_defaults(document)


@pytest.mark.parametrize("name", FIXTURE_NAMES)
def test_import_export_import_changes_nothing(name: str) -> None:
    checklist = parse_checklist(load(name))
    exported = json.loads(json.dumps(to_document(checklist), ensure_ascii=False))
    assert parse_checklist(exported) == checklist
    assert to_document(parse_checklist(exported)) == exported


def test_there_are_five_fixtures() -> None:
    assert FIXTURE_NAMES == [
        "butik-service.sv.json",
        "magaza-hizmet.tr.json",
        "service-check.th.json",
        "service-check.ur.json",
        "store-service.en.json",
    ]


def test_text_in_any_script_is_kept_exactly() -> None:
    turkish = parse_checklist(load("magaza-hizmet.tr.json"))
    thai = parse_checklist(load("service-check.th.json"))
    urdu = parse_checklist(load("service-check.ur.json"))
    assert turkish.title == "Mağaza müşteri hizmetleri denetimi"
    assert turkish.question("iade-sureci").standard == "İadeler her şubede aynı süreçle yapılır"
    assert thai.sections[0].title == "การต้อนรับ"
    assert urdu.question("wait").unit == "منٹ"
    assert urdu.title == "دکان میں کسٹمر سروس کا جائزہ"


def test_surrounding_spaces_and_unnormalised_unicode_are_stored_as_given() -> None:
    decomposed = "Cafe\u0301 "  # e + combining accent, and a trailing space
    document = one_question(text=decomposed, guidance="  two leading spaces")
    question = parse_checklist(document).question("q")
    assert question.text == decomposed
    assert question.guidance == "  two leading spaces"


def test_export_writes_ints_as_ints_and_floats_as_floats() -> None:
    document = one_question(points=10)
    document["sections"][0]["questions"].append(
        {"code": "r", "type": "yes_no", "text": "Thanked?", "points": 2.5}
    )
    text = json.dumps(to_document(parse_checklist(document)))
    assert '"points": 10,' in text
    assert '"points": 2.5,' in text


def test_export_key_order_is_readable() -> None:
    document = parse_checklist(load("store-service.en.json"))
    exported = to_document(document)
    assert list(exported) == [
        "format",
        "code",
        "title",
        "language",
        "description",
        "critical_zeroes_score",
        "sections",
        "translations",
    ]
    assert list(exported["sections"][0]) == ["code", "title", "questions"]
    by_type = {q["type"]: list(q) for s in exported["sections"] for q in s["questions"]}
    always = ["required", "allow_na", "critical", "photo"]
    head = ["code", "type", "text", "guidance", "standard"]
    assert by_type["yes_no"] == [*head, "points", "good_answer", *always]
    assert by_type["scale"] == [*head, "min", "max", "points", *always]
    assert by_type["choice"] == [*head, "options", *always]
    assert by_type["number"] == [*head, "unit", *always]
    assert by_type["text"] == [*head, *always]
    assert by_type["photo"] == [*head, *always]


def test_parsed_fixture_has_every_default() -> None:
    checklist = parse_checklist(load("store-service.en.json"))
    assert checklist.question("courtesy") == Question(
        code="courtesy",
        type="scale",
        text="How courteous and warm was the first contact?",
        guidance="1 = cold or rude, 3 = correct, 5 = made you feel welcome.",
        points=10,
        min=1,
        max=5,
    )
    assert checklist.question("anticipated").options[1] == Option(
        "asked", "Asked a question that uncovered it", 3
    )
    assert checklist.question("receipt").photo == "required"
    sv = parse_checklist(load("butik-service.sv.json"))
    assert (sv.description, sv.critical_zeroes_score) == (
        "Lyssna på kunden, förutse behov, samma rutin i varje butik.",
        True,
    )


# The dataclasses' helpers.


def test_questions_come_in_checklist_order_with_their_section() -> None:
    checklist = parse_checklist(load("service-check.th.json"))
    assert [(s.code, q.code) for s, q in checklist.questions()] == [
        ("welcome", "greeted"),
        ("welcome", "courtesy"),
        ("checkout", "thanked"),
        ("checkout", "staff"),
    ]


def test_asking_for_a_missing_question_raises_key_error() -> None:
    checklist = parse_checklist(load("service-check.th.json"))
    with pytest.raises(KeyError):
        checklist.question("nope")


def test_scored_and_max_points_per_type() -> None:
    checklist = parse_checklist(load("store-service.en.json"))
    expected = {
        "greeted": (True, 10),
        "courtesy": (True, 10),
        "anticipated": (True, 5),
        "wait-minutes": (False, 0),
        "staff-description": (False, 0),
        "receipt": (False, 0),
    }
    for code, (scored, max_points) in expected.items():
        question = checklist.question(code)
        assert (question.scored, question.max_points) == (scored, max_points), code
    assert checklist.max_points == 80
    assert checklist.sections[1].max_points == 25


def test_choice_max_points_is_the_best_option_wherever_it_is_listed() -> None:
    question = Question(
        "q",
        "choice",
        "Offer?",
        options=(Option("a", "A", 1), Option("b", "B", 7.5), Option("c", "C", 3)),
    )
    assert question.max_points == 7.5
    assert question.option("c") == Option("c", "C", 3)
    assert question.option("z") is None


def test_dataclasses_are_frozen() -> None:
    checklist = Checklist("c", "C", sections=(Section("s", "S", (Question("q", "text", "T"),)),))
    with pytest.raises(AttributeError):
        checklist.title = "changed"  # type: ignore[misc]


# Problems: each one named by its JSON path.


def test_every_problem_is_listed_not_only_the_first() -> None:
    document = {
        "format": "shopper-checklist/2",
        "code": "Bad Code",
        "title": "",
        "colour": "red",
        "sections": [
            {
                "code": "welcome",
                "title": "Welcome",
                "questions": [
                    {"code": "a", "type": "scale", "text": "How?", "min": 1, "max": 5},
                    {"code": "b", "type": "yes_no", "text": "Yes?", "points": 5, "colour": 1},
                    {
                        "code": "c",
                        "type": "choice",
                        "text": "Which?",
                        "options": [
                            {"code": "x", "label": "X", "points": 1},
                            {"code": "x", "label": "Y", "points": 2},
                        ],
                    },
                ],
            }
        ],
    }
    assert problems_of(document) == {
        "colour": "unknown key",
        "format": "must be shopper-checklist/1",
        "code": "may contain only lowercase a-z, digits 0-9, - and _",
        "title": "must not be empty",
        "sections[0].questions[0].points": "required for scale questions",
        "sections[0].questions[1].colour": "unknown key",
        "sections[0].questions[2].options[1].code": (
            "option code x is already used by sections[0].questions[2].options[0].code"
        ),
    }


def test_error_text_lists_one_problem_per_line() -> None:
    document = one_question(points=None, colour="red")
    with pytest.raises(ChecklistFormatError) as caught:
        parse_checklist(document)
    assert str(caught.value) == (
        "sections[0].questions[0].colour: unknown key\n"
        "sections[0].questions[0].points: must be a number"
    )
    assert isinstance(caught.value, ValueError)


def test_problem_keeps_the_msgid_and_params_for_translation() -> None:
    document = one_question(text="x" * 1001)
    with pytest.raises(ChecklistFormatError) as caught:
        parse_checklist(document)
    (problem,) = caught.value.problems
    assert problem == Problem(
        "sections[0].questions[0].text", "must be at most %(limit)s characters", {"limit": 1000}
    )
    assert str(problem) == "sections[0].questions[0].text: must be at most 1000 characters"


@pytest.mark.parametrize("document", [[], "checklist", None, 3])
def test_a_document_that_is_not_an_object_is_refused(document: object) -> None:
    assert problems_of(document) == {"": "a checklist must be a JSON object"}


def test_format_is_required_and_must_match() -> None:
    document = one_question()
    del document["format"]
    assert problems_of(document) == {"format": "required"}
    document["format"] = 1
    assert problems_of(document) == {"format": "must be shopper-checklist/1"}


def test_required_top_level_keys() -> None:
    assert problems_of({"format": FORMAT}) == {
        "code": "required",
        "title": "required",
        "sections": "required",
    }


def test_required_question_keys() -> None:
    document = one_question()
    document["sections"][0]["questions"][0] = {}
    assert problems_of(document) == {
        "sections[0].questions[0].code": "required",
        "sections[0].questions[0].type": "required",
        "sections[0].questions[0].text": "required",
    }


@pytest.mark.parametrize(
    ("where", "key"),
    [
        ("top", "colour"),
        ("section", "colour"),
        ("question", "colour"),
        ("option", "colour"),
        ("question", "label"),
        ("option", "text"),
    ],
)
def test_unknown_keys_are_refused_at_every_level(where: str, key: str) -> None:
    document = choice(TWO_OPTIONS)
    section = document["sections"][0]
    target, path = {
        "top": (document, key),
        "section": (section, f"sections[0].{key}"),
        "question": (section["questions"][0], f"sections[0].questions[0].{key}"),
        "option": (
            section["questions"][0]["options"][1],
            f"sections[0].questions[0].options[1].{key}",
        ),
    }[where]
    target[key] = "x"
    assert problems_of(document) == {path: "unknown key"}


@pytest.mark.parametrize(
    ("key", "value", "message"),
    [
        ("required", 1, "must be true or false"),
        ("allow_na", 0, "must be true or false"),
        ("critical", "true", "must be true or false"),
        ("points", True, "must be a number"),
        ("points", "10", "must be a number"),
        ("points", float("nan"), "must be a finite number"),
        ("points", float("inf"), "must be a finite number"),
        ("points", -1, "must not be negative"),
        ("points", 10000.5, "must be at most 10000"),
        ("points", 10001, "must be at most 10000"),
        ("type", "multiple", "must be one of yes_no, scale, choice, number, text, photo"),
        ("photo", "always", "must be one of none, optional, required"),
        ("good_answer", "maybe", "must be one of yes, no"),
        ("good_answer", True, "must be one of yes, no"),
        ("text", 12, "must be a string"),
        ("guidance", None, "must be a string"),
        ("text", "bad\x00byte", "must not contain NUL characters or unpaired surrogates"),
        ("text", "lone \ud800 surrogate", "must not contain NUL characters or unpaired surrogates"),
    ],
)
def test_question_value_types(key: str, value: object, message: str) -> None:
    document = one_question(**{key: value})
    assert problems_of(document) == {f"sections[0].questions[0].{key}": message}


@pytest.mark.parametrize("points", [0, 0.0, 2.5, 10000, 10000.0])
def test_points_within_the_limits_are_accepted(points: float) -> None:
    assert parse_checklist(one_question(points=points)).question("q").points == points


@pytest.mark.parametrize(
    ("code", "message"),
    [
        ("", "must not be empty"),
        ("Greeted", "may contain only lowercase a-z, digits 0-9, - and _"),
        ("greeted now", "may contain only lowercase a-z, digits 0-9, - and _"),
        ("selamlandı", "may contain only lowercase a-z, digits 0-9, - and _"),
        ("greeted\n", "may contain only lowercase a-z, digits 0-9, - and _"),
        ("x" * 65, "must be at most 64 characters"),
        (7, "must be a string"),
    ],
)
def test_bad_codes_are_refused_everywhere(code: object, message: str) -> None:
    for path, edit in (
        ("code", lambda d: d.__setitem__("code", code)),
        ("sections[0].code", lambda d: d["sections"][0].__setitem__("code", code)),
        (
            "sections[0].questions[0].code",
            lambda d: d["sections"][0]["questions"][0].__setitem__("code", code),
        ),
    ):
        document = one_question()
        edit(document)
        assert problems_of(document) == {path: message}


@pytest.mark.parametrize("code", ["a", "x" * 64, "iade-sureci", "q_1", "0", "-_-"])
def test_good_codes_are_accepted(code: str) -> None:
    document = one_question(code=code)
    document["code"] = code
    document["sections"][0]["code"] = code
    assert parse_checklist(document).question(code).code == code


def test_section_codes_are_unique_in_the_checklist() -> None:
    document = one_question()
    document["sections"].append(
        {"code": "s", "title": "Again", "questions": [{"code": "r", "type": "text", "text": "T"}]}
    )
    assert problems_of(document) == {
        "sections[1].code": "section code s is already used by sections[0].code"
    }


def test_question_codes_are_unique_in_the_whole_checklist() -> None:
    document = one_question()
    document["sections"].append(
        {"code": "t", "title": "Other", "questions": [{"code": "q", "type": "text", "text": "T"}]}
    )
    assert problems_of(document) == {
        "sections[1].questions[0].code": "question code q is already used by sections[0].questions[0].code"
    }


def test_a_code_may_repeat_across_kinds_and_option_codes_across_questions() -> None:
    document = one_question(code="s")
    document["sections"][0]["questions"] += [
        {"code": "c1", "type": "choice", "text": "One?", "options": copy.deepcopy(TWO_OPTIONS)},
        {"code": "c2", "type": "choice", "text": "Two?", "options": copy.deepcopy(TWO_OPTIONS)},
    ]
    checklist = parse_checklist(document)
    assert checklist.sections[0].code == checklist.question("s").code == "s"


@pytest.mark.parametrize(
    ("question", "path", "message"),
    [
        ({"type": "choice", "options": TWO_OPTIONS, "points": 5}, "points", ONLY_POINTS),
        ({"type": "number", "points": 5}, "points", ONLY_POINTS),
        ({"type": "photo", "photo": "optional", "points": 0}, "points", ONLY_POINTS),
        ({"type": "scale", "max": 5, "points": 5}, "min", "required for scale questions"),
        ({"type": "scale", "min": 1, "points": 5}, "max", "required for scale questions"),
        ({"type": "scale", "min": 1.0, "max": 5, "points": 5}, "min", "must be a whole number"),
        ({"type": "scale", "min": 1, "max": True, "points": 5}, "max", "must be a whole number"),
        (
            {"type": "scale", "min": 5, "max": 5, "points": 5},
            "max",
            "must be greater than the lowest value (5)",
        ),
        (
            {"type": "scale", "min": 5, "max": 1, "points": 5},
            "max",
            "must be greater than the lowest value (5)",
        ),
        ({"type": "yes_no", "points": 5, "min": 1}, "min", "only scale questions take min and max"),
        ({"type": "text", "max": 5}, "max", "only scale questions take min and max"),
        (
            {"type": "scale", "min": 1, "max": 5, "points": 5, "options": TWO_OPTIONS},
            "options",
            "only choice questions take options",
        ),
        (
            {"type": "scale", "min": 1, "max": 5, "points": 5, "good_answer": "yes"},
            "good_answer",
            "only yes_no questions take good_answer",
        ),
        (
            {"type": "yes_no", "points": 5, "unit": "min"},
            "unit",
            "only number questions take a unit",
        ),
        ({"type": "text", "unit": ""}, "unit", "only number questions take a unit"),
        (
            {"type": "scale", "min": 1, "max": 5, "points": 5, "critical": True},
            "critical",
            "critical is allowed on yes_no questions only",
        ),
        (
            {"type": "choice", "options": TWO_OPTIONS, "critical": True},
            "critical",
            "critical is allowed on yes_no questions only",
        ),
        ({"type": "photo"}, "photo", 'a photo question needs photo "optional" or "required"'),
        (
            {"type": "photo", "photo": "none"},
            "photo",
            'a photo question needs photo "optional" or "required"',
        ),
        ({"type": "number", "unit": "x" * 21}, "unit", "must be at most 20 characters"),
    ],
)
def test_type_rules(question: dict, path: str, message: str) -> None:
    problems = problems_of(with_question(question))
    assert problems == {f"sections[0].questions[0].{path}": message}


def test_points_are_required_on_yes_no() -> None:
    document = one_question()
    del document["sections"][0]["questions"][0]["points"]
    assert problems_of(document) == {
        "sections[0].questions[0].points": "required for yes_no questions"
    }


@pytest.mark.parametrize(
    "question",
    [
        {"type": "text"},
        {"type": "number", "unit": "dk"},
        {"type": "photo", "photo": "required"},
        {"type": "choice", "options": TWO_OPTIONS},
        {"type": "scale", "min": 0, "max": 4, "points": 8},
    ],
)
def test_critical_false_is_accepted_on_every_type(question: dict) -> None:
    document = with_question({**question, "critical": False})
    assert parse_checklist(document).question("q").critical is False


def test_photo_modes_attach_photos_to_any_question() -> None:
    document = one_question(photo="required")
    document["sections"][0]["questions"].append(
        {"code": "p", "type": "photo", "text": "Receipt", "photo": "optional"}
    )
    checklist = parse_checklist(document)
    assert (checklist.question("q").photo, checklist.question("p").photo) == (
        "required",
        "optional",
    )


def test_choice_needs_options() -> None:
    document = choice([])
    del document["sections"][0]["questions"][0]["options"]
    assert problems_of(document) == {
        "sections[0].questions[0].options": "required for choice questions"
    }


@pytest.mark.parametrize(
    ("count", "message"),
    [
        (0, "a choice question needs at least 2 options"),
        (1, "a choice question needs at least 2 options"),
        (51, "at most 50 options"),
    ],
)
def test_choice_option_count(count: int, message: str) -> None:
    options = [{"code": f"o{i}", "label": f"Option {i}", "points": i} for i in range(count)]
    assert problems_of(choice(options)) == {"sections[0].questions[0].options": message}


def test_fifty_options_are_accepted() -> None:
    options = [{"code": f"o{i}", "label": f"Option {i}", "points": i} for i in range(50)]
    assert len(parse_checklist(choice(options)).question("q").options) == 50


def test_each_option_needs_code_label_and_points() -> None:
    options = [{"code": "a", "label": "A", "points": 1}, {}, "b"]
    assert problems_of(choice(options)) == {
        "sections[0].questions[0].options[1].code": "required",
        "sections[0].questions[0].options[1].label": "required",
        "sections[0].questions[0].options[1].points": "required",
        "sections[0].questions[0].options[2]": "an option must be an object",
    }


def test_option_values_are_checked() -> None:
    options = [
        {"code": "a", "label": " ", "points": -2},
        {"code": "B", "label": "x" * 201, "points": False},
    ]
    assert problems_of(choice(options)) == {
        "sections[0].questions[0].options[0].label": "must not be empty",
        "sections[0].questions[0].options[0].points": "must not be negative",
        "sections[0].questions[0].options[1].code": "may contain only lowercase a-z, digits 0-9, - and _",
        "sections[0].questions[0].options[1].label": "must be at most 200 characters",
        "sections[0].questions[0].options[1].points": "must be a number",
    }


def test_unknown_type_still_checks_the_values_present() -> None:
    document = one_question(type="rating", points=-1, min="1", options=[])
    assert problems_of(document) == {
        "sections[0].questions[0].type": "must be one of yes_no, scale, choice, number, text, photo",
        "sections[0].questions[0].points": "must not be negative",
        "sections[0].questions[0].min": "must be a whole number",
        "sections[0].questions[0].options": "a choice question needs at least 2 options",
    }


def test_a_checklist_needs_sections_and_a_section_needs_questions() -> None:
    document = one_question()
    document["sections"] = []
    assert problems_of(document) == {"sections": "a checklist needs at least one section"}
    document["sections"] = [{"code": "s", "title": "S", "questions": []}]
    assert problems_of(document) == {
        "sections[0].questions": "a section needs at least one question"
    }
    document["sections"] = [{"code": "s", "title": "S"}, "x"]
    assert problems_of(document) == {
        "sections[0].questions": "required",
        "sections[1]": "a section must be an object",
    }
    document["sections"] = {"code": "s"}
    assert problems_of(document) == {"sections": "must be a list"}


@pytest.mark.parametrize(
    ("edit", "path", "message"),
    [
        (lambda d: d.__setitem__("title", "x" * 201), "title", "must be at most 200 characters"),
        (
            lambda d: d.__setitem__("description", "x" * 4001),
            "description",
            "must be at most 4000 characters",
        ),
        (
            lambda d: d["sections"][0].__setitem__("title", "x" * 201),
            "sections[0].title",
            "must be at most 200 characters",
        ),
        (
            lambda d: d["sections"][0]["questions"][0].__setitem__("text", "x" * 1001),
            "sections[0].questions[0].text",
            "must be at most 1000 characters",
        ),
        (
            lambda d: d["sections"][0]["questions"][0].__setitem__("guidance", "x" * 4001),
            "sections[0].questions[0].guidance",
            "must be at most 4000 characters",
        ),
        (
            lambda d: d["sections"][0]["questions"][0].__setitem__("standard", "x" * 501),
            "sections[0].questions[0].standard",
            "must be at most 500 characters",
        ),
        (lambda d: d.__setitem__("title", " \t\n"), "title", "must not be empty"),
        (
            lambda d: d["sections"][0].__setitem__("title", ""),
            "sections[0].title",
            "must not be empty",
        ),
        (
            lambda d: d["sections"][0]["questions"][0].__setitem__("text", "  "),
            "sections[0].questions[0].text",
            "must not be empty",
        ),
    ],
)
def test_text_limits(edit, path: str, message: str) -> None:
    document = one_question()
    edit(document)
    assert problems_of(document) == {path: message}


def test_text_at_the_limits_is_accepted() -> None:
    document = one_question(text="t" * 1000, guidance="g" * 4000, standard="s" * 500)
    document["title"] = "ล" * 200
    document["description"] = "d" * 4000
    document["sections"][0]["title"] = "س" * 200
    checklist = parse_checklist(document)
    assert len(checklist.title) == 200
    assert len(checklist.question("q").guidance) == 4000


@pytest.mark.parametrize("language", ["en", "pt-BR", "zh-Hant-TW", "x" * 35])
def test_language_tags_are_accepted(language: str) -> None:
    document = one_question()
    document["language"] = language
    assert parse_checklist(document).language == language


@pytest.mark.parametrize("language", ["e", "x" * 36, "en_US", "", "türkçe", "en US"])
def test_bad_language_tags_are_refused(language: str) -> None:
    document = one_question()
    document["language"] = language
    assert problems_of(document) == {
        "language": "must be a language tag of 2 to 35 letters, digits and hyphens, like en or pt-BR"
    }


def test_critical_zeroes_score_must_be_a_boolean() -> None:
    document = one_question()
    document["critical_zeroes_score"] = 0
    assert problems_of(document) == {"critical_zeroes_score": "must be true or false"}
    document["critical_zeroes_score"] = False
    assert parse_checklist(document).critical_zeroes_score is False


def test_at_most_100_sections() -> None:
    document = one_question()
    document["sections"] = [
        {
            "code": f"s{i}",
            "title": "S",
            "questions": [{"code": f"q{i}", "type": "text", "text": "T"}],
        }
        for i in range(101)
    ]
    assert problems_of(document) == {"sections": "at most 100 sections"}
    document["sections"].pop()
    assert len(parse_checklist(document).sections) == 100


def test_at_most_1000_questions() -> None:
    document = one_question()
    document["sections"] = [
        {
            "code": f"s{i}",
            "title": "S",
            "questions": [{"code": f"q{i}-{j}", "type": "text", "text": "T"} for j in range(91)],
        }
        for i in range(11)
    ]
    assert problems_of(document) == {"sections": "at most 1000 questions in a checklist"}
    document["sections"][-1]["questions"] = document["sections"][-1]["questions"][:90]
    assert sum(1 for _ in parse_checklist(document).questions()) == 1000
