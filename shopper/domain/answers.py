"""Checking a visit's answers against its checklist version, for drafts and submissions."""

from __future__ import annotations

import gettext
import math
from collections.abc import Callable, Mapping

from shopper.domain.checklist_format import (
    Checklist,
    Problem,
    Question,
    is_storable_text,
)
from shopper.domain.i18n import N_, N_plural

MAX_TEXT_ANSWER = 4000
# The comment any answer may carry.
MAX_COMMENT = 2000
# A scale spanning more than this many steps is typed as a number, not tapped as buttons.
MAX_SCALE_BUTTON_SPAN = 20
# Photos one question may hold; the phone page is told the same number.
MAX_PHOTOS_PER_QUESTION = 10
NA = "na"


def validate_answers(
    checklist: Checklist,
    answers: Mapping[str, object],
    photo_counts: Mapping[str, int],
    *,
    complete: bool,
) -> dict[str, Problem]:
    """Problems keyed ``answers.<code>``; ``complete`` also demands every required answer and photo."""
    by_code = {question.code: question for _, question in checklist.questions()}
    problems: dict[str, Problem] = {}
    for code, value in answers.items():
        key = f"answers.{code}"
        question = by_code.get(code)
        if question is None:
            problems[key] = Problem(
                key, N_("no such question in this checklist version"), {"code": code}
            )
        elif value is not None:
            problem = _value_problem(question, value)
            if problem is not None:
                message, params = problem
                problems[key] = Problem(key, message, params)
    if not complete:
        return problems
    for _, question in checklist.questions():
        key = f"answers.{question.code}"
        if key in problems:
            continue  # one message per field; the value's own problem says more
        has_photo = (photo_counts.get(question.code) or 0) > 0
        if needs_answer(question) and not _answered(answers.get(question.code)):
            problems[key] = Problem(key, N_("an answer is required"), {})
        elif needs_photo(question) and not has_photo:
            problems[key] = Problem(key, N_("a photo is required"), {})
    return problems


def needs_answer(question: Question) -> bool:
    """True when a complete report must give this question a value.

    A photo question is answered by its photos, never by a value.
    """
    return question.required and question.type != "photo"


def needs_photo(question: Question) -> bool:
    """True when a complete report must hold at least one photo for this question."""
    if question.type == "photo":
        return question.required or question.photo == "required"
    return question.photo == "required"


def normalise_value(question: Question, value: object) -> object:
    """The canonical stored form of a valid value: a scale's 4.0 becomes 4."""
    if question.type == "scale" and isinstance(value, float):
        whole = whole_number(value)
        if whole is not None:
            return whole
    return value


def is_valid_value(question: Question, value: object) -> bool:
    """True when ``value`` is an acceptable non-None answer to ``question`` ("na" included)."""
    return _value_problem(question, value) is None


def whole_number(value: object) -> int | None:
    """The integer a scale answer stands for (4 and 4.0 alike), or None."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, float) and math.isfinite(value) and value.is_integer():
        return int(value)
    return None


def _answered(value: object) -> bool:
    # A blank text is what an untouched text box sends; it answers nothing.
    if isinstance(value, str):
        return bool(value.strip())
    return value is not None


def _value_problem(question: Question, value: object) -> tuple[str, dict[str, object]] | None:
    """The (message, params) wrong with a non-None value, or None when it is valid."""
    if question.type == "photo":
        return N_("a photo question takes photos, not a value"), {}
    if question.type == "text":
        if not isinstance(value, str):
            return N_("must be text"), {}
        if len(value) > MAX_TEXT_ANSWER:
            return N_("must be at most %(limit)s characters"), {"limit": MAX_TEXT_ANSWER}
        if not is_storable_text(value):
            return N_("must not contain NUL characters or unpaired surrogates"), {}
        return None
    if isinstance(value, str) and value == NA:
        return None if question.allow_na else (N_("N/A is not allowed for this question"), {})
    if question.type == "yes_no":
        if isinstance(value, str) and value in ("yes", "no"):
            return None
        if question.allow_na:
            return N_("must be yes, no or na"), {}
        return N_("must be yes or no"), {}
    if question.type == "scale":
        whole = whole_number(value)
        low, high = question.min, question.max
        if whole is not None and low is not None and high is not None and low <= whole <= high:
            return None
        return (
            N_("must be a whole number from %(min)s to %(max)s"),
            {"min": question.min, "max": question.max},
        )
    if question.type == "choice":
        if isinstance(value, str) and question.option(value) is not None:
            return None
        codes = ", ".join(option.code for option in question.options)
        return N_("must be one of the options: %(options)s"), {"options": codes}
    if question.type == "number":
        if _finite_number(value):
            return None
        return N_("must be a number"), {}
    return N_("this question takes no answer"), {}


def _finite_number(value: object) -> bool:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return False
    return math.isfinite(value)


# How an answer reads, the same on the pages, in the visit PDF and wherever a
# report is shown: these words and ``answer_text`` below, nowhere else.
NOT_ANSWERED = N_("Not answered")
YES = N_("Yes")
NO = N_("No")
NOT_APPLICABLE = N_("N/A")
SCALE_VALUE = N_("%(value)s on %(min)s–%(max)s")
PHOTOS = N_plural("%(num)d photo", "%(num)d photos")
_ENGLISH = gettext.NullTranslations()


def is_answered(question: Question, value: object, photo_count: int = 0) -> bool:
    """True when the report answers ``question``: a photo question by its photos, others by a value."""
    if question.type == "photo":
        return photo_count > 0
    return _answered(value)


def answer_text(
    question: Question,
    value: object,
    photo_count: int = 0,
    *,
    translations: gettext.NullTranslations = _ENGLISH,
    number: Callable[[object], str] = str,
) -> str:
    """How an answer reads to people: "Yes", "N/A", "4 on 1–5", the option's label,
    "7.5 min", the text as typed, "2 photos", or "Not answered".

    ``translations`` gives the reader's words (English by default); ``number``
    writes a number in the reader's locale. Text people typed (a text answer,
    an option's label, a unit) is never translated.
    """
    if not is_answered(question, value, photo_count):
        return translations.gettext(NOT_ANSWERED)
    if question.type == "photo":
        singular, plural = PHOTOS
        return translations.ngettext(singular, plural, photo_count) % {"num": photo_count}
    if question.type == "text":
        return str(value)  # "na" typed in a text box is what the shopper wrote
    if value == NA:
        return translations.gettext(NOT_APPLICABLE)
    if question.type == "yes_no" and value in ("yes", "no"):
        return translations.gettext(YES if value == "yes" else NO)
    if question.type == "scale":
        return translations.gettext(SCALE_VALUE) % {
            "value": number(value),
            "min": number(question.min),
            "max": number(question.max),
        }
    if question.type == "choice":
        option = question.option(str(value))
        return option.label if option is not None else str(value)
    if question.type == "number":
        return f"{number(value)} {question.unit}".strip()
    return str(value)
