"""Settings: defaults here, then ``instance/config.py``, then ``SHOPPER_*`` variables."""

from __future__ import annotations

import os
import secrets
from datetime import timedelta
from pathlib import Path

from flask import Flask

LANGUAGES = {
    "en": "English",
    "tr": "Türkçe",
    "sv": "Svenska",
    "th": "ไทย",
    "ur": "اردو",
}


def default_settings(instance_path: str) -> dict[str, object]:
    """The settings a fresh checkout runs with."""
    return {
        "SQLALCHEMY_DATABASE_URI": "sqlite:///" + os.path.join(instance_path, "shopper.sqlite3"),
        "UPLOAD_FOLDER": os.path.join(instance_path, "uploads"),
        "MAX_CONTENT_LENGTH": 16 * 1024 * 1024,
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "REMEMBER_COOKIE_DURATION": timedelta(days=30),
        "REMEMBER_COOKIE_HTTPONLY": True,
        "REMEMBER_COOKIE_SAMESITE": "Lax",
        "PERMANENT_SESSION_LIFETIME": timedelta(hours=12),
        "WTF_CSRF_TIME_LIMIT": None,
        "BABEL_DEFAULT_LOCALE": "en",
        "BABEL_DEFAULT_TIMEZONE": "UTC",
        "INVITATION_DAYS": 7,
        "RATELIMIT_STORAGE_URI": "memory://",
        # Redis out of reach: limits count per process meanwhile rather than sign-in failing.
        "RATELIMIT_IN_MEMORY_FALLBACK_ENABLED": True,
        "RATELIMIT_HEADERS_ENABLED": True,
        "SIGN_IN_RATE_LIMIT": "10 per minute",
        # Behind a reverse proxy: how many proxies' X-Forwarded-* headers to trust (0: none).
        "PROXY_FIX_X_FOR": 0,
        "PROXY_FIX_X_PROTO": 0,
        "PROXY_FIX_X_HOST": 0,
        "PROXY_FIX_X_PORT": 0,
        "PROXY_FIX_X_PREFIX": 0,
        "HSTS_MAX_AGE": 365 * 24 * 3600,
        # Email (shopper/services/mail.py): no MAIL_SERVER, no mail.
        "MAIL_SERVER": "",
        "MAIL_PORT": 25,
        "MAIL_USERNAME": "",
        "MAIL_PASSWORD": "",
        "MAIL_USE_TLS": False,
        "MAIL_USE_STARTTLS": False,
        "MAIL_SENDER": "shopper@localhost",
        "MAIL_TIMEOUT": 30,
        # The address links in emails sent by commands (cron) start with.
        "BASE_URL": "http://127.0.0.1:5000",
        # Pages, JSON, CSS and JS go out compressed (Flask-Compress); PDFs, spreadsheets,
        # CSV and photos are not in the list and go as they are. Streamed responses
        # are left alone: static files are read whole first (shopper.field.assets).
        "COMPRESS_STREAMS": False,
        "COMPRESS_MIMETYPES": [
            "text/html",
            "text/css",
            "text/javascript",
            "application/javascript",
            "application/json",
            "application/manifest+json",
            "image/svg+xml",
        ],
        # Static files asked for with ?v=<content hash> never change: cached for a year.
        "STATIC_IMMUTABLE_MAX_AGE": 365 * 24 * 3600,
    }


def load_settings(app: Flask, test_config: dict[str, object] | None) -> None:
    """Fill ``app.config`` in order: defaults, instance file, environment, test overrides."""
    app.config.from_mapping(default_settings(app.instance_path))
    if test_config is None:
        app.config.from_pyfile("config.py", silent=True)
        app.config.from_prefixed_env("SHOPPER")
    else:
        app.config.from_mapping(test_config)
    if not app.config.get("SECRET_KEY"):
        app.config["SECRET_KEY"] = instance_secret_key(Path(app.instance_path))


def instance_secret_key(instance_path: Path) -> str:
    """Read the generated secret key from the instance folder, creating it once."""
    key_file = instance_path / "secret_key"
    if key_file.exists():
        return key_file.read_text().strip()
    instance_path.mkdir(parents=True, exist_ok=True)
    key = secrets.token_hex(32)
    # O_EXCL: two workers starting together must not write two different keys.
    try:
        fd = os.open(key_file, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return key_file.read_text().strip()
    with os.fdopen(fd, "w") as handle:
        handle.write(key + "\n")
    return key
