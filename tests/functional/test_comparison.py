"""The comparison equals, figure by figure, an independent computation from the answers."""

from __future__ import annotations

import csv
import io
import statistics

import orjson
import pytest
from openpyxl import load_workbook
from sqlalchemy import text

from shopper.domain.checklist_format import parse_checklist
from shopper.domain.scoring import score_visit
from shopper.extensions import db
from tests.conftest import unavailable
from tests.factories import WORKED_EXAMPLE, make_store
from tests.support.comparison import (
    STORES,
    V2,
    VISITS,
    make_history,
    migrate_down_and_up,
    packed_sums,
)


@pytest.fixture
def history(app, client, auth):
    """The visits of tests.support.comparison, made through the API and reviewed."""
    return make_history(app, client, auth)


def _independent(
    first: str,
    last: str,
    previous_first: str,
    previous_last: str,
    competitors: bool = True,
    region: str | None = None,
) -> dict:
    """Every figure, computed here from the answers and the rules of scoring.md.

    The previous period is given, worked out by hand (test_comparison_periods
    checks the rule itself).
    """
    versions = {1: parse_checklist(WORKED_EXAMPLE), 2: parse_checklist(V2)}

    def visits_in(a: str, b: str):
        for store, version, day, answers, approved in VISITS:
            if approved and a <= day <= b:
                yield store, score_visit(versions[version], answers)

    def store_figures(a: str, b: str):
        figures = {}
        for store, scored in visits_in(a, b):
            figures.setdefault(store, []).append(scored)
        return figures

    current = store_figures(first, last)
    previous = store_figures(previous_first, previous_last)
    shown = {
        code
        for code, (r, comp) in STORES.items()
        if (region is None or r == region) and (competitors or not comp)
    }
    stores = {}
    for code in sorted(shown & set(current)):
        visits = current[code]
        score = statistics.fmean(v.overall for v in visits)
        before = statistics.fmean(v.overall for v in previous[code]) if code in previous else None
        sections = {}
        for section in ("welcome", "checkout"):
            values = [
                v.sections[section].score for v in visits if v.sections[section].score is not None
            ]
            sections[section] = statistics.fmean(values) if values else None
        questions = {}
        for q in ("q1", "q2", "q3", "q5"):
            counted = [
                v.questions[q] for v in visits if q in v.questions and v.questions[q].counted
            ]
            questions[q] = (
                sum(c.earned for c in counted) * 100 / sum(c.possible for c in counted)
                if counted
                else None
            )
        stores[code] = {
            "score": score,
            "change": score - before if before is not None else None,
            "visits": len(visits),
            "critical_failures": sum(v.critical_failure for v in visits),
            "sections": sections,
            "questions": questions,
        }
    ordered = sorted(stores, key=lambda c: -stores[c]["score"])
    for code in stores:
        stores[code]["rank"] = 1 + sum(
            1 for other in stores if stores[other]["score"] > stores[code]["score"]
        )
    own = [stores[c]["score"] for c in stores if not STORES[c][1]]
    rivals = [stores[c]["score"] for c in stores if STORES[c][1]]
    return {
        "order": ordered,
        "stores": stores,
        "not_visited": sorted(shown - set(current)),
        "chain": {
            "score": statistics.fmean(own) if own else None,
            "consistency": statistics.pstdev(own) if own else None,
            "critical_failures": sum(
                stores[c]["critical_failures"] for c in stores if not STORES[c][1]
            ),
            "visits": sum(stores[c]["visits"] for c in stores if not STORES[c][1]),
        },
        "competitors": {
            "score": statistics.fmean(rivals) if rivals else None,
            "stores": len(rivals),
        },
        "regions": {
            r: statistics.fmean(stores[c]["score"] for c in stores if STORES[c] == (r, False))
            for r in {STORES[c][0] for c in stores if not STORES[c][1]}
        },
        "question_consistency": {
            q: statistics.pstdev(vals)
            if (
                vals := [
                    stores[c]["questions"][q]
                    for c in stores
                    if not STORES[c][1] and stores[c]["questions"][q] is not None
                ]
            )
            else None
            for q in ("q1", "q2", "q3", "q5")
        },
        "previous": {"first_day": previous_first, "last_day": previous_last},
    }


