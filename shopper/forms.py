"""Forms every blueprint shares: the one-button action form and the file upload form."""

from __future__ import annotations

from flask import flash
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired

from shopper.services.errors import ServiceError


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


def show_service_error(form: FlaskForm, error: ServiceError) -> None:
    """Put a refusal of a service at the fields it names, else above the form."""
    placed = False
    for name, text in error.fields.items():
        if name in form:
            form[name].errors = [*form[name].errors, text]
            placed = True
    if not placed:
        flash(error.translated(), "error")
