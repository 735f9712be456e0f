"""The PDF builders: what an owner or a store manager reads in the printed reports.

Text is checked by extracting it with pypdf; Thai and Urdu (whose shaped
glyphs do not extract back as typed) are rendered with pdftoppm and the PNGs
kept in tests/artifacts/ for a person to look at.
"""

from __future__ import annotations

import csv
import io
import random
import resource
import shutil
import subprocess
import time
import tracemalloc
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from PIL import Image
from pypdf import PdfReader

from shopper.domain.checklist_format import Option, Question
from shopper.domain.comparison import (
    QuestionInfo,
    SectionInfo,
    StoreInfo,
    StoreSums,
    TrendPoint,
    compare,
)
from shopper.pdf import (
    CONTENT_WIDTH,
    MARGIN,
    format_change,
    format_count,
    format_percent,
    format_points,
    format_score,
    format_timestamp,
)
from shopper.pdf.comparison import DEFAULT_LABELS, LABEL_KEYS, build_comparison_pdf, heat_band
from shopper.pdf.fonts import register_fonts, wrap_text
from shopper.pdf.visit import LABEL_KEYS as VISIT_LABEL_KEYS
from shopper.pdf.visit import VisitScores, build_visit_pdf
from shopper.services.visits import AnswerView, SectionView
from tests.support.checklists import FIXTURES

ARTIFACTS = Path(__file__).resolve().parents[1] / "artifacts"
STORES_CSV = FIXTURES / "stores.csv"
GENERATED = datetime(2026, 11, 3, 14, 5, tzinfo=UTC)
FILTERS = "1 Oct 2026 – 31 Oct 2026 · Whole chain · competitors included"
INJECTION = "<b>&<font name=x>"


def fixture_stores() -> list[StoreInfo]:
    """The shared fixture stores: Turkish, Swedish, Thai and Urdu names."""
    with STORES_CSV.open(encoding="utf-8", newline="") as handle:
        return [
            StoreInfo(row["code"], row["name"], row["region"], row["competitor"] == "yes")
            for row in csv.DictReader(handle)
        ]


SECTIONS = [
    SectionInfo("welcome", "Welcome"),
    SectionInfo("service", "Service"),
    SectionInfo("checkout", "Checkout"),
]
QUESTIONS = [
    QuestionInfo("greeted", "welcome", "Was the shopper greeted?", "Within 10 s", "yes_no"),
    QuestionInfo("smile", "welcome", "Did staff smile?", "Eye contact and a smile", "yes_no"),
    QuestionInfo("advice", "service", "How good was the advice?", "Asks two questions", "scale"),
    QuestionInfo("queue", "checkout", "Queue length", "At most 3 people", "choice"),
]


def sums(overall: list[float], *, critical: int = 0, fails: int = 0) -> StoreSums:
    """A store's sums from its visits' overall scores (sections and questions follow them)."""
    n = len(overall)
    result = StoreSums(
        visits=n,
        overall_sum=sum(overall),
        overall_count=n,
        critical_failures=critical,
    )
    for index, section in enumerate(SECTIONS):
        result.sections[section.code] = [sum(min(100.0, s + 5 * index) for s in overall), n]
    for question in QUESTIONS:
        earned = sum(overall) / 10
        result.questions[question.code] = [earned, 10.0 * n, n, fails]
    return result


def small_comparison(stores: list[StoreInfo], scores: dict[str, list[float]], **options):
    """A comparison of hand-made sums, through the real ``compare``."""
    current = {
        code: sums(values, fails=1 if code == "ANK-01" else 0) for code, values in scores.items()
    }
    previous = {code: sums([values[0] - 4]) for code, values in scores.items()}
    return compare(
        checklist="store-service",
        title=options.get("title", "Store service"),
        first_day=date(2026, 10, 1),
        last_day=date(2026, 10, 31),
        region=options.get("region"),
        competitors_included=options.get("competitors_included", True),
        sections=SECTIONS,
        questions=QUESTIONS,
        stores=stores,
        current=current,
        previous=previous,
        trend=options.get(
            "trend",
            [
                TrendPoint(date(2026, m, 1), 60.0 + m, 55.0 + m / 2 if m % 3 else None)
                for m in range(1, 11)
            ],
        ),
    )


def fixture_comparison(**options):
    """The fixture stores with distinct scores, plus an injection-shaped store name."""
    stores = [*fixture_stores(), StoreInfo("INJ-01", INJECTION, "Marmara", False)]
    stores.append(StoreInfo("NEW-01", "Uppsala Nya", "Sverige", False))  # never visited
    scores = {
        "IST-01": [91.0, 89.0],
        "STO-01": [86.25],
        "INJ-01": [82.0],
        "GBG-01": [77.5, 70.0],
        "BKK-01": [72.0],
        "IST-02": [64.0],
        "LHE-01": [58.5],
        "ANK-01": [40.0, 50.0],
        "CMP-01": [69.0],
    }
    return small_comparison(stores, scores, **options)


def pdf_pages_text(pdf: bytes) -> list[str]:
    """The extracted text of each page."""
    return [page.extract_text() or "" for page in PdfReader(io.BytesIO(pdf)).pages]