def _close(actual, expected) -> bool:
    if expected is None or actual is None:
        return actual is expected
    return actual == pytest.approx(expected, abs=1e-9)


@pytest.mark.parametrize(
    "first, last, previous, competitors, region",
    [
        # Whole month: the stored monthly sums; compared with September.
        ("2026-10-01", "2026-10-31", ("2026-09-01", "2026-09-30"), True, None),
        # Edge days: summed from the visits; 40 days before.
        ("2026-10-02", "2026-11-10", ("2026-08-23", "2026-10-01"), True, None),
        # The previous period (Sep 11-30) is most of September: its totals less
        # Sep 1-10, which takes A's only earlier visit out (A has no change).
        ("2026-10-01", "2026-10-20", ("2026-09-11", "2026-09-30"), True, None),
        ("2026-10-01", "2026-10-31", ("2026-09-01", "2026-09-30"), False, None),
        # Three months, not a calendar quarter: the 91 days before.
        ("2026-09-01", "2026-11-30", ("2026-06-02", "2026-08-31"), True, "North"),
    ],
)
def test_comparison_equals_an_independent_computation(
    client, history, first, last, previous, competitors, region
):
    query = f"checklist=worked&first_day={first}&last_day={last}&competitors={'include' if competitors else 'exclude'}"
    if region:
        query += f"&region={region}"
    document = client.get(f"/api/v1/comparison?{query}", headers=history["owner"]).json
    expected = _independent(first, last, *previous, competitors, region)

    assert [s["code"] for s in document["stores"]] == expected["order"]
    assert [s["code"] for s in document["not_visited"]] == expected["not_visited"]
    assert document["previous"] == expected["previous"]
    for row in document["stores"]:
        want = expected["stores"][row["code"]]
        assert row["rank"] == want["rank"], row["code"]
        assert row["visits"] == want["visits"]
        assert row["critical_failures"] == want["critical_failures"]
        assert row["competitor"] is STORES[row["code"]][1]
        for name in ("score", "change"):
            assert _close(row[name], want[name]), (row["code"], name, row[name], want[name])
        for code, value in want["sections"].items():
            assert _close(row["sections"][code], value), (row["code"], code)
        for code, value in want["questions"].items():
            assert _close(row["questions"][code], value), (row["code"], code)
    for name, value in expected["chain"].items():
        assert _close(document["chain"][name], value), name
    assert _close(document["competitors"]["score"], expected["competitors"]["score"])
    assert document["competitors"]["stores"] == expected["competitors"]["stores"]
    assert {r["region"]: r["score"] for r in document["regions"]} == pytest.approx(
        expected["regions"]
    )
    for question in document["questions"]:
        assert _close(question["consistency"], expected["question_consistency"][question["code"]])


