"""What a store's pages of the comparison PDF say beyond its row of the ranking.

Plain frozen data, filled by ``shopper.services.store_reports`` from the
approved visits of the period and printed by ``shopper.pdf.comparison``. The
shopper is never named: comments are kept with the visit's date only.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path


@dataclass(frozen=True)
class LostPoints:
    """A question where the store lost points in the period, with what shoppers wrote."""

    code: str
    earned: float
    possible: float
    answers: int
    critical_failures: int
    comments: tuple[tuple[date, str], ...] = ()

    @property
    def lost(self) -> float:
        """Points lost: Σ possible − Σ earned."""
        return self.possible - self.earned

    @property
    def score(self) -> float | None:
        """The store's score on the question, in percent."""
        return self.earned * 100 / self.possible if self.possible else None


@dataclass(frozen=True)
class PhotoThumb:
    """A photo of a failed item: the thumbnail file, the question and the visit's date."""

    path: Path
    question: str
    visited_on: date


@dataclass(frozen=True)
class OpenAction:
    """An action the store still has to finish."""

    title: str
    due_on: date
    status: str
    overdue: bool


@dataclass(frozen=True)
class StoreDetail:
    """One store's period, visit by visit, as its report page shows it."""

    visit_dates: tuple[date, ...] = ()
    lost: tuple[LostPoints, ...] = ()
    photos: tuple[PhotoThumb, ...] = ()
    actions: tuple[OpenAction, ...] = ()


@dataclass(frozen=True)
class Targets:
    """The checklist's targets: overall and per section, in percent (None where not set)."""

    overall: float | None = None
    sections: Mapping[str, float] = field(default_factory=dict)

    @classmethod
    def of(cls, value: object) -> Targets:
        """Targets from the checklist's JSON (``{"overall", "sections"}``) or an object with
        those attributes; anything unreadable counts as not set."""
        if value is None:
            return cls()
        if isinstance(value, Targets):
            return value
        get = value.get if isinstance(value, Mapping) else lambda key: getattr(value, key, None)
        overall = _number(get("overall"))
        sections = get("sections") or {}
        if not isinstance(sections, Mapping):
            sections = {}
        return cls(
            overall,
            {
                str(code): number
                for code, raw in sections.items()
                if (number := _number(raw)) is not None
            },
        )


def _number(value: object) -> float | None:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    return float(value)


def lost_points_order(rows: list[LostPoints]) -> list[LostPoints]:
    """Most points lost first, then the code (a stable order for ties)."""
    return sorted(rows, key=lambda row: (-row.lost, row.code))
