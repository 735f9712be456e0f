"""The synthetic chain: what the app would have stored, visit by visit, only faster."""

from __future__ import annotations

import re
from datetime import date, timedelta

import pytest
from sqlalchemy import case, delete, func, select
from sqlalchemy.orm import selectinload

from shopper.domain.checklist_format import parse_checklist
from shopper.domain.comparison import QuestionSums, to_json
from shopper.domain.scoring import score_visit
from shopper.extensions import db
from shopper.models import (
    Assignment,
    Checklist,
    ChecklistVersion,
    Store,
    StoreMonthDetail,
    StoreMonthTotal,
    StoreRunningDetail,
    Visit,
    VisitQuestionScore,
    VisitSectionScore,
)
from shopper.services import aggregates, comparisons, sums, synthetic
from shopper.services.aggregates import unpack, unpack_as
from tests.support.comparison import migrate_down_and_up, packed_sums

STORES, MONTHS = 40, 4


@pytest.fixture
def chain(app):
    """A small chain: 40 stores (2 competitors) × 4 months."""
    with app.app_context():
        made = synthetic.generate(STORES, MONTHS, seed=3)
    return made


def _month_end(month: date) -> date:
    return (month.replace(day=28) + timedelta(days=4)).replace(day=1) - timedelta(days=1)