def test_october_in_plain_numbers(client, history):
    """The same figures written out by hand, so a reader can check them."""
    document = client.get(
        "/api/v1/comparison?checklist=worked&first_day=2026-10-01&last_day=2026-10-31",
        headers=history["owner"],
    ).json
    rows = {r["code"]: r for r in document["stores"]}
    # A: 78 (v1 visit A) and 0 (critical) → 39; B: 78 and 0 → 39: a tie at rank 2.
    # C (competitor): q1 10 + q2 20×1/4=5 + q3 5 = 20 of 35 → 57.142857…; E: 10+10+0+0 of 40 → 50.
    assert {c: (r["rank"], r["score"]) for c, r in rows.items()} == {
        "C": (1, pytest.approx(400 / 7)),
        "E": (2, 50.0),
        "A": (3, 39.0),
        "B": (3, 39.0),
    }
    assert rows["A"]["change"] == pytest.approx(39.0 - 78.0)
    # B in September: 78 (v1, all good but q4 unanswered) is not it — q2 = 1 and q3 = c:
    # 10 + 0 + 0 of 25 → 40; change 39 − 40 = −1.
    assert rows["B"]["change"] == pytest.approx(-1.0)
    assert rows["A"]["sections"]["checkout"] == 40.0  # the N/A visit is skipped
    assert document["chain"]["score"] == pytest.approx((39 + 39 + 50) / 3)
    # Regions, best first: South (E 50) before North (A and B, 39 each).
    assert document["regions"] == [
        {"region": "South", "score": 50.0, "stores": 1},
        {"region": "North", "score": 39.0, "stores": 2},
    ]
    assert document["chain"]["critical_failures"] == 2
    assert document["not_visited"] == [
        {"code": "D", "name": "Store D", "region": "South", "competitor": False}
    ]
    assert [s["title"] for s in document["sections"]] == ["Welcome", "Checkout (v2)"]
    # The chain's answers (A, B, E; C is a competitor, E's 31 October visit not approved):
    # q1 yes_no 10 pts: yes, no, yes, no, yes → 30 of 50, 2 of 5 not the good answer;
    # q2 scale: 7.5/10, 20/20, 7.5/10, 20/20, 10/20 → 65 of 80 (a lower score, never a failure);
    # q3 choice: b 2/5, b 2/5, c 0/5 (two N/A left out) → 4 of 15;
    # q5 yes_no 5 pts: yes, yes, no → 10 of 15, 1 of 3 failed.
    questions = {
        q["code"]: (q["score"], q["answers"], q["fails"], q["fail_rate"], q["points_lost"])
        for q in document["questions"]
    }
    assert questions == {
        "q1": (60.0, 5, 2, 40.0, 20.0),
        "q2": (81.25, 5, 0, None, 15.0),
        "q3": (pytest.approx(400 / 15), 3, 0, None, 11.0),
        "q5": (pytest.approx(200 / 3), 3, 1, pytest.approx(100 / 3), 5.0),
    }


def test_withdrawing_an_approval_takes_the_visit_out(client, history):
    url = "/api/v1/comparison?checklist=worked&first_day=2026-10-01&last_day=2026-10-31"
    before = client.get(url, headers=history["owner"]).json
    assert {r["code"] for r in before["stores"]} == {"A", "B", "C", "E"}
    client.post(
        f"/api/v1/visits/{history['ids'][6]}/review",
        json={"decision": "withdraw"},
        headers=history["coordinator"],
    )
    after = client.get(url, headers=history["owner"]).json
    assert {r["code"] for r in after["stores"]} == {"A", "B", "C"}
    assert [s["code"] for s in after["not_visited"]] == ["D", "E"]


def test_the_migration_builds_the_running_sums_kept_on_approval(app, history):
    with app.app_context():
        kept = packed_sums()
        assert len(kept["store_running_details"]) > len(kept["store_month_details"]) > 0
        migrate_down_and_up()
        assert packed_sums() == kept


def test_the_packed_sums_go_back_to_json_and_come_back_the_same(app, history):
    """Migration 0007 down writes 0006's JSON (counts as integers); up packs it to the last bit."""
    found = []

    def read_json() -> None:
        for table in ("store_month_details", "store_running_details"):
            for sections, questions in db.session.execute(
                text(f"SELECT sections, questions FROM {table}")
            ):
                found.append((orjson.loads(sections), orjson.loads(questions)))

    with app.app_context():
        kept = packed_sums()
        migrate_down_and_up("0006", between=read_json)
        assert packed_sums() == kept
    assert len(found) == sum(len(rows) for rows in kept.values())
    assert any(questions for _, questions in found)
    for sections, questions in found:
        assert all(isinstance(count, int) for _, count in sections.values())
        assert all(
            isinstance(earned, float)
            and isinstance(possible, float)
            and isinstance(counted, int)
            and isinstance(fails, int)
            for earned, possible, counted, fails in questions.values()
        )


