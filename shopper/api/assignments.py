"""Assignment, visit and review endpoints."""

from __future__ import annotations

from datetime import date
from typing import Any

from flask import jsonify, request, send_file, url_for
from flask_login import current_user

from shopper.access import roles
from shopper.api import bp
from shopper.api.body import json_body_of_request
from shopper.api.openapi import PAGE_PARAMETERS, describe, error, json_body, page_of, ref
from shopper.api.pagination import BadQuery, paginate
from shopper.domain.i18n import N_
from shopper.domain.workflow import Status
from shopper.models import Assignment, Role, Visit
from shopper.request_limits import is_database_id
from shopper.services import assignments, audit, photos, reviews, visits
from shopper.services.assignments import AssignmentInput
from shopper.services.errors import Invalid, NotFound


def assignment_json(assignment: Assignment) -> dict[str, object]:
    """An assignment as the API answers it."""
    return {
        "id": assignment.id,
        "store": assignment.store.code,
        "store_name": assignment.store.name,
        "store_address": assignment.store.address,
        "checklist": assignment.checklist.code,
        "checklist_title": assignment.version.document.get("title", ""),
        "version": assignment.version.number,
        "shopper": assignment.shopper.email,
        "first_day": assignment.first_day.isoformat(),
        "last_day": assignment.last_day.isoformat(),
        "briefing": assignment.briefing,
        "status": assignment.status,
        "visit_id": assignment.visit.id if assignment.visit else None,
    }


def visit_json(visit: Visit) -> dict[str, object]:
    """A visit with its answers, photos and (once submitted) scores."""
    submitted = visit.submitted_at is not None and visit.assignment.status in (
        Status.SUBMITTED,
        Status.APPROVED,
        Status.RETURNED,
    )
    return {
        "id": visit.id,
        "assignment_id": visit.assignment_id,
        "status": visit.assignment.status,
        "client_id": visit.client_id,
        "visited_on": visit.visited_on.isoformat() if visit.visited_on else None,
        "time_in": visit.time_in.strftime("%H:%M") if visit.time_in else None,
        "time_out": visit.time_out.strftime("%H:%M") if visit.time_out else None,
        "answers": visit.answers,
        "photos": [photo_json(photo) for photo in visit.photos],
        "scores": {
            "overall": visit.overall,
            "sections": {s.section_code: s.score for s in visit.section_scores},
            "earned": visit.earned,
            "possible": visit.possible,
            "critical_failure": visit.critical_failure,
        }
        if submitted
        else None,
        "review_note": visit.review_note,
        "saved_at": visit.saved_at.isoformat(),
        "submitted_at": visit.submitted_at.isoformat() if visit.submitted_at else None,
        "submitted_late": visit.submitted_late,
    }


def photo_json(photo: Any) -> dict[str, object]:
    """A photo's facts and where to fetch it."""
    return {
        "id": photo.id,
        "question": photo.question_code,
        "width": photo.width,
        "height": photo.height,
        "taken_at": photo.taken_at.isoformat() if photo.taken_at else None,
        "url": url_for("api.photo_file", photo_id=photo.id),
        "thumbnail_url": url_for("api.photo_file", photo_id=photo.id, size="thumb"),
    }


def _input(item: object) -> AssignmentInput:
    if not isinstance(item, dict):
        raise Invalid(N_("Each assignment must be a JSON object."))
    return AssignmentInput(
        store=item.get("store"),
        checklist=item.get("checklist"),
        shopper=item.get("shopper"),
        first_day=item.get("first_day"),
        last_day=item.get("last_day"),
        briefing=item.get("briefing", ""),
    )


@bp.post("/assignments")
@roles(Role.COORDINATOR)
def create_assignments() -> object:
    """Create one assignment, or many with ``{"items": [...]}`` (all or none)."""
    body = json_body_of_request()
    if isinstance(body, dict) and "items" in body:
        if not isinstance(body["items"], list):
            raise Invalid(N_("items must be a list."), fields={"items": "list"})
        created = assignments.create_assignments(
            [_input(item) for item in body["items"]], current_user
        )
        return jsonify({"items": [assignment_json(a) for a in created]}), 201
    created = assignments.create_assignments([_input(body)], current_user, field_prefix="")
    return jsonify(assignment_json(created[0])), 201


