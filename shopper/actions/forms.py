"""Forms of the action pages; the rules of each value are checked by services.actions."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    DateField,
    HiddenField,
    SelectChoice,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, Length, Optional

from shopper.domain import follow_up
from shopper.domain.follow_up import ActionStatus
from shopper.services.actions import MAX_TEXT, MAX_TITLE


class ActionFilterForm(FlaskForm):
    """The filters above the action list, read from the query string."""

    class Meta:
        csrf = False

    store = SelectField(_l("Store"), validate_choice=False)
    region = SelectField(_l("Region"), validate_choice=False)
    status = SelectField(_l("Status"), validate_choice=False)
    overdue = BooleanField(_l("Overdue only"))

    def offer(self, stores: list[tuple[str, str]], regions: list[str]) -> None:
        """Offer the stores (code, name) and regions the person may see, and the statuses."""
        self.store.choices = [
            SelectChoice("", _l("All stores")),
            *(SelectChoice(code, f"{code} · {name}") for code, name in stores),
        ]
        self.region.choices = [
            SelectChoice("", _l("All regions")),
            *(SelectChoice(region, region) for region in regions),
        ]
        self.status.choices = [
            SelectChoice("", _l("Any status")),
            *(SelectChoice(status, _l(follow_up.label(status))) for status in ActionStatus),
        ]

    def query_args(self) -> dict[str, str]:
        """The chosen filters as query-string arguments (for the pages' links)."""
        values = {
            "store": self.store.data or "",
            "region": self.region.data or "",
            "status": self.status.data or "",
            "overdue": "y" if self.overdue.data else "",
        }
        return {name: value for name, value in values.items() if value}


class NewActionForm(FlaskForm):
    """A new action: free, or about a visit's answer (the hidden visit and question)."""

    store = SelectField(_l("Store"), validators=[DataRequired()], validate_choice=False)
    title = StringField(
        _l("What to fix"),
        validators=[Length(max=MAX_TITLE)],
        description=_l("Left empty for a question, the question's text."),
    )
    details = TextAreaField(
        _l("Details"),
        validators=[Length(max=MAX_TEXT)],
        description=_l("What the store should do, and how the next visit will check it."),
        render_kw={"rows": 3},
    )
    due_on = DateField(_l("Due on"), validators=[DataRequired()])
    visit = HiddenField()
    question = HiddenField()


class RespondForm(FlaskForm):
    """The store says what it did."""

    note = TextAreaField(
        _l("What was done"),
        validators=[DataRequired(), Length(max=MAX_TEXT)],
        render_kw={"rows": 3},
    )


class VerifyForm(FlaskForm):
    """A coordinator closes the action, or reopens it with a note (buttons name the decision)."""

    note = TextAreaField(
        _l("Note"),
        validators=[Optional(), Length(max=MAX_TEXT)],
        description=_l("Required to reopen: say what is still missing."),
        render_kw={"rows": 2},
    )