def test_csv_and_xlsx_carry_the_same_figures(client, history):
    query = "checklist=worked&first_day=2026-10-01&last_day=2026-10-31"
    document = client.get(f"/api/v1/comparison?{query}", headers=history["owner"]).json
    response = client.get(f"/api/v1/comparison.csv?{query}", headers=history["owner"])
    assert (
        response.headers["Content-Disposition"]
        == 'attachment; filename="comparison-worked-2026-10-01-2026-10-31.csv"'
    )
    text = response.data.decode("utf-8-sig")
    stores_part, questions_part = text.split("\n\n")
    rows = list(csv.reader(io.StringIO(stores_part)))
    assert rows[0] == [
        "Rank",
        "Store code",
        "Store",
        "Region",
        "Competitor",
        "Visits",
        "Score %",
        "Change",
        "Critical failures",
        "Welcome",
        "Checkout (v2)",
    ]
    assert rows[1] == ["1", "C", "Store C", "North", "yes", "1", "57.1", "", "0", "50.0", "100.0"]
    assert rows[3][1] == "A" and rows[3][7] == "-39.0"  # a negative change stays a number
    question_rows = list(csv.reader(io.StringIO(questions_part)))
    assert question_rows[0] == [
        "Store code",
        "Store",
        "Q1 (q1)",
        "Q2 (q2)",
        "Q5 (new in v2) (q5)",
        "Q3 (q3)",
    ]
    workbook = load_workbook(
        io.BytesIO(client.get(f"/api/v1/comparison.xlsx?{query}", headers=history["owner"]).data)
    )
    assert workbook.sheetnames == ["About", "Stores", "Questions"]
    stores = list(workbook["Stores"].iter_rows(values_only=True))
    assert stores[1][:7] == (
        1,
        "C",
        "Store C",
        "North",
        "yes",
        1,
        pytest.approx(document["stores"][0]["score"]),
    )


def test_formula_like_store_names_are_escaped_in_exports(app, client, history):
    make_store(app, "F", "North", name='=HYPERLINK("http://x")')
    # F has no visit, so it shows only as not visited; rename a visited one instead.
    from shopper.extensions import db
    from shopper.models import Store

    with app.app_context():
        db.session.execute(
            db.select(Store).where(Store.code == "C")
        ).scalar_one().name = "=cmd|' /C calc'!A0"
        db.session.commit()
    query = "checklist=worked&first_day=2026-10-01&last_day=2026-10-31"
    text = client.get(f"/api/v1/comparison.csv?{query}", headers=history["owner"]).data.decode(
        "utf-8-sig"
    )
    assert "'=cmd|' /C calc'!A0" in text
    workbook = load_workbook(
        io.BytesIO(client.get(f"/api/v1/comparison.xlsx?{query}", headers=history["owner"]).data)
    )
    assert workbook["Stores"]["C2"].value == "'=cmd|' /C calc'!A0"


@pytest.mark.parametrize(
    "query, field",
    [
        ("first_day=2026-10-01&last_day=2026-10-31", "checklist"),
        ("checklist=worked&first_day=x&last_day=2026-10-31", "first_day"),
        (
            "checklist=worked&first_day=2026-10-01&last_day=2026-10-31&competitors=maybe",
            "competitors",
        ),
        ("checklist=worked&first_day=2026-11-01&last_day=2026-10-31", "last_day"),
    ],
)
def test_bad_comparison_queries_are_clear_422s(client, history, query, field):
    response = client.get(f"/api/v1/comparison?{query}", headers=history["owner"])
    assert response.status_code == 422
    assert field in response.json["error"]["fields"]