@bp.get("/assignments")
@roles(Role.COORDINATOR, Role.SHOPPER)
def list_assignments() -> object:
    """Assignments: all for a coordinator (filters status, store, shopper), own for a shopper."""
    status = request.args.get("status") or None
    if status is not None and status not in set(Status):
        raise BadQuery(
            N_("status must be one of %(statuses)s."),
            {"statuses": ", ".join(Status)},
            fields={"status": "invalid"},
        )
    statement = assignments.list_statement(
        current_user,
        status=status,
        store=request.args.get("store") or None,
        shopper=request.args.get("shopper") or None,
        checklist=request.args.get("checklist") or None,
    )
    return jsonify(paginate(statement, assignment_json))


@bp.get("/assignments/<int:assignment_id>")
@roles(Role.COORDINATOR, Role.SHOPPER)
def get_assignment(assignment_id: int) -> object:
    """One assignment."""
    return jsonify(assignment_json(assignments.get_assignment(assignment_id, current_user)))


@bp.patch("/assignments/<int:assignment_id>")
@roles(Role.COORDINATOR)
def update_assignment(assignment_id: int) -> object:
    """Change the window or briefing of an assignment nobody has submitted yet."""
    assignment = assignments.get_assignment(assignment_id, current_user)
    body = json_body_of_request()
    if not isinstance(body, dict):
        raise Invalid(N_("The body must be a JSON object."))
    first_day = _day(body.get("first_day", assignment.first_day.isoformat()), "first_day")
    last_day = _day(body.get("last_day", assignment.last_day.isoformat()), "last_day")
    briefing = body.get("briefing", assignment.briefing)
    if not isinstance(briefing, str):
        raise Invalid(N_("The briefing must be text."), fields={"briefing": "text"})
    assignments.update(assignment, first_day, last_day, briefing, current_user)
    return jsonify(assignment_json(assignment))


def _day(value: object, name: str) -> date:
    try:
        return date.fromisoformat(value) if isinstance(value, str) else date.fromisoformat("")
    except ValueError:
        raise Invalid(N_("Give %(name)s as YYYY-MM-DD."), {"name": name}, {name: "date"}) from None


@bp.post("/assignments/<int:assignment_id>/cancel")
@roles(Role.COORDINATOR)
def cancel_assignment(assignment_id: int) -> object:
    """Cancel an assignment that has no submitted visit."""
    assignment = assignments.get_assignment(assignment_id, current_user)
    body = request.get_json(silent=True) or {}
    note = body.get("note", "") if isinstance(body, dict) else ""
    assignments.cancel(assignment, current_user, note if isinstance(note, str) else "")
    return jsonify(assignment_json(assignment))


@bp.post("/assignments/<int:assignment_id>/reassign")
@roles(Role.COORDINATOR)
def reassign_assignment(assignment_id: int) -> object:
    """Give an assignment that has no submitted visit to another shopper."""
    assignment = assignments.get_assignment(assignment_id, current_user)
    body = json_body_of_request()
    shopper = body.get("shopper") if isinstance(body, dict) else None
    if not isinstance(shopper, str):
        raise Invalid(N_("Give the new shopper's email."), fields={"shopper": "required"})
    assignments.reassign(assignment, shopper, current_user)
    return jsonify(assignment_json(assignment))


@bp.get("/assignments/<int:assignment_id>/events")
@roles(Role.COORDINATOR)
def assignment_events(assignment_id: int) -> object:
    """The audit trail of an assignment, oldest first."""
    assignment = assignments.get_assignment(assignment_id, current_user)
    return jsonify(
        {
            "items": [
                {
                    "at": event.at.isoformat(),
                    "actor": event.actor.email if event.actor else None,
                    "action": event.action,
                    "note": event.note,
                    "details": event.details,
                }
                for event in audit.trail(assignment)
            ]
        }
    )


