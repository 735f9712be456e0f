"""Checklist endpoints: list, import, read any version, edit and publish drafts."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from flask import Response, jsonify, request
from flask_babel import gettext
from flask_login import current_user
from sqlalchemy.orm import selectinload

from shopper.access import roles
from shopper.api import bp, schemas
from shopper.api.pagination import paginate
from shopper.domain.checklist_format import Problem
from shopper.domain.i18n import N_
from shopper.extensions import db
from shopper.models import Checklist, ChecklistVersion, Role
from shopper.services import checklists, targets
from shopper.services.errors import Conflict, TooLarge

NO_SUCH_CHECKLIST = N_("There is no checklist with the code %(code)s.")
ChecklistPage = schemas.page_of(schemas.ChecklistSummary, "ChecklistPage")


def within_import_limit(view: Callable[..., object]) -> Callable[..., object]:
    """Refuse a body over the 2 MB a checklist file may have on the import page (413)."""

    @wraps(view)
    def limited(*args: object, **kwargs: object) -> object:
        length = request.content_length
        if (length or 0) > checklists.MAX_DOCUMENT_BYTES or len(
            request.get_data(cache=True)
        ) > checklists.MAX_DOCUMENT_BYTES:
            raise TooLarge(
                N_("A checklist document may be at most %(megabytes)d MB; this one is larger."),
                {"megabytes": checklists.MAX_DOCUMENT_BYTES // (1024 * 1024)},
            )
        return view(*args, **kwargs)

    return limited


def checklist_json(checklist: Checklist) -> dict[str, object]:
    """A checklist in lists: code, title, its versions."""
    latest = checklist.latest_published
    return {
        "code": checklist.code,
        "title": checklist.title,
        "latest_version": latest.number if latest else None,
        "versions": [version.number for version in checklist.published_versions],
        "draft_version": checklist.draft.number if checklist.draft else None,
        "archived": checklist.archived,
    }


def problems_json(problems: tuple[Problem, ...]) -> list[dict[str, str]]:
    """Format problems for the builder: path, message, and both as one line."""
    return [
        {
            "path": problem.path,
            "message": (message := gettext(problem.message, **problem.params)),
            "text": f"{problem.path}: {message}" if problem.path else message,
        }
        for problem in problems
    ]


def _readable(code: str) -> Checklist:
    """The checklist, if the person may see it (as on the checklist pages); else 404."""
    return checklists.get_checklist(code, current_user)


def _version_document(checklist: Checklist, number: int | None) -> Response:
    version = checklists.get_version(checklist, number, current_user)
    # Answered whole, as exported: the document keeps every field it was written with.
    return jsonify(
        {**checklists.export_document(checklist, version.number), "version": version.number}
    )


@bp.get("/checklists")
@roles(Role.COORDINATOR, Role.OWNER)
@bp.arguments(schemas.ChecklistQuery, location="query")
@bp.response(200, ChecklistPage)
def list_checklists(query: dict[str, Any]) -> object:
    """Every checklist, by title."""
    statement = (
        db.select(Checklist)
        .options(selectinload(Checklist.versions))
        .order_by(Checklist.title, Checklist.code)
    )
    if query.get("archived") == "exclude":
        statement = statement.where(Checklist.archived_at.is_(None))
    return paginate(statement, checklist_json)


@bp.post("/checklists")
@roles(Role.COORDINATOR)
@within_import_limit
@bp.arguments(schemas.ImportQuery, location="query")
@bp.arguments(schemas.ChecklistDocument)
@bp.response(201, schemas.ChecklistVersionRef, description="Created")
@bp.alt_response(
    200,
    schema=schemas.ChecklistVersionRef,
    description="Identical to the latest version: nothing new",
    success=True,
)
@bp.fails(409, 413, 422)
def import_checklist(query: dict[str, Any], document: dict[str, Any]) -> object:
    """Import a document: a new checklist or a new version, published unless ?draft=true."""
    result = checklists.import_document(
        document, current_user, publish=not query.get("draft", False)
    )
    body = {"code": result.checklist.code, "version": result.version.number}
    return body, 201 if result.created else 200


@bp.get("/checklists/<code>")
@roles(Role.COORDINATOR, Role.OWNER, Role.SHOPPER)
@bp.response(200, schemas.VersionDocument)
@bp.fails(404)
def get_checklist(code: str) -> object:
    """The latest published version's document, plus ``version``."""
    return _version_document(_readable(code), None)


