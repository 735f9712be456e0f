"""Translations of a checklist (formats.md): checked against the document's own codes,
written back exactly as given, read in a person's language with the source as fallback."""

from __future__ import annotations

import copy

import pytest

from shopper.domain.checklist_format import (
    ChecklistFormatError,
    languages,
    localized,
    missing_texts,
    parse_checklist,
    to_document,
)
from shopper.domain.scoring import score_visit
from tests.factories import VISIT_B, WORKED_EXAMPLE

THAI = {
    "title": "ตัวอย่าง",
    "sections": {"welcome": {"title": "การต้อนรับ"}},
    "questions": {
        "q1": {"text": "มีพนักงานทักทายหรือไม่", "standard": "ภายใน 30 วินาที"},
        "q3": {"options": {"a": "ก", "c": "ค"}},
    },
}
URDU = {"questions": {"q2": {"text": "عملے کا رویہ"}}}


def _document(translations: object) -> dict:
    document = copy.deepcopy(WORKED_EXAMPLE)
    document["translations"] = translations
    return document


def _problems(translations: object) -> list[str]:
    with pytest.raises(ChecklistFormatError) as error:
        parse_checklist(_document(translations))
    return [str(problem) for problem in error.value.problems]


def test_a_translation_gives_texts_and_the_source_fills_the_rest() -> None:
    checklist = parse_checklist(_document({"th": THAI, "ur": URDU}))
    thai = localized(checklist, "th")
    assert thai.language == "th"
    assert thai.title == "ตัวอย่าง"
    assert [s.title for s in thai.sections] == ["การต้อนรับ", "Checkout"]
    q1 = thai.question("q1")
    assert (q1.text, q1.standard, q1.points, q1.critical) == (
        "มีพนักงานทักทายหรือไม่",
        "ภายใน 30 วินาที",
        10,
        True,
    )
    assert [o.label for o in thai.question("q3").options] == ["ก", "B", "ค"]
    assert localized(checklist, "ur").question("q2").text == "عملے کا رویہ"
    assert localized(checklist, "ur").title == "Worked example"
    assert localized(checklist, "sv") is checklist
    assert localized(checklist, "en") is checklist
    assert languages(checklist) == ("en", "th", "ur")


def test_scores_do_not_depend_on_the_language() -> None:
    checklist = parse_checklist(_document({"th": THAI}))
    answers = {code: {"value": value} for code, value in VISIT_B.items()}
    assert score_visit(localized(checklist, "th"), answers) == score_visit(checklist, answers)


def test_export_writes_translations_back_exactly_as_imported() -> None:
    document = _document({"th": THAI, "ur": URDU})
    exported = to_document(parse_checklist(document))
    assert exported["translations"] == {"th": THAI, "ur": URDU}
    assert to_document(parse_checklist(exported)) == exported
    assert to_document(parse_checklist(WORKED_EXAMPLE))["translations"] == {}


def test_unknown_codes_are_named_by_their_path() -> None:
    problems = _problems(
        {
            "th": {
                "questions": {"gretted": {"text": "x"}, "q3": {"options": {"z": "x"}}},
                "sections": {"nope": {"title": "x"}},
                "colour": "x",
            }
        }
    )
    assert "translations.th.questions.gretted: no question has the code gretted" in problems
    assert (
        "translations.th.questions.q3.options.z: no option of this question has the code z"
        in problems
    )
    assert "translations.th.sections.nope: no section has the code nope" in problems
    assert "translations.th.colour: unknown key" in problems


def test_texts_obey_the_source_limits_and_the_language_rules() -> None:
    problems = _problems(
        {
            "en": {"title": "Again"},
            "not a tag!": {},
            "th": {"title": " ", "questions": {"q1": {"text": "x" * 1001, "unit": 5}}},
            "ur": [],
        }
    )
    assert "translations.en: the checklist's own language needs no translation" in problems
    assert any(p.startswith("translations.not a tag!: ") for p in problems)
    assert "translations.th.title: must not be empty" in problems
    assert "translations.th.questions.q1.text: must be at most 1000 characters" in problems
    assert "translations.th.questions.q1.unit: must be a string" in problems
    assert "translations.ur: must be an object" in problems
    assert _problems([]) == ["translations: must be an object keyed by language"]


def test_missing_texts_counts_what_a_language_still_lacks() -> None:
    checklist = parse_checklist(_document({"th": THAI}))
    # Source texts: title, 2 section titles, 4 question texts, 3 option labels = 10.
    assert missing_texts(checklist, "ur") == 10
    # Thai gives the title, one section, q1's text (and its standard, empty in the
    # source, so not counted) and two option labels.
    assert missing_texts(checklist, "th") == 10 - 5
