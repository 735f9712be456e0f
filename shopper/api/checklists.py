"""Checklist endpoints: list, import, read any version, edit and publish drafts."""

from __future__ import annotations

from typing import Any

from flask import jsonify, request
from flask_babel import gettext
from flask_login import current_user

from shopper.access import roles
from shopper.api import bp
from shopper.api.body import json_body_of_request
from shopper.api.openapi import PAGE_PARAMETERS, describe, error, json_body, page_of, ref
from shopper.api.pagination import paginate
from shopper.domain.checklist_format import Problem
from shopper.domain.i18n import N_
from shopper.extensions import db
from shopper.models import Checklist, ChecklistVersion, Role
from shopper.services import checklists
from shopper.services.errors import Conflict, NotFound

NO_SUCH_CHECKLIST = N_("There is no checklist with the code %(code)s.")


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
    return checklists.get_checklist(code, current_user)


def _version_document(checklist: Checklist, number: int | None) -> dict[str, Any]:
    version = checklists.get_version(checklist, number)
    if not version.published and current_user.role != Role.COORDINATOR:
        raise NotFound(NO_SUCH_CHECKLIST, {"code": checklist.code})
    return {**checklists.export_document(checklist, version.number), "version": version.number}


@bp.get("/checklists")
@roles(Role.COORDINATOR, Role.OWNER)
def list_checklists() -> object:
    """Every checklist, by title."""
    statement = db.select(Checklist).order_by(Checklist.title, Checklist.code)
    if request.args.get("archived") == "exclude":
        statement = statement.where(Checklist.archived_at.is_(None))
    return jsonify(paginate(statement, checklist_json))


@bp.post("/checklists")
@roles(Role.COORDINATOR)
def import_checklist() -> object:
    """Import a document: a new checklist or a new version, published unless ?draft=true."""
    draft = request.args.get("draft", "false").lower() in ("true", "1", "yes")
    result = checklists.import_document(json_body_of_request(), current_user, publish=not draft)
    body = {"code": result.checklist.code, "version": result.version.number}
    return jsonify(body), 201 if result.created else 200


@bp.get("/checklists/<code>")
@roles(Role.COORDINATOR, Role.OWNER, Role.SHOPPER)
def get_checklist(code: str) -> object:
    """The latest published version's document, plus ``version``."""
    return jsonify(_version_document(_readable(code), None))


@bp.get("/checklists/<code>/versions/<int:number>")
@roles(Role.COORDINATOR, Role.OWNER, Role.SHOPPER)
def get_checklist_version(code: str, number: int) -> object:
    """One version's document, plus ``version``."""
    return jsonify(_version_document(_readable(code), number))


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
def get_draft(code: str) -> object:
    """The open draft's document and what blocks publishing it."""
    checklist = checklists.get_checklist(code)
    draft = checklists.require_draft(checklist)
    return jsonify(
        {
            "document": draft.document,
            **_draft_answer(draft, checklists.draft_problems(draft.document)),
        }
    )


@bp.post("/checklists/<code>/draft")
@roles(Role.COORDINATOR)
def start_draft(code: str) -> object:
    """Open a draft copied from the latest published version (or the one already open)."""
    draft = checklists.start_draft(checklists.get_checklist(code), current_user)
    return jsonify(_draft_answer(draft, checklists.draft_problems(draft.document))), 201


@bp.put("/checklists/<code>/draft")
@roles(Role.COORDINATOR)
def save_draft(code: str) -> object:
    """Save the builder's whole draft document; answer the problems left."""
    checklist = checklists.get_checklist(code)
    expected = request.args.get("version")
    draft = checklists.require_draft(checklist)
    if expected is not None and expected != str(draft.number):
        # An old builder tab must not write into a newer draft.
        raise Conflict(
            N_(
                "This draft was published or replaced elsewhere; reload to edit version %(number)d."
            ),
            {"number": draft.number},
        )
    draft, problems = checklists.save_draft(checklist, json_body_of_request())
    return jsonify(_draft_answer(draft, problems))


@bp.post("/checklists/<code>/draft/publish")
@roles(Role.COORDINATOR)
def publish_draft(code: str) -> object:
    """Publish the draft: it is frozen from now on."""
    version = checklists.publish_draft(checklists.get_checklist(code), current_user)
    return jsonify({"code": code, "version": version.number})


@bp.delete("/checklists/<code>/draft")
@roles(Role.COORDINATOR)
def discard_draft(code: str) -> object:
    """Throw the draft away."""
    checklists.discard_draft(checklists.get_checklist(code))
    return "", 204


