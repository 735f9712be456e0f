"""Forms of the account pages."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    EmailField,
    PasswordField,
    SelectChoice,
    SelectField,
    StringField,
)
from wtforms.validators import DataRequired, EqualTo, Length

from shopper.config import LANGUAGES
from shopper.services.accounts import MAX_TOKEN_NAME, MIN_PASSWORD_LENGTH


class SignInForm(FlaskForm):
    """Email and password."""

    email = EmailField(_l("Email"), validators=[DataRequired(), Length(max=254)])
    password = PasswordField(_l("Password"), validators=[DataRequired(), Length(max=1000)])
    remember = BooleanField(_l("Keep me signed in on this device"))


def _new_password_fields() -> tuple[PasswordField, PasswordField]:
    return (
        PasswordField(
            _l("New password"),
            validators=[
                DataRequired(),
                Length(
                    min=MIN_PASSWORD_LENGTH,
                    message=_l(
                        "The password must be at least %(count)d characters long.",
                        count=MIN_PASSWORD_LENGTH,
                    ),
                ),
                Length(max=1000),
            ],
            description=_l("At least %(count)d characters.", count=MIN_PASSWORD_LENGTH),
        ),
        PasswordField(
            _l("Repeat the new password"),
            validators=[
                DataRequired(),
                EqualTo("password", message=_l("The two passwords are not the same.")),
            ],
        ),
    )


class SetPasswordForm(FlaskForm):
    """Choosing a password from an invitation link."""

    password, confirm = _new_password_fields()


class ChangePasswordForm(FlaskForm):
    """Changing one's password."""

    current_password = PasswordField(
        _l("Current password"), validators=[DataRequired(), Length(max=1000)]
    )
    password, confirm = _new_password_fields()


class LanguageForm(FlaskForm):
    """The language the product speaks to this person."""

    language = SelectField(
        _l("Language"),
        choices=[SelectChoice(code, name, {"lang": code}) for code, name in LANGUAGES.items()],
    )


class ReportEmailsForm(FlaskForm):
    """Whether the periodic comparison report comes by email."""

    report_emails = BooleanField(_l("Email me the comparison report of each period"))


class NewTokenForm(FlaskForm):
    """Making a personal API token."""

    name = StringField(
        _l("Token name"),
        validators=[
            DataRequired(_l("A token name is required.")),
            Length(
                max=MAX_TOKEN_NAME,
                message=_l(
                    "The token name is longer than %(count)d characters.", count=MAX_TOKEN_NAME
                ),
            ),
        ],
        description=_l("What it is for, e.g. “stores import script”."),
        render_kw={"autocomplete": "off", "maxlength": MAX_TOKEN_NAME},
    )


class RevokeTokenForm(FlaskForm):
    """Revoking a token (the form carries only the CSRF token)."""
