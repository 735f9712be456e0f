"""What the forms of every blueprint share: the action and upload forms, common fields."""

from __future__ import annotations

from flask import flash
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import SelectChoice, SelectField

from shopper.config import LANGUAGES
from shopper.services.errors import ServiceError

# A list filter's values are those of the API's query string: yes, no, all.
FLAGS = {"yes": True, "no": False}


class ActionForm(FlaskForm):
    """A button that changes state: carries only the CSRF token."""


class UploadForm(FlaskForm):
    """One file to import; ``upload_form`` gives each page its own label and help."""

    file: FileField


def upload_form(label: str, description: str, missing: str | None = None) -> type[UploadForm]:
    """An upload form whose file field reads ``label`` and ``description``.

    ``missing`` is what to say when no file was chosen (a CSV file unless told).
    """
    missing = missing or _l("Choose a CSV file to import.")

    class ImportForm(UploadForm):
        file = FileField(label, validators=[FileRequired(missing)], description=description)

    return ImportForm


def language_choices() -> list[SelectChoice]:
    """The interface languages, each option marked with its own ``lang``."""
    return [SelectChoice(code, name, {"lang": code}) for code, name in LANGUAGES.items()]


def state_filter() -> SelectField:
    """The Active / Deactivated / All filter above a list (``FLAGS`` reads its value)."""
    return SelectField(
        _l("State"),
        choices=[
            SelectChoice("yes", _l("Active")),
            SelectChoice("no", _l("Deactivated")),
            SelectChoice("all", _l("All")),
        ],
        default="yes",
        validate_choice=False,
    )


def show_service_error(form: FlaskForm, error: ServiceError) -> None:
    """Put a refusal of a service at the fields it names, else above the form."""
    placed = False
    for name, text in error.fields.items():
        if name in form:
            form[name].errors = [*form[name].errors, text]
            placed = True
    if not placed:
        flash(error.translated(), "error")