CODE = {"name": "code", "in": "path", "required": True, "schema": {"type": "string"}}
NUMBER = {"name": "number", "in": "path", "required": True, "schema": {"type": "integer"}}
DOCUMENT = {
    "type": "object",
    "description": "A shopper-checklist/1 document (see formats.md).",
    "required": ["format", "code", "title", "sections"],
    "properties": {
        "format": {"type": "string", "enum": ["shopper-checklist/1"]},
        "code": {"type": "string", "pattern": "^[a-z0-9_-]{1,64}$"},
        "title": {"type": "string"},
        "language": {"type": "string"},
        "description": {"type": "string"},
        "critical_zeroes_score": {"type": "boolean"},
        "sections": {"type": "array", "items": {"type": "object"}},
    },
}
VERSION_DOCUMENT = {
    "allOf": [ref("ChecklistDocument")],
    "type": "object",
    "properties": {"version": {"type": "integer"}},
}
DRAFT_STATE = {
    "type": "object",
    "required": ["version", "problems", "max_points", "section_max_points"],
    "properties": {
        "version": {"type": "integer"},
        "problems": {"type": "array", "items": {"type": "object"}},
        "max_points": {"type": "number"},
        "section_max_points": {"type": "object", "additionalProperties": {"type": "number"}},
    },
}
CREATED = {
    "type": "object",
    "required": ["code", "version"],
    "properties": {"code": {"type": "string"}, "version": {"type": "integer"}},
}
_COMMON_ERRORS = {"401": error("No or bad credentials"), "403": error("Role not allowed")}

describe(
    {
        "/checklists": {
            "get": {
                "summary": "List checklists",
                "operationId": "listChecklists",
                "parameters": [
                    *PAGE_PARAMETERS,
                    {
                        "name": "archived",
                        "in": "query",
                        "schema": {"type": "string", "enum": ["include", "exclude"]},
                    },
                ],
                "responses": {"200": json_body(page_of(ref("ChecklistSummary"))), **_COMMON_ERRORS},
            },
            "post": {
                "summary": "Import a checklist document (a new checklist or a new version)",
                "operationId": "importChecklist",
                "parameters": [{"name": "draft", "in": "query", "schema": {"type": "boolean"}}],
                "requestBody": {"required": True, **json_body(ref("ChecklistDocument"))},
                "responses": {
                    "200": json_body(CREATED, "Identical to the latest version: nothing new"),
                    "201": json_body(CREATED, "Created"),
                    "400": error("Not JSON"),
                    "409": error("A draft is open"),
                    "422": error("Breaks a rule; every problem listed in fields"),
                    **_COMMON_ERRORS,
                },
            },
        },
        "/checklists/{code}": {
            "get": {
                "summary": "The latest published version",
                "operationId": "getChecklist",
                "parameters": [CODE],
                "responses": {
                    "200": json_body(VERSION_DOCUMENT),
                    "404": error("No such checklist"),
                    **_COMMON_ERRORS,
                },
            }
        },
        "/checklists/{code}/versions/{number}": {
            "get": {
                "summary": "One version",
                "operationId": "getChecklistVersion",
                "parameters": [CODE, NUMBER],
                "responses": {
                    "200": json_body(VERSION_DOCUMENT),
                    "404": error("No such version"),
                    **_COMMON_ERRORS,
                },
            }
        },
        "/checklists/{code}/draft": {
            "get": {
                "summary": "The open draft and its problems",
                "operationId": "getChecklistDraft",
                "parameters": [CODE],
                "responses": {
                    "200": json_body(DRAFT_STATE),
                    "404": error("No such checklist"),
                    "409": error("No draft"),
                    **_COMMON_ERRORS,
                },
            },
            "post": {
                "summary": "Open a draft from the latest published version",
                "operationId": "startChecklistDraft",
                "parameters": [CODE],
                "responses": {
                    "201": json_body(DRAFT_STATE),
                    "404": error("No such checklist"),
                    "409": error("Archived"),
                    **_COMMON_ERRORS,
                },
            },
            "put": {
                "summary": "Save the whole draft document",
                "operationId": "saveChecklistDraft",
                "parameters": [
                    CODE,
                    {
                        "name": "version",
                        "in": "query",
                        "schema": {"type": "integer"},
                        "description": "The draft number the editor holds; another one answers 409.",
                    },
                ],
                "requestBody": {"required": True, **json_body({"type": "object"})},
                "responses": {
                    "200": json_body(DRAFT_STATE),
                    "400": error("Not JSON"),
                    "404": error("No such checklist"),
                    "409": error("No draft"),
                    "422": error("Unusable shape"),
                    **_COMMON_ERRORS,
                },
            },
            "delete": {
                "summary": "Discard the draft",
                "operationId": "discardChecklistDraft",
                "parameters": [CODE],
                "responses": {
                    "204": {"description": "Discarded"},
                    "404": error("No such checklist"),
                    "409": error("No draft"),
                    **_COMMON_ERRORS,
                },
            },
        },
        "/checklists/{code}/draft/publish": {
            "post": {
                "summary": "Publish the draft",
                "operationId": "publishChecklistDraft",
                "parameters": [CODE],
                "responses": {
                    "200": json_body(CREATED),
                    "404": error("No such checklist"),
                    "409": error("No draft"),
                    "422": error("Breaks a rule"),
                    **_COMMON_ERRORS,
                },
            }
        },
    },
    {
        "ChecklistDocument": DOCUMENT,
        "ChecklistSummary": {
            "type": "object",
            "required": ["code", "title", "latest_version", "versions"],
            "properties": {
                "code": {"type": "string"},
                "title": {"type": "string"},
                "latest_version": {"type": "integer", "nullable": True},
                "versions": {"type": "array", "items": {"type": "integer"}},
                "draft_version": {"type": "integer", "nullable": True},
                "archived": {"type": "boolean"},
            },
        },
    },
)