def render_png(pdf: bytes, name: str, first: int = 1, last: int | None = None) -> list[Path]:
    """Render pages with pdftoppm at 80 dpi into tests/artifacts/; the PNG paths."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)

    def pages() -> list[Path]:
        # pdftoppm names pages NAME-1.png or NAME-01.png; other artifacts share the prefix.
        return sorted(
            path for path in ARTIFACTS.glob(f"{name}-*.png") if path.stem[len(name) + 1 :].isdigit()
        )

    for old in pages():
        old.unlink()
    source = ARTIFACTS / f"{name}.pdf"
    source.write_bytes(pdf)
    command = ["pdftoppm", "-png", "-r", "80", "-f", str(first)]
    if last is not None:
        command += ["-l", str(last)]
    try:
        subprocess.run([*command, str(source), str(ARTIFACTS / name)], check=True, timeout=120)
    finally:
        source.unlink()
    return pages()


needs_pdftoppm = pytest.mark.skipif(
    shutil.which("pdftoppm") is None, reason="pdftoppm (poppler-utils) is not installed"
)


# ---------------------------------------------------------------------------
# The comparison PDF


@pytest.fixture(scope="module")
def comparison_pdf() -> bytes:
    return build_comparison_pdf(
        fixture_comparison(), labels={}, generated_at=GENERATED, filters=FILTERS
    )


def test_store_names_in_latin_turkish_and_swedish_extract_as_written(comparison_pdf):
    text = "\n".join(pdf_pages_text(comparison_pdf))
    for name in ("Kadıköy Şubesi", "Beşiktaş Şubesi", "Kızılay Şubesi", "Södermalm"):
        assert name in text
    assert "Göteborg Centrum" in text
    assert "Rakip Mağaza Kadıköy" in text
    assert "İç Anadolu" in text


def test_the_ranking_lists_stores_best_first(comparison_pdf):
    ranking_page = pdf_pages_text(comparison_pdf)[1]
    table = ranking_page[ranking_page.index("\nRank\n") :]  # after the chart's labels
    order = ["Kadıköy Şubesi", "Södermalm", INJECTION, "Göteborg Centrum", "Rakip Mağaza"]
    order += ["Beşiktaş Şubesi", "Kızılay Şubesi"]
    positions = [table.index(name) for name in order]
    assert positions == sorted(positions)
    # rank, code, name, region, visits, score, change, critical failures
    assert "\n1\nIST-01\nKadıköy Şubesi\nMarmara\n2\n90.0\n+3.0 pts\n0\n" in table
    assert (
        "\n9\nANK-01\nKızılay Şubesi\nİç Anadolu\n2\n45.0\n+9.0 pts\n0\n" in table
    )  # points, not %


def test_every_page_has_the_footer(comparison_pdf):
    pages = pdf_pages_text(comparison_pdf)
    assert len(pages) >= 3
    for number, text in enumerate(pages, start=1):
        assert f"Page {number} of {len(pages)}" in text
        # The no-break space before PM extracts as a plain one.
        assert f"Generated {format_timestamp(GENERATED)}".replace("\xa0", " ") in text
        assert FILTERS in text
    assert "Nov 3, 2026, 2:05 PM UTC" in pages[0]


def test_a_store_named_like_markup_prints_as_written(comparison_pdf):
    text = "\n".join(pdf_pages_text(comparison_pdf))
    assert INJECTION in text


def test_markup_in_user_text_embeds_nothing():
    stores = [
        StoreInfo("X-1", '<img src="/etc/passwd">', "<para>", False),
        StoreInfo("X-2", "AT&T </para> &amp; <font size=40>big</font>", "R&D", False),
    ]
    comparison = small_comparison(
        stores, {"X-1": [70.0], "X-2": [60.0]}, title="<b>Title</b> & more"
    )
    pdf = build_comparison_pdf(
        comparison, labels={}, generated_at=GENERATED, filters="<i>f</i> & g"
    )
    reader = PdfReader(io.BytesIO(pdf))
    # A long name may wrap at a space inside its cell: compare with spaces evened out.
    text = " ".join(" ".join(page.extract_text() for page in reader.pages).split())
    assert '<img src="/etc/passwd">' in text
    assert "AT&T </para> &amp; <font size=40>big</font>" in text
    assert "<para>" in text and "R&D" in text
    assert "<b>Title</b> & more" in text
    assert "<i>f</i> & g" in text
    for page in reader.pages:
        assert "/XObject" not in (page.get("/Resources") or {})  # no image was embedded


def test_labels_are_translated_and_every_key_has_an_english_default():
    assert set(LABEL_KEYS) == set(DEFAULT_LABELS)
    labels = {
        "ranking": "Sıralama",
        "page_of": "Sayfa %(page)s / %(pages)s",
        "generated": "Oluşturuldu: %(time)s",
        "store": "Mağaza",
    }
    pdf = build_comparison_pdf(
        fixture_comparison(), labels=labels, generated_at=GENERATED, filters=FILTERS, locale="tr"
    )
    pages = pdf_pages_text(pdf)
    assert "Sıralama" in pages[1]
    assert f"Sayfa 1 / {len(pages)}" in pages[0]
    assert "Oluşturuldu: 3 Kas 2026 14:05 UTC" in pages[-1]  # as a Turkish reader writes it
    assert "90,0" in pages[1]  # Turkish decimal comma


def test_a_broken_translation_falls_back_to_english():
    pdf = build_comparison_pdf(
        fixture_comparison(),
        labels={"page_of": "Sayfa %(sayfa)s"},
        generated_at=GENERATED,
        filters=FILTERS,
    )
    assert "Page 1 of" in pdf_pages_text(pdf)[0]


def test_cover_shows_filters_and_headline_figures(comparison_pdf):
    cover = pdf_pages_text(comparison_pdf)[0]
    comparison = fixture_comparison()
    assert "Store service" in cover
    assert "Whole chain" in cover
    assert "included" in cover
    assert "Oct 1, 2026 – Oct 31, 2026" in cover
    assert "Sep 1, 2026 – Sep 30, 2026" in cover  # October against September
    assert comparison.chain_visits == 11
    assert "11" in cover
    assert "69.0%" in cover  # the competitor benchmark


def test_region_and_excluded_competitors_show_on_the_cover():
    comparison = small_comparison(
        fixture_stores(),
        {"IST-01": [80.0], "IST-02": [70.0], "CMP-01": [60.0]},
        region="Marmara",
        competitors_included=False,
    )
    pdf = build_comparison_pdf(comparison, labels={}, generated_at=GENERATED, filters="Marmara")
    text = "\n".join(pdf_pages_text(pdf))
    assert "Marmara" in pdf_pages_text(pdf)[0]
    assert "not included" in pdf_pages_text(pdf)[0]
    assert "Competitors are not included in this comparison." in text
    assert "Rakip" not in text


def test_questions_regions_competitors_and_not_visited_sections(comparison_pdf):
    text = "\n".join(pdf_pages_text(comparison_pdf))
    assert "Questions failed most often" in text
    assert "Within 10 s" in text  # the standard beside the question
    assert "Questions the stores handle least alike" in text
    assert "Stores not visited" in text
    assert "Uppsala Nya" in text
    assert "Regions" in text and "Sverige" in text
    assert "Chain minus competitors" in text
    assert "\n71.4%\n69.0%\n+2.4 pts\n" in text  # the difference in points, not %


def test_no_trend_data_is_said():
    comparison = small_comparison(fixture_stores(), {"IST-01": [80.0]}, trend=[])
    pdf = build_comparison_pdf(comparison, labels={}, generated_at=GENERATED, filters=FILTERS)
    assert "No trend data." in "\n".join(pdf_pages_text(pdf))


def test_an_empty_comparison_still_prints():
    comparison = small_comparison(fixture_stores(), {}, trend=[])
    pdf = build_comparison_pdf(comparison, labels={}, generated_at=GENERATED, filters=FILTERS)
    text = "\n".join(pdf_pages_text(pdf))
    assert "No store has a counted visit in this period." in text
    assert "Kadıköy Şubesi" in text  # among the stores not visited


def test_heat_colours_follow_the_printed_value():
    assert heat_band(None) == "none"
    assert heat_band(59.94) == "low"
    assert heat_band(59.95) == "mid"  # prints as 60.0
    assert heat_band(79.95) == "high"  # prints as 80.0
    assert heat_band(100.0) == "high"


def test_numbers_follow_the_readers_language():
    assert format_percent(81.25, "en") == "81.3%"
    assert format_percent(81.25, "tr") == "%81,3"
    assert format_percent(81.25, "sv") == "81,3\u00a0%"
    assert format_score(87.45, "sv") == "87,5"  # half away from zero, on the printed decimal
    assert format_change(-2.04, "en") == "\u22122.0"
    assert format_change(0.04, "en") == "0.0"
    assert format_count(12345, "tr") == "12.345"
    assert format_points(7.5, "en") == "7.5" and format_points(10.0, "en") == "10"


def test_many_sections_split_the_heat_map_over_pages():
    sections = [SectionInfo(f"s{i}", f"หมวดที่ {i} การบริการลูกค้าที่หน้าร้าน") for i in range(14)]
    stores = fixture_stores()
    current = {}
    for index, store in enumerate(stores):
        store_sums = StoreSums(1, 50.0 + index, 1)
        for number, section in enumerate(sections):
            store_sums.sections[section.code] = [40.0 + number * 4, 1]
        current[store.code] = store_sums
    comparison = compare(
        checklist="c",
        title="ตรวจร้านค้า",
        first_day=date(2026, 10, 1),
        last_day=date(2026, 10, 31),
        region=None,
        competitors_included=True,
        sections=sections,
        questions=[],
        stores=stores,
        current=current,
        previous={},
    )
    pdf = build_comparison_pdf(comparison, labels={}, generated_at=GENERATED, filters=FILTERS)
    pages = pdf_pages_text(pdf)
    heat_pages = [page for page in pages if "Overall" in page and "Store" in page]
    assert heat_pages
    assert "No question was answered in this period." in "\n".join(pages)


@needs_pdftoppm
def test_comparison_in_urdu_and_thai_labels_renders():
    urdu = {
        "document_title": "اسٹور کا موازنہ",
        "ranking": "درجہ بندی",
        "store": "اسٹور",
        "region": "علاقہ",
        "heat_map": "حصوں کے لحاظ سے اسکور",
        "page_of": "صفحہ %(page)s از %(pages)s",
        "generated": "تیار کیا گیا %(time)s",
    }
    pdf = build_comparison_pdf(
        fixture_comparison(),
        labels=urdu,
        generated_at=GENERATED,
        filters="اکتوبر 2026",
        locale="ur",
    )
    assert len(render_png(pdf, "pdf-comparison-urdu", 1, 3)) == 3
    thai = {
        "document_title": "การเปรียบเทียบสาขา",
        "ranking": "การจัดอันดับ",
        "store": "สาขา",
        "region": "ภูมิภาค",
        "critical_failures": "ข้อผิดพลาดร้ายแรง",
        "page_of": "หน้า %(page)s จาก %(pages)s",
    }
    pdf = build_comparison_pdf(
        fixture_comparison(), labels=thai, generated_at=GENERATED, filters="ตุลาคม 2026", locale="th"
    )
    assert len(render_png(pdf, "pdf-comparison-thai", 1, 3)) == 3


def text_positions(pdf: bytes, page: int) -> dict[str, list[tuple[float, float]]]:
    """Where each run of text on a page starts: text → [(x, y)] in points from the page's
    bottom left (the text matrix through the drawing's transformation)."""
    found: dict[str, list[tuple[float, float]]] = {}

    def visit(text, cm, tm, font, size):
        if text.strip():
            x = tm[4] * cm[0] + tm[5] * cm[2] + cm[4]
            y = tm[4] * cm[1] + tm[5] * cm[3] + cm[5]
            found.setdefault(text.strip(), []).append((x, y))

    PdfReader(io.BytesIO(pdf)).pages[page].extract_text(visitor_text=visit)
    return found


PAGE_MIDDLE = MARGIN + CONTENT_WIDTH / 2


@pytest.mark.parametrize("locale", ["en", "ur"])
def test_the_charts_read_from_the_readers_side(locale):
    """In Urdu the ranking bars grow from the right with the stores named on the right,
    and the months run leftwards with the score axis on the right; in English the other
    way round. Only the drawing is mirrored: its labels still read as written."""
    # A year's turn: the months' labels are told apart by their year in any language.
    months = [date(2025, 11, 1), date(2025, 12, 1), date(2026, 1, 1), date(2026, 2, 1)]
    comparison = fixture_comparison(trend=[TrendPoint(m, 60.0, None) for m in months])
    pdf = build_comparison_pdf(
        comparison, labels={}, generated_at=GENERATED, filters=FILTERS, locale=locale
    )
    rtl = locale == "ur"
    cover = text_positions(pdf, 0)
    # The ranking's axis: 0 where the bars start, 100 at the far end.
    (zero,) = cover["0"][-1:]
    (hundred,) = cover["100"]
    assert (zero[0] > hundred[0]) is rtl
    # Each store's name stands beside the start of its bar, past the 0 of the axis.
    chart_names = [x for x, y in cover["Kızılay Şubesi"] if zero[1] < y < zero[1] + 150]
    assert chart_names
    assert all((x > zero[0]) is rtl for x in chart_names)
    assert all((x > PAGE_MIDDLE) is rtl for x in chart_names)

    trend_page = next(
        number for number, text in enumerate(pdf_pages_text(pdf)) if DEFAULT_LABELS["trend"] in text
    )
    trend = text_positions(pdf, trend_page)
    old_year = [(x, y) for text, at in trend.items() if "2025" in text for x, y in at]
    (axis_y,) = {round(y) for _, y in old_year}  # the months' row under the chart
    old_year = [x for x, _ in old_year]
    new_year = [
        x for text, at in trend.items() if "2026" in text for x, y in at if round(y) == axis_y
    ]
    assert len(old_year) == len(new_year) == 2
    assert (min(old_year) > max(new_year)) is rtl
    axis = [x for x, _ in trend["100"]]
    assert axis and all((x > PAGE_MIDDLE) is rtl for x in axis)
    # The heading is on the reader's side even in a language the labels were not given in.
    ((heading_x, _),) = trend[DEFAULT_LABELS["trend"]]
    assert (heading_x > PAGE_MIDDLE) is rtl


@pytest.mark.parametrize("locale", ["en", "ur"])
def test_the_visit_report_reads_from_the_readers_side(tmp_path, locale):
    """An Urdu reader's visit report puts the labels on the right, the values to their
    left, the question numbers at the right edge and the points at the left."""
    pdf = build_visit(tmp_path, locale=locale)
    rtl = locale == "ur"
    first = text_positions(pdf, 0)
    ((label_x, label_y),) = first["Store"]
    (value_x,) = [x for x, y in first["Kadıköy Şubesi"] if round(y) == round(label_y)]
    assert (label_x > value_x) is rtl
    ((number_x, number_y),) = first["1.1"]
    points = [x for x, y in first["0 / 10"] if round(y) == round(number_y)]
    assert points and (number_x > points[0]) is rtl
    # An English question in an Urdu report starts on the right like the rest.
    ((question_x, _),) = first["How good was the advice?"]
    assert (question_x > PAGE_MIDDLE) is rtl


def test_bold_fonts_are_made_once_and_cached(tmp_path):
    from shopper.pdf.fonts import FAMILIES, THAI, _bold_instance, _family_path

    source = _family_path(FAMILIES[THAI])
    first = _bold_instance(source, THAI, tmp_path)
    assert Path(first).parent == tmp_path and Path(first).exists()
    made = Path(first).stat().st_mtime_ns
    assert _bold_instance(source, THAI, tmp_path) == first
    assert Path(first).stat().st_mtime_ns == made
    from fontTools.ttLib import TTFont

    names = TTFont(first)["name"]
    assert "Bold" in names.getDebugName(4)  # not a second "Regular"
    assert "fvar" not in TTFont(first)


@settings(max_examples=150, deadline=None)
@given(st.text(max_size=60), st.sampled_from([4.0, 40.0, 300.0]), st.booleans())
def test_any_text_lays_out_within_its_width(text, width, bold):
    fonts = register_fonts()
    for line in wrap_text(text, width, 9, bold=bold, fonts=fonts):
        # Only a single letter wider than the column may stick out.
        assert line.width <= width + 9 or len(line.pieces) == 1


def test_bidi_controls_and_unassigned_characters_do_not_break_a_pdf():
    odd = "a\u2067b\u2069 \u202ex\u202c \ud7ff\U0010ffff \u0644\u0627 (\u05d0) \ufeff\u00ad"
    comparison = small_comparison([StoreInfo("ODD", odd, odd, False)], {"ODD": [50.0]}, title=odd)
    pdf = build_comparison_pdf(comparison, labels={}, generated_at=GENERATED, filters=odd)
    assert len(pdf_pages_text(pdf)) >= 3


@needs_pdftoppm
def test_thai_and_urdu_comparison_pages_render(comparison_pdf):
    pngs = render_png(comparison_pdf, "pdf-comparison", 1, 4)
    assert len(pngs) == 4
    for png in pngs:
        with Image.open(png) as image:
            assert image.size[0] > 500


def test_two_thousand_stores_build_quickly():
    comparison = synthetic_comparison(2000)
    started = time.perf_counter()
    pdf = build_comparison_pdf(comparison, labels={}, generated_at=GENERATED, filters=FILTERS)
    elapsed = time.perf_counter() - started
    reader = PdfReader(io.BytesIO(pdf))
    pages = len(reader.pages)
    assert pages > 50
    last = reader.pages[-1].extract_text()
    assert f"Page {pages} of {pages}" in last
    assert elapsed < 30  # the target is 5 s; CI machines vary


# ---------------------------------------------------------------------------
# The visit PDF


@dataclass
class FakePhoto:
    """Stands for a Photo row: the builder only hands it back to ``photo_path``."""

    id: int
    question_code: str


def visit_sections(tmp_path: Path, *, thai: bool = False, urdu: bool = False) -> tuple:
    """Sections of a report with every question type, photos (one missing) and comments."""
    photo_file = tmp_path / "thumb.jpg"
    Image.new("RGB", (320, 240), (200, 60, 40)).save(photo_file, "JPEG")
    tall = tmp_path / "tall.jpg"
    Image.new("RGB", (180, 320), (40, 90, 200)).save(tall, "JPEG")
    paths = {1: photo_file, 2: tmp_path / "gone.jpg", 3: tall, 4: tmp_path / "broken.jpg"}
    (tmp_path / "broken.jpg").write_bytes(b"not a jpeg")
    text = "Was the shopper greeted?"
    comment = "Greeted at the door <b>&<font name=x>."
    if thai:
        text = "พนักงานทักทายลูกค้าภายในสิบวินาทีหรือไม่ และยิ้มแย้มแจ่มใสตลอดการให้บริการ"
        comment = (
            "พนักงานต้อนรับดีมากและแนะนำสินค้าได้ถูกต้องครบถ้วนทุกรายการ"
            "แต่ต้องรอคิวที่จุดชำระเงินนานกว่าห้านาทีเพราะมีแคชเชียร์เพียงคนเดียว"
            "ในช่วงเวลาที่มีลูกค้าจำนวนมากควรเปิดเคาน์เตอร์เพิ่มอีกหนึ่งจุด"
        )
    if urdu:
        text = "کیا عملے نے دس سیکنڈ کے اندر گاہک کو خوش آمدید کہا؟"
        comment = (
            "عملہ بہت خوش اخلاق تھا اور مصنوعات کے بارے میں درست معلومات دیں (لیکن) "
            "ادائیگی کی قطار میں 5 منٹ سے زیادہ انتظار کرنا پڑا کیونکہ صرف ایک کیشیئر "
            "موجود تھا۔ رش کے اوقات میں ایک اور کاؤنٹر کھولنا چاہیے۔"
        )
    greeted = Question(
        "greeted", "yes_no", text, standard="Within 10 seconds", points=10, critical=True
    )
    advice = Question("advice", "scale", "How good was the advice?", points=10, min=1, max=5)
    queue = Question(
        "queue",
        "choice",
        "Queue length",
        options=(Option("a", "No queue", 5), Option("b", "Short queue", 2)),
        allow_na=True,
    )
    wait = Question("wait", "number", "Minutes waited", unit="min")
    notes = Question("notes", "text", "Anything else?", required=False)
    shelf = Question("shelf", "photo", "Photo of the shelf", photo="required")
    sections = [
        SectionView(
            "welcome",
            "Welcome",
            50.0,
            [
                AnswerView(greeted, "no", comment, [], 0.0, 10.0, True, True),
                AnswerView(advice, 4, "", [], 7.5, 10.0, True, False),
            ],
        ),
        SectionView(
            "checkout",
            "Checkout",
            None,
            [
                AnswerView(queue, "na", "", [], None, 0.0, False, False),
                AnswerView(wait, 7.5, "", [], None, 0.0, False, False),
                AnswerView(notes, "Clean floor & friendly", "", [], None, 0.0, False, False),
                AnswerView(
                    shelf,
                    None,
                    "",
                    [
                        FakePhoto(1, "shelf"),
                        FakePhoto(2, "shelf"),
                        FakePhoto(3, "shelf"),
                        FakePhoto(4, "shelf"),
                        FakePhoto(5, "shelf"),
                    ],
                    None,
                    0.0,
                    False,
                    False,
                ),
            ],
        ),
    ]

    def photo_path(photo: FakePhoto) -> Path | None:
        if photo.id == 5:
            raise LookupError("the service raises for a photo row whose file is gone")
        return paths.get(photo.id)

    return sections, photo_path


def build_visit(tmp_path: Path, store: str = "Kadıköy Şubesi", **options) -> bytes:
    sections, photo_path = visit_sections(
        tmp_path, thai=options.pop("thai", False), urdu=options.pop("urdu", False)
    )
    return build_visit_pdf(
        title=options.pop("title", "Store service"),
        store=store,
        shopper="Ayşe Yılmaz",
        visited="2026-10-05 10:00–10:40",
        scores=VisitScores(overall=0.0, earned=7.5, possible=20.0, critical_failure=True),
        sections=sections,
        photo_path=photo_path,
        labels={},
        generated_at=GENERATED,
        **options,
    )


def test_visit_report_shows_answers_points_and_flags(tmp_path):
    pdf = build_visit(tmp_path)
    pages = pdf_pages_text(pdf)
    text = "\n".join(pages)
    for expected in (
        "Kadıköy Şubesi",
        "Ayşe Yılmaz",
        "2026-10-05 10:00–10:40",
        "Was the shopper greeted?",
        "Within 10 seconds",
        "Critical failure",
        "No",
        "4 on 1–5",
        "7.5 / 10",
        "N/A",
        "7.5 min",
        "Clean floor & friendly",
        "Greeted at the door <b>&<font name=x>.",
        "Welcome",
        "50.0",
    ):
        assert expected in text, expected
    for number, page in enumerate(pages, start=1):
        assert f"Page {number} of {len(pages)}" in page
        assert "Nov 3, 2026, 2:05 PM UTC" in page
    assert set(VISIT_LABEL_KEYS) >= {"answer", "comment", "critical_failure"}


def test_visit_photos_embed_the_thumbnails_that_exist(tmp_path):
    pdf = build_visit(tmp_path)
    reader = PdfReader(io.BytesIO(pdf))
    images = [image for page in reader.pages for image in page.images]
    assert len(images) == 2  # the missing, the broken and the unfindable files are skipped


def test_a_store_named_like_markup_prints_as_written_in_the_visit_report(tmp_path):
    pdf = build_visit(tmp_path, store=INJECTION, title="<para>&</para>")
    text = "\n".join(pdf_pages_text(pdf))
    assert INJECTION in text
    assert "<para>&</para>" in text


def test_a_very_long_answer_and_comment_run_over_pages(tmp_path):
    sections, photo_path = visit_sections(tmp_path)
    long_text = " ".join(f"word{i}" for i in range(700))  # about 4,000 characters
    notes = sections[1].answers[2]
    sections[1].answers[2] = AnswerView(
        notes.question, long_text, long_text[:2000], [], None, 0.0, False, False
    )
    pdf = build_visit_pdf(
        title="Store service",
        store="Södermalm",
        shopper="Erik",
        visited="2026-10-05",
        scores=VisitScores(None, None, None, False),
        sections=sections,
        photo_path=photo_path,
        labels={},
        generated_at=GENERATED,
    )
    text = " ".join("\n".join(pdf_pages_text(pdf)).split())
    assert "word0 word1" in text and "word699" in text


@needs_pdftoppm
def test_thai_visit_report_renders(tmp_path):
    pdf = build_visit(tmp_path, store="สาขาสยาม", title="ตรวจร้านค้า", thai=True, locale="th")
    assert render_png(pdf, "pdf-visit-thai")


@needs_pdftoppm
def test_urdu_visit_report_renders(tmp_path):
    pdf = build_visit(tmp_path, store="لاہور مال روڈ", title="سروس چیک", urdu=True, locale="ur")
    assert render_png(pdf, "pdf-visit-urdu")


# ---------------------------------------------------------------------------
# A synthetic chain, for the large test and the benchmark

REGIONS = ["Marmara", "Ege", "İç Anadolu", "Sverige", "Norrland", "ประเทศไทย", "پاکستان", "Akdeniz"]
NAMES = ["Kadıköy", "Södermalm", "Göteborg", "Beşiktaş", "Åre", "Çankaya", "Malmö", "Üsküdar"]


def synthetic_comparison(stores: int = 2000, questions: int = 40, sections: int = 6):
    """A one-month comparison of ``stores`` stores, ``questions`` questions in ``sections``."""
    rng = random.Random(7)
    section_list = [SectionInfo(f"s{i}", f"Section {i + 1}") for i in range(sections)]
    question_list = [
        QuestionInfo(
            f"q{i}",
            f"s{i % sections}",
            f"Question {i + 1}: did the staff follow the standard?",
            "The standard for this question, as the checklist says it.",
            "yes_no",
        )
        for i in range(questions)
    ]
    infos = []
    current: dict[str, StoreSums] = {}
    previous: dict[str, StoreSums] = {}
    for i in range(stores):
        code = f"S{i:05d}"
        name = f"{NAMES[i % len(NAMES)]} {i // len(NAMES) + 1}"
        if i % 400 == 5:
            name = "สาขาสยามพารากอน"
        if i % 400 == 6:
            name = "لاہور مال روڈ"
        infos.append(StoreInfo(code, name, REGIONS[i % len(REGIONS)], i % 50 == 0))
        if i % 97 == 3:
            continue  # not visited
        visits = rng.randint(1, 3)
        overall = [rng.uniform(30, 100) for _ in range(visits)]
        store = StoreSums(visits, sum(overall), visits, int(rng.random() < 0.05))
        for s in section_list:
            store.sections[s.code] = [
                sum(min(100, o + rng.uniform(-10, 10)) for o in overall),
                visits,
            ]
        for q in question_list:
            good = sum(rng.random() < o / 100 for o in overall)
            store.questions[q.code] = [10.0 * good, 10.0 * visits, visits, visits - good]
        current[code] = store
        before = rng.uniform(30, 100)
        previous[code] = StoreSums(1, before, 1)
    first = date(2026, 10, 1)
    trend = [
        TrendPoint(
            date(2025 + (m + 10) // 12, (m + 10) % 12 + 1, 1),
            rng.uniform(60, 80),
            rng.uniform(50, 75),
        )
        for m in range(12)
    ]
    return compare(
        checklist="store-service",
        title="Store service",
        first_day=first,
        last_day=first + timedelta(days=30),
        region=None,
        competitors_included=True,
        sections=section_list,
        questions=question_list,
        stores=infos,
        current=current,
        previous=previous,
        trend=trend,
    )


def bench_comparison_pdf(stores: int = 2000, *, traced: bool = False) -> dict[str, float]:
    """Build a synthetic ``stores``-store comparison PDF: seconds, peak memory, pages.

    The fonts and the Thai tokenizer are loaded first, as a running server has
    them. ``peak_rss_mb`` is the process's peak resident memory (fonts and all);
    with ``traced`` the build runs again under tracemalloc (ten times slower)
    for the peak of Python allocations alone.
    """
    from shopper.pdf.fonts import register_fonts

    register_fonts()
    build_comparison_pdf(
        synthetic_comparison(20), labels={}, generated_at=GENERATED, filters=FILTERS
    )
    comparison = synthetic_comparison(stores)
    rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    timings = []
    for _ in range(3):
        wall, cpu = time.perf_counter(), time.process_time()
        pdf = build_comparison_pdf(comparison, labels={}, generated_at=GENERATED, filters=FILTERS)
        timings.append((time.perf_counter() - wall, time.process_time() - cpu))
    result = {
        "stores": stores,
        "seconds": round(sorted(t[0] for t in timings)[1], 2),
        "cpu_seconds": round(sorted(t[1] for t in timings)[1], 2),
        "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
        "rss_before_mb": round(rss_before, 1),
        "pages": len(PdfReader(io.BytesIO(pdf)).pages),
        "bytes": len(pdf),
    }
    if traced:
        tracemalloc.start()
        build_comparison_pdf(comparison, labels={}, generated_at=GENERATED, filters=FILTERS)
        result["traced_peak_mb"] = round(tracemalloc.get_traced_memory()[1] / 2**20, 1)
        tracemalloc.stop()
    return result


if __name__ == "__main__":  # python -m tests.unit.test_pdf [stores]
    import sys

    print(bench_comparison_pdf(int(sys.argv[1]) if len(sys.argv) > 1 else 2000, traced=True))


# ---------------------------------------------------------------------------
# The comparison PDF as a report an owner hands on: cover, store pages, one store


TARGETS = {"overall": 80, "sections": {"welcome": 90}}


def dropping_comparison():
    """The fixture stores, with IST-02 and LHE-01 lower than in the period before."""
    stores = fixture_stores()
    scores = {
        "IST-01": [91.0, 89.0],
        "STO-01": [86.25],
        "GBG-01": [77.5, 70.0],
        "BKK-01": [72.0],
        "IST-02": [64.0],
        "LHE-01": [58.5],
        "ANK-01": [40.0, 50.0],
        "CMP-01": [69.0],
    }
    current = {code: sums(values) for code, values in scores.items()}
    current["ANK-01"].critical_failures = 2
    previous = {code: sums([values[0] - 4]) for code, values in scores.items()}
    previous["IST-02"] = sums([75.0])  # −11.0 pts
    previous["LHE-01"] = sums([61.0])  # −2.5 pts
    return compare(
        checklist="store-service",
        title="Store service",
        first_day=date(2026, 10, 1),
        last_day=date(2026, 10, 31),
        region=None,
        competitors_included=True,
        sections=SECTIONS,
        questions=QUESTIONS,
        stores=stores,
        current=current,
        previous=previous,
    )


def test_the_cover_says_score_against_target_and_before_best_worst_drops_and_criticals():
    pdf = build_comparison_pdf(
        dropping_comparison(),
        labels={},
        generated_at=GENERATED,
        filters=FILTERS,
        targets=TARGETS,
        chain_change=-2.25,
    )
    cover = pdf_pages_text(pdf)[0]
    lines = cover.splitlines()
    # The own stores' mean: (90 + 86.25 + 73.75 + 72 + 64 + 58.5 + 45) / 7 = 69.93 → 69.9.
    assert "69.9%" in lines
    assert "−10.1 pts against the target (Target 80.0%)" in lines
    assert "−2.3 pts against Sep 1, 2026 – Sep 30, 2026" in lines  # −2.25 rounds away
    assert "Stores at or above the target: 2 of 7" in lines
    assert "Stores with a critical failure: 1" in lines
    best = lines.index("Best stores")
    assert lines[best + 1 : best + 7] == [
        "Kadıköy Şubesi",
        "90.0",
        "Södermalm",
        "86.3",
        "Göteborg Centrum",
        "73.8",
    ]
    worst = lines.index("Weakest stores")
    assert lines[worst + 1 : worst + 3] == ["Kızılay Şubesi", "45.0"]
    drops = lines.index("Biggest drops")
    assert lines[drops + 1 : drops + 3] == ["Beşiktaş Şubesi", "−11.0 pts"]
    assert lines[drops + 4] == "−2.5 pts"  # the Urdu name extracts in presentation forms
    assert "Target 80.0" in cover  # the target's line on the ranking chart
    assert "Chain average 69.9" in cover
    # The chain pages follow as before: the ranking table is on page 2.
    assert "Ranking" in pdf_pages_text(pdf)[1]


def test_the_cover_without_target_or_drops_says_so(comparison_pdf):
    cover = pdf_pages_text(comparison_pdf)[0]
    assert "No target set" in cover
    assert "No store scored lower" in cover
    assert "Previous period: Sep 1, 2026 – Sep 30, 2026" in cover


def store_details(tmp_path: Path) -> dict:
    """Every fixture store's page: two visits, two questions lost, a photo, an open action."""
    from shopper.domain.store_report import LostPoints, OpenAction, PhotoThumb, StoreDetail

    photo = tmp_path / "photo.thumb.jpg"
    Image.new("RGB", (320, 240), (190, 50, 50)).save(photo, "JPEG")
    return {
        row.store.code: StoreDetail(
            visit_dates=(date(2026, 10, 3), date(2026, 10, 17)),
            lost=(
                LostPoints(
                    "greeted",
                    10.0,
                    20.0,
                    2,
                    1,
                    (
                        (date(2026, 10, 17), "ไม่มีใครทักทายเลย"),
                        (date(2026, 10, 3), "کسی نے سلام نہیں کیا (10 سیکنڈ)"),
                    ),
                ),
                LostPoints("advice", 12.0, 20.0, 2, 0, ((date(2026, 10, 3), INJECTION),)),
            ),
            photos=(PhotoThumb(photo, "greeted", date(2026, 10, 17)),),
            actions=(OpenAction("Greet within 10 s", date(2026, 10, 20), "open", True),),
        )
        for row in fixture_comparison().stores
    }


def test_store_sections_show_figures_lost_points_comments_photos_and_actions(tmp_path):
    details = store_details(tmp_path)
    pdf = build_comparison_pdf(
        fixture_comparison(),
        labels={},
        generated_at=GENERATED,
        filters=FILTERS,
        targets=TARGETS,
        details=details,
    )
    reader = PdfReader(io.BytesIO(pdf))
    pages = [page.extract_text() for page in reader.pages]
    sections = [i for i, page in enumerate(pages) if page.startswith("Store by store")]
    assert len(sections) == len(fixture_comparison().stores)  # one page per store here
    page = pages[sections[0]]
    lines = page.splitlines()
    assert lines[1:3] == ["Kadıköy Şubesi", "IST-01 · Marmara · Rank 1 of 9"]
    assert "Visits: Oct 3, 2026 and Oct 17, 2026" in lines
    # Store 90.0 against a chain of 71.4 (own stores), target 80: +18.6 and +10.0 pts.
    figures = lines.index("Critical failures") + 1
    assert lines[figures : figures + 7] == [
        "90.0",
        "71.4",
        "+18.6 pts",
        "80.0",
        "+10.0 pts",
        "+3.0 pts",  # the period before: one visit at 91 − 4 = 87
        "0",
    ]
    # The points lost, most first, with the shoppers' comments; markup prints as written.
    assert page.index("Was the shopper greeted?") < page.index("How good was the advice?")
    assert f"Oct 3, 2026: “{INJECTION}”" in page
    assert "Critical failure, visits: 1" in page
    assert "Photos of failed items" in page and "Open actions" in page and "overdue" in page
    assert len(reader.pages[sections[0]].images) == 1


def test_one_stores_report_is_its_cover_and_its_section(tmp_path):
    pdf = build_comparison_pdf(
        fixture_comparison(),
        labels={},
        generated_at=GENERATED,
        filters=FILTERS,
        targets=TARGETS,
        details=store_details(tmp_path),
        store="ANK-01",
    )
    pages = pdf_pages_text(pdf)
    lines = pages[0].splitlines()
    assert lines[:3] == ["Store report", "Kızılay Şubesi", "ANK-01 · İç Anadolu · Rank 9 of 9"]
    assert "45.0%" in lines
    assert "−26.4 pts against the chain (71.4%)" in lines
    assert "−35.0 pts against the target (Target 80.0%)" in lines
    text = "\n".join(pages)
    assert "Kadıköy Şubesi" not in text  # no other store's name
    assert (
        PdfReader(io.BytesIO(pdf)).metadata.title == "Store report – Kızılay Şubesi – Store service"
    )


def test_a_right_to_left_table_reads_from_the_right():
    from shopper.pdf import mirror_table
    from shopper.pdf.fonts import TextBlock

    header = TextBlock("Store", align="left")
    rows, widths, commands = mirror_table(
        [[header, "1"], ["Kadıköy", "2"]],
        [200.0, 40.0],
        [("ALIGN", (1, 0), (1, -1), "RIGHT"), ("TEXTCOLOR", (0, 1), (0, 1), "red")],
    )
    assert rows == [["1", header], ["2", "Kadıköy"]]
    assert widths == [40.0, 200.0]
    assert header.align == "right"
    assert commands == [
        ("ALIGN", (0, 0), (-1, -1), "RIGHT"),
        ("ALIGN", (0, 0), (0, -1), "LEFT"),
        ("TEXTCOLOR", (1, 1), (1, 1), "red"),
    ]


@needs_pdftoppm
@pytest.mark.parametrize("locale", ["en", "tr", "th", "ur"])
def test_store_pages_render_in_every_script(tmp_path, locale):
    details = store_details(tmp_path)
    for store, name in (
        (None, f"pdf-unit-stores-{locale}"),
        ("LHE-01", f"pdf-unit-store-{locale}"),
    ):
        pdf = build_comparison_pdf(
            fixture_comparison(),
            labels={},
            generated_at=GENERATED,
            filters=["Store service", "2026-10-01 – 2026-10-31", "Whole chain"],
            locale=locale,
            targets=TARGETS,
            details=details,
            store=store,
        )
        assert render_png(pdf, name, 1, 6 if store is None else None)


def test_an_urdu_footer_runs_from_the_right_with_the_periods_first_day_first():
    pdf = build_comparison_pdf(
        fixture_comparison(),
        labels={"page_of": "صفحہ %(page)s از %(pages)s"},
        generated_at=GENERATED,
        # As describe_filters gives them: each date isolated, the range in Urdu words.
        filters=[
            "Store service",
            "\u20662026-10-01\u2069 تا \u20662026-10-31\u2069",
            "تمام اسٹورز",
        ],
        locale="ur",
        store="LHE-01",
    )
    placed: list[tuple[str, float, float]] = []

    def visit(text, cm, tm, font, size):
        if text.strip():
            placed.append((text, tm[4], tm[5]))

    PdfReader(io.BytesIO(pdf)).pages[0].extract_text(visitor_text=visit)
    x = {text.strip(): left for text, left, _ in placed}
    # Read from the right: the checklist, the first day, the last day; the page number
    # at the left end of the line below.
    assert x["Store service"] > x["2026-10-01"] > x["2026-10-31"]
    # The generation time, in Urdu's way ("3 نومبر، 2026 2:05 PM UTC"), starts on the right.
    stamp = [left for text, left in x.items() if text.endswith("UTC")]
    assert stamp and min(stamp) > x["1"]