@bp.get("/checklists/<code>/versions/<int:number>")
@roles(Role.COORDINATOR, Role.OWNER, Role.SHOPPER)
@bp.response(200, schemas.VersionDocument)
@bp.fails(404)
def get_checklist_version(code: str, number: int) -> object:
    """One version's document, plus ``version`` (drafts too, for coordinators and owners)."""
    return _version_document(_readable(code), number)


def _draft_answer(version: ChecklistVersion, problems: tuple[Problem, ...]) -> dict[str, object]:
    preview = checklists.preview_checklist(version.document)
    return {
        "version": version.number,
        "problems": problems_json(problems),
        "max_points": float(preview.max_points),
        "section_max_points": {s.code: float(s.max_points) for s in preview.sections},
    }


@bp.get("/checklists/<code>/draft")
@roles(Role.COORDINATOR)
@bp.response(200, schemas.Draft)
@bp.fails(404, 409)
def get_draft(code: str) -> object:
    """The open draft's document and what blocks publishing it."""
    checklist = checklists.get_checklist(code)
    draft = checklists.require_draft(checklist)
    return {
        "document": draft.document,
        **_draft_answer(draft, checklists.draft_problems(draft.document)),
    }


@bp.post("/checklists/<code>/draft")
@roles(Role.COORDINATOR)
@bp.response(201, schemas.DraftState)
@bp.fails(404, 409)
def start_draft(code: str) -> object:
    """Open a draft copied from the latest published version (or the one already open)."""
    draft = checklists.start_draft(checklists.get_checklist(code), current_user)
    return _draft_answer(draft, checklists.draft_problems(draft.document)), 201


@bp.put("/checklists/<code>/draft")
@roles(Role.COORDINATOR)
@within_import_limit
@bp.arguments(schemas.DraftQuery, location="query")
@bp.arguments(schemas.DraftDocument)
@bp.response(200, schemas.DraftState)
@bp.fails(404, 409, 413, 422)
def save_draft(query: dict[str, Any], document: dict[str, Any], code: str) -> object:
    """Save the builder's whole draft document; answer the problems left."""
    checklist = checklists.get_checklist(code)
    expected = query.get("version")
    draft = checklists.require_draft(checklist)
    if expected is not None and expected != draft.number:
        # An old builder tab must not write into a newer draft.
        raise Conflict(
            N_(
                "This draft was published or replaced elsewhere; reload to edit version %(number)d."
            ),
            {"number": draft.number},
        )
    draft, problems = checklists.save_draft(checklist, document)
    return _draft_answer(draft, problems)


@bp.post("/checklists/<code>/draft/publish")
@roles(Role.COORDINATOR)
@bp.response(200, schemas.ChecklistVersionRef)
@bp.fails(404, 409, 422)
def publish_draft(code: str) -> object:
    """Publish the draft: it is frozen from now on."""
    version = checklists.publish_draft(checklists.get_checklist(code), current_user)
    return {"code": code, "version": version.number}


@bp.delete("/checklists/<code>/draft")
@roles(Role.COORDINATOR)
@bp.response(204, description="Discarded")
@bp.fails(404, 409)
def discard_draft(code: str) -> object:
    """Throw the draft away."""
    checklists.discard_draft(checklists.get_checklist(code))
    return Response(status=204)


@bp.get("/checklists/<code>/targets")
@roles(Role.COORDINATOR, Role.OWNER)
@bp.response(200, schemas.Targets)
@bp.fails(404)
def get_targets(code: str) -> object:
    """The checklist's targets, overall and per section (null/absent: none)."""
    checklist = _readable(code)
    return targets.to_json(checklist, targets.get(checklist))


@bp.put("/checklists/<code>/targets")
@roles(Role.COORDINATOR)
@bp.arguments(schemas.TargetsInput)
@bp.response(200, schemas.Targets)
@bp.fails(404, 422)
def put_targets(document: dict[str, Any], code: str) -> object:
    """Set the targets whole: numbers 0–100 or null; section codes must exist."""
    checklist = checklists.get_checklist(code)
    return targets.to_json(checklist, targets.set_targets(checklist, document))
