"""Versioned URLs for the phone pages' CSS and JS, so the service worker may cache them for good."""

from __future__ import annotations

import hashlib
from functools import lru_cache
from pathlib import Path

from flask import Flask, Response, current_app, request, url_for

# What the service worker keeps from its first start, so an opened page works offline.
PRECACHED = (
    "css/field.css",
    "js/field/store.js",
    "js/field/sender.js",
    "js/field/sync.js",
    "js/field/photos.js",
    "js/field/report.js",
    "js/field/home.js",
)
# Imported by the service worker too: the queue and the pass that sends it.
WORKER_SCRIPTS = ("js/field/store.js", "js/field/sender.js")
# Shared with the rest of the app and linked without a version: kept, revalidated in the background.
SHARED = ("css/app.css", "js/nav.js")


def _path(filename: str) -> Path:
    return Path(current_app.static_folder or "") / filename


@lru_cache(maxsize=64)
def _digest(path: Path, modified_ns: int) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()[:12]


def asset_version(filename: str) -> str:
    """A short hash of the file's content; it changes whenever the file does."""
    path = _path(filename)
    return _digest(path, path.stat().st_mtime_ns)


def asset_url(filename: str) -> str:
    """The static URL with ``?v=<content hash>``."""
    return url_for("static", filename=filename, v=asset_version(filename))


def worker_version() -> str:
    """One version for everything the worker caches: a new one makes the phone refresh them."""
    combined = "".join(asset_version(name) for name in PRECACHED + SHARED)
    combined += asset_version("js/field/sw.js")
    return hashlib.sha256(combined.encode()).hexdigest()[:12]


def precache_urls() -> list[str]:
    """The URLs the worker fetches when it is installed."""
    return [asset_url(name) for name in PRECACHED] + [
        url_for("static", filename=name) for name in SHARED
    ]


def init_app(app: Flask) -> None:
    """Static files: CSS, JS and SVG read whole so that they go out compressed (small
    files; a streamed file would go as it is), and those asked for by content hash
    (``?v=``) cached for good: a new content is a new URL, so a phone never
    downloads the same script twice. Registered after Flask-Compress, so it runs
    before it."""
    max_age = int(app.config["STATIC_IMMUTABLE_MAX_AGE"])
    compressible = set(app.config["COMPRESS_MIMETYPES"])

    @app.after_request
    def static_file(response: Response) -> Response:
        if request.endpoint != "static" or response.status_code != 200:
            return response
        if response.mimetype in compressible and response.is_streamed:
            response.direct_passthrough = False
            response.set_data(response.get_data())
        if request.args.get("v"):
            response.headers["Cache-Control"] = f"public, max-age={max_age}, immutable"
        return response
