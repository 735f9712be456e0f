"""Playwright driving Debian's Chromium (``playwright install`` cannot download here)."""

from __future__ import annotations

import os
import threading
from collections.abc import Iterator

import pytest
from flask import Flask
from werkzeug.serving import make_server

from tests.conftest import unavailable

CHROMIUM = os.environ.get("SHOPPER_TEST_CHROMIUM", "/usr/bin/chromium")
PHONE = {
    "viewport": {"width": 390, "height": 844},
    "is_mobile": True,
    "has_touch": True,
    "device_scale_factor": 3,
}
LAPTOP = {"viewport": {"width": 1366, "height": 820}}


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Every test in this folder is a browser test."""
    for item in items:
        if "/tests/browser/" in str(item.fspath):
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def browser() -> Iterator[object]:
    """One headless Chromium for the session."""
    if not os.path.exists(CHROMIUM):
        unavailable(f"no Chromium at {CHROMIUM} (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--no-first-run",
            ],
        )
        yield browser
        browser.close()


@pytest.fixture
def phone(browser) -> Iterator[object]:
    """A fresh phone-sized, touch browser context."""
    context = browser.new_context(**PHONE)
    yield context
    context.close()


@pytest.fixture
def laptop(browser) -> Iterator[object]:
    """A fresh laptop-sized browser context."""
    context = browser.new_context(**LAPTOP)
    yield context
    context.close()


@pytest.fixture
def live_server(app: Flask) -> Iterator[str]:
    """The app served by a thread on a free 127.0.0.1 port; yields its base URL."""
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, name="live-server", daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        thread.join(timeout=10)
        server.server_close()
