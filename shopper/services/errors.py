"""Errors a use case raises; pages show them as messages, the API as JSON errors."""

from __future__ import annotations

from collections.abc import Mapping


class ServiceError(Exception):
    """A refused use case. ``message`` is a gettext msgid with %(name)s params."""

    status = 422
    code = "invalid"

    def __init__(
        self,
        message: str,
        params: Mapping[str, object] | None = None,
        fields: Mapping[str, str] | None = None,
    ) -> None:
        super().__init__(message % dict(params or {}))
        self.message = message
        self.params = dict(params or {})
        self.fields = dict(fields or {})

    def translated(self) -> str:
        """The message in the current person's language."""
        from flask_babel import gettext

        return gettext(self.message, **self.params)


class Invalid(ServiceError):
    """Valid input in shape that breaks a rule."""


class NotFound(ServiceError):
    """Absent, or not this person's to see."""

    status = 404
    code = "not_found"


class Conflict(ServiceError):
    """The thing is in a state that does not allow this."""

    status = 409
    code = "conflict"
