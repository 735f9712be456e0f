"""People pages. The rules live in services.people; these only read and render."""

from __future__ import annotations

from collections.abc import Sequence

from flask import (
    current_app,
    flash,
    make_response,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user

from shopper.access import roles
from shopper.domain import policy
from shopper.forms import ActionForm, show_service_error
from shopper.imports import import_page
from shopper.models import Role, User
from shopper.people import bp
from shopper.people.forms import (
    ImportForm,
    PersonFilterForm,
    PersonForm,
    StoresForm,
    with_store_choices,
)
from shopper.services import accounts, notifications, people, stores
from shopper.services.errors import ServiceError
from shopper.services.people import Invited


def _invitation_days() -> int:
    return current_app.config["INVITATION_DAYS"]


def _store_choices() -> list[tuple[str, str]]:
    """Every store, by code, as a manager's stores may be chosen from."""
    return [(store.code, f"{store.code} · {store.name}") for store in stores.list_stores()]


def _links_page(invited: Sequence[Invited], unchanged: Sequence[User] = ()) -> object:
    """The new invitation links, shown this once (and never kept by a cache); with SMTP
    set up, each person also gets theirs by email."""
    sent, failed = notifications.invitations(invited)
    if sent:
        flash(
            ngettext(
                "The invitation link was also sent by email.",
                "%(num)d invitation links were also sent by email.",
                sent,
            ),
            "info",
        )
    if failed:
        flash(
            ngettext(
                "%(num)d invitation email could not be sent: copy the link below to the person.",
                "%(num)d invitation emails could not be sent: copy the links below to the people.",
                failed,
            ),
            "error",
        )
    links = [
        (person, url_for("auth.invitation", secret=person.secret, _external=True))
        for person in invited
    ]
    response = make_response(
        render_template(
            "people/invitations.html",
            links=links,
            unchanged=unchanged,
            days=_invitation_days(),
        )
    )
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.get("")
@roles(Role.COORDINATOR)
def index() -> str:
    """Everyone who signs in, filtered by a search text, role and state."""
    form = PersonFilterForm(formdata=request.args)
    filters = form.filters()
    return render_template(
        "people/index.html",
        people=people.list_people(filters),
        form=form,
        action=ActionForm(),
        filtered=bool(filters.q or filters.role or filters.active is not True),
    )


@bp.route("/new", methods=["GET", "POST"])
@roles(Role.COORDINATOR)
def new() -> object:
    """Add one person and show their invitation link."""
    form = with_store_choices(PersonForm(), _store_choices())
    if not form.validate_on_submit():
        status = 400 if form.is_submitted() else 200
        return render_template("people/new.html", form=form), status
    try:
        invited = people.add_person(form.person_values(), _invitation_days())
    except ServiceError as error:
        show_service_error(form, error)
        return render_template("people/new.html", form=form), error.status
    return _links_page([invited])


@bp.route("/import", methods=["GET", "POST"])
@roles(Role.COORDINATOR)
def import_file() -> object:
    """Upload a users file; refused whole with every problem listed, else show the new links."""

    def run(raw: bytes) -> object:
        result = people.import_csv(raw, _invitation_days())
        return _links_page(result.created, result.unchanged)

    return import_page(
        ImportForm(),
        "people/import.html",
        run,
        columns=",".join(people.COLUMNS),
        required=", ".join(people.REQUIRED_COLUMNS),
    )


@bp.post("/<int:user_id>/deactivate")
@roles(Role.COORDINATOR)
def deactivate(user_id: int) -> object:
    """Stop a person signing in; their past reports stay."""
    person = people.get_person_by_id(user_id)
    if ActionForm().validate_on_submit():
        try:
            people.deactivate(person, current_user)
        except ServiceError as error:
            flash(error.translated(), "error")
        else:
            flash(
                _(
                    "%(name)s is deactivated and can no longer sign in. Their reports stay.",
                    name=person.name,
                ),
                "success",
            )
    return redirect(url_for("people.index"))


@bp.post("/<int:user_id>/activate")
@roles(Role.COORDINATOR)
def activate(user_id: int) -> object:
    """Let a deactivated person sign in again."""
    person = people.get_person_by_id(user_id)
    if ActionForm().validate_on_submit():
        people.activate(person)
        flash(_("%(name)s can sign in again.", name=person.name), "success")
    return redirect(url_for("people.index"))


@bp.post("/<int:user_id>/invite")
@roles(Role.COORDINATOR)
def invite(user_id: int) -> object:
    """Make a new invitation link for a person (their earlier links stop working)."""
    person = people.get_person_by_id(user_id)
    if not ActionForm().validate_on_submit():
        return redirect(url_for("people.index"))
    try:
        invited = people.reinvite(person, _invitation_days())
    except ServiceError as error:
        flash(error.translated(), "error")
        return redirect(url_for("people.index"))
    return _links_page([invited])


@bp.get("/<int:user_id>")
@roles(Role.COORDINATOR)
def show(user_id: int) -> str:
    """One person: who they are, a manager's stores (which a coordinator may change),
    and their API tokens, which a coordinator may revoke."""
    person = people.get_person_by_id(user_id)
    stores_form = None
    if person.role == Role.MANAGER:
        stores_form = with_store_choices(
            StoresForm(data={"stores": [store.code for store in person.stores]}),
            _store_choices(),
        )
    return render_template(
        "people/show.html",
        person=person,
        stores_form=stores_form,
        tokens=accounts.list_tokens(person),
        can_revoke=policy.may_revoke_token(current_user, person.id),
    )


@bp.post("/<int:user_id>/stores")
@roles(Role.COORDINATOR)
def change_stores(user_id: int) -> object:
    """Link a store manager to the stores chosen (one at least), instead of those they had."""
    person = people.get_person_by_id(user_id)
    form = StoresForm()
    if form.validate_on_submit():
        try:
            accounts.set_stores(person, form.stores.data or [])
        except ServiceError as error:
            flash(error.translated(), "error")
        else:
            flash(_("The stores of %(name)s are saved.", name=person.name), "success")
    return redirect(url_for("people.show", user_id=person.id))


@bp.post("/<int:user_id>/tokens/<int:token_id>/revoke")
@roles(Role.COORDINATOR)
def revoke_token(user_id: int, token_id: int) -> object:
    """Revoke one of the person's API tokens (the policy decides who may)."""
    person = people.get_person_by_id(user_id)
    if ActionForm().validate_on_submit():
        name = accounts.revoke_token(current_user, person, token_id)
        flash(
            _(
                "The token “%(name)s” of %(person)s is revoked: scripts using it are refused "
                "from now on.",
                person=person.name,
                name=name,
            ),
            "success",
        )
    return redirect(url_for("people.show", user_id=person.id))
