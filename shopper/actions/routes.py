"""Action pages. The rules live in services.actions and domain.policy; these read and render."""

from __future__ import annotations

from datetime import date

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from flask_wtf import FlaskForm
from sqlalchemy import select

from shopper.access import roles
from shopper.actions import bp
from shopper.actions.forms import ActionFilterForm, NewActionForm, RespondForm, VerifyForm
from shopper.api.pagination import requested_page
from shopper.domain import follow_up, policy
from shopper.domain.follow_up import ActionStep
from shopper.domain.i18n import N_
from shopper.extensions import db
from shopper.models import Role, Store, StoreAction, Visit
from shopper.request_limits import is_database_id
from shopper.services import actions, visits
from shopper.services.errors import Invalid, NotFound, ServiceError

PER_PAGE = 50


def _place_error(form: FlaskForm, error: ServiceError) -> bool:
    """Show a service's refusal at the first field it names (else flash it); True if placed."""
    for name in error.fields:
        if name in form:
            form[name].errors = [*form[name].errors, error.translated()]
            return True
    flash(error.translated(), "error")
    return False


@bp.get("")
@roles(Role.COORDINATOR, Role.OWNER, Role.MANAGER)
def index() -> object:
    """The actions a person may see, filtered; unfinished first, what is due first on top."""
    form = ActionFilterForm(formdata=request.args)
    form.offer(*actions.filter_choices(current_user))
    today = date.today()
    try:
        status = actions.parse_status(form.status.data)
    except Invalid as error:
        abort(400, error.translated())
    filters = actions.ActionFilters(
        store=form.store.data or "",
        region=form.region.data or "",
        status=status,
        overdue=bool(form.overdue.data),
    )
    page = db.paginate(
        actions.list_statement(current_user, filters, today),
        page=requested_page(),
        per_page=PER_PAGE,
        error_out=False,
    )
    found = actions.outcomes(page.items)
    return render_template(
        "actions/index.html",
        form=form,
        page=page,
        filters=form.query_args(),
        outcomes=found,
        standing_out={a.id for a in page.items if actions.stands_out(a, found.get(a.id, []))},
        overdue={a.id for a in page.items if follow_up.is_overdue(a.status, a.due_on, today)},
    )


def _show(
    action: StoreAction,
    respond_form: RespondForm | None = None,
    verify_form: VerifyForm | None = None,
    status: int = 200,
) -> tuple[str, int]:
    found = actions.outcomes([action]).get(action.id, [])
    may_respond = policy.may_respond_action(current_user, action) and follow_up.allowed(
        action.status, ActionStep.RESPOND
    )
    may_verify = policy.may_verify_action(current_user) and follow_up.allowed(
        action.status, ActionStep.CLOSE
    )
    return (
        render_template(
            "actions/show.html",
            action=action,
            outcomes=found,
            stands_out=actions.stands_out(action, found),
            reopened=actions.was_reopened(action),
            overdue=follow_up.is_overdue(action.status, action.due_on, date.today()),
            respond_form=respond_form or RespondForm(prefix="respond"),
            verify_form=verify_form or VerifyForm(prefix="verify"),
            may_respond=may_respond,
            may_verify=may_verify,
            visit_readable=visits.may_read(current_user, action.visit_id),
        ),
        status,
    )


@bp.get("/<int:action_id>")
@roles(Role.COORDINATOR, Role.OWNER, Role.MANAGER)
def show(action_id: int) -> object:
    """One action: the store, what to fix, the standard, the due date, its history, its forms."""
    return _show(actions.get(current_user, action_id))


@bp.post("/<int:action_id>/respond")
@roles(Role.COORDINATOR, Role.MANAGER)
def respond(action_id: int) -> object:
    """The store's manager (or a coordinator) says what was done."""
    action = actions.get(current_user, action_id)
    form = RespondForm(prefix="respond")
    if not form.validate_on_submit():
        return _show(action, respond_form=form, status=400)
    try:
        actions.respond(action, current_user, form.note.data)
    except ServiceError as error:
        if _place_error(form, error):
            return _show(actions.get(current_user, action_id), respond_form=form, status=422)
        return redirect(url_for("actions.show", action_id=action_id))
    flash(_("Thank you: the coordinator will verify what was done."), "success")
    return redirect(url_for("actions.show", action_id=action_id))


@bp.post("/<int:action_id>/verify")
@roles(Role.COORDINATOR)
def verify(action_id: int) -> object:
    """Close what the store did, or reopen the action with a note."""
    action = actions.get(current_user, action_id)
    form = VerifyForm(prefix="verify")
    if not form.validate_on_submit():
        return _show(action, verify_form=form, status=400)
    decision = request.form.get("decision")
    try:
        actions.verify(action, current_user, decision, form.note.data)
    except ServiceError as error:
        if _place_error(form, error):
            return _show(actions.get(current_user, action_id), verify_form=form, status=422)
        return redirect(url_for("actions.show", action_id=action_id))
    if decision == "close":
        flash(_("The action is closed."), "success")
    else:
        flash(_("The action is open again; the store sees your note."), "success")
    return redirect(url_for("actions.show", action_id=action_id))


def _prefilled_visit(form: NewActionForm) -> tuple[Visit | None, str, str]:
    """The visit and question the new action is about (from the form, else the query string),
    with the question's text and standard."""
    raw_visit = form.visit.data or request.args.get("visit", "")
    code = (form.question.data or request.args.get("question", "")).strip()
    if not raw_visit:
        return None, "", ""
    if not is_database_id(raw_visit):
        raise NotFound(N_("There is no such visit."))
    visit = visits.get_visit(int(raw_visit), current_user)
    form.visit.data = str(visit.id)
    form.question.data = code
    if not code:
        return visit, "", ""
    text, standard = actions.question_of(visit, code)
    return visit, text, standard


def _store(code: str) -> Store | None:
    return db.session.execute(select(Store).where(Store.code == code)).scalar()


@bp.route("/new", methods=["GET", "POST"])
@roles(Role.COORDINATOR)
def new() -> object:
    """Open an action: about a visit's answer (?visit=&question=), for a store (?store=), or free."""
    form = NewActionForm()
    form.due_on.render_kw = {"min": (date.today() - follow_up.DUE_DATE_SLACK).isoformat()}
    form.store.choices = [(s.code, f"{s.code} · {s.name}") for s in actions.stores_to_act_on()]
    try:
        visit, question_text, standard = _prefilled_visit(form)
    except Invalid as error:
        abort(422, error.translated())
    if not form.is_submitted():
        form.due_on.data = date.today() + follow_up.DUE_AFTER_APPROVAL
        if visit is not None:
            form.store.data = visit.assignment.store.code
            form.title.data = question_text
        elif request.args.get("store"):
            form.store.data = request.args["store"]
    context = {"form": form, "visit": visit, "question_text": question_text, "standard": standard}
    if not form.validate_on_submit():
        status = 400 if form.is_submitted() else 200
        return render_template("actions/new.html", **context), status
    store = _store(form.store.data)
    if store is None:
        form.store.errors = [_("There is no store with the code %(code)s.", code=form.store.data)]
        return render_template("actions/new.html", **context), 422
    try:
        action = actions.open_action(
            current_user,
            store=store,
            title=form.title.data,
            details=form.details.data,
            due_on=form.due_on.data,
            visit=visit,
            question=form.question.data or None,
        )
    except ServiceError as error:
        _place_error(form, error)
        return render_template("actions/new.html", **context), error.status
    flash(_("The action is open; the store's manager sees it now."), "success")
    return redirect(url_for("actions.show", action_id=action.id))
