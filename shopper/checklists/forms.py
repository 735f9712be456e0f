"""Forms of the checklist pages."""

from __future__ import annotations

from collections.abc import Sequence

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import Field, FloatField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional, Regexp, StopValidation
from wtforms.widgets import NumberInput

from shopper.domain.checklist_format import MAX_CODE, MAX_DESCRIPTION, MAX_TITLE, Section
from shopper.domain.targets import Targets
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


TARGET_RANGE = _l("Enter a number from 0 to 100, or leave it empty for no target.")

ImportForm = upload_form(
    _l("Checklist file (JSON)"),
    _l("A shopper-checklist/1 file. A checklist whose code exists gets a new version."),
    missing=_l("Choose a JSON file to import."),
)


class TargetField(FloatField):
    """A target in percent: empty for none; a decimal comma is read as a point (85,5)."""

    widget = NumberInput(step="any", min=0, max=100)

    def process_formdata(self, valuelist: list[str]) -> None:
        """Read the number, or None when empty; anything else is the range message."""
        text = (valuelist[0] if valuelist else "").strip().replace(",", ".")
        if not text:
            self.data = None
            return
        try:
            self.data = float(text)
        except ValueError as error:
            self.data = None
            raise ValueError(str(TARGET_RANGE)) from error


def _in_range(form: FlaskForm, field: Field) -> None:
    """From 0 to 100 (a value that was not a number has its message already)."""
    if field.data is not None and not 0 <= field.data <= 100:
        raise StopValidation(str(TARGET_RANGE))


def _target_field(label: object, description: object = "") -> TargetField:
    return TargetField(label, validators=[Optional(), _in_range], description=description)


class TargetsForm(FlaskForm):
    """The overall target; ``targets_form`` adds one field per section."""

    overall = _target_field(
        _l("Overall target, in percent"),
        _l("A store below it is marked in the comparison. Empty: no target."),
    )
    # (section code, field name) in the checklist's order.
    section_fields: list[tuple[str, str]] = []

    def section_field(self, code: str) -> Field | None:
        """The field of section ``code``."""
        names = dict(self.section_fields)
        return self[names[code]] if code in names else None

    def document(self) -> dict[str, object]:
        """The targets as the service takes them."""
        return {
            "overall": self.overall.data,
            "sections": {code: self[name].data for code, name in self.section_fields},
        }


def targets_form(sections: Sequence[Section], targets: Targets) -> TargetsForm:
    """The targets form for ``sections``, filled with the ``targets`` set now."""

    class Form(TargetsForm):
        pass

    Form.section_fields = []
    for index, section in enumerate(sections):
        name = f"section_{index}"
        setattr(
            Form,
            name,
            _target_field(section.title),
        )
        Form.section_fields.append((section.code, name))
    form = Form(
        data={
            "overall": targets.overall,
            **{name: targets.section(code) for code, name in Form.section_fields},
        }
    )
    return form
