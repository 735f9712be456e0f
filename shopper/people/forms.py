"""Forms of the people pages."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    EmailField,
    SearchField,
    SelectChoice,
    SelectField,
    SelectMultipleField,
    StringField,
)
from wtforms.validators import DataRequired, Length

from shopper.forms import FLAGS, language_choices, state_filter, upload_form
from shopper.models import Role
from shopper.services.people import COLUMNS, MAX_NAME, PersonFilters


def _role_choices() -> list[SelectChoice]:
    # The same words as navigation.role_label, so one translation serves both.
    return [
        SelectChoice(Role.SHOPPER.value, _l("Shopper")),
        SelectChoice(Role.COORDINATOR.value, _l("Coordinator")),
        SelectChoice(Role.OWNER.value, _l("Owner")),
        SelectChoice(Role.MANAGER.value, _l("Store manager")),
    ]


def _stores_field() -> SelectMultipleField:
    # Choices are the stores, set by the view (``with_store_choices``).
    return SelectMultipleField(
        _l("Stores"),
        choices=[],
        validate_choice=False,
        description=_l(
            "For a store manager: the stores they run (choose one or more). "
            "Leave empty for anyone else."
        ),
    )


def with_store_choices(form: FlaskForm, choices: list[tuple[str, str]]) -> FlaskForm:
    """Offer these stores (code, label) in the form's stores field."""
    form.stores.choices = choices
    return form


class PersonForm(FlaskForm):
    """A new person; each gets a one-time invitation link to choose a password."""

    email = EmailField(
        _l("Email"), validators=[DataRequired(), Length(max=254)], render_kw={"autocomplete": "off"}
    )
    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=MAX_NAME)])
    role = SelectField(
        _l("Role"),
        choices=_role_choices(),
        description=_l(
            "Shoppers visit stores and report; coordinators run everything; "
            "owners read the results and change nothing; store managers read their own "
            "stores' results and answer their actions."
        ),
    )
    language = SelectField(
        _l("Language"),
        choices=language_choices(),
        description=_l("The language the person reads the product in; they can change it."),
    )
    stores = _stores_field()

    def person_values(self) -> dict[str, object]:
        """The fields as services.people takes them."""
        return {name: self[name].data for name in COLUMNS}


class StoresForm(FlaskForm):
    """The stores a manager runs, on their person page."""

    stores = _stores_field()


ImportForm = upload_form(
    _l("People file (CSV)"),
    _l(
        "UTF-8, comma-separated, with the header email,name,role,language,stores in any order "
        "(stores: a manager's store codes separated by spaces). "
        "Never put passwords in it."
    ),
)


class PersonFilterForm(FlaskForm):
    """The filters above the people list, read from the query string."""

    class Meta:
        csrf = False

    q = SearchField(_l("Search"), description=_l("Name or email."))
    role = SelectField(
        _l("Role"),
        choices=[SelectChoice("", _l("All roles")), *_role_choices()],
        validate_choice=False,
    )
    active = state_filter()

    def filters(self) -> PersonFilters:
        """The filters chosen; a value the form does not offer counts as no filter."""
        role = self.role.data if self.role.data in set(Role) else ""
        return PersonFilters(
            q=(self.q.data or "").strip(),
            role=role or "",
            active=FLAGS.get(self.active.data or ""),
        )
