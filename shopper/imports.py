"""The import page every file import shares: people, stores, assignments and checklists."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from flask import render_template
from flask.typing import ResponseReturnValue

from shopper.forms import UploadForm
from shopper.services.checklists import ChecklistInvalid
from shopper.services.csv_files import MAX_CSV_BYTES, CsvInvalid
from shopper.services.errors import ServiceError


def import_page(
    form: UploadForm,
    template: str,
    run: Callable[[bytes], ResponseReturnValue],
    *,
    limit: int = MAX_CSV_BYTES,
    **context: object,
) -> ResponseReturnValue:
    """Show the upload form; give a posted file's bytes to ``run``, whose answer is the page's.

    A file refused whole lists every problem under the form (``problems``: by
    line and column for CSV, by JSON path for a checklist); any other refusal
    stands at the file field. No file chosen is a 400, a refused file the
    refusal's status. ``limit`` bytes are read, one more to notice a larger file.
    """
    problems: Sequence[object] = ()
    status = 200
    if form.validate_on_submit():
        try:
            return run(form.file.data.read(limit + 1))
        except CsvInvalid as error:
            problems, status = error.errors, error.status
        except ChecklistInvalid as error:
            problems, status = error.problems, error.status
        except ServiceError as error:
            form.file.errors = [*form.file.errors, error.translated()]
            status = error.status
    elif form.is_submitted():
        status = 400
    return render_template(template, form=form, problems=problems, **context), status