@bp.put("/assignments/<int:assignment_id>/visit")
@roles(Role.SHOPPER)
def save_visit_draft(assignment_id: int) -> object:
    """Save the draft report; partial answers are fine."""
    assignment = assignments.get_assignment(assignment_id, current_user)
    visit_input = visits.parse_visit_input(json_body_of_request())
    return jsonify(visit_json(visits.save_draft(assignment, current_user, visit_input)))


@bp.post("/assignments/<int:assignment_id>/visit/submit")
@roles(Role.SHOPPER)
def submit_visit(assignment_id: int) -> object:
    """Submit the complete report; the same client_id again answers the same visit."""
    assignment = assignments.get_assignment(assignment_id, current_user)
    visit_input = visits.parse_visit_input(json_body_of_request())
    visit, _ = visits.submit(assignment, current_user, visit_input)
    return jsonify(visit_json(visit))


@bp.get("/visits/<int:visit_id>")
@roles(Role.COORDINATOR, Role.OWNER, Role.SHOPPER)
def get_visit(visit_id: int) -> object:
    """A visit with answers, photos, scores, status and review note."""
    return jsonify(visit_json(visits.get_visit(visit_id, current_user)))


@bp.post("/visits/<int:visit_id>/photos")
@roles(Role.SHOPPER)
def upload_photo(visit_id: int) -> object:
    """Attach one photo to a question of the shopper's own visit (multipart: question, file).

    Sending the same photo for the same question again answers as the first
    time, with the photo already kept: a retry never makes a second copy.
    """
    visit = visits.get_visit(visit_id, current_user)
    question = request.form.get("question", "")
    upload = request.files.get("file")
    if not question or upload is None:
        raise Invalid(
            N_("Send the fields question (a question code) and file (the photo)."),
            fields={"question": "required"} if not question else {"file": "required"},
        )
    photo = photos.add_photo(
        visit,
        current_user,
        question,
        upload.stream,
        taken_at=photos.parse_taken_at(request.form.get("taken_at")),
    )
    return jsonify(photo_json(photo)), 201


@bp.get("/photos/<int:photo_id>")
@roles(Role.COORDINATOR, Role.OWNER, Role.SHOPPER)
def photo_file(photo_id: int) -> object:
    """The photo (``?size=thumb``: its thumbnail), only to those who may see the visit."""
    photo = photos.get_photo(photo_id, current_user)
    path = photos.file_path(photo, thumbnail=request.args.get("size") == "thumb")
    response = send_file(path, mimetype="image/jpeg", max_age=86400, etag=True)
    response.headers["Cache-Control"] = "private, max-age=86400"
    return response


@bp.delete("/visits/<int:visit_id>/photos/<int:photo_id>")
@roles(Role.SHOPPER)
def delete_photo(visit_id: int, photo_id: int) -> object:
    """Remove a photo from the shopper's own report while it can still change."""
    photo = photos.get_photo(photo_id, current_user)
    if photo.visit_id != visit_id:
        raise NotFound(N_("There is no photo %(id)s."), {"id": photo_id})
    photos.delete_photo(photo, current_user)
    return "", 204


@bp.post("/visits/<int:visit_id>/review")
@roles(Role.COORDINATOR)
def review_visit(visit_id: int) -> object:
    """Approve, or return to the shopper with a note."""
    visit = visits.get_visit(visit_id, current_user)
    body = json_body_of_request()
    decision = body.get("decision") if isinstance(body, dict) else None
    note = body.get("note", "") if isinstance(body, dict) else ""
    if not isinstance(note, str):
        raise Invalid(N_("The note must be text."), fields={"note": "text"})
    if decision == "approve":
        reviews.approve(visit, current_user, note)
    elif decision == "return":
        reviews.return_to_shopper(visit, current_user, note)
    elif decision == "withdraw":
        reviews.withdraw_approval(visit, current_user, note)
    else:
        raise Invalid(
            N_('decision must be "approve", "return" or "withdraw".'),
            fields={"decision": "invalid"},
        )
    return jsonify(visit_json(visit))


