"""Which languages are written right to left: one list, asked by the pages and the PDFs."""

from __future__ import annotations

from shopper.config import LANGUAGES
from shopper.domain.i18n import is_rtl_language, text_direction
from shopper.pdf.fonts import is_rtl


def test_of_the_interface_languages_only_urdu_is_right_to_left() -> None:
    assert {code for code in LANGUAGES if is_rtl_language(code)} == {"ur"}


def test_a_tag_is_read_by_its_primary_language_in_any_spelling() -> None:
    for tag in ("ur", "ur-PK", "ur_PK", "UR", "ar", "fa-IR", "he"):
        assert text_direction(tag) == "rtl", tag
    for tag in ("en", "tr", "sv", "th", "pt-BR", "urd-x", ""):
        assert text_direction(tag) == "ltr", tag


def test_a_text_is_read_by_its_first_strong_letter_whatever_its_language() -> None:
    assert is_rtl("لاہور مال روڈ")
    assert is_rtl("12 لاہور")
    assert not is_rtl("Kadıköy لاہور")
