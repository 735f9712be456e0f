"""The previous period and compare=last_year, by scoring.md, on visits on both sides of each edge.

Store A has one approved visit on each date below, each with a score worked
out by hand from the worked-example checklist (q1 yes_no 10 points, q2 scale
1–5 10 points, q3 choice a 5 / b 2 / c 0):

    yes, 1, c → 10 + 0 + 0 of 25 = 40 %      yes, 1, a → 10 + 0 + 5 = 60 %
    yes, 4, b → 10 + 7.5 + 2 = 78 %           yes, 3, a → 10 + 5 + 5 = 80 %
    yes, 5, a → 25 of 25 = 100 %              no, …     → critical failure: 0 %
"""

from __future__ import annotations

import copy
from datetime import date

import pytest

from shopper.domain.comparison import LAST_YEAR, PREVIOUS, previous_period
from tests.factories import WORKED_EXAMPLE, assign, import_checklist, make_store
from tests.support.web import make_user

S40 = {"q1": "yes", "q2": 1, "q3": "c"}
S60 = {"q1": "yes", "q2": 1, "q3": "a"}
S78 = {"q1": "yes", "q2": 4, "q3": "b"}
S80 = {"q1": "yes", "q2": 3, "q3": "a"}
S100 = {"q1": "yes", "q2": 5, "q3": "a"}
S0 = {"q1": "no", "q2": 5, "q3": "a"}

CHECKLIST = copy.deepcopy(WORKED_EXAMPLE)
CHECKLIST["sections"][0]["questions"][0]["standard"] = "Greeted within 30 seconds"

VISITS = [  # (day, answers): all store A's, all approved
    ("2024-01-31", S40),
    ("2024-02-29", S100),  # the leap day
    ("2024-03-01", S60),
    ("2025-02-10", S80),
    ("2026-03-31", S100),  # the day before Q2
    ("2026-04-01", S60),  # Q2's first day
    ("2026-06-30", S78),  # Q2's last day
    ("2026-07-01", S80),  # Q3's first day
    ("2026-09-30", S100),  # Q3's last day
    ("2026-10-01", S40),  # October's first day
    ("2026-10-02", S60),
    ("2026-11-15", S80),
    ("2026-12-01", S0),
]


@pytest.mark.parametrize(
    "first, last, compare, expected",
    [
        # One calendar month → the month before, whatever the lengths.
        ("2026-11-01", "2026-11-30", PREVIOUS, ("2026-10-01", "2026-10-31")),
        ("2026-03-01", "2026-03-31", PREVIOUS, ("2026-02-01", "2026-02-28")),
        ("2024-03-01", "2024-03-31", PREVIOUS, ("2024-02-01", "2024-02-29")),
        ("2026-01-01", "2026-01-31", PREVIOUS, ("2025-12-01", "2025-12-31")),
        # One calendar quarter → the quarter before.
        ("2026-07-01", "2026-09-30", PREVIOUS, ("2026-04-01", "2026-06-30")),
        ("2026-01-01", "2026-03-31", PREVIOUS, ("2025-10-01", "2025-12-31")),
        # One calendar year → the year before.
        ("2025-01-01", "2025-12-31", PREVIOUS, ("2024-01-01", "2024-12-31")),
        # Anything else → the same length, ending the day before.
        ("2026-10-02", "2026-10-31", PREVIOUS, ("2026-09-02", "2026-10-01")),
        ("2026-02-01", "2026-04-30", PREVIOUS, ("2025-11-04", "2026-01-31")),  # 89 days
        ("2026-01-01", "2026-02-28", PREVIOUS, ("2025-11-03", "2025-12-31")),  # two months
        ("2026-10-01", "2026-10-01", PREVIOUS, ("2026-09-30", "2026-09-30")),
        # Last year: the same month, quarter or year…
        ("2025-02-01", "2025-02-28", LAST_YEAR, ("2024-02-01", "2024-02-29")),
        ("2024-02-01", "2024-02-29", LAST_YEAR, ("2023-02-01", "2023-02-28")),
        ("2026-07-01", "2026-09-30", LAST_YEAR, ("2025-07-01", "2025-09-30")),
        ("2025-01-01", "2025-12-31", LAST_YEAR, ("2024-01-01", "2024-12-31")),
        # …otherwise the same dates, 29 February becoming 28 February.
        ("2025-03-01", "2025-03-10", LAST_YEAR, ("2024-03-01", "2024-03-10")),
        ("2024-02-29", "2024-03-31", LAST_YEAR, ("2023-02-28", "2023-03-31")),
        ("2024-02-10", "2024-02-29", LAST_YEAR, ("2023-02-10", "2023-02-28")),
    ],
)
def test_the_previous_period_by_the_rules(first, last, compare, expected):
    found = previous_period(date.fromisoformat(first), date.fromisoformat(last), compare)
    assert tuple(d.isoformat() for d in found) == expected


