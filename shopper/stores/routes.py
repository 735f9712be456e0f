"""Store pages. The rules live in services.stores; these only read and render."""

from __future__ import annotations

from flask import Response, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_wtf import FlaskForm

from shopper.access import roles
from shopper.forms import ActionForm, show_service_error
from shopper.imports import import_page
from shopper.models import Role, Store
from shopper.services import stores
from shopper.services.errors import ServiceError
from shopper.stores import bp
from shopper.stores.forms import EditStoreForm, ImportForm, StoreFilterForm, StoreForm


@bp.get("")
@roles(Role.COORDINATOR, Role.OWNER)
def index() -> str:
    """The stores, filtered by a search text, region, own or competitor, and state."""
    form = StoreFilterForm(formdata=request.args)
    form.set_regions(stores.regions())
    query_args = form.query_args()
    return render_template(
        "stores/index.html",
        stores=stores.list_stores(stores.parse_filters(request.args)),
        form=form,
        export_args=query_args,
        filtered=query_args != {"active": "yes"},
    )


def _form_page(form: FlaskForm, store: Store | None, status: int) -> tuple[str, int]:
    return (
        render_template(
            "stores/form.html",
            form=form,
            store=store,
            regions=stores.regions(),
            action=ActionForm(),
        ),
        status,
    )


@bp.route("/new", methods=["GET", "POST"])
@roles(Role.COORDINATOR)
def new() -> object:
    """Add one store."""
    form = StoreForm()
    if not form.validate_on_submit():
        return _form_page(form, None, 400 if form.is_submitted() else 200)
    try:
        store = stores.create_store(form.store_values())
    except ServiceError as error:
        show_service_error(form, error)
        return _form_page(form, None, error.status)
    flash(_("Store %(code)s is added.", code=store.code), "success")
    return redirect(url_for("stores.index"))


@bp.route("/<code>/edit", methods=["GET", "POST"])
@roles(Role.COORDINATOR)
def edit(code: str) -> object:
    """Change a store's name, region, city, address or competitor flag."""
    store = stores.get_store(code)
    form = EditStoreForm(obj=store)
    if not form.validate_on_submit():
        return _form_page(form, store, 400 if form.is_submitted() else 200)
    try:
        stores.update_store(store, form.store_values())
    except ServiceError as error:
        show_service_error(form, error)
        return _form_page(form, store, error.status)
    flash(_("Store %(code)s is saved.", code=store.code), "success")
    return redirect(url_for("stores.index"))


@bp.post("/<code>/deactivate")
@roles(Role.COORDINATOR)
def deactivate(code: str) -> object:
    """Deactivate: no new visits; its past reports stay."""
    return _set_active(
        code,
        False,
        _(
            "Store %(code)s is deactivated. Its past reports stay; it gets no new visits.",
            code=code,
        ),
    )


@bp.post("/<code>/activate")
@roles(Role.COORDINATOR)
def activate(code: str) -> object:
    """Bring a deactivated store back."""
    return _set_active(code, True, _("Store %(code)s is active again.", code=code))


def _set_active(code: str, active: bool, message: str) -> object:
    store = stores.get_store(code)
    if ActionForm().validate_on_submit():
        stores.set_active(store, active)
        flash(message, "success")
    return redirect(url_for("stores.edit", code=store.code))


@bp.route("/import", methods=["GET", "POST"])
@roles(Role.COORDINATOR)
def import_file() -> object:
    """Upload a stores file; it is refused whole with every problem listed by line and column."""

    def run(raw: bytes) -> object:
        summary = stores.import_csv(raw)
        flash(
            _(
                "Stores imported: %(created)d added, %(updated)d changed, %(unchanged)d unchanged.",
                created=summary.created,
                updated=summary.updated,
                unchanged=summary.unchanged,
            ),
            "success",
        )
        return redirect(url_for("stores.index"))

    return import_page(
        ImportForm(),
        "stores/import.html",
        run,
        columns=",".join(stores.COLUMNS),
        required=", ".join(stores.REQUIRED_COLUMNS),
    )


@bp.get("/export.csv")
@roles(Role.COORDINATOR, Role.OWNER)
def export() -> Response:
    """Download the stores of the list's filters as a stores file."""
    filters = stores.parse_filters(request.args)
    return Response(
        stores.export_csv(filters),
        mimetype="text/csv",
        headers={"Content-Disposition": 'attachment; filename="stores.csv"'},
    )