@bp.post("/visits/approve")
@roles(Role.COORDINATOR)
def approve_visits() -> object:
    """Approve several submitted reports at once (all or none)."""
    body = json_body_of_request()
    ids = body.get("ids") if isinstance(body, dict) else None
    if not isinstance(ids, list) or not all(type(i) is int and is_database_id(i) for i in ids):
        raise Invalid(N_("ids must be a list of visit ids."), fields={"ids": "invalid"})
    return jsonify({"approved": reviews.approve_many(ids, current_user)})


ID = {"name": "assignment_id", "in": "path", "required": True, "schema": {"type": "integer"}}
VISIT_ID = {"name": "visit_id", "in": "path", "required": True, "schema": {"type": "integer"}}
ASSIGNMENT_INPUT = {
    "type": "object",
    "required": ["store", "checklist", "shopper", "first_day", "last_day"],
    "properties": {
        "store": {"type": "string"},
        "checklist": {"type": "string"},
        "shopper": {"type": "string", "format": "email"},
        "first_day": {"type": "string", "format": "date"},
        "last_day": {"type": "string", "format": "date"},
        "briefing": {"type": "string"},
    },
}
ASSIGNMENT = {
    "type": "object",
    "required": [
        "id",
        "store",
        "checklist",
        "version",
        "shopper",
        "first_day",
        "last_day",
        "briefing",
        "status",
        "visit_id",
    ],
    "properties": {
        "id": {"type": "integer"},
        "store": {"type": "string"},
        "store_name": {"type": "string"},
        "store_address": {"type": "string"},
        "checklist": {"type": "string"},
        "checklist_title": {"type": "string"},
        "version": {"type": "integer"},
        "shopper": {"type": "string"},
        "first_day": {"type": "string", "format": "date"},
        "last_day": {"type": "string", "format": "date"},
        "briefing": {"type": "string"},
        "status": {"type": "string", "enum": list(Status)},
        "visit_id": {"type": "integer", "nullable": True},
    },
}
VISIT_INPUT = {
    "type": "object",
    "properties": {
        "client_id": {"type": "string", "pattern": "^[A-Za-z0-9_-]{1,64}$"},
        "visited_on": {"type": "string", "format": "date", "nullable": True},
        "time_in": {
            "type": "string",
            "pattern": "^([01][0-9]|2[0-3]):[0-5][0-9]$",
            "nullable": True,
        },
        "time_out": {
            "type": "string",
            "pattern": "^([01][0-9]|2[0-3]):[0-5][0-9]$",
            "nullable": True,
        },
        "answers": {
            "type": "object",
            "additionalProperties": {
                "type": "object",
                "properties": {"value": {}, "comment": {"type": "string"}},
            },
        },
    },
}
VISIT = {
    "type": "object",
    "required": ["id", "status", "answers", "photos", "scores", "review_note"],
    "properties": {
        "id": {"type": "integer"},
        "assignment_id": {"type": "integer"},
        "status": {"type": "string", "enum": list(Status)},
        "client_id": {"type": "string", "nullable": True},
        "visited_on": {"type": "string", "format": "date", "nullable": True},
        "time_in": {"type": "string", "nullable": True},
        "time_out": {"type": "string", "nullable": True},
        "answers": {"type": "object"},
        "photos": {"type": "array", "items": {"type": "object"}},
        "scores": {"type": "object", "nullable": True},
        "review_note": {"type": "string"},
        "saved_at": {"type": "string"},
        "submitted_at": {"type": "string", "nullable": True},
        "submitted_late": {"type": "boolean"},
    },
}
_AUTH = {"401": error("No or bad credentials"), "403": error("Role not allowed")}
_MISSING = {"404": error("Absent or not yours")}