# (first, last, compare, previous first, previous last, score, change), all by hand.
CASES = [
    # November against October 1–31: the 1 October visit counts (40 and 60 → 50).
    ("2026-11-01", "2026-11-30", None, "2026-10-01", "2026-10-31", 80.0, 30.0),
    # October (40, 60 → 50) against September: only the 30 September visit (100).
    ("2026-10-01", "2026-10-31", PREVIOUS, "2026-09-01", "2026-09-30", 50.0, -50.0),
    # 2–31 October (60) against 2 September – 1 October (100 and 40 → 70).
    ("2026-10-02", "2026-10-31", None, "2026-09-02", "2026-10-01", 60.0, -10.0),
    # Q3 (80, 100 → 90) against Q2 (60, 78 → 69); 31 March stays out.
    ("2026-07-01", "2026-09-30", None, "2026-04-01", "2026-06-30", 90.0, 21.0),
    # Q4 (40, 60, 80, 0 → 45) against Q3 (90).
    ("2026-10-01", "2026-12-31", None, "2026-07-01", "2026-09-30", 45.0, -45.0),
    # Q3 against Q3 of last year: no visit then, no change.
    ("2026-07-01", "2026-09-30", LAST_YEAR, "2025-07-01", "2025-09-30", 90.0, None),
    # February 2025 (80) against February 2024 up to the leap day (100); 1 March stays out.
    ("2025-02-01", "2025-02-28", LAST_YEAR, "2024-02-01", "2024-02-29", 80.0, -20.0),
    # February 2025 against January 2025: nothing to compare with.
    ("2025-02-01", "2025-02-28", PREVIOUS, "2025-01-01", "2025-01-31", 80.0, None),
    # March 2024 (60) against February 2024 (the leap day's 100).
    ("2024-03-01", "2024-03-31", None, "2024-02-01", "2024-02-29", 60.0, -40.0),
    # 10 February – 1 March 2025 (80) against the same days of 2024 (100 and 60 → 80).
    ("2025-02-10", "2025-03-01", LAST_YEAR, "2024-02-10", "2024-03-01", 80.0, 0.0),
    # 29 February – 31 March 2024 (100, 60 → 80) against 28 February – 31 March 2023.
    ("2024-02-29", "2024-03-31", LAST_YEAR, "2023-02-28", "2023-03-31", 80.0, None),
    # 2025 (80) against 2024 (40, 100, 60 → 66.666…): +13.333… points.
    ("2025-01-01", "2025-12-31", None, "2024-01-01", "2024-12-31", 80.0, 40 / 3),
    ("2025-01-01", "2025-12-31", LAST_YEAR, "2024-01-01", "2024-12-31", 80.0, 40 / 3),
]


