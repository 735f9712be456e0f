"""Forms of the checklist pages."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Regexp

from shopper.domain.checklist_format import MAX_CODE, MAX_DESCRIPTION, MAX_TITLE
from shopper.forms import language_choices, upload_form


class NewChecklistForm(FlaskForm):
    """The checklist's own fields; sections and questions follow in the builder."""

    code = StringField(
        _l("Code"),
        validators=[
            DataRequired(),
            Length(max=MAX_CODE),
            Regexp(
                r"^[a-z0-9_-]+$",
                message=_l("Use only lower-case letters a–z, digits, - and _."),
            ),
        ],
        description=_l(
            "A short, permanent name used to compare results over time, e.g. store-service."
        ),
    )
    title = StringField(_l("Title"), validators=[DataRequired(), Length(max=MAX_TITLE)])
    language = SelectField(
        _l("Language of the questions"),
        choices=language_choices(),
    )
    description = TextAreaField(_l("Description"), validators=[Length(max=MAX_DESCRIPTION)])


ImportForm = upload_form(
    _l("Checklist file (JSON)"),
    _l("A shopper-checklist/1 file. A checklist whose code exists gets a new version."),
    missing=_l("Choose a JSON file to import."),
)
