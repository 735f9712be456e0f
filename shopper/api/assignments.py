"""Assignment, visit and review endpoints."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from functools import wraps
from typing import Any

from flask import Response, jsonify, send_file, url_for
from flask_login import current_user

from shopper.access import roles
from shopper.anonymity import may_identify_shoppers
from shopper.api import bp, schemas
from shopper.api.pagination import paginate
from shopper.domain import policy
from shopper.domain.i18n import N_
from shopper.models import Assignment, Role, Visit
from shopper.request_limits import is_database_id
from shopper.services import (
    assignments,
    audit,
    checklists,
    notifications,
    photos,
    reviews,
    visits,
)
from shopper.services.assignments import AssignmentInput
from shopper.services.errors import Invalid, NotFound

AssignmentPage = schemas.page_of(schemas.Assignment, "AssignmentPage")


def found_first(view: Callable[..., object]) -> Callable[..., object]:
    """Look up the assignment or visit of the path before the body is read.

    An id that is absent or not the person's is a 404 whatever the body says,
    as it was before bodies were checked by schemas: out of scope is not found.
    """

    @wraps(view)
    def looked_up(*args: object, **kwargs: Any) -> object:
        if "assignment_id" in kwargs:
            kwargs["assignment"] = assignments.get_assignment(
                kwargs.pop("assignment_id"), current_user
            )
        if "visit_id" in kwargs:
            kwargs["visit"] = visits.get_visit(kwargs.pop("visit_id"), current_user)
        return view(*args, **kwargs)

    return looked_up


def assignment_json(assignment: Assignment) -> dict[str, object]:
    """An assignment as the API answers it."""
    return {
        "id": assignment.id,
        "store": assignment.store.code,
        "store_name": assignment.store.name,
        "store_address": assignment.store.address,
        "checklist": assignment.checklist.code,
        "checklist_title": checklists.version_title(assignment.version),
        "version": assignment.version.number,
        "shopper": assignment.shopper.email,
        "first_day": assignment.first_day.isoformat(),
        "last_day": assignment.last_day.isoformat(),
        "briefing": assignment.briefing,
        "status": assignment.status,
        "visit_id": assignment.visit.id if assignment.visit else None,
    }


def visit_json(visit: Visit) -> dict[str, object]:
    """A visit with its answers, photos and (once submitted) scores.

    For a reader who may not identify shoppers (a store manager; the shopper reads
    their own) the fields that
    could tell who made it, the phone's ``client_id`` and the coordinator's
    ``review_note`` to the shopper, are left empty.
    """
    identify = may_identify_shoppers() or policy.is_own_work(current_user, visit.assignment)
    return {
        "id": visit.id,
        "assignment_id": visit.assignment_id,
        "status": visit.assignment.status,
        "client_id": visit.client_id if identify else None,
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
        if policy.scores_visible(visit.assignment)
        else None,
        "review_note": visit.review_note if identify else "",
        "returned_questions": list(visit.returned_questions or []),
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


def _input(item: dict[str, Any]) -> AssignmentInput:
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
@bp.arguments(schemas.NewAssignments)
@bp.alt_response(
    201,
    schema={"oneOf": [schemas.Assignment, schemas.CreatedAssignments]},
    description="The assignment made, or with items: all of them",
    success=True,
)
@bp.fails(409, 422)
def create_assignments(body: dict[str, Any]) -> object:
    """Create one assignment, or many with ``{"items": [...]}`` (all or none)."""
    if "items" in body:
        created = assignments.create_assignments(
            [_input(item) for item in body["items"]], current_user
        )
        return jsonify({"items": [assignment_json(a) for a in created]}), 201
    created = assignments.create_assignments([_input(body)], current_user, field_prefix="")
    return jsonify(assignment_json(created[0])), 201


@bp.get("/assignments")
@roles(Role.COORDINATOR, Role.SHOPPER)
@bp.arguments(schemas.AssignmentQuery, location="query")
@bp.response(200, AssignmentPage)
def list_assignments(query: dict[str, Any]) -> object:
    """Assignments: all for a coordinator (filters status, store, shopper), own for a shopper."""
    statement = assignments.list_statement(
        current_user,
        status=query.get("status") or None,
        store=query.get("store") or None,
        shopper=query.get("shopper") or None,
        checklist=query.get("checklist") or None,
    )
    return paginate(statement, assignment_json)


@bp.get("/assignments/<int:assignment_id>")
@roles(Role.COORDINATOR, Role.SHOPPER)
@bp.response(200, schemas.Assignment)
@bp.fails(404)
def get_assignment(assignment_id: int) -> object:
    """One assignment."""
    return assignment_json(assignments.get_assignment(assignment_id, current_user))


@bp.patch("/assignments/<int:assignment_id>")
@roles(Role.COORDINATOR)
@found_first
@bp.arguments(schemas.AssignmentChanges)
@bp.response(200, schemas.Assignment)
@bp.fails(404, 409, 422)
def update_assignment(body: dict[str, Any], assignment: Assignment) -> object:
    """Change the window or briefing of an assignment nobody has submitted yet."""
    first_day = _day(body.get("first_day", assignment.first_day.isoformat()), "first_day")
    last_day = _day(body.get("last_day", assignment.last_day.isoformat()), "last_day")
    briefing = body.get("briefing", assignment.briefing)
    assignments.update(assignment, first_day, last_day, briefing, current_user)
    return assignment_json(assignment)


def _day(value: str, name: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise Invalid(N_("Give %(name)s as YYYY-MM-DD."), {"name": name}, {name: "date"}) from None


@bp.post("/assignments/<int:assignment_id>/cancel")
@roles(Role.COORDINATOR)
@found_first
@bp.arguments(schemas.CancelBody, required=False)
@bp.response(200, schemas.Assignment)
@bp.fails(404, 409, 422)
def cancel_assignment(body: dict[str, Any], assignment: Assignment) -> object:
    """Cancel an assignment that has no submitted visit (the body, with a note, is optional)."""
    assignments.cancel(assignment, current_user, body.get("note", ""))
    return assignment_json(assignment)


@bp.post("/assignments/<int:assignment_id>/reassign")
@roles(Role.COORDINATOR)
@found_first
@bp.arguments(schemas.ReassignBody)
@bp.response(200, schemas.Assignment)
@bp.fails(404, 409, 422)
def reassign_assignment(body: dict[str, Any], assignment: Assignment) -> object:
    """Give an assignment that has no submitted visit to another shopper."""
    assignments.reassign(assignment, body["shopper"], current_user)
    return assignment_json(assignment)


@bp.get("/assignments/<int:assignment_id>/events")
@roles(Role.COORDINATOR)
@bp.response(200, schemas.Events)
@bp.fails(404)
def assignment_events(assignment_id: int) -> object:
    """The audit trail of an assignment, oldest first."""
    assignment = assignments.get_assignment(assignment_id, current_user)
    return {
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


@bp.put("/assignments/<int:assignment_id>/visit")
@roles(Role.SHOPPER)
@found_first
@bp.arguments(schemas.VisitInput)
@bp.response(200, schemas.Visit)
@bp.fails(404, 409, 422)
def save_visit_draft(body: dict[str, Any], assignment: Assignment) -> object:
    """Save the draft report; partial answers are fine."""
    visit_input = visits.parse_visit_input(body)
    return visit_json(visits.save_draft(assignment, current_user, visit_input))


@bp.post("/assignments/<int:assignment_id>/visit/submit")
@roles(Role.SHOPPER)
@found_first
@bp.arguments(schemas.VisitInput)
@bp.response(200, schemas.Visit)
@bp.fails(404, 409, 422)
def submit_visit(body: dict[str, Any], assignment: Assignment) -> object:
    """Submit the complete report; the same client_id again answers the same visit."""
    visit, _ = visits.submit(assignment, current_user, visits.parse_visit_input(body))
    return visit_json(visit)


@bp.get("/visits/<int:visit_id>")
@roles(Role.COORDINATOR, Role.OWNER, Role.SHOPPER, Role.MANAGER)
@bp.response(200, schemas.Visit)
@bp.fails(404)
def get_visit(visit_id: int) -> object:
    """A visit with answers, photos, scores (submitted or approved only), status and review note.

    A store manager reads their stores' approved visits only (others: 404), without
    anything that would tell the shopper: no client id or review note.
    """
    return visit_json(visits.get_visit(visit_id, current_user))


@bp.post("/visits/<int:visit_id>/photos")
@roles(Role.SHOPPER)
@found_first
@bp.arguments(schemas.PhotoUpload, location="files")
@bp.response(201, schemas.Photo)
@bp.alt_response(200, schema=schemas.Photo, description="Sent before: kept once", success=True)
@bp.fails(404, 409, 413, 422)
def upload_photo(form: dict[str, Any], visit: Visit) -> object:
    """Attach one photo to a question of the shopper's own visit (multipart: question, file).

    Sending the same photo for the same question again answers as the first
    time, with the photo already kept: a retry never makes a second copy.
    """
    upload = form["file"]
    if not hasattr(upload, "stream"):
        raise Invalid(N_("Send the photo as the file field."), fields={"file": "required"})
    photo = photos.add_photo(
        visit,
        current_user,
        form["question"],
        upload.stream,
        taken_at=photos.parse_taken_at(form.get("taken_at")),
    )
    return photo_json(photo), 201


@bp.get("/photos/<int:photo_id>")
@roles(Role.COORDINATOR, Role.OWNER, Role.SHOPPER, Role.MANAGER)
@bp.arguments(schemas.PhotoQuery, location="query")
@bp.response(
    200, {"type": "string", "format": "binary"}, content_type="image/jpeg", description="The JPEG"
)
@bp.fails(404)
def photo_file(query: dict[str, Any], photo_id: int) -> object:
    """The photo (``?size=thumb``: its thumbnail), only to those who may see the visit."""
    photo = photos.get_photo(photo_id, current_user)
    path = photos.file_path(photo, thumbnail=query.get("size") == "thumb")
    response = send_file(path, mimetype="image/jpeg", max_age=86400, etag=True)
    response.headers["Cache-Control"] = "private, max-age=86400"
    return response


@bp.delete("/visits/<int:visit_id>/photos/<int:photo_id>")
@roles(Role.SHOPPER)
@bp.response(204, description="Removed")
@bp.fails(404, 409)
def delete_photo(visit_id: int, photo_id: int) -> object:
    """Remove a photo from the shopper's own report while it can still change."""
    photo = photos.get_photo(photo_id, current_user)
    if photo.visit_id != visit_id:
        raise NotFound(N_("There is no photo %(id)s."), {"id": photo_id})
    photos.delete_photo(photo, current_user)
    return Response(status=204)


@bp.post("/visits/<int:visit_id>/review")
@roles(Role.COORDINATOR)
@found_first
@bp.arguments(schemas.ReviewBody)
@bp.response(200, schemas.Visit)
@bp.fails(404, 409, 422)
def review_visit(body: dict[str, Any], visit: Visit) -> object:
    """Approve, return to the shopper with a note, or withdraw an approval."""
    reviews.decide(
        visit, current_user, body["decision"], body.get("note", ""), body.get("questions", [])
    )
    if body["decision"] == "return":
        notifications.report_returned(visit)  # with SMTP set up; a failure is logged
    return visit_json(visit)


@bp.post("/visits/approve")
@roles(Role.COORDINATOR)
@bp.arguments(schemas.ApproveMany)
@bp.response(200, schemas.Approved)
@bp.fails(404, 409, 422)
def approve_visits(body: dict[str, Any]) -> object:
    """Approve several submitted reports at once (all or none)."""
    if not all(is_database_id(visit_id) for visit_id in body["ids"]):
        raise Invalid(N_("ids must be a list of visit ids."), fields={"ids": "invalid"})
    return {"approved": reviews.approve_many(body["ids"], current_user)}
