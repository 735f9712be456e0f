"""The comparison against the checklist's targets: which stores and sections fall short.

October of tests/support/comparison.py, by hand (scores as test_comparison.py works them out):

store  score     welcome                       checkout
C      400/7     50.0                          100.0      (competitor)
E      50.0      20 of 35 → 57.142857…         0.0
A      39.0      (87.5 + 25/35 × 100) / 2      40.0
B      39.0      the same as A: 79.464285…     40.0

Targets overall 50, welcome 60, checkout 40: A and B are below 50; E's 50.0 equals
it (not below). Welcome: C (50) and E (57.1) are below 60. Checkout: E (0) is
below 40; A's and B's 40.0 equal it. Of the chain's scored stores (A, B, E; C is
a competitor) one meets the overall target.
"""

from __future__ import annotations

import csv
import io
import re
import shutil

import pytest
from openpyxl import load_workbook

from shopper.models import Role
from tests.support.comparison import make_history
from tests.unit.test_pdf import pdf_pages_text, render_png

OCTOBER = "checklist=worked&first_day=2026-10-01&last_day=2026-10-31"
TARGETS = {"overall": 50, "sections": {"welcome": 60, "checkout": 40}}


@pytest.fixture
def history(app, client, auth):
    return make_history(app, client, auth)


def _set(client, history, body) -> None:
    answer = client.put(
        "/api/v1/checklists/worked/targets", json=body, headers=history[Role.COORDINATOR]
    )
    assert answer.status_code == 200, answer.json


def _october(client, history) -> dict:
    return client.get(f"/api/v1/comparison?{OCTOBER}", headers=history[Role.OWNER]).json


def test_without_targets_nothing_is_below(client, history) -> None:
    document = _october(client, history)
    assert document["targets"] == {"overall": None, "sections": {"welcome": None, "checkout": None}}
    assert {
        r["code"]: (r["below_target"], r["sections_below_target"]) for r in document["stores"]
    } == {
        "C": (False, []),
        "E": (False, []),
        "A": (False, []),
        "B": (False, []),
    }


def test_stores_and_sections_below_their_targets(client, history) -> None:
    _set(client, history, TARGETS)
    document = _october(client, history)
    assert document["targets"] == {"overall": 50.0, "sections": {"welcome": 60.0, "checkout": 40.0}}
    assert {
        r["code"]: (r["below_target"], r["sections_below_target"]) for r in document["stores"]
    } == {
        "C": (False, ["welcome"]),
        "E": (False, ["welcome", "checkout"]),
        "A": (True, []),
        "B": (True, []),
    }


def test_only_the_targets_that_are_set_count(client, history) -> None:
    _set(client, history, {"sections": {"welcome": 79.5}})
    document = _october(client, history)
    assert document["targets"] == {"overall": None, "sections": {"welcome": 79.5, "checkout": None}}
    assert {
        r["code"]: (r["below_target"], r["sections_below_target"]) for r in document["stores"]
    } == {
        "C": (False, ["welcome"]),
        "E": (False, ["welcome"]),
        "A": (False, ["welcome"]),  # 79.464… < 79.5
        "B": (False, ["welcome"]),
    }


def _between(text: str, start: str, end: str) -> str:
    first = text.index(start)
    return text[first : text.index(end, first)]


def test_the_page_marks_stores_and_sections_below_and_draws_the_target(
    client, history, auth
) -> None:
    _set(client, history, TARGETS)
    auth.sign_in("o@test.example")
    html = client.get(f"/reports/comparison?{OCTOBER}").get_data(as_text=True)
    assert "1 of 3 stores meet the target" in html
    ranking = _between(html, 'id="ranking"', "</table>")
    rows = {
        name: _between(ranking, name, "</tr>")
        for name in ("Store A", "Store B", "Store C", "Store E")
    }
    assert {name: "badge-below" in row for name, row in rows.items()} == {
        "Store A": True,
        "Store B": True,
        "Store C": False,
        "Store E": False,
    }
    # The ranking chart: bars from x=180, 410 wide for 100 %; the target at 50 % → 385.0.
    chart = _between(html, '<svg class="ranking-chart"', "</svg>")
    assert '<line x1="385.0" x2="385.0"' in chart
    assert chart.count('class="bar-below"') == 2
    assert chart.count('class="bar-rival"') == 1
    assert chart.count('class="bar-own"') == 1
    # The trend: 0 % at y=190, 100 % at y=10; 50 % → 100.0.
    trend = _between(html, '<svg class="trend"', "</svg>")
    assert '<line x1="40" x2="690" y1="100.0" y2="100.0" class="target-line"/>' in trend
    assert "Target 50.0%" in trend
    heat = _between(html, 'class="heatmap"', "</table>")
    assert "Target 60.0%" in heat and "Target 40.0%" in heat
    heat_rows = {name: _between(heat, name, "</tr>") for name in ("Store A", "Store C", "Store E")}
    assert [
        heat_rows["Store E"].count("below-target"),
        heat_rows["Store C"].count("below-target"),
    ] == [2, 1]
    assert "below-target" not in heat_rows["Store A"]


