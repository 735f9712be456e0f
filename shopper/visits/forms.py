"""Forms of the review pages."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import SelectMultipleField, TextAreaField
from wtforms.validators import Length

from shopper.services.reviews import MAX_NOTE


class ReviewForm(FlaskForm):
    """Approve, or return with a note (the pressed button says which)."""

    note = TextAreaField(
        _l("Note to the shopper"),
        validators=[Length(max=MAX_NOTE)],
        description=_l("Required when returning: say exactly what to fix."),
    )
    # Ticked beside the answers ("Ask to change"); the codes are checked by the service.
    questions = SelectMultipleField(_l("Questions to change"), choices=[], validate_choice=False)


class BulkApproveForm(FlaskForm):
    """Approve the ticked reports of the queue."""
