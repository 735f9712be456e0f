"""Visit pages: the coordinator's review queue and review page."""

from __future__ import annotations

from pathlib import Path

from flask import Response, current_app, flash, redirect, render_template, request, url_for
from flask_babel import format_date, get_locale, get_translations, ngettext
from flask_babel import gettext as _
from flask_login import current_user

from shopper.access import roles
from shopper.anonymity import person_name
from shopper.models import Role, Visit, utcnow
from shopper.pdf.visit import DEFAULT_LABELS as VISIT_LABELS
from shopper.pdf.visit import VisitScores, build_visit_pdf
from shopper.request_limits import is_database_id
from shopper.services import audit, checklists, notifications, photos, reviews, visits
from shopper.services.errors import ServiceError
from shopper.visits import bp
from shopper.visits.forms import BulkApproveForm, ReviewForm


@bp.get("/review")
@roles(Role.COORDINATOR)
def review_queue() -> str:
    """Submitted reports waiting for review, oldest first."""
    return render_template(
        "review/queue.html",
        queue=reviews.queue(),
        form=BulkApproveForm(),
        days_late=visits.days_late,
    )


@bp.post("/review/approve")
@roles(Role.COORDINATOR)
def approve_many() -> object:
    """Approve the ticked reports, all or none."""
    form = BulkApproveForm()
    if form.validate_on_submit():
        ids = [int(value) for value in request.form.getlist("visit") if is_database_id(value)]
        try:
            count = reviews.approve_many(ids, current_user)
        except ServiceError as error:
            flash(error.translated(), "error")
        else:
            flash(
                ngettext("%(num)d report approved.", "%(num)d reports approved.", count), "success"
            )
    return redirect(url_for("visits.review_queue"))


def _review_page(visit_id: int, form: ReviewForm, status: int = 200) -> tuple[str, int]:
    visit = visits.get_visit(visit_id, current_user)
    return (
        render_template(
            "review/visit.html",
            visit=visit,
            assignment=visit.assignment,
            sections=visits.report_view(visit),
            events=audit.trail(visit.assignment),
            days_late=visits.days_late(visit),
            form=form,
        ),
        status,
    )


@bp.get("/review/<int:visit_id>")
@roles(Role.COORDINATOR, Role.OWNER, Role.MANAGER)
def review(visit_id: int) -> object:
    """The whole report: answers, comments, photos, scores, times, lateness, history.

    A store manager reads their stores' approved reports here, without the shopper's name.
    """
    return _review_page(visit_id, ReviewForm())


def _decided(decision: str, visit: object) -> str:
    """What the page says once a decision is taken."""
    if decision == "approve":
        return _("Approved. It counts in comparisons from now on.")
    if decision == "return":
        return _("Returned to %(name)s with your note.", name=visit.assignment.shopper.name)
    return _("The approval is withdrawn; the report waits for review again.")


@bp.post("/review/<int:visit_id>")
@roles(Role.COORDINATOR)
def decide(visit_id: int) -> object:
    """Approve, return with a note, or withdraw an approval."""
    form = ReviewForm()
    if not form.validate_on_submit():
        return _review_page(visit_id, form, 400)
    visit = visits.get_visit(visit_id, current_user)
    decision = request.form.get("decision")
    try:
        reviews.decide(
            visit, current_user, decision, form.note.data or "", form.questions.data or []
        )
    except ServiceError as error:
        if error.fields.get("note"):
            form.note.errors = [error.translated()]
            return _review_page(visit_id, form, 422)
        flash(error.translated(), "error")
        return redirect(url_for("visits.review", visit_id=visit_id))
    flash(_decided(decision, visit), "success")
    if decision == "return" and notifications.report_returned(visit) is False:
        flash(
            _("The email to the shopper could not be sent; the report is returned all the same."),
            "error",
        )
    if decision in ("approve", "return"):
        return redirect(url_for("visits.review_queue"))
    return redirect(url_for("visits.review", visit_id=visit_id))


def _visited(visit: Visit) -> str:
    """When the visit was: the date as the reader writes it, then the times as the pages
    show them, the range isolated so that it keeps its order in a right-to-left line."""
    times = "–".join(t.strftime("%H:%M") for t in (visit.time_in, visit.time_out) if t)
    parts = [format_date(visit.visited_on, "medium")] if visit.visited_on else []
    if times:
        parts.append(f"\u2066{times}\u2069")
    return " ".join(parts)


@bp.get("/review/<int:visit_id>/report.pdf")
@roles(Role.COORDINATOR, Role.OWNER, Role.MANAGER)
def visit_pdf(visit_id: int) -> Response:
    """One visit's report as a PDF, for the store manager's training conversation."""
    visit = visits.get_visit(visit_id, current_user)
    assignment = visit.assignment
    body = build_visit_pdf(
        title=checklists.version_title(assignment.version),
        store=f"{assignment.store.code} · {assignment.store.name}",
        shopper=person_name(assignment.shopper),
        visited=_visited(visit),
        scores=VisitScores.of(visit),
        sections=visits.report_view(visit),
        photo_path=lambda photo: photos.file_path(photo, thumbnail=True),
        labels={key: _(value) for key, value in VISIT_LABELS.items()},
        generated_at=utcnow(),
        locale=str(get_locale()),
        font_cache=Path(current_app.instance_path) / "fonts",
        translations=get_translations(),
    )
    name = f"visit-{visit.id}-{assignment.store.code}.pdf"
    return Response(
        body,
        mimetype="application/pdf",
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )
