"""Versioned URLs for the phone pages' CSS and JS, so the service worker may cache them for good."""

from __future__ import annotations

import hashlib
from functools import lru_cache
from pathlib import Path

from flask import current_app, url_for

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
