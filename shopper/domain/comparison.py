"""The one place a comparison's figures are computed, exactly as spec/scoring.md says.

The database hands over additive sums per store (visits, Σ overall, Σ section
scores, Σ earned and possible per question); everything that is a rule —
means, ranks, change, regions, chain, competitors, consistency — happens here,
so it is tested without a database and the same for every output format.
"""

from __future__ import annotations

import math
import operator
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta
from itertools import chain, repeat
from typing import NamedTuple, TypeVar

import numpy as np


@dataclass(frozen=True)
class StoreInfo:
    """A store as comparisons show it."""

    code: str
    name: str
    region: str
    competitor: bool


class SectionSums(NamedTuple):
    """A section's sums over approved visits: Σ score and the visits that scored it."""

    score: float
    count: float

    @property
    def empty(self) -> bool:
        """No visit counts in these sums (all of them were taken back)."""
        return not self.count


class QuestionSums(NamedTuple):
    """A question's sums over approved visits' counted answers.

    Σ earned, Σ possible, the answers counted, and the fails among them
    (answers that earned less than the question's points).
    """

    earned: float
    possible: float
    counted: float
    fails: float

    @property
    def empty(self) -> bool:
        """No answer counts in these sums (all of them were taken back)."""
        return not self.counted


# Where each field lies on the last axis of an array of sums (``Details``, a
# period's arrays): ``questions[..., QUESTION.fails]`` is every fails count.
SECTION = SectionSums(*range(len(SectionSums._fields)))
QUESTION = QuestionSums(*range(len(QuestionSums._fields)))

CodeSums = TypeVar("CodeSums", SectionSums, QuestionSums)


@dataclass
class StoreSums:
    """Additive results of one store's approved visits in a period."""

    visits: int = 0
    overall_sum: float = 0.0
    overall_count: int = 0
    critical_failures: int = 0
    sections: dict[str, SectionSums] = field(default_factory=dict)
    questions: dict[str, QuestionSums] = field(default_factory=dict)

    @property
    def score(self) -> float | None:
        """The mean of the visits' overall scores (None without a scored visit)."""
        return self.overall_sum / self.overall_count if self.overall_count else None


@dataclass(frozen=True)
class SectionInfo:
    """A section of the checklist (matched by code across versions)."""

    code: str
    title: str


@dataclass(frozen=True)
class QuestionInfo:
    """A question of the checklist (matched by code across versions)."""

    code: str
    section: str
    text: str
    standard: str
    type: str


@dataclass(frozen=True)
class StoreRow:
    """One store's line of the ranking."""

    store: StoreInfo
    rank: int
    visits: int
    score: float | None
    change: float | None
    critical_failures: int
    sections: dict[str, float | None]
    questions: dict[str, float | None]


@dataclass(frozen=True)
class QuestionRow:
    """A question across the chain: how well, how often it fails, how unevenly.

    ``fail_rate`` only for yes_no questions (a 4 on a 1–5 scale is a lower
    score, not a failure); ``points_lost`` is Σ possible − Σ earned over the
    chain's counted answers (None without one), what "where we lose the most
    points" ranks every scored question by.
    """

    info: QuestionInfo
    score: float | None
    answers: int
    fails: int
    fail_rate: float | None
    consistency: float | None
    points_lost: float | None = None


@dataclass(frozen=True)
class RegionRow:
    """A region's mean store score."""

    region: str
    score: float | None
    stores: int


@dataclass(frozen=True)
class TrendPoint:
    """One month of the trend: the chain's and the competitors' scores."""

    month: date
    chain: float | None
    competitors: float | None


