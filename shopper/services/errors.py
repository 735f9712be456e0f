"""Errors a use case raises; pages show them as messages, the API as JSON errors."""

from __future__ import annotations

from collections.abc import Mapping

from shopper.domain.i18n import Msgid


class ServiceError(Exception):
    """A refused use case.

    ``message`` is a gettext msgid with %(name)s params, or a singular and
    plural pair (``N_plural``) chosen by the count in the ``num`` param.
    """

    status = 422
    code = "invalid"

    def __init__(
        self,
        message: str | tuple[str, str],
        params: Mapping[str, object] | None = None,
        fields: Mapping[str, str] | None = None,
    ) -> None:
        self.params = dict(params or {})
        if isinstance(message, tuple):
            self.message, self.plural = message
        else:
            self.message, self.plural = message, None
        english = self.plural if self.plural and self.params["num"] != 1 else self.message
        super().__init__(english % self.params)
        self.fields = dict(fields or {})

    def translated(self) -> str:
        """The message in the current person's language."""
        from flask_babel import gettext, ngettext

        params = {
            name: gettext(value) if isinstance(value, Msgid) else value
            for name, value in self.params.items()
        }
        if self.plural is None:
            return gettext(self.message, **params)
        others = {name: value for name, value in params.items() if name != "num"}
        return ngettext(self.message, self.plural, self.params["num"], **others)


class Invalid(ServiceError):
    """Valid input in shape that breaks a rule."""


# One broken rule of a record: (field, msgid, params).
Problem = tuple[str, str, dict[str, object]]


def translated(message: str, params: Mapping[str, object]) -> str:
    """``message`` in the current person's language, with its params."""
    from flask_babel import gettext

    return gettext(message, **params)


def invalid_record(problems: list[Problem], summary: tuple[str, str]) -> Invalid:
    """The error for a record with ``problems``: the one problem, or ``summary`` counting them.

    Each field names its first problem, in the person's language.
    """
    fields: dict[str, str] = {}
    for field, message, params in problems:
        fields.setdefault(field, translated(message, params))
    if len(problems) == 1:
        return Invalid(problems[0][1], problems[0][2], fields=fields)
    return Invalid(summary, {"num": len(problems)}, fields=fields)


class NotFound(ServiceError):
    """Absent, or not this person's to see."""

    status = 404
    code = "not_found"


class TooLarge(ServiceError):
    """A file or body over its size limit."""

    status = 413
    code = "too_large"


class Conflict(ServiceError):
    """The thing is in a state that does not allow this."""

    status = 409
    code = "conflict"
