"""Checklists: import, draft, publish, export, archive. Published versions never change."""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from shopper.domain import json_text, policy
from shopper.domain.checklist_format import (
    FORMAT,
    MAX_TITLE,
    PHOTO_MODES,
    QUESTION_TYPES,
    ChecklistFormatError,
    Option,
    Problem,
    Question,
    Section,
    localized,
    parse_checklist,
    to_document,
)
from shopper.domain.checklist_format import (
    Checklist as ChecklistDocument,
)
from shopper.domain.i18n import N_, N_plural
from shopper.extensions import db
from shopper.models import Checklist, ChecklistVersion, User, utcnow
from shopper.services import scope
from shopper.services.errors import Conflict, Invalid, NotFound

# A checklist file as the page, the command line and the API take it: at most this many bytes.
MAX_DOCUMENT_BYTES = 2 * 1024 * 1024
# A draft is whatever the builder last sent; it may hold what a file may.
MAX_DRAFT_BYTES = MAX_DOCUMENT_BYTES


class ChecklistInvalid(Invalid):
    """A document that breaks the format; every problem is listed by its JSON path."""

    def __init__(self, problems: tuple[Problem, ...]) -> None:
        super().__init__(
            N_plural(
                "The checklist has %(num)d problem; fix it and try again.",
                "The checklist has %(num)d problems; fix them and try again.",
            ),
            {"num": len(problems)},
            fields={problem.path or "document": str(problem) for problem in problems},
        )
        self.problems = problems


@dataclass(frozen=True)
class ImportResult:
    """What an import did: the version it made (or found unchanged)."""

    checklist: Checklist
    version: ChecklistVersion
    created: bool


