"""Forms of the store pages."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, SearchField, SelectChoice, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length

from shopper.forms import state_filter, upload_form
from shopper.services.stores import (
    COLUMNS,
    MAX_ADDRESS,
    MAX_CITY,
    MAX_CODE,
    MAX_NAME,
    MAX_REGION,
)


class StoreForm(FlaskForm):
    """A new store; the rules of each field are checked by services.stores."""

    code = StringField(
        _l("Code"),
        validators=[DataRequired(), Length(max=MAX_CODE)],
        description=_l("A short, permanent name such as IST-01. It cannot change later."),
    )
    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=MAX_NAME)])
    region = StringField(
        _l("Region"),
        validators=[Length(max=MAX_REGION)],
        description=_l(
            "Comparisons group stores by region; pick an existing one to keep them together."
        ),
        render_kw={"list": "known-regions", "autocomplete": "off"},
    )
    city = StringField(_l("City"), validators=[Length(max=MAX_CITY)])
    address = TextAreaField(
        _l("Address"), validators=[Length(max=MAX_ADDRESS)], render_kw={"rows": 2}
    )
    competitor = BooleanField(
        _l("Competitor"),
        description=_l("A store of another business, visited for benchmarking."),
    )

    def store_values(self) -> dict[str, object]:
        """The fields as services.stores takes them."""
        return {name: self[name].data for name in COLUMNS if name in self}


class EditStoreForm(StoreForm):
    """A store's fields but its code, which never changes."""

    code = None


ImportForm = upload_form(
    _l("Stores file (CSV)"),
    _l(
        "UTF-8, comma-separated, with the header code,name,region,city,address,competitor "
        "in any order. Rows are matched to stores by code."
    ),
)


class StoreFilterForm(FlaskForm):
    """The filters above the store list, read from the query string."""

    class Meta:
        csrf = False

    q = SearchField(_l("Search"), description=_l("Code, name, region, city or address."))
    region = SelectField(
        _l("Region"), choices=[SelectChoice("", _l("All regions"))], validate_choice=False
    )
    competitor = SelectField(
        _l("Own or competitor"),
        choices=[
            SelectChoice("", _l("Both")),
            SelectChoice("no", _l("Own stores")),
            SelectChoice("yes", _l("Competitors")),
        ],
        validate_choice=False,
    )
    active = state_filter()

    def set_regions(self, regions: list[str]) -> None:
        """Offer the regions the stores name."""
        self.region.choices = [
            SelectChoice("", _l("All regions")),
            *(SelectChoice(r, r) for r in regions),
        ]

    def query_args(self) -> dict[str, str]:
        """The chosen filters as query-string arguments (for the export link)."""
        return {
            name: value
            for name, value in (
                ("q", (self.q.data or "").strip()),
                ("region", self.region.data or ""),
                ("competitor", self.competitor.data or ""),
                ("active", self.active.data or ""),
            )
            if value
        }