@dataclass(frozen=True)
class Comparison:
    """Everything a comparison shows, in every format."""

    checklist: str
    title: str
    first_day: date
    last_day: date
    previous_first_day: date
    previous_last_day: date
    region: str | None
    competitors_included: bool
    sections: tuple[SectionInfo, ...]
    questions: tuple[QuestionRow, ...]
    stores: tuple[StoreRow, ...]
    not_visited: tuple[StoreInfo, ...]
    regions: tuple[RegionRow, ...]
    chain_score: float | None
    chain_consistency: float | None
    chain_critical_failures: int
    chain_visits: int
    competitor_score: float | None
    competitor_stores: int
    trend: tuple[TrendPoint, ...] = ()
    # What the change compares with: ``previous`` or ``last_year`` (``COMPARE_WITH``).
    compare: str = "previous"


YES_NO = "yes_no"  # the only question type that fails (scoring.md)

PREVIOUS = "previous"
LAST_YEAR = "last_year"
COMPARE_WITH = (PREVIOUS, LAST_YEAR)


def _month_end(day: date) -> date:
    """The last day of ``day``'s month."""
    following = (day.replace(day=28) + timedelta(days=4)).replace(day=1)
    return following - timedelta(days=1)


def _months_back(month: date, count: int) -> date:
    """The first day of the month ``count`` months before ``month``'s."""
    index = month.year * 12 + month.month - 1 - count
    return date(index // 12, index % 12 + 1, 1)


def calendar_months(first_day: date, last_day: date) -> int | None:
    """1, 3 or 12 when the period is exactly one calendar month, quarter or year; else None."""
    if first_day.day != 1 or last_day != _month_end(last_day) or first_day.year != last_day.year:
        return None
    months = last_day.month - first_day.month + 1
    if months == 1:
        return 1
    if months == 3 and first_day.month in (1, 4, 7, 10):
        return 3
    if months == 12:
        return 12
    return None


def _year_earlier(day: date) -> date:
    """The same date one year earlier, 29 February becoming 28 February."""
    if day.month == 2 and day.day == 29:
        return date(day.year - 1, 2, 28)
    return day.replace(year=day.year - 1)


def previous_period(first_day: date, last_day: date, compare: str = PREVIOUS) -> tuple[date, date]:
    """The period a comparison compares with, by spec/scoring.md.

    ``previous``: a calendar month, quarter or year is compared with the one
    before; any other period with the period of the same length that ends the
    day before ``first_day``. ``last_year``: the same calendar month, quarter or
    year one year earlier, otherwise the same dates one year earlier (29
    February becoming 28 February).
    """
    months = calendar_months(first_day, last_day)
    if compare == LAST_YEAR:
        if months is not None:
            start = first_day.replace(year=first_day.year - 1)
            return start, _month_end(_months_back(last_day.replace(day=1), 12))
        return _year_earlier(first_day), _year_earlier(last_day)
    if months is not None:
        start = _months_back(first_day, months)
        return start, first_day - timedelta(days=1)
    length = (last_day - first_day).days + 1
    previous_last = first_day - timedelta(days=1)
    return previous_last - timedelta(days=length - 1), previous_last


def mean(values: Iterable[float]) -> float | None:
    """The arithmetic mean, or None of nothing."""
    values = list(values)
    return math.fsum(values) / len(values) if values else None


def population_stdev(values: Iterable[float]) -> float | None:
    """The population standard deviation, or None of nothing."""
    values = list(values)
    if not values:
        return None
    centre = math.fsum(values) / len(values)
    return math.sqrt(math.fsum([(v - centre) ** 2 for v in values]) / len(values))


def rank(scores: Mapping[str, float | None]) -> dict[str, int]:
    """Competition ranking, highest first: equal scores share a rank, the next skips."""
    ordered = sorted(
        ((s, code) for code, s in scores.items() if s is not None), key=lambda p: -p[0]
    )
    ranks: dict[str, int] = {}
    previous: float | None = None
    for position, (score, code) in enumerate(ordered, start=1):
        if previous is None or score != previous:
            current = position
        ranks[code] = current
        previous = score
    return ranks


def add_sums(into: dict[str, CodeSums], sums: Mapping[str, CodeSums], sign: int = 1) -> None:
    """Add (or with ``sign=-1`` take away) one dict of code → sums to another, in place.

    Field by field; a code whose sums count nothing any more is dropped.
    """
    combine = operator.add if sign == 1 else operator.sub
    for code, values in sums.items():
        mine = into.get(code)
        if mine is None:
            into[code] = values if sign == 1 else values._make(map(operator.neg, values))
            continue
        added = mine._make(map(combine, mine, values))
        if added.empty:
            del into[code]
        else:
            into[code] = added


_NO_QUESTION = QuestionSums(0.0, 0.0, 0, 0)
_NO_SECTION = SectionSums(0.0, 0)


def _aligned(sums: list[Mapping[str, list[float]]], codes: list[str], empty: tuple) -> np.ndarray:
    """Stores × ``codes`` × the sums' fields, as one array; a store without a code has ``empty``.

    Filled from one flat iterator of plain floats: numpy never inspects the
    nested lists one by one, which costs more than the arithmetic it saves.
    """
    fill = repeat(empty)  # endless: each map stops with the codes
    flat = chain.from_iterable(chain.from_iterable(map(store.get, codes, fill)) for store in sums)
    shape = (len(sums), len(codes), len(empty))
    return np.fromiter(flat, np.float64, count=math.prod(shape)).reshape(shape)


@dataclass(frozen=True)
class Details:
    """The section and question sums of stores, as arrays.

    ``sections``: stores × sections × (Σ score, count); ``questions``:
    stores × questions × (Σ earned, Σ possible, counted, fails); columns in
    the order of the comparison's sections and questions, ``rows`` the row
    of each store code. What a database hands over at chain scale, with no
    Python object per number.
    """

    rows: Mapping[str, int]
    sections: np.ndarray
    questions: np.ndarray

    @classmethod
    def of(
        cls, sums: Mapping[str, StoreSums], section_codes: list[str], question_codes: list[str]
    ) -> Details:
        """The details in the dicts of ``sums`` (a code missing there has no sums)."""
        stores = list(sums.values())
        return cls(
            {code: row for row, code in enumerate(sums)},
            _aligned([s.sections for s in stores], section_codes, _NO_SECTION),
            _aligned([s.questions for s in stores], question_codes, _NO_QUESTION),
        )


def _ratio(numerator: np.ndarray, denominator: np.ndarray, where: np.ndarray) -> np.ndarray:
    """``numerator / denominator`` where ``where``, NaN elsewhere (the same bits as Python's /)."""
    return np.divide(numerator, denominator, out=np.full(numerator.shape, np.nan), where=where)


def _values(array: np.ndarray, where: np.ndarray) -> list:
    """The array as nested lists of Python floats, None where not ``where``."""
    return np.where(where, array, None).tolist()


def compare(
    *,
    checklist: str,
    title: str,
    first_day: date,
    last_day: date,
    region: str | None,
    competitors_included: bool,
    sections: Iterable[SectionInfo],
    questions: Iterable[QuestionInfo],
    stores: Iterable[StoreInfo],
    current: Mapping[str, StoreSums],
    previous: Mapping[str, StoreSums],
    trend: Iterable[TrendPoint] = (),
    details: Details | None = None,
    compare_with: str = PREVIOUS,
) -> Comparison:
    """Build the comparison of ``stores`` from their sums in the period and the one before.

    ``details``: the section and question sums of the period; by default
    those in the dicts of ``current``. The stores × questions part (80,000
    scores for a month of a 2,000-store chain) is computed on arrays: one row
    per visited store, in ``visited``'s order, one column per question code.
    """
    previous_first, previous_last = previous_period(first_day, last_day, compare_with)
    section_list = tuple(sections)
    question_list = tuple(questions)
    section_codes = [s.code for s in section_list]
    question_codes = [q.code for q in question_list]
    shown = [
        s
        for s in stores
        if (region is None or s.region == region) and (competitors_included or not s.competitor)
    ]
    visited = [s for s in shown if current.get(s.code) and current[s.code].visits > 0]
    visited_codes = {s.code for s in visited}
    not_visited = tuple(
        sorted((s for s in shown if s.code not in visited_codes), key=lambda s: s.code)
    )
    visited_sums = [current[s.code] for s in visited]
    if details is None:
        details = Details.of(current, section_codes, question_codes)
    visited_rows = [details.rows[s.code] for s in visited]
    question_sums = details.questions[visited_rows]
    earned = question_sums[..., QUESTION.earned]
    possible = question_sums[..., QUESTION.possible]
    scored = (question_sums[..., QUESTION.counted] > 0) & (possible > 0)
    question_scores = _ratio(earned * 100, possible, scored)
    section_sums = details.sections[visited_rows]
    section_total = section_sums[..., SECTION.score]
    section_count = section_sums[..., SECTION.count]
    section_scored = section_count > 0
    section_scores = _ratio(section_total, section_count, section_scored)
    ranks = rank({s.code: sums.score for s, sums in zip(visited, visited_sums, strict=True)})
    rows = []
    for store, sums, section_row, question_row in zip(
        visited,
        visited_sums,
        _values(section_scores, section_scored),
        _values(question_scores, scored),
        strict=True,
    ):
        before = previous.get(store.code)
        before_score = before.score if before else None
        rows.append(
            StoreRow(
                store=store,
                rank=ranks.get(store.code, len(ranks) + 1),
                visits=sums.visits,
                score=sums.score,
                change=(
                    sums.score - before_score
                    if sums.score is not None and before_score is not None
                    else None
                ),
                critical_failures=sums.critical_failures,
                sections=dict(zip(section_codes, section_row, strict=True)),
                questions=dict(zip(question_codes, question_row, strict=True)),
            )
        )
    rows.sort(key=lambda r: (r.score is None, r.rank, r.store.code))
    own = [r for r in rows if not r.store.competitor and r.score is not None]
    rivals = [r for r in rows if r.store.competitor and r.score is not None]
    by_region: dict[str, list[float]] = {}
    for r in own:
        by_region.setdefault(r.store.region, []).append(r.score)
    # Best region first (equal scores by name).
    regions = tuple(
        sorted(
            (RegionRow(name, mean(scores), len(scores)) for name, scores in by_region.items()),
            key=lambda r: (-r.score, r.region),
        )
    )
    return Comparison(
        checklist=checklist,
        title=title,
        first_day=first_day,
        last_day=last_day,
        previous_first_day=previous_first,
        previous_last_day=previous_last,
        region=region,
        competitors_included=competitors_included,
        sections=section_list,
        questions=_question_rows(
            question_list,
            question_sums,
            question_scores,
            scored,
            np.array([not s.competitor for s in visited], dtype=bool),
        ),
        stores=tuple(rows),
        not_visited=not_visited,
        regions=regions,
        chain_score=mean(r.score for r in own),
        chain_consistency=population_stdev(r.score for r in own),
        chain_critical_failures=sum(r.critical_failures for r in rows if not r.store.competitor),
        chain_visits=sum(r.visits for r in rows if not r.store.competitor),
        competitor_score=mean(r.score for r in rivals),
        competitor_stores=len(rivals),
        trend=tuple(trend),
        compare=compare_with,
    )


def _question_rows(
    questions: tuple[QuestionInfo, ...],
    sums: np.ndarray,
    scores: np.ndarray,
    scored: np.ndarray,
    own: np.ndarray,
) -> tuple[QuestionRow, ...]:
    """Each question over the chain's visited stores (competitors apart).

    ``sums`` is stores × questions × (Σ earned, Σ possible, counted, fails),
    ``scores`` the stores' question scores where ``scored``; ``own`` picks the
    chain's stores. Consistency is the population standard deviation of the
    store scores that exist.
    """
    chain_sums = sums[own].sum(axis=0)
    earned, possible, counted, fails = (
        chain_sums[:, QUESTION.earned],
        chain_sums[:, QUESTION.possible],
        chain_sums[:, QUESTION.counted],
        chain_sums[:, QUESTION.fails],
    )
    own_scored = scored[own]
    stores_scored = own_scored.sum(axis=0)
    with np.errstate(divide="ignore", invalid="ignore"):
        centre = np.where(own_scored, scores[own], 0.0).sum(axis=0) / stores_scored
        spread = np.where(own_scored, (scores[own] - centre) ** 2, 0.0).sum(axis=0)
        consistency = np.sqrt(spread / stores_scored)
    rows = []
    for info, q_earned, q_possible, q_counted, q_fails, q_stores, q_consistency in zip(
        questions,
        earned.tolist(),
        possible.tolist(),
        counted.tolist(),
        fails.tolist(),
        stores_scored.tolist(),
        consistency.tolist(),
        strict=True,
    ):
        answers, failed = int(q_counted), int(q_fails)
        # The kept ``fails`` count answers that earned less than the points:
        # for a yes_no question exactly the answers that are not the good one.
        yes_no = info.type == YES_NO
        rows.append(
            QuestionRow(
                info=info,
                score=q_earned * 100 / q_possible if answers and q_possible else None,
                answers=answers,
                fails=failed if yes_no else 0,
                fail_rate=failed * 100 / answers if answers and yes_no else None,
                consistency=q_consistency if q_stores else None,
                points_lost=q_possible - q_earned if answers else None,
            )
        )
    return tuple(rows)


def to_json(comparison: Comparison) -> dict[str, object]:
    """The comparison document of spec/api.md (unrounded percentages or null)."""
    return {
        "checklist": comparison.checklist,
        "title": comparison.title,
        "first_day": comparison.first_day.isoformat(),
        "last_day": comparison.last_day.isoformat(),
        "previous": {
            "first_day": comparison.previous_first_day.isoformat(),
            "last_day": comparison.previous_last_day.isoformat(),
        },
        "compare": comparison.compare,
        "region": comparison.region,
        "competitors_included": comparison.competitors_included,
        "sections": [{"code": s.code, "title": s.title} for s in comparison.sections],
        "questions": [
            {
                "code": q.info.code,
                "section": q.info.section,
                "text": q.info.text,
                "standard": q.info.standard,
                "score": q.score,
                "answers": q.answers,
                "fails": q.fails,
                "fail_rate": q.fail_rate,
                "points_lost": q.points_lost,
                "consistency": q.consistency,
            }
            for q in comparison.questions
        ],
        "stores": [
            {
                "code": r.store.code,
                "name": r.store.name,
                "region": r.store.region,
                "competitor": r.store.competitor,
                "rank": r.rank,
                "visits": r.visits,
                "score": r.score,
                "change": r.change,
                "critical_failures": r.critical_failures,
                "sections": r.sections,
                "questions": r.questions,
            }
            for r in comparison.stores
        ],
        "not_visited": [
            {"code": s.code, "name": s.name, "region": s.region, "competitor": s.competitor}
            for s in comparison.not_visited
        ],
        "regions": [
            {"region": r.region, "score": r.score, "stores": r.stores} for r in comparison.regions
        ],
        "chain": {
            "score": comparison.chain_score,
            "consistency": comparison.chain_consistency,
            "critical_failures": comparison.chain_critical_failures,
            "visits": comparison.chain_visits,
        },
        "competitors": {
            "score": comparison.competitor_score,
            "stores": comparison.competitor_stores,
        },
        "trend": [
            {"month": p.month.isoformat()[:7], "chain": p.chain, "competitors": p.competitors}
            for p in comparison.trend
        ],
    }
