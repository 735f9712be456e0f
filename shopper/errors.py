"""Error answers: JSON on the API, a page elsewhere. Never a 500 for bad input."""

from __future__ import annotations

from flask import Flask, render_template
from flask_babel import gettext
from flask_limiter.errors import RateLimitExceeded
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException, InternalServerError

from shopper.access import is_api_request
from shopper.api.errors import error_response
from shopper.services.errors import ServiceError


def _messages() -> dict[int, str]:
    return {
        400: gettext("The request could not be understood."),
        401: gettext("Sign in first: no or bad credentials were given."),
        403: gettext("Your role does not allow this page."),
        404: gettext("There is nothing here, or it is not yours to see."),
        405: gettext("This address does not accept that kind of request."),
        409: gettext("This cannot be done in its current state."),
        413: gettext("What you sent is too large."),
        429: gettext("Too many attempts. Wait a minute, then try again."),
        500: gettext("Something went wrong on our side. Nothing you sent was half-saved."),
    }


def _answer(status: int, message: str, code: str | None = None, fields=None) -> object:
    if is_api_request():
        return error_response(status, message, code, fields)
    return render_template("errors/error.html", status=status, message=message), status


def init_app(app: Flask) -> None:
    """Register the handlers."""

    @app.errorhandler(CSRFError)
    def csrf_error(error: CSRFError) -> object:
        return _answer(
            400,
            gettext(
                "The form was open too long or was sent from elsewhere. Reload the page and try again."
            ),
            "csrf_failed",
        )

    @app.errorhandler(RateLimitExceeded)
    def rate_limited(error: RateLimitExceeded) -> object:
        return _answer(429, _messages()[429])

    @app.errorhandler(ServiceError)
    def service_error(error: ServiceError) -> object:
        return _answer(error.status, error.translated(), error.code, error.fields)

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException) -> object:
        status = error.code or 500
        return _answer(status, _messages().get(status, error.description or ""))

    @app.errorhandler(InternalServerError)
    def server_error(error: InternalServerError) -> object:
        return _answer(500, _messages()[500])