describe(
    {
        "/assignments": {
            "get": {
                "summary": "List assignments",
                "operationId": "listAssignments",
                "parameters": [
                    *PAGE_PARAMETERS,
                    {
                        "name": "status",
                        "in": "query",
                        "schema": {"type": "string", "enum": list(Status)},
                    },
                    {"name": "store", "in": "query", "schema": {"type": "string"}},
                    {"name": "shopper", "in": "query", "schema": {"type": "string"}},
                    {"name": "checklist", "in": "query", "schema": {"type": "string"}},
                ],
                "responses": {
                    "200": json_body(page_of(ref("Assignment"))),
                    "400": error("Bad filter"),
                    **_AUTH,
                },
            },
            "post": {
                "summary": "Create one assignment or many (items)",
                "operationId": "createAssignments",
                "requestBody": {
                    "required": True,
                    **json_body(
                        {
                            "oneOf": [
                                ref("AssignmentInput"),
                                {
                                    "type": "object",
                                    "required": ["items"],
                                    "properties": {
                                        "items": {"type": "array", "items": ref("AssignmentInput")}
                                    },
                                },
                            ]
                        }
                    ),
                },
                "responses": {
                    "201": json_body({"oneOf": [ref("Assignment"), {"type": "object"}]}, "Created"),
                    "400": error("Not JSON"),
                    "422": error("Breaks a rule"),
                    **_AUTH,
                },
            },
        },
        "/assignments/{assignment_id}": {
            "get": {
                "summary": "One assignment",
                "operationId": "getAssignment",
                "parameters": [ID],
                "responses": {"200": json_body(ref("Assignment")), **_MISSING, **_AUTH},
            },
            "patch": {
                "summary": "Change window or briefing",
                "operationId": "updateAssignment",
                "parameters": [ID],
                "requestBody": {"required": True, **json_body({"type": "object"})},
                "responses": {
                    "200": json_body(ref("Assignment")),
                    "409": error("Submitted already"),
                    "422": error("Breaks a rule"),
                    **_MISSING,
                    **_AUTH,
                },
            },
        },
        "/assignments/{assignment_id}/cancel": {
            "post": {
                "summary": "Cancel",
                "operationId": "cancelAssignment",
                "parameters": [ID],
                "responses": {
                    "200": json_body(ref("Assignment")),
                    "409": error("Submitted already"),
                    **_MISSING,
                    **_AUTH,
                },
            }
        },
        "/assignments/{assignment_id}/reassign": {
            "post": {
                "summary": "Give to another shopper",
                "operationId": "reassignAssignment",
                "parameters": [ID],
                "requestBody": {
                    "required": True,
                    **json_body({"type": "object", "properties": {"shopper": {"type": "string"}}}),
                },
                "responses": {
                    "200": json_body(ref("Assignment")),
                    "409": error("Submitted already"),
                    "422": error("Not a shopper"),
                    **_MISSING,
                    **_AUTH,
                },
            }
        },
        "/assignments/{assignment_id}/events": {
            "get": {
                "summary": "Audit trail",
                "operationId": "assignmentEvents",
                "parameters": [ID],
                "responses": {"200": json_body({"type": "object"}), **_MISSING, **_AUTH},
            }
        },
        "/assignments/{assignment_id}/visit": {
            "put": {
                "summary": "Save the draft report",
                "operationId": "saveVisitDraft",
                "parameters": [ID],
                "requestBody": {"required": True, **json_body(ref("VisitInput"))},
                "responses": {
                    "200": json_body(ref("Visit")),
                    "400": error("Not JSON"),
                    "409": error("Not editable"),
                    "422": error("Bad answers"),
                    **_MISSING,
                    **_AUTH,
                },
            }
        },
        "/assignments/{assignment_id}/visit/submit": {
            "post": {
                "summary": "Submit the report (idempotent by client_id)",
                "operationId": "submitVisit",
                "parameters": [ID],
                "requestBody": {"required": True, **json_body(ref("VisitInput"))},
                "responses": {
                    "200": json_body(ref("Visit")),
                    "400": error("Not JSON"),
                    "409": error("Not submittable"),
                    "422": error("Incomplete or bad answers"),
                    **_MISSING,
                    **_AUTH,
                },
            }
        },
        "/visits/{visit_id}": {
            "get": {
                "summary": "One visit",
                "operationId": "getVisit",
                "parameters": [VISIT_ID],
                "responses": {"200": json_body(ref("Visit")), **_MISSING, **_AUTH},
            }
        },
        "/visits/{visit_id}/photos": {
            "post": {
                "summary": "Upload a photo for a question",
                "operationId": "uploadPhoto",
                "parameters": [VISIT_ID],
                "requestBody": {
                    "required": True,
                    "content": {
                        "multipart/form-data": {
                            "schema": {
                                "type": "object",
                                "required": ["question", "file"],
                                "properties": {
                                    "question": {"type": "string"},
                                    "file": {"type": "string", "format": "binary"},
                                    "taken_at": {"type": "string", "format": "date-time"},
                                },
                            }
                        }
                    },
                },
                "responses": {
                    "201": json_body(
                        {
                            "type": "object",
                            "required": ["id", "question", "width", "height"],
                            "properties": {
                                "id": {"type": "integer"},
                                "question": {"type": "string"},
                                "width": {"type": "integer"},
                                "height": {"type": "integer"},
                            },
                        },
                        "Stored",
                    ),
                    "409": error("Report not editable"),
                    "413": error("Over 15 MB"),
                    "422": error("Not a photo, or the question takes none"),
                    **_MISSING,
                    **_AUTH,
                },
            }
        },
        "/photos/{photo_id}": {
            "get": {
                "summary": "A photo file (JPEG), or its thumbnail with size=thumb",
                "operationId": "getPhotoFile",
                "parameters": [
                    {
                        "name": "photo_id",
                        "in": "path",
                        "required": True,
                        "schema": {"type": "integer"},
                    },
                    {
                        "name": "size",
                        "in": "query",
                        "schema": {"type": "string", "enum": ["thumb"]},
                    },
                ],
                "responses": {
                    "200": {
                        "description": "The JPEG",
                        "content": {
                            "image/jpeg": {"schema": {"type": "string", "format": "binary"}}
                        },
                    },
                    **_MISSING,
                    **_AUTH,
                },
            }
        },
        "/visits/{visit_id}/photos/{photo_id}": {
            "delete": {
                "summary": "Remove a photo",
                "operationId": "deletePhoto",
                "parameters": [
                    VISIT_ID,
                    {
                        "name": "photo_id",
                        "in": "path",
                        "required": True,
                        "schema": {"type": "integer"},
                    },
                ],
                "responses": {
                    "204": {"description": "Removed"},
                    "409": error("Report not editable"),
                    **_MISSING,
                    **_AUTH,
                },
            }
        },
        "/visits/{visit_id}/review": {
            "post": {
                "summary": "Approve or return",
                "operationId": "reviewVisit",
                "parameters": [VISIT_ID],
                "requestBody": {
                    "required": True,
                    **json_body(
                        {
                            "type": "object",
                            "required": ["decision"],
                            "properties": {
                                "decision": {
                                    "type": "string",
                                    "enum": ["approve", "return", "withdraw"],
                                },
                                "note": {"type": "string"},
                            },
                        }
                    ),
                },
                "responses": {
                    "200": json_body(ref("Visit")),
                    "409": error("Not waiting for review"),
                    "422": error("Bad decision or missing note"),
                    **_MISSING,
                    **_AUTH,
                },
            }
        },
        "/visits/approve": {
            "post": {
                "summary": "Approve several reports (all or none)",
                "operationId": "approveVisits",
                "requestBody": {
                    "required": True,
                    **json_body(
                        {
                            "type": "object",
                            "properties": {"ids": {"type": "array", "items": {"type": "integer"}}},
                        }
                    ),
                },
                "responses": {
                    "200": json_body({"type": "object"}),
                    "404": error("Unknown id"),
                    "409": error("Not waiting"),
                    "422": error("Bad ids"),
                    **_AUTH,
                },
            }
        },
    },
    {
        "Assignment": ASSIGNMENT,
        "AssignmentInput": ASSIGNMENT_INPUT,
        "Visit": VISIT,
        "VisitInput": VISIT_INPUT,
    },
)
