"""Forms of the assignment pages."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DateField, SelectField, SelectMultipleField, TextAreaField, widgets
from wtforms.validators import DataRequired, Length, Optional, ValidationError

from shopper.forms import upload_form
from shopper.services.assignments import MAX_BRIEFING, MAX_CANCEL_NOTE


class CheckboxList(SelectMultipleField):
    """Many choices as a list of checkboxes (easier on touch screens than a multi-select)."""

    widget = widgets.ListWidget(prefix_label=False)
    option_widget = widgets.CheckboxInput()


class WindowFields(FlaskForm):
    """The visit window and briefing."""

    first_day = DateField(_l("First day"), validators=[DataRequired()])
    last_day = DateField(_l("Last day"), validators=[DataRequired()])
    briefing = TextAreaField(
        _l("Briefing"),
        validators=[Length(max=MAX_BRIEFING)],
        description=_l("The scenario to play, e.g. “ask to return a gift without a receipt”."),
    )

    def validate_last_day(self, field: DateField) -> None:
        """The window must not end before it starts."""
        if self.first_day.data and field.data and field.data < self.first_day.data:
            raise ValidationError(_l("The last day is before the first day."))


class AssignForm(WindowFields):
    """One checklist to many stores, with the shoppers to spread across them."""

    checklist = SelectField(_l("Checklist"), validators=[DataRequired()])
    region = SelectField(
        _l("Whole region"),
        validators=[Optional()],
        description=_l(
            "Every active store of this region gets a visit. Stores ticked below are added"
            " to them, from any region."
        ),
    )
    stores = CheckboxList(_l("Stores"), validators=[Optional()])
    shoppers = CheckboxList(
        _l("Shoppers"),
        validators=[DataRequired(_l("Choose at least one shopper."))],
        description=_l(
            "They are spread across the stores evenly; nobody gets the store they visited last."
        ),
    )


class EditForm(WindowFields):
    """Change window and briefing."""


class ReassignForm(FlaskForm):
    """Give the assignment to another shopper."""

    shopper = SelectField(_l("New shopper"), validators=[DataRequired()])


class CancelForm(FlaskForm):
    """Cancel, with an optional reason."""

    note = TextAreaField(_l("Reason (optional)"), validators=[Length(max=MAX_CANCEL_NOTE)])


ImportForm = upload_form(
    _l("Assignments file (CSV)"),
    _l(
        "Columns: store, checklist, shopper, first_day, last_day, briefing (store code, "
        "checklist code, shopper email, dates as YYYY-MM-DD)."
    ),
)
