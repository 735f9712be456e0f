"""A store manager's pages: their stores' latest results, actions, visits, and nobody else's."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import select

from shopper.domain.follow_up import ActionStatus
from shopper.extensions import db
from shopper.models import Assignment, Checklist, Store, StoreAction, User, Visit
from shopper.services import reviews, visits
from tests.factories import assign, import_checklist, make_store, visit_body
from tests.support.web import make_user

# Scores by the worked example's rules: 78 %, 50 % and 100 %.
GOOD = {"q1": "yes", "q2": 4, "q3": "b", "q4": 7}
POOR = {"q1": "yes", "q2": 2, "q3": "c"}
FULL = {"q1": "yes", "q2": 5, "q3": "a"}


def approved_visit(app, store: str, values: dict, shopper: str = "ayse@test.example") -> int:
    """A visit at ``store`` made today, submitted and approved; its id."""
    assignment_id = assign(app, shopper, store=store)
    with app.app_context():
        assignment = db.session.get(Assignment, assignment_id)
        person = db.session.execute(select(User).where(User.email == shopper)).scalar_one()
        visit, _ = visits.submit(
            assignment, person, visits.parse_visit_input(visit_body(values, f"c{assignment_id}"))
        )
        coordinator = db.session.execute(
            select(User).where(User.email == "coordinator@test.example")
        ).scalar_one()
        reviews.approve(db.session.get(Visit, visit.id), coordinator)
        return visit.id


def add_action(app, store: str, due_on: date, status: str = ActionStatus.OPEN) -> None:
    with app.app_context():
        found = db.session.execute(select(Store).where(Store.code == store)).scalar_one()
        db.session.add(StoreAction(store_id=found.id, title="Fix", status=status, due_on=due_on))
        db.session.commit()


@pytest.fixture
def chain(app):
    """Three stores in two regions, one visit each, a target of 80 %, a manager of IST-01."""
    make_user(app, "coordinator", "coordinator@test.example")
    make_user(app, "shopper", "ayse@test.example", name="Ayşe Shopper")
    make_store(app, "IST-01", "Marmara")
    make_store(app, "IST-02", "Marmara")
    make_store(app, "ANK-01", "Central")
    import_checklist(app)
    with app.app_context():
        db.session.execute(select(Checklist)).scalar_one().targets = {"overall": 80}
        db.session.commit()
    ids = {
        "IST-01": approved_visit(app, "IST-01", GOOD),
        "IST-02": approved_visit(app, "IST-02", POOR),
        "ANK-01": approved_visit(app, "ANK-01", FULL),
    }
    make_user(app, "manager", "manager@test.example", stores=["IST-01"])
    return ids


def test_the_manager_home_shows_their_store_against_chain_region_and_target(
    app, client, auth, chain
):
    today = date.today()
    add_action(app, "IST-01", today - timedelta(days=1))  # open and overdue
    add_action(app, "IST-01", today + timedelta(days=5))  # open
    add_action(app, "IST-01", today - timedelta(days=9), ActionStatus.DONE)  # not open
    add_action(app, "IST-02", today - timedelta(days=1))  # another store's
    auth.sign_in("manager@test.example")
    assert client.get("/").location == "/manager"
    page = client.get("/manager")
    assert page.status_code == 200
    html = page.get_data(as_text=True).replace("\xa0", " ").replace("\u202f", " ")
    card = html[html.index('id="store-IST-01"') : html.index("Approved visits")]
    first = today.replace(day=1).isoformat()
    assert "Store IST-01" in card and "Store IST-02" not in html and "ANK-01" not in html
    # Score 78 %, rank 2 of 3, chain mean (78 + 50 + 100) / 3 = 76 %, Marmara 64 %, target 80 %.
    figures = [
        ("Score", "78.0%"),
        ("Rank", "2"),
        ("Chain", "76.0%"),
        ("Region", "64.0%"),
        ("Target", "80.0%"),
    ]
    for label, value in figures:
        assert f'<span class="figure-label">{label}</span><strong>{value}</strong>' in card, label
    assert "of 3" in card and "below target" in card
    assert "Open actions <strong>2</strong>" in card
    assert 'Overdue actions <strong class="error">1</strong>' in card
    assert f"/reports/stores/IST-01?checklist=worked&amp;first_day={first}" in card
    assert (
        f"/reports/comparison.pdf?store=IST-01&amp;checklist=worked&amp;first_day={first}" in card
    )
    assert f'href="/review/{chain["IST-01"]}"' in html
    assert f'href="/review/{chain["IST-02"]}"' not in html
    assert "Ayşe" not in html


def test_a_manager_without_visits_sees_their_store_and_no_results(app, client, auth):
    make_user(app, "manager", "manager@test.example")
    auth.sign_in("manager@test.example")
    html = client.get("/manager").get_data(as_text=True)
    assert "Managed store" in html and "No approved visit yet." in html
    assert "Open actions <strong>0</strong>" in html


def test_the_comparison_lists_only_the_managers_stores_with_the_chains_figures(
    app, client, auth, chain
):
    auth.sign_in("manager@test.example")
    today = date.today()
    query = f"checklist=worked&first_day={today.replace(day=1)}&last_day={today}"
    document = client.get(f"/api/v1/comparison?{query}").json
    assert [s["code"] for s in document["stores"]] == ["IST-01"]
    assert document["stores"][0]["rank"] == 2
    assert document["chain"]["score"] == pytest.approx(76.0)
    assert {r["region"]: r["score"] for r in document["regions"]} == {
        "Central": 100.0,
        "Marmara": 64.0,
    }
    assert client.get(f"/api/v1/comparison?{query}&store=IST-02").status_code == 404
    assert client.get(f"/api/v1/comparison?{query}&store=IST-01").json["stores"][0]["code"] == (
        "IST-01"
    )
    page = client.get(f"/reports/comparison?{query}").get_data(as_text=True)
    assert "Store IST-01" in page and "Store IST-02" not in page and "Store ANK-01" not in page
    csv = client.get(f"/api/v1/comparison.csv?{query}").get_data(as_text=True)
    assert "IST-01" in csv and "IST-02" not in csv and "ANK-01" not in csv
    store = client.get(f"/reports/stores/IST-01?{query}")
    assert store.status_code == 200 and "Ayşe" not in store.get_data(as_text=True)
    assert client.get(f"/reports/stores/IST-02?{query}").status_code == 404


def test_a_coordinator_still_reads_every_store_and_one_with_store(app, client, auth, chain):
    auth.sign_in("coordinator@test.example")
    today = date.today()
    query = f"checklist=worked&first_day={today.replace(day=1)}&last_day={today}"
    document = client.get(f"/api/v1/comparison?{query}").json
    assert [s["code"] for s in document["stores"]] == ["ANK-01", "IST-01", "IST-02"]
    one = client.get(f"/api/v1/comparison?{query}&store=IST-02").json
    assert [s["code"] for s in one["stores"]] == ["IST-02"]
    assert client.get(f"/api/v1/comparison?{query}&store=NOPE").status_code == 404


def test_a_manager_reads_their_stores_approved_reports_only(app, client, auth, chain):
    own = chain["IST-01"]
    auth.sign_in("manager@test.example")
    page = client.get(f"/review/{own}")
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert "Store IST-01" in html and "Ayşe" not in html and "ayse@" not in html
    assert "A mystery shopper sent the report" in html
    assert "Coordinator Person approved the report" in html
    assert "Your review" not in html
    visit = client.get(f"/api/v1/visits/{own}").json
    assert visit["status"] == "approved" and visit["client_id"] is None
    assert client.get(f"/review/{chain['IST-02']}").status_code == 404
    assert client.get(f"/api/v1/visits/{chain['IST-02']}").status_code == 404
    assert client.get(f"/review/{chain['IST-02']}/report.pdf").status_code == 404
    # A report of their own store that is not approved is not theirs to read.
    with app.app_context():
        reviews.withdraw_approval(
            db.session.get(Visit, own),
            db.session.execute(
                select(User).where(User.email == "coordinator@test.example")
            ).scalar_one(),
        )
    assert client.get(f"/review/{own}").status_code == 404
    assert client.get(f"/api/v1/visits/{own}").status_code == 404
