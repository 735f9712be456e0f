"""The one place a visit's score is computed, exactly as spec/scoring.md says.

Sums and ratios are kept as Fractions so the worked example comes out exact
(78.0, not 78.00000000000001); floats appear only in the returned values.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Context, Decimal
from fractions import Fraction
from functools import lru_cache

from shopper.domain.answers import NA, is_valid_value, whole_number
from shopper.domain.checklist_format import Checklist, Question


@dataclass(frozen=True)
class QuestionScore:
    """How one answer scored; ``earned`` is None when the question did not count."""

    code: str
    section: str
    earned: float | None
    possible: float
    counted: bool
    critical_failed: bool


@dataclass(frozen=True)
class SectionScore:
    """A section's sums and its percentage (None when nothing was possible)."""

    code: str
    earned: float
    possible: float
    score: float | None


@dataclass(frozen=True)
class VisitScore:
    """A visit's scores; ``overall`` already has the critical rule applied."""

    questions: dict[str, QuestionScore]
    sections: dict[str, SectionScore]
    earned: float
    possible: float
    overall: float | None
    critical_failure: bool
    overall_before_critical: float | None

    def section_rows(self) -> list[dict[str, object]]:
        """The stored score row of each section (the columns of ``visit_section_scores``)."""
        return [
            {"section_code": s.code, "earned": s.earned, "possible": s.possible, "score": s.score}
            for s in self.sections.values()
        ]

    def question_rows(self) -> list[dict[str, object]]:
        """The stored score row of each question (the columns of ``visit_question_scores``)."""
        return [
            {
                "section_code": q.section,
                "question_code": q.code,
                "earned": q.earned,
                "possible": q.possible,
                "counted": q.counted,
                "critical_failed": q.critical_failed,
            }
            for q in self.questions.values()
        ]


def score_visit(checklist: Checklist, answers: Mapping[str, object]) -> VisitScore:
    """Score a visit's answers (question code → value) against its checklist version."""
    questions: dict[str, QuestionScore] = {}
    sections: dict[str, SectionScore] = {}
    total_earned = total_possible = Fraction(0)
    critical_failure = False
    for section in checklist.sections:
        section_earned = section_possible = Fraction(0)
        for question in section.questions:
            value = answers.get(question.code)
            result = _earned_and_possible(question, value)
            failed = _critical_failed(question, value)
            critical_failure = critical_failure or failed
            if result is None:
                questions[question.code] = QuestionScore(
                    question.code, section.code, None, 0.0, False, failed
                )
                continue
            earned, possible = result
            section_earned += earned
            section_possible += possible
            questions[question.code] = QuestionScore(
                question.code, section.code, float(earned), float(possible), True, failed
            )
        sections[section.code] = SectionScore(
            section.code,
            float(section_earned),
            float(section_possible),
            _percentage(section_earned, section_possible),
        )
        total_earned += section_earned
        total_possible += section_possible
    before = _percentage(total_earned, total_possible)
    # A failed critical question makes the whole visit worth 0, even when
    # nothing else was possible: the visit failed, it is not "not scored".
    overall = 0.0 if critical_failure and checklist.critical_zeroes_score else before
    return VisitScore(
        questions=questions,
        sections=sections,
        earned=float(total_earned),
        possible=float(total_possible),
        overall=overall,
        critical_failure=critical_failure,
        overall_before_critical=before,
    )


@lru_cache(maxsize=1 << 16)
def round_pct(value: float | None, digits: int = 1) -> Decimal | None:
    """Round a percentage for display: half away from zero on the float's shortest repr.

    Cached: a chain's report rounds ~100,000 figures, most of them one of
    a few thousand values (the exact decimal arithmetic is the cost).
    """
    if value is None:
        return None
    if not math.isfinite(value):
        raise ValueError(f"cannot round {value!r}")
    # repr gives the shortest decimal that reads back as the same float, so
    # 87.45 rounds as the 87.45 people see rather than 87.4499999… in binary.
    exact = Decimal(repr(value))
    width = max(len(exact.as_tuple().digits), exact.adjusted() + 1)
    context = Context(prec=width + max(digits, 0) + 2)
    rounded = exact.quantize(Decimal(1).scaleb(-digits), rounding=ROUND_HALF_UP, context=context)
    return rounded.copy_abs() if rounded.is_zero() else rounded


def _earned_and_possible(question: Question, value: object) -> tuple[Fraction, Fraction] | None:
    """Earned and possible points, or None when the question does not count.

    Unanswered, "na" and invalid values all do not count: the validator keeps
    invalid ones out of submitted visits, and a draft must never crash here.
    """
    if not question.scored or not _valid(question, value) or value == NA:
        return None
    if question.type == "yes_no":
        possible = _fraction(question.points or 0)
        return (possible if value == question.good_answer else Fraction(0)), possible
    if question.type == "scale":
        low, high, whole = question.min, question.max, whole_number(value)
        if low is None or high is None or whole is None or high <= low:
            return None
        possible = _fraction(question.points or 0)
        return possible * Fraction(whole - low, high - low), possible
    option = question.option(value) if isinstance(value, str) else None
    if option is None:
        return None
    possible = max(_fraction(o.points) for o in question.options)
    return _fraction(option.points), possible


def _critical_failed(question: Question, value: object) -> bool:
    return (
        question.type == "yes_no"
        and question.critical
        and value in ("yes", "no")
        and value != question.good_answer
    )


def _valid(question: Question, value: object) -> bool:
    return value is not None and is_valid_value(question, value)


def _fraction(points: float) -> Fraction:
    # Through repr so that 0.1 points is one tenth, as the author wrote it,
    # not the binary float nearest to it.
    return Fraction(points) if isinstance(points, int) else Fraction(repr(points))


def _percentage(earned: Fraction, possible: Fraction) -> float | None:
    if possible == 0:
        return None
    return float(earned * 100 / possible)
