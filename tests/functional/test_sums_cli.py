"""`sums check` finds every kept sum that differs from the approved visits; `sums rebuild` mends them."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import delete, select, update

from shopper.domain.comparison import QuestionSums
from shopper.extensions import db
from shopper.models import StoreMonthDetail, StoreMonthTotal, StoreRunningDetail
from shopper.services.aggregates import pack, unpack_as
from tests.support.comparison import make_history, packed_sums


@pytest.fixture
def history(app, client, auth) -> dict:
    """Visits of September to November 2026 in stores A, B, C and E, most approved."""
    return make_history(app, client, auth)


def _totals() -> list[tuple]:
    return sorted(
        (
            r.month,
            r.store_id,
            r.visits,
            round(r.overall_sum, 9),
            r.overall_count,
            r.critical_failures,
        )
        for r in db.session.execute(select(StoreMonthTotal)).scalars()
    )


def test_the_sums_kept_on_approval_match_and_survive_a_withdrawal(runner, client, history):
    clean = runner.invoke(args=["sums", "check"])
    assert clean.exit_code == 0, clean.output
    assert clean.output.startswith("All ") and clean.output.endswith(" sums match.\n")
    assert int(clean.output.split()[1]) > 50
    # A withdrawn approval leaves rows of zeros behind: still equal to the visits.
    withdrawn = client.post(
        f"/api/v1/visits/{history['ids'][8]}/review",
        json={"decision": "withdraw"},
        headers=history["coordinator"],
    )
    assert withdrawn.status_code == 200
    again = runner.invoke(args=["sums", "check", "--checklist", "worked"])
    assert again.exit_code == 0, again.output


def test_check_lists_each_corrupted_sum_and_rebuild_mends_them(app, runner, history):
    with app.app_context():
        as_approved, totals_as_approved = packed_sums(), _totals()
        october = date(2026, 10, 1)
        detail = (
            db.session.execute(select(StoreMonthDetail).where(StoreMonthDetail.month == october))
            .scalars()
            .first()
        )
        questions = unpack_as(detail.questions, QuestionSums)
        questions["q2"] = questions["q2"]._replace(earned=questions["q2"].earned + 2.5)
        detail.questions = pack(questions)
        db.session.execute(
            update(StoreMonthTotal)
            .where(StoreMonthTotal.month == october)
            .values(visits=StoreMonthTotal.visits + 1)
        )
        db.session.execute(
            delete(StoreRunningDetail).where(StoreRunningDetail.month == date(2026, 11, 1))
        )
        db.session.commit()

    found = runner.invoke(args=["sums", "check"])
    assert found.exit_code == 1
    lines = found.output.splitlines()
    assert "worked · store A · 2026-10 · monthly visits: kept 3, recomputed 2" in lines
    assert any(
        line.startswith("worked · store") and "2026-10 · monthly question q2: kept [" in line
        for line in lines
    )
    assert any(
        "2026-11 · running section welcome: kept nothing, recomputed [" in line for line in lines
    )
    assert "sums differ." in lines[-1]
    assert runner.invoke(args=["sums", "check", "--checklist", "nope"]).exit_code == 1

    rebuilt = runner.invoke(args=["sums", "rebuild", "--checklist", "worked"])
    assert rebuilt.exit_code == 0, rebuilt.output
    assert rebuilt.output.splitlines()[-1].startswith("worked: rebuilt, ")
    assert "mended: worked · store A · 2026-10 · monthly visits" in rebuilt.output
    assert runner.invoke(args=["sums", "check"]).exit_code == 0
    with app.app_context():
        # Rebuilt by the definitions approval uses: the very sums approval kept.
        assert packed_sums() == as_approved
        assert _totals() == totals_as_approved
    unchanged = runner.invoke(args=["sums", "rebuild"])
    assert unchanged.output.endswith("sums matched; nothing changed.\n")


def test_the_demo_sums_match_its_visits(runner):
    assert runner.invoke(args=["demo", "load", "--password", "demo demo demo"]).exit_code == 0
    checked = runner.invoke(args=["sums", "check"])
    assert checked.exit_code == 0, checked.output
    assert int(checked.output.split()[1]) > 1000
