"""Assignment pages for coordinators. The rules live in services.assignments."""

from __future__ import annotations

from datetime import date, timedelta

from flask import Response, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user

from shopper.access import roles
from shopper.api.pagination import requested_page
from shopper.assignments import bp
from shopper.assignments.forms import AssignForm, CancelForm, EditForm, ImportForm, ReassignForm
from shopper.domain.workflow import Action, Status, allowed
from shopper.extensions import db
from shopper.imports import import_page
from shopper.models import Role
from shopper.services import assignments, audit, visits
from shopper.services.assignments import AssignmentInput
from shopper.services.errors import ServiceError

FILTERS = ("status", "store", "shopper", "checklist")


def _filters() -> dict[str, str | None]:
    values = {name: request.args.get(name) or None for name in FILTERS}
    if values["status"] not in (None, *Status):
        values["status"] = None
    return values


@bp.get("")
@roles(Role.COORDINATOR)
def index() -> str:
    """All assignments, filtered, soonest due first, 50 a page."""
    filters = _filters()
    page = db.paginate(
        assignments.list_statement(current_user, **filters),
        page=requested_page(),
        per_page=50,
        error_out=False,
    )
    return render_template(
        "assignments/index.html",
        page=page,
        filters=filters,
        counts=assignments.status_counts(),
        statuses=list(Status),
    )


@bp.get("/export.csv")
@roles(Role.COORDINATOR)
def export() -> Response:
    """The listed assignments as CSV, in the import format plus status."""
    body = assignments.export_csv(assignments.list_statement(current_user, **_filters()))
    return Response(
        body,
        mimetype="text/csv",
        headers={"Content-Disposition": 'attachment; filename="assignments.csv"'},
    )


def _assign_form() -> AssignForm:
    form = AssignForm()
    form.checklist.choices = [
        (c.code, f"{c.title} (v{c.latest_published.number})")
        for c in assignments.assignable_checklists()
    ]
    form.region.choices = [("", _("— none —"))] + [(r, r) for r in assignments.regions()]
    form.stores.choices = [
        (s.code, f"{s.code} · {s.name}" + (f" · {s.region}" if s.region else ""))
        for s in assignments.active_stores()
    ]
    form.shoppers.choices = [
        (u.email, f"{u.name} <{u.email}>") for u in assignments.active_shoppers()
    ]
    return form


@bp.route("/new", methods=["GET", "POST"])
@roles(Role.COORDINATOR)
def new() -> object:
    """Assign one checklist to many stores: plan (shopper per store), then create."""
    form = _assign_form()
    if not form.is_submitted():
        form.first_day.data = date.today()
        form.last_day.data = date.today() + timedelta(days=14)
    plan: list[tuple[str, str]] = []
    if form.validate_on_submit():
        stores = list(
            dict.fromkeys(
                [
                    *form.stores.data,
                    *(assignments.stores_of_region(form.region.data) if form.region.data else []),
                ]
            )
        )
        if not stores:
            form.stores.errors = [_("Tick stores or choose a region.")]
        elif request.form.get("step") == "create":
            chosen = {code: request.form.get(f"plan-{code}", "") for code in stores}
            items = [
                AssignmentInput(
                    code,
                    form.checklist.data,
                    chosen[code],
                    form.first_day.data.isoformat(),
                    form.last_day.data.isoformat(),
                    form.briefing.data or "",
                )
                for code in stores
            ]
            try:
                created = assignments.create_assignments(items, current_user)
            except ServiceError as error:
                flash(error.translated(), "error")
                for key, message in error.fields.items():
                    flash(f"{key}: {message}", "error")
                spread = chosen
            else:
                flash(
                    ngettext("%(num)d visit assigned.", "%(num)d visits assigned.", len(created)),
                    "success",
                )
                return redirect(url_for("assignments.index", checklist=form.checklist.data))
        else:
            spread = assignments.spread_shoppers(stores, form.shoppers.data)
        if stores:
            plan = [(code, spread.get(code, "")) for code in stores]
    status = 400 if form.errors else 200
    return render_template(
        "assignments/new.html",
        form=form,
        plan=plan,
        stores={s.code: s for s in assignments.active_stores()},
        shoppers=assignments.active_shoppers(),
    ), status


@bp.route("/import", methods=["GET", "POST"])
@roles(Role.COORDINATOR)
def import_file() -> object:
    """Import assignments from CSV: all rows or none, every bad row listed."""

    def run(raw: bytes) -> object:
        summary = assignments.import_csv(raw, current_user)
        flash(
            _(
                "Assignments created: %(created)d; already there: %(unchanged)d.",
                created=summary.created,
                unchanged=summary.unchanged,
            ),
            "success",
        )
        return redirect(url_for("assignments.index"))

    return import_page(ImportForm(), "assignments/import.html", run)


@bp.get("/<int:assignment_id>")
@roles(Role.COORDINATOR)
def show(assignment_id: int) -> str:
    """One assignment: its details, its visit, the actions its status allows, its trail."""
    assignment = assignments.get_assignment(assignment_id, current_user)
    reassign = ReassignForm(prefix="reassign")
    reassign.shopper.choices = [
        (u.email, f"{u.name} <{u.email}>")
        for u in assignments.active_shoppers()
        if u.id != assignment.shopper_id
    ]
    return render_template(
        "assignments/show.html",
        assignment=assignment,
        events=audit.trail(assignment),
        edit_form=EditForm(prefix="edit", obj=assignment),
        reassign_form=reassign,
        cancel_form=CancelForm(prefix="cancel"),
        allows=lambda action: allowed(assignment.status, Action(action)),
        days_late=visits.days_late(assignment.visit) if assignment.visit else 0,
    )


def _back(assignment_id: int) -> object:
    return redirect(url_for("assignments.show", assignment_id=assignment_id))


def _act(assignment_id: int, form, act, done: str) -> object:
    assignment = assignments.get_assignment(assignment_id, current_user)
    if not form.validate_on_submit():
        for field, messages in form.errors.items():
            flash(f"{getattr(form, field).label.text}: {' '.join(messages)}", "error")
        return _back(assignment_id)
    try:
        act(assignment, form)
    except ServiceError as error:
        flash(error.translated(), "error")
    else:
        flash(done, "success")
    return _back(assignment_id)


@bp.post("/<int:assignment_id>/cancel")
@roles(Role.COORDINATOR)
def cancel(assignment_id: int) -> object:
    """Cancel an assignment nobody has submitted."""
    return _act(
        assignment_id,
        CancelForm(prefix="cancel"),
        lambda a, f: assignments.cancel(a, current_user, f.note.data or ""),
        _("The assignment is cancelled."),
    )


@bp.post("/<int:assignment_id>/reassign")
@roles(Role.COORDINATOR)
def reassign(assignment_id: int) -> object:
    """Give an unsubmitted assignment to another shopper."""
    form = ReassignForm(prefix="reassign")
    form.shopper.choices = [(u.email, u.email) for u in assignments.active_shoppers()]
    return _act(
        assignment_id,
        form,
        lambda a, f: assignments.reassign(a, f.shopper.data, current_user),
        _("The assignment has a new shopper."),
    )


@bp.post("/<int:assignment_id>/edit")
@roles(Role.COORDINATOR)
def edit(assignment_id: int) -> object:
    """Change the window or briefing."""
    return _act(
        assignment_id,
        EditForm(prefix="edit"),
        lambda a, f: assignments.update(
            a, f.first_day.data, f.last_day.data, f.briefing.data or "", current_user
        ),
        _("The assignment is changed."),
    )
