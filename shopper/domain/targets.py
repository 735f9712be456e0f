"""Targets: what "good enough" is for a checklist, overall and per section (scoring.md).

A target is a number from 0 to 100, set by a coordinator apart from any
version. A store is below target when its score is lower than the target; no
target (or no score) is never below.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from shopper.domain.checklist_format import Problem
from shopper.domain.i18n import N_

LOWEST = 0.0
HIGHEST = 100.0
NOT_A_TARGET = N_("%(path)s: must be a number from 0 to 100, or null.")
NO_SUCH_SECTION = N_("%(path)s: no section has this code.")
NOT_SECTIONS = N_("%(path)s: must be an object of section codes and targets.")
UNKNOWN_FIELD = N_("%(path)s: not a field of the targets; use overall and sections.")
NOT_AN_OBJECT = N_("The targets must be an object with overall and sections.")


@dataclass(frozen=True)
class Targets:
    """The overall target and the section targets that are set (None/absent: no target)."""

    overall: float | None = None
    sections: Mapping[str, float] = field(default_factory=dict)

    def to_json(self, codes: Iterable[str] | None = None) -> dict[str, object]:
        """``{"overall": 85.0 | null, "sections": {"welcome": 90.0, "checkout": null}}``:
        with ``codes``, each of those sections, null where it has no target; without,
        the sections that have one (as stored)."""
        if codes is None:
            return {"overall": self.overall, "sections": dict(self.sections)}
        return {"overall": self.overall, "sections": {code: self.section(code) for code in codes}}

    def section(self, code: str) -> float | None:
        """The target of section ``code``, or None."""
        return self.sections.get(code)


def below(score: float | None, target: float | None) -> bool:
    """True when there is a score and a target and the score is lower."""
    return score is not None and target is not None and score < target


def sections_below(scores: Mapping[str, float | None], targets: Targets) -> list[str]:
    """The section codes, in ``scores``' order, whose score is below that section's target."""
    return [code for code, score in scores.items() if below(score, targets.section(code))]


def from_stored(value: object) -> Targets:
    """The targets as the checklist row keeps them (a dict, possibly empty or old)."""
    if not isinstance(value, Mapping):
        return Targets()
    overall = value.get("overall")
    sections = value.get("sections")
    return Targets(
        overall=float(overall) if _is_target(overall) else None,
        sections={
            str(code): float(target)
            for code, target in (sections.items() if isinstance(sections, Mapping) else ())
            if _is_target(target)
        },
    )


def _is_target(value: object) -> bool:
    return (
        isinstance(value, int | float)
        and not isinstance(value, bool)
        and math.isfinite(value)
        and LOWEST <= value <= HIGHEST
    )


def parse(document: object, section_codes: Iterable[str]) -> tuple[Targets, tuple[Problem, ...]]:
    """Read ``{"overall": n|null, "sections": {code: n|null}}``; every problem with its path.

    Absent fields and null values mean no target; section codes must be
    among ``section_codes``.
    """
    if not isinstance(document, Mapping):
        return Targets(), (Problem("", NOT_AN_OBJECT),)
    known = set(section_codes)
    problems: list[Problem] = []
    for name in document:
        if name not in ("overall", "sections"):
            problems.append(Problem(str(name), UNKNOWN_FIELD, {"path": str(name)}))
    overall = document.get("overall")
    if overall is not None and not _is_target(overall):
        problems.append(Problem("overall", NOT_A_TARGET, {"path": "overall"}))
    raw_sections = document.get("sections")
    sections: dict[str, float] = {}
    if raw_sections is None:
        raw_sections = {}
    if not isinstance(raw_sections, Mapping):
        problems.append(Problem("sections", NOT_SECTIONS, {"path": "sections"}))
        raw_sections = {}
    for code, target in raw_sections.items():
        path = f"sections.{code}"
        if code not in known:
            problems.append(Problem(path, NO_SUCH_SECTION, {"path": path}))
        elif target is not None and not _is_target(target):
            problems.append(Problem(path, NOT_A_TARGET, {"path": path}))
        elif target is not None:
            sections[code] = float(target)
    targets = Targets(
        overall=float(overall) if overall is not None and _is_target(overall) else None,
        sections=sections,
    )
    return targets, tuple(problems)
