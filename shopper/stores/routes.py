"""Store pages. The rules live in services.stores; these only read and render."""

from __future__ import annotations

from flask import Response, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_wtf import FlaskForm

from shopper.access import roles
from shopper.models import Role, Store
from shopper.services import stores
from shopper.services.csv_files import MAX_CSV_BYTES, CsvInvalid
from shopper.services.errors import ServiceError
from shopper.stores import bp
from shopper.stores.forms import (
    ActionForm,
    EditStoreForm,
    ImportForm,
    StoreFilterForm,
    StoreForm,
)


def _show_error(form: FlaskForm, error: ServiceError) -> None:
    """Put a refusal of the service at the fields it names, else above the form."""
    placed = False
    for name, text in error.fields.items():
        if name in form:
            form[name].errors = [*form[name].errors, text]
            placed = True
    if not placed:
        flash(error.translated(), "error")


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
        _show_error(form, error)
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
        _show_error(form, error)
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
    form = ImportForm()
    problems: tuple = ()
    status = 200
    if form.validate_on_submit():
        try:
            summary = stores.import_csv(form.file.data.read(MAX_CSV_BYTES + 1))
        except CsvInvalid as error:
            problems = error.errors
            status = error.status
        except ServiceError as error:
            form.file.errors = [*form.file.errors, error.translated()]
            status = error.status
        else:
            flash(
                _(
                    "Stores imported: %(created)d added, %(updated)d changed, "
                    "%(unchanged)d unchanged.",
                    created=summary.created,
                    updated=summary.updated,
                    unchanged=summary.unchanged,
                ),
                "success",
            )
            return redirect(url_for("stores.index"))
    elif form.is_submitted():
        status = 400
    return (
        render_template(
            "stores/import.html",
            form=form,
            problems=problems,
            columns=",".join(stores.COLUMNS),
            required=", ".join(stores.REQUIRED_COLUMNS),
        ),
        status,
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