def test_shoppers_never_see_comparisons(client, history, auth):
    headers = auth.api_token("s@test.example")
    for path in ("/api/v1/comparison", "/api/v1/comparison.csv", "/api/v1/comparison.xlsx"):
        assert (
            client.get(
                path + "?checklist=worked&first_day=2026-10-01&last_day=2026-10-31", headers=headers
            ).status_code
            == 403
        )
    assert (
        client.get(
            "/api/v1/comparison?checklist=nope&first_day=2026-10-01&last_day=2026-10-31",
            headers=history["owner"],
        ).status_code
        == 404
    )


def _owner_reads(app, language: str) -> None:
    """The history's owner reads ``language`` from the next request on."""
    with app.app_context():
        db.session.execute(
            text("UPDATE users SET language = :language WHERE email = 'o@test.example'"),
            {"language": language},
        )
        db.session.commit()


def test_the_comparison_page_shows_ranking_heat_map_and_downloads(client, history, auth):
    auth.sign_in("o@test.example")
    assert client.get("/owner").location.startswith("/reports/comparison")
    page = client.get(
        "/reports/comparison?checklist=worked&first_day=2026-10-01&last_day=2026-10-31"
    )
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    ranking = html[html.index('id="ranking"') : html.index("</table>", html.index('id="ranking"'))]
    assert [m for m in ("Store C", "Store E", "Store A", "Store B") if m in ranking] == [
        "Store C",
        "Store E",
        "Store A",
        "Store B",
    ]
    assert (
        ranking.index("Store C")
        < ranking.index("Store E")
        < ranking.index("Store A")
        < ranking.index("Store B")
    )
    rows = {
        name: ranking[ranking.index(name) : ranking.index("</tr>", ranking.index(name))]
        for name in ("Store A", "Store E")
    }
    # A's critical failure is named beside its name, where a phone still shows it.
    assert 'class="badge badge-critical">1 critical failure</span>' in rows["Store A"]
    assert "badge-critical" not in rows["Store E"]
    assert "42.7%" in html  # chain: (39 + 39 + 50) / 3 = 42.666…
    assert "57.1%" in html  # competitor benchmark
    assert "▼ -39.0 pts" in html  # A against September, in points
    assert 'class="heat heat-bad">40.0%' in html
    # Failing is for yes/no questions only, and only those that failed; points lost for all.
    failed = html[html.index('id="questions-failed"') : html.index('id="questions-points-lost"')]
    assert failed.count("<li>") == 2
    assert failed.index("<strong>Q1</strong>") < failed.index("<strong>Q5 (new in v2)</strong>")
    assert "failed in 40.0% of 5 answers" in failed
    assert "failed in 33.3% of 3 answers" in failed
    assert "<strong>Q2</strong>" not in failed and "<strong>Q3</strong>" not in failed
    lost = html[html.index('id="questions-points-lost"') :]
    lost = lost[: lost.index("</section>")]
    assert lost.count("<li>") == 4
    assert (
        lost.index("<strong>Q1</strong>")
        < lost.index("<strong>Q2</strong>")
        < lost.index("<strong>Q3</strong>")
        < lost.index("<strong>Q5 (new in v2)</strong>")
    )
    assert "20 points lost, chain score 60.0%" in lost
    regions = html[html.index("<h2>Regions</h2>") :]
    assert regions.index("<td>South</td>") < regions.index("<td>North</td>")
    assert '<td class="score"><meter class="bar" min="0" max="100" value="50.0"' in regions
    # The trend's axis names months with their year, the twelve up to October 2026.
    assert ">Nov 2025</text>" in html and ">Oct 2026</text>" in html
    assert "15 points lost, chain score 81.3%" in lost
    assert "11 points lost, chain score 26.7%" in lost
    assert "5 points lost, chain score 66.7%" in lost
    assert "Store D" in html[html.index("Not visited in the period") :]
    csv_file = client.get(
        "/reports/comparison.csv?checklist=worked&first_day=2026-10-01&last_day=2026-10-31"
    )
    assert csv_file.status_code == 200 and csv_file.mimetype == "text/csv"
    detail = client.get(
        "/reports/stores/A?checklist=worked&first_day=2026-10-01&last_day=2026-10-31"
    )
    assert detail.status_code == 200
    assert "Sections against the chain" in detail.get_data(as_text=True)
    # The same figures in a Turkish owner's way: the sign before the number, a comma.
    _owner_reads(client.application, "tr")
    turkish = client.get(
        "/reports/comparison?checklist=worked&first_day=2026-10-01&last_day=2026-10-31"
    ).get_data(as_text=True)
    assert "%42,7" in turkish and 'class="heat heat-bad">%40,0' in turkish
    assert "42,7 %" not in turkish
    # In Urdu each percentage is isolated, so that after Urdu words its sign stays after it.
    _owner_reads(client.application, "ur")
    urdu = client.get(
        "/reports/stores/A?checklist=worked&first_day=2026-10-01&last_day=2026-10-31"
    ).get_data(as_text=True)
    assert "\u206642.7%\u2069" in urdu