def _rounded(value: object) -> object:
    """Floats to 9 decimals, recursively: sums in another order differ in the last bits."""
    if isinstance(value, float):
        return round(value, 9)
    if isinstance(value, dict):
        return {key: _rounded(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_rounded(item) for item in value]
    return value


def test_chain_has_one_approved_visit_per_store_and_month(app, chain):
    assert (chain.stores, chain.visits, chain.answers) == (40, 160, 160 * 40)
    with app.app_context():
        stores = db.session.execute(
            select(Store.competitor, func.count()).group_by(Store.competitor)
        )
        assert dict(stores.all()) == {False: 38, True: 2}
        assert synthetic.competitor_count(2000) == 100
        assert len(set(db.session.execute(select(Store.region)).scalars())) > 3
        statuses = db.session.execute(
            select(Assignment.status, func.count()).group_by(Assignment.status)
        )
        assert dict(statuses.all()) == {"approved": 160}
        assert db.session.execute(select(func.count(Visit.id))).scalar() == 160
        pairs = db.session.execute(
            select(Assignment.store_id, Assignment.first_day).distinct()
        ).all()
        assert len(pairs) == 160
        outside = db.session.execute(
            select(func.count())
            .select_from(Visit)
            .join(Visit.assignment)
            .where(
                (Visit.visited_on < Assignment.first_day) | (Visit.visited_on > Assignment.last_day)
            )
        ).scalar()
        assert outside == 0
        assert db.session.execute(select(func.count(VisitQuestionScore.id))).scalar() == 160 * 40


def test_three_published_versions_each_in_force_in_its_months(app, chain):
    with app.app_context():
        checklist = db.session.execute(
            select(Checklist).where(Checklist.code == synthetic.CHECKLIST_CODE)
        ).scalar_one()
        versions = checklist.published_versions
        assert [v.number for v in versions] == [1, 2, 3]
        assert all(v.published_at is not None for v in versions)
        assert versions[0].published_at < versions[1].published_at < versions[2].published_at
        parsed = [parse_checklist(v.document) for v in versions]
        codes = [[q.code for _, q in p.questions()] for p in parsed]
        assert [len(c) for c in codes] == [40, 40, 40]
        assert [len(p.sections) for p in parsed] == [6, 6, 6]
        assert set(codes[0]) - set(codes[1]) == {"music-volume"}
        assert set(codes[1]) - set(codes[0]) == {"digital-receipt"}
        assert codes[1] == codes[2]
        assert parsed[1].question("greeted").points == 10
        assert parsed[2].question("greeted").points == 15
        months = synthetic.months_ending(chain.last_month, MONTHS)
        used = db.session.execute(
            select(Assignment.first_day, ChecklistVersion.number)
            .join(ChecklistVersion, ChecklistVersion.id == Assignment.checklist_version_id)
            .distinct()
        ).all()
        assert sorted(used) == [
            (month, synthetic.version_index(i, MONTHS) + 1) for i, month in enumerate(months)
        ]


def test_stored_scores_are_the_scoring_engines(app, chain):
    with app.app_context():
        visits = db.session.execute(
            select(Visit, ChecklistVersion.document)
            .join(Visit.assignment)
            .join(ChecklistVersion, ChecklistVersion.id == Assignment.checklist_version_id)
        ).all()
        sections = {
            (row.visit_id, row.section_code): row.score
            for row in db.session.execute(select(VisitSectionScore)).scalars()
        }
        for visit, document in visits:
            result = score_visit(
                parse_checklist(document), {c: a["value"] for c, a in visit.answers.items()}
            )
            assert (visit.overall, visit.earned, visit.possible, visit.critical_failure) == (
                result.overall,
                result.earned,
                result.possible,
                result.critical_failure,
            )
            for code, section in result.sections.items():
                assert sections[(visit.id, code)] == section.score
        scores = [visit.overall for visit, _ in visits]
        assert 0 <= min(scores) < max(scores) <= 100
        assert 0 < sum(visit.critical_failure for visit, _ in visits) < len(visits) / 5


def test_monthly_sums_equal_a_recomputation_from_the_visits(app, chain):
    month = Assignment.first_day
    with app.app_context():
        stored = {
            (r.month, r.store_id): (r.visits, r.overall_sum, r.overall_count, r.critical_failures)
            for r in db.session.execute(select(StoreMonthTotal)).scalars()
        }
        recomputed = db.session.execute(
            select(
                month,
                Assignment.store_id,
                func.count(Visit.id),
                func.sum(Visit.overall),
                func.count(Visit.overall),
                func.sum(case((Visit.critical_failure, 1), else_=0)),
            )
            .join(Visit.assignment)
            .where(Assignment.status == "approved")
            .group_by(month, Assignment.store_id)
        ).all()
        assert _rounded(stored) == _rounded({(m, s): tuple(rest) for m, s, *rest in recomputed})
        assert len(stored) == 160

        details = db.session.execute(select(StoreMonthDetail)).scalars().all()
        assert {(r.month, r.store_id) for r in details} == set(stored)
        stored = {
            (r.month, r.store_id, code): tuple(sums)
            for r in details
            for code, sums in unpack(r.sections).items()
        }
        recomputed = db.session.execute(
            select(
                month,
                Assignment.store_id,
                VisitSectionScore.section_code,
                func.sum(VisitSectionScore.score),
                func.count(VisitSectionScore.score),
            )
            .join(VisitSectionScore.visit)
            .join(Visit.assignment)
            .where(VisitSectionScore.score.is_not(None))
            .group_by(month, Assignment.store_id, VisitSectionScore.section_code)
        ).all()
        assert _rounded(stored) == _rounded(
            {(m, s, c): tuple(rest) for m, s, c, *rest in recomputed}
        )

        stored = {
            (r.month, r.store_id, code): sums
            for r in details
            for code, sums in unpack_as(r.questions, QuestionSums).items()
        }
        earned = func.coalesce(VisitQuestionScore.earned, 0.0)
        recomputed = db.session.execute(
            select(
                month,
                Assignment.store_id,
                VisitQuestionScore.question_code,
                func.sum(earned),
                func.sum(VisitQuestionScore.possible),
                func.count(),
                func.sum(case((earned < VisitQuestionScore.possible, 1), else_=0)),
            )
            .join(VisitQuestionScore.visit)
            .join(Visit.assignment)
            .where(VisitQuestionScore.counted.is_(True))
            .group_by(month, Assignment.store_id, VisitQuestionScore.question_code)
        ).all()
        assert _rounded(stored) == _rounded(
            {(m, s, c): QuestionSums(*rest) for m, s, c, *rest in recomputed}
        )
        assert 0 < sum(q.fails for q in stored.values()) < sum(q.counted for q in stored.values())


def test_the_chains_sums_are_those_approvals_code_adds_up(app, runner, chain):
    """``sums check`` recomputes every kept sum with approval's ``aggregates.contribution``."""
    with app.app_context():
        totals = db.session.execute(select(func.count(StoreMonthTotal.id))).scalar()
        codes = sum(
            len(unpack(row.sections)) + len(unpack(row.questions))
            for model in (StoreMonthDetail, StoreRunningDetail)
            for row in db.session.execute(select(model.sections, model.questions))
        )
    assert totals == STORES * MONTHS
    assert codes > 2 * STORES * MONTHS * 40  # 6 sections and ~36 counted questions a row

    checked = runner.invoke(args=["sums", "check"])

    assert checked.exit_code == 0, checked.output
    # Four totals a store and month, and every section and question code of every row.
    assert checked.output == f"All {len(aggregates.TOTALS) * totals + codes} sums match.\n"
    with app.app_context():
        assert sums.rebuild(synthetic.CHECKLIST_CODE)[synthetic.CHECKLIST_CODE].differences == []


def test_approving_the_chains_visits_one_by_one_keeps_the_very_sums_it_wrote(app, chain):
    """What the bulk load wrote is what ``aggregates.apply_visit`` keeps, visit after visit."""
    with app.app_context():
        written, bulk_totals = _packed_rows(), _totals()
        for model in (StoreMonthTotal, StoreMonthDetail, StoreRunningDetail):
            db.session.execute(delete(model))
        visits = db.session.execute(
            select(Visit)
            .options(
                selectinload(Visit.assignment),
                selectinload(Visit.section_scores),
                selectinload(Visit.question_scores),
            )
            .order_by(Visit.visited_on, Visit.id)
        ).scalars()
        for visit in visits:
            aggregates.apply_visit(visit, +1)
        db.session.commit()

        # To the last bit: one visit a store and month, added month after month either way.
        assert _packed_rows() == written
        assert _totals() == bulk_totals


def _totals() -> dict[tuple, tuple]:
    return {
        (row.month, row.store_id): tuple(getattr(row, name) for name in aggregates.TOTALS)
        for row in db.session.execute(select(StoreMonthTotal)).scalars()
    }


def _packed_rows() -> dict[tuple, tuple[bytes, bytes]]:
    """The packed bytes of every monthly and running row."""
    return {
        (model.__tablename__, row.month, row.store_id): (bytes(row.sections), bytes(row.questions))
        for model in (StoreMonthDetail, StoreRunningDetail)
        for row in db.session.execute(select(model)).scalars()
    }


def _all_raw(first: date, last: date):
    """split_period that sends every day of the period to the visit rows."""
    return None, [(first, last)]


def test_running_sums_are_the_monthly_sums_added_up_every_month(app, chain):
    months = synthetic.months_ending(chain.last_month, MONTHS)
    with app.app_context():
        per_month = {
            (row.store_id, row.month): (unpack(row.sections), unpack(row.questions))
            for row in db.session.execute(select(StoreMonthDetail)).scalars()
        }
        expected = {}
        for store_id in {store_id for store_id, _ in per_month}:
            total: tuple[dict, dict] = ({}, {})
            started = False
            for month in months:
                found = per_month.get((store_id, month))
                started = started or found is not None
                if not started:
                    continue  # the series starts with the store's first month
                for part, sums in enumerate(found or ({}, {})):
                    for code, values in sums.items():
                        before = total[part].get(code, [0] * len(values))
                        total[part][code] = [a + b for a, b in zip(before, values, strict=True)]
                expected[store_id, month] = ({**total[0]}, {**total[1]})
        stored = {
            (row.store_id, row.month): (unpack(row.sections), unpack(row.questions))
            for row in db.session.execute(select(StoreRunningDetail)).scalars()
        }
    assert _rounded(stored) == _rounded(expected)
    assert len(stored) == len(expected) == STORES * MONTHS
    assert all(len(questions) > 30 for _, questions in stored.values())


def test_the_migration_packs_a_chain_as_the_sums_were(app, chain):
    """Migration 0006 packs the per-code sums of 0004/0005 store by store, and unpacks them."""
    with app.app_context():
        kept = packed_sums()
        assert len(kept["store_month_details"]) == STORES * MONTHS
        migrate_down_and_up()
        assert packed_sums() == kept


@pytest.mark.parametrize("shape", ["one month", "edge days", "all months"])
def test_comparison_from_monthly_sums_equals_one_from_the_visits(app, chain, monkeypatch, shape):
    months = synthetic.months_ending(chain.last_month, MONTHS)
    if shape == "one month":
        first, last = months[2], _month_end(months[2])
    elif shape == "edge days":  # two whole months in the middle, edge days on both sides
        first, last = months[0] + timedelta(days=9), months[3] + timedelta(days=19)
    else:  # every month, and the month after (none of its visits exist yet)
        first, last = months[0], _month_end(months[3] + timedelta(days=31))
    query = comparisons.parse_query(
        {
            "checklist": synthetic.CHECKLIST_CODE,
            "first_day": first.isoformat(),
            "last_day": last.isoformat(),
        }
    )
    with app.app_context():
        months_used, edges = comparisons.split_period(first, last)
        assert months_used is not None
        assert (edges == []) == (shape != "edge days")
        from_sums = to_json(comparisons.build(query))
        monkeypatch.setattr(comparisons, "split_period", _all_raw)
        from_visits = to_json(comparisons.build(query))
    assert from_sums["chain"]["visits"] > 0
    if shape == "one month":
        # One visit per store and month: every sum is one value, so equal to the last bit.
        assert from_sums == from_visits
    else:
        assert _rounded(from_sums) == _rounded(from_visits)


def test_generate_command(app, runner):
    result = runner.invoke(
        args=["demo", "generate", "--stores", "20", "--months", "2", "--seed", "5"]
    )
    assert result.exit_code == 0, result.output
    assert "Generated 20 stores (1 competitors)" in result.output
    assert "40 approved visits with 1,600 answers" in result.output
    with app.app_context():
        assert db.session.execute(select(func.count(Visit.id))).scalar() == 40
    again = runner.invoke(args=["demo", "generate", "--stores", "20", "--months", "2"])
    assert again.exit_code == 1
    assert "has a synthetic chain already" in again.output


def test_bench_prints_every_operation_for_both_periods(capsys):
    from shopper import bench

    assert (
        bench.main(["--stores", "20", "--months", "2", "--runs", "1", "--backends", "sqlite"]) == 0
    )
    table = capsys.readouterr().out
    assert "20 stores × 2 months = 40 approved visits" in table
    for operation in ("build", "JSON", "page", "CSV", "XLSX", "PDF", "GROUP BY"):
        for period in ("1 month", "all months"):
            assert re.search(
                rf"^sqlite\s+{re.escape(operation)}\s+{period}\s+\d+\.\d{{3}}\s", table, re.M
            )
    for period in ("newest month", "oldest month"):
        assert re.search(rf"^sqlite\s+re-approve\s+{period}\s+\d+\.\d{{3}}\s", table, re.M)
    assert "< 0.3 s: met" in table  # 20 stores are far inside every target
