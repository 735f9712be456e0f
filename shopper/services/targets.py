"""A checklist's targets: read them, and set them whole (coordinators, on the page or the API).

Targets are not part of a version: they change without a new one, and a
comparison uses them as they are now. Section codes must exist in the
latest published version. Checklist changes keep no audit trail (the
trail is the assignments'), so setting targets records none either.
"""

from __future__ import annotations

from sqlalchemy import update

from shopper.domain import targets as rules
from shopper.domain.checklist_format import Section
from shopper.domain.i18n import N_plural
from shopper.domain.targets import Targets
from shopper.extensions import db
from shopper.models import Checklist
from shopper.services import checklists
from shopper.services.errors import Invalid

# How many problems a refused body lists in its message.
TOO_MANY = N_plural(
    "The targets have %(num)d problem; fix it and try again.",
    "The targets have %(num)d problems; fix them and try again.",
)


class TargetsInvalid(Invalid):
    """Targets refused; ``fields`` names each problem by its path (``sections.welcome``)."""

    def __init__(self, problems: tuple) -> None:
        fields = {problem.path or "body": problem.message % problem.params for problem in problems}
        if len(problems) == 1:
            super().__init__(problems[0].message, problems[0].params, fields=fields)
        else:
            super().__init__(TOO_MANY, {"num": len(problems)}, fields=fields)
        self.problems = problems

    def translated_fields(self) -> dict[str, str]:
        """Each path's problem in the current person's language."""
        from flask_babel import gettext

        return {
            problem.path or "body": gettext(problem.message, **problem.params)
            for problem in self.problems
        }


def sections(checklist: Checklist) -> tuple[Section, ...]:
    """The sections a target may be set for: the latest published version's, in the
    reader's language (none before the first version is published)."""
    latest = checklist.latest_published
    return checklists.parse_version(latest).sections if latest is not None else ()


def to_json(checklist: Checklist, targets: Targets) -> dict[str, object]:
    """The targets as the API answers them: every section of the latest published
    version, null where it has none."""
    return targets.to_json(s.code for s in sections(checklist))


def get(checklist: Checklist) -> Targets:
    """The checklist's targets as they are now."""
    return rules.from_stored(checklist.targets)


def set_targets(checklist: Checklist, document: object) -> Targets:
    """Replace the checklist's targets with ``document`` (checked whole first).

    One UPDATE writes them, so two coordinators saving at once leave one
    whole set, never a mix.
    """
    targets, problems = rules.parse(document, (s.code for s in sections(checklist)))
    if problems:
        raise TargetsInvalid(problems)
    # Stored as the sections that have a target; a null clears one.
    db.session.execute(
        update(Checklist).where(Checklist.id == checklist.id).values(targets=targets.to_json())
    )
    db.session.commit()
    db.session.refresh(checklist)
    return targets