def test_a_bad_period_on_the_page_says_what_is_wrong(client, history, auth):
    auth.sign_in("o@test.example")
    page = client.get(
        "/reports/comparison?checklist=worked&first_day=2026-11-01&last_day=2026-10-01"
    )
    assert page.status_code == 422
    assert "The last day is before the first day." in page.get_data(as_text=True)


def _pdf_text(data: bytes) -> list[str]:
    from pypdf import PdfReader

    return [page.extract_text() for page in PdfReader(io.BytesIO(data)).pages]


def test_the_comparison_pdf_is_served_with_the_ranking_in_order(client, history, auth):
    query = "checklist=worked&first_day=2026-10-01&last_day=2026-10-31"
    response = client.get(f"/api/v1/comparison.pdf?{query}", headers=history["owner"])
    assert response.status_code == 200
    assert response.mimetype == "application/pdf"
    pages = _pdf_text(response.data)
    ranking = pages[1]  # the cover names the best and weakest; the ranking page follows
    assert ranking.index("Store C") < ranking.index("Store E") < ranking.index("Store A")
    assert all("Worked example" in page for page in pages)  # the filters in every footer
    auth.sign_in("o@test.example")
    page = client.get(f"/reports/comparison.pdf?{query}")
    assert page.status_code == 200 and page.data[:5] == b"%PDF-"
    assert "Download PDF" in client.get(f"/reports/comparison?{query}").get_data(as_text=True)


def test_one_visits_report_downloads_as_a_pdf(client, history, auth):
    auth.sign_in("o@test.example")
    visit_id = history["ids"][2]  # store A's critical failure
    response = client.get(f"/review/{visit_id}/report.pdf")
    assert response.status_code == 200
    text = "\n".join(_pdf_text(response.data))
    assert "Store A" in text
    assert "Critical failure" in text
    assert "Q5 (new in v2)" in text
    auth.sign_out()
    auth.sign_in("s@test.example")
    assert client.get(f"/review/{visit_id}/report.pdf").status_code == 403


# ---------------------------------------------------------------------------
# The comparison PDF with a section per store, and one store's own report

PDF_QUERY = "checklist=worked&first_day=2026-10-01&last_day=2026-10-31"


def _comment_and_photo(app, history) -> None:
    """A shopper's comment on store A's failed Q1 (20 Oct) and a photo of it in the storage."""
    from pathlib import Path

    from PIL import Image

    from shopper.models import Photo, Visit
    from shopper.services.photos import stored_files

    visit_id = history["ids"][2]
    with app.app_context():
        visit = db.session.get(Visit, visit_id)
        answers = dict(visit.answers)
        answers["q1"] = {**answers["q1"], "comment": "Nobody said hello <b>&"}
        visit.answers = answers
        digest = "ab" + "0" * 62
        folder = Path(app.config["UPLOAD_FOLDER"])
        for name in stored_files(digest):
            (folder / name).parent.mkdir(parents=True, exist_ok=True)
            Image.new("RGB", (320, 240), (180, 40, 40)).save(folder / name, "JPEG")
        db.session.add(
            Photo(
                visit_id=visit_id,
                question_code="q1",
                sha256=digest,
                content_type="image/jpeg",
                width=320,
                height=240,
                size=1000,
            )
        )
        db.session.commit()


