"""Security headers on every answer, Secure cookies and HSTS over HTTPS, the reverse-proxy setting.

One place for what the browser is told to enforce: pages, the API, static
files and error pages all pass through ``after_request`` here.
"""

from __future__ import annotations

from flask import Flask, Response, has_request_context, request
from werkzeug.middleware.proxy_fix import ProxyFix

# No inline script anywhere (templates/ keep code in shopper/static/js, data in
# <script type="application/json">); photo previews are blob: and data: images.
CONTENT_SECURITY_POLICY = "; ".join(
    (
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' blob: data:",
        "connect-src 'self'",
        "worker-src 'self'",
        "manifest-src 'self'",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    )
)
# The phone report takes photos and may read the position; nothing else is needed.
PERMISSIONS_POLICY = ", ".join(
    (
        "camera=(self)",
        "geolocation=(self)",
        "microphone=()",
        "payment=()",
        "usb=()",
        "serial=()",
        "bluetooth=()",
        "midi=()",
        "display-capture=()",
    )
)
HEADERS = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    # same-origin: invitation links carry their secret in the path; never send it elsewhere.
    # (Not no-referrer: over HTTPS Flask-WTF checks that a form's Referer is this site.)
    "Referrer-Policy": "same-origin",
    "Permissions-Policy": PERMISSIONS_POLICY,
    "Cross-Origin-Opener-Policy": "same-origin",
}
PROXY_SETTINGS = {
    "PROXY_FIX_X_FOR": "x_for",
    "PROXY_FIX_X_PROTO": "x_proto",
    "PROXY_FIX_X_HOST": "x_host",
    "PROXY_FIX_X_PORT": "x_port",
    "PROXY_FIX_X_PREFIX": "x_prefix",
}


def https_only(app: Flask) -> bool:
    """True when the settings say the site is only ever served over HTTPS."""
    return app.config.get("PREFERRED_URL_SCHEME") == "https"


def served_over_https(app: Flask) -> bool:
    """True when this answer reaches the browser over HTTPS (as far as the app can tell)."""
    return https_only(app) or (has_request_context() and request.is_secure)


class SecureCookieResponse(Response):
    """A response whose cookies are ``Secure`` whenever it goes out over HTTPS.

    Both the session cookie (Flask) and the remember-me cookie (Flask-Login)
    are set through ``set_cookie``; checking here covers them and any later one.
    """

    def set_cookie(self, key: str, *args: object, secure: bool = False, **kwargs: object) -> None:
        """Set a cookie, adding ``Secure`` when the request came over HTTPS."""
        secure = secure or (has_request_context() and request.is_secure)
        super().set_cookie(key, *args, secure=secure, **kwargs)  # type: ignore[arg-type]


def _proxy_counts(app: Flask) -> dict[str, int]:
    counts = {}
    for setting, argument in PROXY_SETTINGS.items():
        value = app.config.get(setting, 0)
        if isinstance(value, bool) or not isinstance(value, int) or value < 0:
            raise ValueError(
                f"{setting} must be the number of proxies in front of the app (0 or more), "
                f"not {value!r}"
            )
        counts[argument] = value
    return counts


def init_app(app: Flask) -> None:
    """Add the headers, Secure cookies over HTTPS and, when configured, ProxyFix."""
    counts = _proxy_counts(app)
    if any(counts.values()):
        # Trusted only when configured: otherwise anyone could claim any address.
        app.wsgi_app = ProxyFix(app.wsgi_app, **counts)  # type: ignore[method-assign]
    if https_only(app):
        app.config["SESSION_COOKIE_SECURE"] = True
        app.config["REMEMBER_COOKIE_SECURE"] = True
    app.response_class = SecureCookieResponse
    hsts = f"max-age={int(app.config['HSTS_MAX_AGE'])}"

    @app.after_request
    def security_headers(response: Response) -> Response:
        for name, value in HEADERS.items():
            response.headers.setdefault(name, value)
        if served_over_https(app):
            response.headers.setdefault("Strict-Transport-Security", hsts)
        return response
