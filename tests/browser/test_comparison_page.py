"""An owner reads the comparison on a laptop and on a phone."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from flask import Flask
from playwright.sync_api import expect

from shopper.reports.downloads import period_presets
from tests.support.comparison import make_history
from tests.support.web import PASSWORD

QUERY = "checklist=worked&first_day=2026-10-01&last_day=2026-10-31"


@pytest.fixture
def history(app, client, auth):
    """The visits of tests.support.comparison, made through the API and reviewed."""
    return make_history(app, client, auth)


def _owner_page(context, base: str):
    page = context.new_page()
    page.goto(f"{base}/sign-in")
    page.get_by_label("Email").fill("o@test.example")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_load_state()
    page.goto(f"{base}/reports/comparison?{QUERY}")
    return page


def test_owner_reads_the_comparison_on_a_laptop(
    app: Flask,
    history,
    live_server: str,
    laptop,
    artifacts: Path,
) -> None:
    page = _owner_page(laptop, live_server)
    rows = page.locator("#ranking tbody tr")
    expect(rows).to_have_count(4)
    expect(rows.first).to_contain_text("Store C")
    expect(page.locator(".headline")).to_contain_text("42.7%")
    # Sorting by store name puts A first; filtering keeps only matches.
    page.locator("#ranking th").nth(1).get_by_role("button").click()
    expect(rows.first).to_contain_text("Store A")
    page.get_by_label("Filter stores").fill("store e")
    expect(page.locator("#ranking tbody tr:visible")).to_have_count(1)
    page.get_by_label("Filter stores").fill("")
    expect(page.locator(".heatmap tbody tr")).to_have_count(4)
    expect(page.locator("svg.trend polyline.line-chain")).to_have_count(1)
    # Months read as months, the twelve up to October 2026.
    labels = page.locator("svg.trend > text").all_text_contents()
    assert labels[-12:] == [
        "Nov 2025",
        "Dec 2025",
        "Jan 2026",
        "Feb 2026",
        "Mar 2026",
        "Apr 2026",
        "May 2026",
        "Jun 2026",
        "Jul 2026",
        "Aug 2026",
        "Sep 2026",
        "Oct 2026",
    ]
    page.screenshot(path=str(artifacts / "comparison-laptop.png"), full_page=True)
    with page.expect_download() as download:
        page.get_by_role("link", name="Download PDF").click()
    assert download.value.suggested_filename == "comparison-worked-2026-10-01-2026-10-31.pdf"


def test_owner_reads_the_comparison_on_a_phone(
    app: Flask,
    history,
    live_server: str,
    phone,
    artifacts: Path,
) -> None:
    page = _owner_page(phone, live_server)
    expect(page.locator("#ranking tbody tr")).to_have_count(4)
    # Rank, store, score, change and critical failures fit the screen without side-scrolling.
    score_cell = page.locator("#ranking tbody tr").first.locator("td").nth(4)
    box = score_cell.bounding_box()
    assert box is not None and box["x"] + box["width"] <= 390
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    # The change shows whole on the phone (the bar beside the score gives way); critical
    # failures are named beside the store's name.
    change_cell = page.locator("#ranking tbody tr").nth(2).locator("td").nth(5)
    box = change_cell.bounding_box()
    wrap = page.locator("#ranking").locator("xpath=..").bounding_box()
    assert box is not None and wrap is not None
    assert box["x"] + box["width"] <= wrap["x"] + wrap["width"]
    # A score and a change stay on one line ("57.1 %", "▼ -39.0 pts"), never "57.1" over "%".
    for cell in (score_cell, page.locator("#ranking tbody tr").nth(2).locator("td").nth(5)):
        assert cell.evaluate("c => getComputedStyle(c).whiteSpace") == "nowrap"
        lines = cell.evaluate(  # the lines its text (not the bar beside it) lies on
            "c => { const w = document.createTreeWalker(c, NodeFilter.SHOW_TEXT); const tops = new Set();"
            " for (let n = w.nextNode(); n; n = w.nextNode()) { const r = document.createRange();"
            " r.selectNodeContents(n); for (const b of r.getClientRects()) tops.add(Math.round(b.top)); }"
            " return tops.size; }"
        )
        assert lines == 1, cell.inner_text()
    page.screenshot(path=str(artifacts / "comparison-phone.png"), full_page=True)


def test_the_period_picker_keeps_preset_and_days_in_step(
    app: Flask, history, live_server: str, laptop
) -> None:
    presets = period_presets(date.today())
    page = _owner_page(laptop, live_server)
    period, first, last = (page.get_by_label(n) for n in ("Period", "First day", "Last day"))
    expect(period).to_have_value("")  # October 2026 is no preset: custom
    period.select_option("last_month")
    expect(first).to_have_value(presets["last_month"][0].isoformat())
    expect(last).to_have_value(presets["last_month"][1].isoformat())
    first.fill("2026-10-05")  # a day typed by hand makes the period custom again
    expect(period).to_have_value("")
    period.select_option("last_quarter")
    page.get_by_role("button", name="Compare").click()
    page.wait_for_load_state()
    # After comparing, the picker still says which preset the days are.
    expect(page.get_by_label("Period")).to_have_value("last_quarter")
    expect(page.get_by_label("First day")).to_have_value(presets["last_quarter"][0].isoformat())