def test_details_stores_adds_a_section_per_store(app, client, history):
    _comment_and_photo(app, history)
    response = client.get(
        f"/api/v1/comparison.pdf?{PDF_QUERY}&details=stores", headers=history["owner"]
    )
    assert response.status_code == 200, response.data[:300]
    from pypdf import PdfReader

    reader = PdfReader(io.BytesIO(response.data))
    pages = [page.extract_text() for page in reader.pages]
    sections = [page for page in pages if page.startswith("Store by store")]
    # One section per ranked store (A, B, E and the competitor C), best first.
    ranking = client.get(f"/api/v1/comparison?{PDF_QUERY}", headers=history["owner"]).json
    names = [f"Store {s['code']}" for s in ranking["stores"]]
    assert [page.splitlines()[1] for page in sections] == names
    store_a = next(page for page in sections if page.splitlines()[1] == "Store A")
    rank_a = next(s["rank"] for s in ranking["stores"] if s["code"] == "A")
    assert f"A · North · Rank {rank_a} of 4" in store_a
    assert "Visits: Oct 3, 2026 and Oct 20, 2026" in store_a
    assert "Where the store lost points" in store_a
    assert "“Nobody said hello <b>&”" in store_a  # the comment, as the shopper typed it
    assert "Critical failure, visits: 1" in store_a
    assert "Photos of failed items" in store_a
    assert "Open actions" in store_a  # the approval opened one for the critical Q1
    a_page = pages.index(store_a)
    assert len(reader.pages[a_page].images) == 1  # the thumbnail
    everything = "\n".join(pages)
    assert "Shopper Person" not in everything and "s@test.example" not in everything


def test_store_code_gives_that_stores_own_report(app, client, history):
    response = client.get(f"/api/v1/comparison.pdf?{PDF_QUERY}&store=E", headers=history["owner"])
    assert response.status_code == 200
    assert 'filename="store-E-worked' in response.headers["Content-Disposition"]
    pages = _pdf_text(response.data)
    first = pages[0].splitlines()
    assert first[:3] == ["Store report", "Store E", "E · South · Rank 2 of 4"]
    text = "\n".join(pages)
    assert "Store A" not in text and "Store B" not in text  # only this store
    assert "Where the store lost points" in text
    not_visited = client.get(
        f"/api/v1/comparison.pdf?{PDF_QUERY}&store=D", headers=history["owner"]
    )
    assert "This store has no counted visit in this period." in _pdf_text(not_visited.data)[0]


@pytest.mark.parametrize(
    ("path", "extra", "status", "field"),
    [
        ("comparison.pdf", "store=NOPE", 404, None),
        ("comparison", "store=NOPE", 404, None),
        ("comparison.pdf", "details=everything", 422, "details"),
        ("comparison", "details=stores", 422, "details"),
        ("comparison.csv", "details=stores", 422, "details"),
        ("comparison.pdf", "language=xx", 422, "language"),
    ],
)
def test_store_and_details_are_checked(client, history, path, extra, status, field):
    response = client.get(f"/api/v1/{path}?{PDF_QUERY}&{extra}", headers=history["owner"])
    assert response.status_code == status
    error = response.json["error"]
    assert error["message"]
    if field:
        assert field in error.get("fields", {}) or field in error["message"]


def test_the_json_of_one_store_keeps_the_chain_figures(client, history):
    whole = client.get(f"/api/v1/comparison?{PDF_QUERY}", headers=history["owner"]).json
    one = client.get(f"/api/v1/comparison?{PDF_QUERY}&store=A", headers=history["owner"]).json
    assert [s["code"] for s in one["stores"]] == ["A"]
    assert one["chain"] == whole["chain"] and one["regions"] == whole["regions"]