def read_document(raw: bytes) -> object:
    """The JSON of a checklist file, or Invalid saying what to fix.

    At most ``MAX_DOCUMENT_BYTES``; UTF-8 with or without a BOM; JSON errors
    name their line and column. Whether it is a valid checklist is
    ``import_document``'s question.
    """
    if len(raw) > MAX_DOCUMENT_BYTES:
        raise Invalid(
            N_("The file is larger than %(size)d MB."),
            {"size": MAX_DOCUMENT_BYTES // (1024 * 1024)},
        )
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise Invalid(
            N_("The file is not UTF-8 text (line %(line)d). Save it as UTF-8 and try again."),
            {"line": raw[: error.start].count(b"\n") + 1},
        ) from error
    try:
        return json_text.loads(text)
    except json.JSONDecodeError as error:
        raise Invalid(
            N_("The file is not valid JSON: %(problem)s at line %(line)d, column %(column)d."),
            {"problem": error.msg, "line": error.lineno, "column": error.colno},
        ) from error
    except json_text.TooDeep as error:
        raise Invalid(
            N_("The file is nested too deeply: at most %(max)d levels of arrays and objects."),
            {"max": json_text.MAX_DEPTH},
        ) from error
    except json_text.Unstorable as error:
        raise Invalid(
            N_("%(field)s contains control characters."),
            {"field": error.field},
            fields={error.field: "control_characters"},
        ) from error
    except ValueError as error:  # NaN or Infinity, which JSON does not have
        raise Invalid(
            N_("The file is not valid JSON: %(problem)s."), {"problem": str(error)}
        ) from error


def list_checklists(include_archived: bool = True) -> list[Checklist]:
    """Every checklist with its versions, by title."""
    statement = (
        select(Checklist)
        .options(selectinload(Checklist.versions))
        .order_by(Checklist.title, Checklist.code)
    )
    if not include_archived:
        statement = statement.where(Checklist.archived_at.is_(None))
    return list(db.session.execute(statement).scalars())


def get_checklist(code: str, person: policy.Person | None = None) -> Checklist:
    """The checklist with ``code``, or NotFound; with ``person``, only one they may read."""
    statement = (
        select(Checklist).where(Checklist.code == code).options(selectinload(Checklist.versions))
    )
    if person is not None:
        statement = scope.visible_to(person, statement)
    checklist = db.session.execute(statement).scalar_one_or_none()
    if checklist is None:
        raise NotFound(N_("There is no checklist with the code %(code)s."), {"code": code})
    return checklist


def get_version(
    checklist: Checklist, number: int | None = None, person: policy.Person | None = None
) -> ChecklistVersion:
    """A version by number, or the latest published one; NotFound when absent.

    With ``person``, only a version they may read (``checklist`` then comes from
    ``get_checklist(code, person)``, which found it among those they may read).
    """
    if number is None:
        version = checklist.latest_published
    else:
        version = next((v for v in checklist.versions if v.number == number), None)
    if version is None or (
        person is not None
        and not policy.may_read_checklist_version(person, version.published, assigned_to_it=True)
    ):
        raise NotFound(N_("Checklist %(code)s has no such version."), {"code": checklist.code})
    return version


def reader_language() -> str | None:
    """The language the current person reads (or the one forced for a file or an email)."""
    from flask import has_request_context
    from flask_babel import get_locale

    if not has_request_context():
        return None
    locale = get_locale()
    return str(locale) if locale is not None else None


def parse_version(version: ChecklistVersion, language: str | None = None) -> ChecklistDocument:
    """The dataclasses of a published version (valid by construction), with its texts in
    ``language`` (default: the reader's) where its translations give them.

    Only texts change with the language; codes, points and rules never do, so
    scoring may read any language's dataclasses.
    """
    return localized(parse_checklist(version.document), language or reader_language())


def version_title(version: ChecklistVersion, language: str | None = None) -> str:
    """A version's title in ``language`` (default: the reader's) where its translations
    give one, else the source's; without parsing the whole document (for lists)."""
    document = version.document
    wanted = language or reader_language()
    given = (document.get("translations") or {}).get(wanted) or {}
    title = given.get("title") if isinstance(given, dict) else None
    return title if isinstance(title, str) and title else str(document.get("title", ""))


def source_version(version: ChecklistVersion) -> ChecklistDocument:
    """The dataclasses of a published version in its own (source) language."""
    return parse_checklist(version.document)


def _parse(document: object) -> ChecklistDocument:
    try:
        return parse_checklist(document)
    except ChecklistFormatError as error:
        raise ChecklistInvalid(error.problems) from error


def _next_number(checklist: Checklist) -> int:
    return max((version.number for version in checklist.versions), default=0) + 1


def import_document(document: object, user: User | None, publish: bool = True) -> ImportResult:
    """Import a ``shopper-checklist/1`` document as a new checklist or a new version.

    Refused whole when it breaks a rule. Importing what the latest published
    version already says makes no new version.
    """
    parsed = _parse(document)
    normalised = to_document(parsed)
    checklist = db.session.execute(
        select(Checklist).where(Checklist.code == parsed.code)
    ).scalar_one_or_none()
    if checklist is None:
        checklist = Checklist(code=parsed.code, title=parsed.title, created_by_id=_id(user))
        db.session.add(checklist)
    else:
        if checklist.draft is not None:
            raise Conflict(
                N_(
                    "Checklist %(code)s has an unpublished draft (version %(number)d). "
                    "Publish or discard it before importing a new version."
                ),
                {"code": checklist.code, "number": checklist.draft.number},
            )
        latest = checklist.latest_published
        if publish and latest is not None and latest.document == normalised:
            return ImportResult(checklist, latest, created=False)
    version = ChecklistVersion(
        checklist=checklist,
        number=_next_number(checklist),
        document=normalised,
        created_by_id=_id(user),
    )
    db.session.add(version)
    if publish:
        _mark_published(version, user)
    elif checklist.latest_published is None:
        checklist.title = parsed.title
    db.session.commit()
    return ImportResult(checklist, version, created=True)


def _id(user: User | None) -> int | None:
    return user.id if user is not None else None


def _mark_published(version: ChecklistVersion, user: User | None) -> None:
    version.published_at = utcnow()
    version.published_by_id = _id(user)
    version.checklist.title = version.document["title"]


def create_checklist(
    code: str, title: str, language: str, description: str, user: User
) -> Checklist:
    """Start a new checklist as a draft version 1 with one empty section."""
    document = {
        "format": FORMAT,
        "code": code,
        "title": title,
        "language": language,
        "description": description,
        "critical_zeroes_score": True,
        "sections": [{"code": "section-1", "title": "", "questions": []}],
    }
    problems = _header_problems(document)
    if problems:
        raise ChecklistInvalid(problems)
    if db.session.execute(select(Checklist.id).where(Checklist.code == code)).first():
        raise Conflict(N_("A checklist with the code %(code)s exists already."), {"code": code})
    checklist = Checklist(code=code, title=title, created_by_id=user.id)
    db.session.add(checklist)
    db.session.add(
        ChecklistVersion(checklist=checklist, number=1, document=document, created_by_id=user.id)
    )
    db.session.commit()
    return checklist


def _header_problems(document: dict[str, Any]) -> tuple[Problem, ...]:
    """Problems of the checklist's own fields only (a new checklist has no questions yet)."""
    try:
        parse_checklist(
            {
                **document,
                "sections": [
                    {
                        "code": "s",
                        "title": "s",
                        "questions": [{"code": "q", "type": "text", "text": "q"}],
                    }
                ],
            }
        )
    except ChecklistFormatError as error:
        return error.problems
    return ()


def start_draft(checklist: Checklist, user: User) -> ChecklistVersion:
    """The open draft, or a new one copied from the latest published version."""
    if checklist.draft is not None:
        return checklist.draft
    if checklist.archived:
        raise Conflict(
            N_("Checklist %(code)s is archived; restore it before editing."),
            {"code": checklist.code},
        )
    latest = get_version(checklist)
    draft = ChecklistVersion(
        checklist=checklist,
        number=_next_number(checklist),
        document=json.loads(json.dumps(latest.document)),
        created_by_id=user.id,
    )
    db.session.add(draft)
    db.session.commit()
    return draft


def require_draft(checklist: Checklist) -> ChecklistVersion:
    """The open draft, or Conflict when there is none."""
    if checklist.draft is None:
        raise Conflict(
            N_("Checklist %(code)s has no draft; start editing it first."),
            {"code": checklist.code},
        )
    return checklist.draft


def draft_problems(document: object) -> tuple[Problem, ...]:
    """What stands between a draft and publishing."""
    try:
        parse_checklist(document)
    except ChecklistFormatError as error:
        return error.problems
    return ()


def _check_draft_shape(document: object, code: str) -> dict[str, Any]:
    """A draft may break rules but must keep the shape the builder edits."""
    if not isinstance(document, dict):
        raise Invalid(N_("A checklist draft must be a JSON object."))
    if len(json.dumps(document, ensure_ascii=False).encode()) > MAX_DRAFT_BYTES:
        raise Invalid(N_("The checklist is too large to save."))
    if document.get("code") != code:
        raise Invalid(
            N_("The code of a checklist cannot change (it stays %(code)s)."),
            {"code": code},
            fields={"code": "immutable"},
        )
    sections = document.get("sections")
    if not isinstance(sections, list) or not all(isinstance(s, dict) for s in sections):
        raise Invalid(N_("sections must be a list of objects."), fields={"sections": "shape"})
    for index, section in enumerate(sections):
        questions = section.get("questions", [])
        if not isinstance(questions, list) or not all(isinstance(q, dict) for q in questions):
            raise Invalid(
                N_("sections[%(index)d].questions must be a list of objects."), {"index": index}
            )
        for question in questions:
            options = question.get("options", [])
            if not isinstance(options, list) or not all(isinstance(o, dict) for o in options):
                raise Invalid(N_("Every options entry must be a list of objects."))
    return document


def save_draft(
    checklist: Checklist, document: object
) -> tuple[ChecklistVersion, tuple[Problem, ...]]:
    """Store what the builder sent; answer the problems left before publishing."""
    draft = require_draft(checklist)
    draft.document = _check_draft_shape(document, checklist.code)
    if checklist.latest_published is None and isinstance(document.get("title"), str):
        checklist.title = document["title"][:MAX_TITLE] or checklist.title
    db.session.commit()
    return draft, draft_problems(draft.document)


def publish_draft(checklist: Checklist, user: User) -> ChecklistVersion:
    """Freeze the draft as the new published version, or refuse with every problem."""
    draft = require_draft(checklist)
    parsed = _parse(draft.document)
    draft.document = to_document(parsed)
    _mark_published(draft, user)
    db.session.commit()
    return draft


def discard_draft(checklist: Checklist) -> None:
    """Throw the draft away; a checklist with nothing published goes with it."""
    draft = require_draft(checklist)
    if not checklist.published_versions:
        db.session.delete(checklist)
    else:
        db.session.delete(draft)
    db.session.commit()


def export_document(checklist: Checklist, number: int | None = None) -> dict[str, Any]:
    """A published version as its ``shopper-checklist/1`` document."""
    version = get_version(checklist, number)
    if not version.published:
        # A draft can be exported as it stands, rules broken or not.
        return version.document
    return to_document(source_version(version))


def set_archived(checklist: Checklist, archived: bool) -> None:
    """Archive (no new assignments) or restore a checklist; its history stays."""
    checklist.archived_at = utcnow() if archived else None
    db.session.commit()


def preview_checklist(document: object) -> ChecklistDocument:
    """The document as dataclasses for the preview, even while a draft breaks rules.

    A valid document is parsed strictly; a broken draft is read as far as it
    goes, so the coordinator sees their work take shape while editing.
    """
    try:
        return parse_checklist(document)
    except ChecklistFormatError:
        pass
    document = document if isinstance(document, dict) else {}
    sections = []
    for index, section in enumerate(_dicts(document.get("sections"))):
        questions = tuple(
            _lenient_question(question, number)
            for number, question in enumerate(_dicts(section.get("questions")))
        )
        sections.append(
            Section(
                code=_text(section.get("code")) or f"section-{index + 1}",
                title=_text(section.get("title")),
                questions=questions,
            )
        )
    return ChecklistDocument(
        code=_text(document.get("code")),
        title=_text(document.get("title")),
        language=_text(document.get("language")) or "en",
        description=_text(document.get("description")),
        critical_zeroes_score=document.get("critical_zeroes_score") is not False,
        sections=tuple(sections),
    )


def _dicts(value: object) -> list[dict[str, Any]]:
    return [item for item in value if isinstance(item, dict)] if isinstance(value, list) else []


def _text(value: object) -> str:
    return value if isinstance(value, str) else ""


def _number(value: object) -> int | float | None:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    return value if math.isfinite(value) else None


def _lenient_question(question: dict[str, Any], number: int) -> Question:
    kind = question.get("type") if question.get("type") in QUESTION_TYPES else "text"
    low, high = _number(question.get("min")), _number(question.get("max"))
    return Question(
        code=_text(question.get("code")) or f"question-{number + 1}",
        type=kind,
        text=_text(question.get("text")),
        guidance=_text(question.get("guidance")),
        standard=_text(question.get("standard")),
        points=_number(question.get("points")) if kind in ("yes_no", "scale") else None,
        good_answer=question.get("good_answer") if question.get("good_answer") == "no" else "yes",
        critical=question.get("critical") is True,
        allow_na=question.get("allow_na") is True,
        required=question.get("required") is not False,
        photo=question.get("photo") if question.get("photo") in PHOTO_MODES else "none",
        unit=_text(question.get("unit")),
        min=int(low) if kind == "scale" and low is not None else None,
        max=int(high) if kind == "scale" and high is not None else None,
        options=tuple(
            Option(
                code=_text(option.get("code")),
                label=_text(option.get("label")),
                points=_number(option.get("points")) or 0,
            )
            for option in _dicts(question.get("options"))
        )
        if kind == "choice"
        else (),
    )