def test_the_page_without_targets_draws_no_line(client, history, auth) -> None:
    auth.sign_in("o@test.example")
    html = client.get(f"/reports/comparison?{OCTOBER}").get_data(as_text=True)
    assert "meet the target" not in html
    assert "target-line" not in html
    assert "badge-below" not in html
    assert html.count('class="bar-own"') == 3


def test_the_pdf_draws_the_target_and_names_the_stores_below(client, history) -> None:
    _set(client, history, TARGETS)
    response = client.get(f"/api/v1/comparison.pdf?{OCTOBER}", headers=history[Role.OWNER])
    assert response.status_code == 200
    lines = [line for page in pdf_pages_text(response.data) for line in page.splitlines()]
    assert "Target 50.0" in " ".join(lines)
    assert "1 of 3 stores meet it" in " ".join(lines)
    below = [line for line in lines if "below target" in line]
    assert [
        name
        for name in ("Store A", "Store B", "Store C", "Store E")
        if any(name in line for line in below)
    ] == [
        "Store A",
        "Store B",
    ]
    if shutil.which("pdftoppm"):
        render_png(response.data, "comparison-targets", 1, 3)


def test_csv_and_xlsx_say_which_stores_are_below_target(client, history) -> None:
    _set(client, history, TARGETS)
    text = client.get(f"/api/v1/comparison.csv?{OCTOBER}", headers=history[Role.OWNER])
    stores_part = text.data.decode("utf-8-sig").split("\n\n")[0]
    rows = list(csv.reader(io.StringIO(stores_part)))
    assert rows[0][-3:] == ["Welcome", "Checkout (v2)", "Below target"]
    assert [(r[1], r[-1]) for r in rows[1:]] == [
        ("C", "no"),
        ("E", "no"),
        ("A", "yes"),
        ("B", "yes"),
    ]
    assert rows[2][-3:] == ["57.1", "0.0", "no"]  # E: the section scores stay numbers
    workbook = load_workbook(
        io.BytesIO(
            client.get(f"/api/v1/comparison.xlsx?{OCTOBER}", headers=history[Role.OWNER]).data
        )
    )
    sheet = list(workbook["Stores"].iter_rows(values_only=True))
    assert sheet[0][-1] == "Below target"
    assert [(r[1], r[-1]) for r in sheet[1:]] == [
        ("C", "no"),
        ("E", "no"),
        ("A", "yes"),
        ("B", "yes"),
    ]


def test_without_an_overall_target_the_files_have_no_such_column(client, history) -> None:
    _set(client, history, {"sections": {"welcome": 60}})
    text = client.get(f"/api/v1/comparison.csv?{OCTOBER}", headers=history[Role.OWNER])
    header = next(csv.reader(io.StringIO(text.data.decode("utf-8-sig"))))
    assert header[-2:] == ["Welcome", "Checkout (v2)"]


def test_the_store_page_shows_its_targets_and_what_is_below(client, history, auth) -> None:
    _set(client, history, TARGETS)
    auth.sign_in("o@test.example")
    html = client.get(f"/reports/stores/E?{OCTOBER}").get_data(as_text=True)
    assert "Target 50.0%" in html
    sections = _between(html, "Sections against the chain", "</table>")
    rows = [
        (name, attributes, value.strip())
        for name, attributes, value in re.findall(
            r"<tr><td>([^<]*)</td><td([^>]*)>([^<]*)", sections
        )
    ]
    assert rows == [
        ("Welcome", ' class="score below-target"', "57.1%"),
        ("Checkout (v2)", ' class="score below-target"', "0.0%"),
    ]
    assert sections.count('<td class="score">60.0%</td>') == 1
    assert sections.count('<td class="score">40.0%</td>') == 1
    store_a = client.get(f"/reports/stores/A?{OCTOBER}").get_data(as_text=True)
    headline = _between(store_a, 'class="headline"', "</section>")
    assert "Below target" in headline
    assert "Below target" not in _between(store_a, "Sections against the chain", "</table>")