def test_the_page_serves_both_kinds_of_store_pdf(client, history, auth):
    auth.sign_in("o@test.example")
    for extra in ("details=stores", "store=A", "store=A&language=tr"):
        response = client.get(f"/reports/comparison.pdf?{PDF_QUERY}&{extra}")
        assert response.status_code == 200 and response.data[:5] == b"%PDF-"
    assert client.get(f"/reports/comparison.pdf?{PDF_QUERY}&store=NOPE").status_code == 404
    page = client.get(f"/reports/comparison?{PDF_QUERY}").get_data(as_text=True)
    assert "details=stores" in page and "PDF with a page per store" in page


COMMENTS = {
    "en": "Nobody said hello for two minutes.",
    "tr": "İki dakika kimse selam vermedi; kasada sıra çok uzundu.",
    "th": "ไม่มีพนักงานทักทายเลยเป็นเวลาสองนาที คิวที่แคชเชียร์ยาวมาก",
    "ur": "دو منٹ تک کسی نے سلام نہیں کیا؛ کاؤنٹر پر قطار بہت لمبی تھی (10 لوگ)۔",
}


# Latin-script names with the letters a Turkish or Swedish chain writes.
LATIN_NAMES = {"A": "Kadıköy Şubesi", "B": "Göteborg Nordstan", "E": "Çankaya İstasyon"}


@pytest.mark.parametrize("language", ["en", "tr", "th", "ur"])
def test_store_pdfs_render_for_each_reader(app, client, history, artifacts, language):
    """The three PDFs of an owner who reads ``language``, rendered to PNG in
    tests/artifacts/ for a person to look at; their Latin-script text extracts as written."""
    import shutil
    import subprocess

    from pypdf import PdfReader

    from shopper.models import Store, Visit

    if shutil.which("pdftoppm") is None:
        unavailable("pdftoppm (poppler-utils) renders the PDFs to PNG")
    with app.app_context():
        visit = db.session.get(Visit, history["ids"][2])
        answers = dict(visit.answers)
        answers["q1"] = {**answers["q1"], "comment": COMMENTS[language]}
        visit.answers = answers
        for code, name in LATIN_NAMES.items():
            db.session.execute(db.update(Store).where(Store.code == code).values(name=name))
        db.session.commit()
    _owner_reads(app, language)
    made = {}
    for kind, extra in (("chain", ""), ("stores", "&details=stores"), ("store", "&store=A")):
        response = client.get(
            f"/api/v1/comparison.pdf?{PDF_QUERY}{extra}", headers=history["owner"]
        )
        assert response.status_code == 200
        text = "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(response.data)).pages)
        names = [LATIN_NAMES["A"]] if kind == "store" else list(LATIN_NAMES.values())
        for name in [*names, "Worked example"]:
            assert name in text, (kind, name)
        if language == "tr":
            if kind != "store":
                assert "Mağaza karşılaştırması" in text  # the owner's own language
            # Every page's footer gives the period as a Turkish reader writes dates.
            pages = PdfReader(io.BytesIO(response.data)).pages
            footers = [" ".join(page.extract_text().split()) for page in pages]
            assert all(
                "Worked example · 1 Eki 2026 – 31 Eki 2026 · Tüm zincir" in f for f in footers
            )
        name = f"pdf-{kind}-{language}"
        for old in artifacts.glob(f"{name}-*.png"):
            old.unlink()
        source = artifacts / f"{name}.pdf"
        source.write_bytes(response.data)
        subprocess.run(
            ["pdftoppm", "-png", "-r", "80", str(source), str(artifacts / name)],
            check=True,
            timeout=120,
        )
        source.unlink()
        made[kind] = sorted(artifacts.glob(f"{name}-*.png"))
    assert made["chain"] and made["store"]
    assert len(made["stores"]) == len(made["chain"]) + 4  # a page per ranked store