@pytest.fixture
def periods(app, client, auth):
    """Store A's visits above, submitted and approved through the API; B never visited."""
    make_user(app, "coordinator", "coordinator@test.example")
    make_user(app, "shopper", "s@test.example")
    make_user(app, "owner", "o@test.example")
    make_store(app, "A", "North")
    make_store(app, "B", "North")
    import_checklist(app, CHECKLIST)
    coordinator = auth.api_token("coordinator@test.example")
    shopper = auth.api_token("s@test.example")
    for index, (day, answers) in enumerate(VISITS):
        visited = date.fromisoformat(day)
        assignment = assign(app, "s@test.example", store="A", first_day=visited, last_day=visited)
        visit = client.post(
            f"/api/v1/assignments/{assignment}/visit/submit",
            json={
                "client_id": f"p{index}",
                "visited_on": day,
                "time_in": "10:00",
                "time_out": "10:30",
                "answers": {code: {"value": value} for code, value in answers.items()},
            },
            headers=shopper,
        )
        assert visit.status_code == 200, visit.json
        review = client.post(
            f"/api/v1/visits/{visit.json['id']}/review",
            json={"decision": "approve"},
            headers=coordinator,
        )
        assert review.status_code == 200, review.json
    return {"owner": auth.api_token("o@test.example")}


def test_each_previous_period_and_change_by_hand(client, periods):
    for first, last, compare, previous_first, previous_last, score, change in CASES:
        query = f"checklist=worked&first_day={first}&last_day={last}"
        if compare:
            query += f"&compare={compare}"
        response = client.get(f"/api/v1/comparison?{query}", headers=periods["owner"])
        assert response.status_code == 200, (query, response.json)
        document = response.json
        case = (first, last, compare)
        assert document["compare"] == (compare or PREVIOUS), case
        assert document["previous"] == {"first_day": previous_first, "last_day": previous_last}
        [row] = document["stores"]
        assert row["code"] == "A", case
        assert row["score"] == pytest.approx(score, abs=1e-9), case
        if change is None:
            assert row["change"] is None, case
        else:
            assert row["change"] == pytest.approx(change, abs=1e-9), case
        assert document["not_visited"][0]["code"] == "B", case


def test_the_page_and_files_compare_with_last_year(client, periods, auth):
    auth.sign_in("o@test.example")
    query = "checklist=worked&first_day=2025-02-01&last_day=2025-02-28&compare=last_year"
    page = client.get(f"/reports/comparison?{query}")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert '<option value="last_year" selected>Same period last year</option>' in html
    assert "compared with the same period last year, Feb 1, 2024 – Feb 29, 2024." in html
    assert "▼ -20.0 pts" in html  # 80 against the leap day's 100
    # The links keep comparing with last year.
    assert "compare=last_year" in html[html.index('class="actions downloads"') :]
    store_page = client.get(f"/reports/stores/A?{query}").get_data(as_text=True)
    assert "▼ -20.0 pts" in store_page
    # Each question: the standard it checks, the store's score beside the chain's
    # (q2: 3 on 1–5 → 5 of 10 points).
    assert 'Q1<br><small class="hint">Standard: Greeted within 30 seconds</small>' in store_page
    assert (
        '<tr><td>Q2</td><td class="score">50.0%</td><td class="score">50.0%</td></tr>' in store_page
    )
    csv_text = client.get(f"/reports/comparison.csv?{query}").data.decode("utf-8-sig")
    assert csv_text.splitlines()[1].split(",")[:8] == [
        "1",
        "A",
        "Store A",
        "North",
        "no",
        "1",
        "80.0",
        "-20.0",
    ]
    # Without compare, the same month is compared with January 2025: no change.
    plain = client.get(
        "/reports/comparison?checklist=worked&first_day=2025-02-01&last_day=2025-02-28"
    )
    assert "compared with Jan 1, 2025 – Jan 31, 2025." in plain.get_data(as_text=True)


@pytest.mark.parametrize("where", ["/api/v1/comparison", "/reports/comparison"])
def test_an_unknown_compare_is_a_clear_422(client, periods, auth, where):
    auth.sign_in("o@test.example")
    response = client.get(
        f"{where}?checklist=worked&first_day=2026-10-01&last_day=2026-10-31&compare=yesterday",
        headers=periods["owner"] if where.startswith("/api") else {},
    )
    assert response.status_code == 422
    if where.startswith("/api"):
        assert "compare" in response.json["error"]["fields"]
    else:
        assert "compare is previous" in response.get_data(as_text=True)
