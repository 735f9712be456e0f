"""Translations and locale-aware formatting: the person's language, else the browser's."""

from __future__ import annotations

from pathlib import Path

from babel.numbers import get_minus_sign_symbol, get_plus_sign_symbol
from flask import Flask, current_app, request
from flask_babel import (
    Domain,
    format_date,
    format_datetime,
    format_decimal,
    get_locale,
    get_translations,
    gettext,
)
from flask_login import current_user

from shopper.catalogues import compiled_directory
from shopper.config import LANGUAGES
from shopper.domain import answers
from shopper.domain import i18n as domain_i18n
from shopper.domain.i18n import N_, N_plural
from shopper.domain.scoring import round_pct
from shopper.extensions import babel


def select_locale() -> str:
    """The language of the signed-in person, or the best match of the browser."""
    if current_user and current_user.is_authenticated:
        return current_user.language
    return request.accept_languages.best_match(LANGUAGES.keys()) or "en"


def format_pct(value: float | None) -> str:
    """A percentage for people: rounded half away from zero to one decimal, in their locale."""
    # The PDFs' rule, so a page, a file and a PDF write a score alike: ``42.7%``,
    # ``%42,7`` in Turkish, ``42,7 %`` in Swedish (the sign where the locale puts it).
    from shopper.pdf import format_percent as percent

    locale = str(get_locale())
    text = percent(value, locale)
    if domain_i18n.text_direction(locale) == "rtl":
        # Isolated: after Urdu words the digits would count as Arabic ones and the
        # % sign would run to their left ("%63.3").
        return f"\u2066{text}\u2069"
    return text


def format_points_change(value: float | None) -> str:
    """A change of score in percentage points, with its sign: ``+4.0 pts``, ``-2.5 pts``.

    Rounded like a percentage (one decimal, half away from zero); a change that
    rounds to nothing has no sign (``0.0 pts``).
    """
    rounded = round_pct(value)
    if rounded is None:
        return "–"
    locale = get_locale()
    sign = (
        get_plus_sign_symbol(locale)
        if rounded > 0
        else get_minus_sign_symbol(locale)
        if rounded < 0
        else ""
    )
    number = format_decimal(abs(rounded), format="#,##0.0")
    return gettext("%(change)s pts", change=sign + number)


def checklist_title(version: object) -> str:
    """A checklist version's title as the reader reads it (its translation, else the source)."""
    from shopper.services.checklists import version_title

    return version_title(version)


def text_direction() -> str:
    """``rtl`` when the reader's language is written right to left (Urdu), else ``ltr``."""
    return domain_i18n.text_direction(str(get_locale()))


def answer_text(question: object, value: object, photo_count: int = 0) -> str:
    """How an answer reads in the reader's language (``domain.answers.answer_text``)."""
    return answers.answer_text(
        question, value, photo_count, translations=get_translations(), number=format_decimal
    )


class PerAppDomain(Domain):
    """Flask-Babel's domain, with its translations cache kept per app rather than per process.

    Two apps with different catalogue folders in one process (the tests) would
    otherwise read each other's cached translations.
    """

    def get_translations_cache(self, ctx: object) -> dict:
        return current_app.extensions.setdefault("babel_translations_cache", {})


# ``Babel.domain_instance`` is a cached property: this sets the value it caches.
babel.domain_instance = PerAppDomain()

# The catalogues (``<lang>/LC_MESSAGES/messages.po``) live in the package.
CATALOGUES = Path(__file__).resolve().parent / "translations"


def translation_directories(app: Flask) -> str:
    """Where Flask-Babel finds the compiled catalogues: ``BABEL_TRANSLATION_DIRECTORIES``
    when set, else the package's, compiled first when a ``.mo`` is missing or stale."""
    configured = app.config.get("BABEL_TRANSLATION_DIRECTORIES")
    if configured:
        return str(configured)
    return str(compiled_directory(CATALOGUES, Path(app.instance_path)))


# WTForms' own messages, for the fields and validators the forms use (a validator given
# its own message needs none of these). Marked here so
# every catalogue translates them: WTForms ships catalogues for some languages only
# (not Thai, not Urdu), and says things its own way in the others.
FORM_MESSAGES = (
    N_("This field is required."),  # DataRequired
    N_("Not a valid choice."),  # SelectField
    N_plural(  # SelectMultipleField
        "'%(value)s' is not a valid choice for this field.",
        "'%(value)s' are not valid choices for this field.",
    ),
    N_("Not a valid date value."),  # DateField
    N_plural(  # Length(max=...)
        "Field cannot be longer than %(max)d character.",
        "Field cannot be longer than %(max)d characters.",
    ),
)


class FormTranslations:
    """WTForms' messages in the reader's language: the app's catalogue, else WTForms' own.

    Flask-WTF looks for the translations of a request in ``request.wtforms_translations``
    (``flask_wtf.i18n``); ``init_app`` puts this there. Nothing is loaded until a form
    has an error to say.
    """

    def ugettext(self, message: str) -> str:
        translated = get_translations().ugettext(message)
        if translated != message:
            return translated
        return _wtforms_own().ugettext(message)

    def ungettext(self, singular: str, plural: str, n: int) -> str:
        translated = get_translations().ungettext(singular, plural, n)
        if translated not in (singular, plural):
            return translated
        return _wtforms_own().ungettext(singular, plural, n)


def _wtforms_own() -> object:
    """WTForms' bundled catalogue for the reader's language (English when it has none)."""
    from babel import support
    from wtforms.i18n import messages_path

    return support.Translations.load(messages_path(), [get_locale()], domain="wtforms")


def init_app(app: Flask) -> None:
    """Bind Flask-Babel and give templates the formatting filters."""
    directories = translation_directories(app)
    app.config["BABEL_TRANSLATION_DIRECTORIES"] = directories
    babel.init_app(
        app,
        locale_selector=select_locale,
        default_translation_directories=directories,
    )
    app.jinja_env.filters.update(
        date=format_date,
        datetime=format_datetime,
        decimal=format_decimal,
        pct=format_pct,
        pts=format_points_change,
        round_pct=round_pct,
        direction=domain_i18n.text_direction,
    )
    app.jinja_env.globals.update(
        answer_text=answer_text, is_answered=answers.is_answered, checklist_title=checklist_title
    )
    app.jinja_env.policies["ext.i18n.trimmed"] = True

    @app.before_request
    def form_messages() -> None:
        request.wtforms_translations = FormTranslations()

    @app.context_processor
    def locale_context() -> dict[str, object]:
        return {
            "languages": LANGUAGES,
            "current_locale": str(get_locale()),
            "text_direction": text_direction(),
        }
