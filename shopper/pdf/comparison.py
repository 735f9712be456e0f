"""The comparison PDF for owners: cover, ranking, heat map, trend, questions, regions.

``build_comparison_pdf`` takes the frozen :class:`~shopper.domain.comparison.Comparison`
and translated labels and returns PDF bytes; every figure is the comparison's,
rounded only for display with :func:`shopper.domain.scoring.round_pct`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from reportlab.graphics import renderPDF
from reportlab.graphics.charts.barcharts import HorizontalBarChart
from reportlab.graphics.charts.linecharts import HorizontalLineChart
from reportlab.graphics.shapes import Drawing, Group, Line, Polygon, Rect
from reportlab.lib import colors
from reportlab.platypus import CondPageBreak, Flowable, KeepTogether, PageBreak, Spacer, Table

from shopper.domain.comparison import Comparison, QuestionRow, StoreRow
from shopper.domain.i18n import N_, is_rtl_language
from shopper.domain.scoring import round_pct
from shopper.pdf import (
    BODY_SIZE,
    CONTENT_WIDTH,
    HEADER_FILL,
    INK,
    MUTED,
    NO_VALUE,
    RULE,
    SMALL_SIZE,
    Labels,
    build_document,
    cell,
    data_table,
    format_change,
    format_count,
    format_date,
    format_month,
    format_percent,
    format_score,
    format_timestamp,
    header_cells,
    heading,
    note,
)
from shopper.pdf.fonts import LATIN, Fonts, TextBlock, draw_text, register_fonts

DEFAULT_LABELS: dict[str, str] = {
    "document_title": N_("Store comparison"),
    "filters": N_("Filters"),
    "period": N_("Period"),
    "previous_period": N_("Previous period"),
    "region": N_("Region"),
    "whole_chain": N_("Whole chain"),
    "competitors": N_("Competitors"),
    "competitors_included": N_("included"),
    "competitors_excluded": N_("not included"),
    "date_range": N_("%(first)s – %(last)s"),
    "chain_score": N_("Chain score"),
    "competitor_benchmark": N_("Competitor benchmark"),
    "consistency": N_("Consistency"),
    "consistency_hint": N_(
        "Spread of store scores (standard deviation, in points); lower is more even."
    ),
    "critical_failures": N_("Critical failures"),
    "visits_counted": N_("Visits counted"),
    "stores_ranked": N_("Stores ranked: %(count)s"),
    "ranking": N_("Ranking"),
    "rank": N_("Rank"),
    "code": N_("Code"),
    "store": N_("Store"),
    "visits": N_("Visits"),
    "score": N_("Score %"),
    "change": N_("Change"),
    # A change of score: a difference in percentage points, never a percentage.
    "points_change": N_("%(change)s pts"),
    "competitor": N_("Competitor"),
    "competitor_flag": N_("competitor"),
    "chart_caption": N_("Store scores, best first. The dark line is the chain average."),
    "chart_caption_many": N_(
        "One bar per store, best first (%(count)s stores). The dark line is the chain average."
    ),
    "chain_average": N_("Chain average %(score)s"),
    "competitor_average": N_("Competitors %(score)s"),
    "no_stores": N_("No store has a counted visit in this period."),
    "heat_map": N_("Scores by section"),
    "overall": N_("Overall"),
    "legend_low": N_("below 60"),
    "legend_mid": N_("60 to under 80"),
    "legend_high": N_("80 and above"),
    "legend_none": N_("no score"),
    "trend": N_("Trend by month"),
    "trend_chain": N_("Chain"),
    "trend_competitors": N_("Competitors"),
    "no_trend": N_("No trend data."),
    "worst_questions": N_("Questions failed most often"),
    "least_consistent": N_("Questions the stores handle least alike"),
    "question": N_("Question"),
    "standard": N_("Standard"),
    "fail_rate": N_("Failed %"),
    "answers": N_("Answers"),
    "spread": N_("Spread"),
    "no_questions": N_("No question was answered in this period."),
    "regions": N_("Regions"),
    "stores": N_("Stores"),
    "difference": N_("Chain minus competitors"),
    "competitor_stores": N_("Competitor stores"),
    "no_competitors": N_("No competitor store has a score in this period."),
    "competitors_not_included": N_("Competitors are not included in this comparison."),
    "not_visited": N_("Stores not visited"),
    "all_visited": N_("Every store in the comparison was visited."),
    "page_of": N_("Page %(page)s of %(pages)s"),
    "generated": N_("Generated %(time)s"),
}
LABEL_KEYS: tuple[str, ...] = tuple(DEFAULT_LABELS)

WIDTH = CONTENT_WIDTH
OWN_COLOUR = colors.HexColor("#3e7cb1")
RIVAL_COLOUR = colors.HexColor("#e07b39")
RIVAL_FILL = colors.HexColor("#fdf0e6")
GOOD = colors.HexColor("#1b7f4b")
BAD = colors.HexColor("#b42318")
HEAT = {
    "low": colors.HexColor("#f8b4b4"),
    "mid": colors.HexColor("#fcd9a0"),
    "high": colors.HexColor("#b7e4c7"),
    "none": colors.HexColor("#e4e7eb"),
}
LABELLED_BARS = 40
TOP_QUESTIONS = 10
HEAT_STORE_WIDTH = 150.0
HEAT_MIN_COLUMN = 46.0


def heat_band(score: float | None) -> str:
    """The heat-map colour of a score, judged on the value as printed (one decimal)."""
    rounded = round_pct(score)
    if rounded is None:
        return "none"
    if rounded < 60:
        return "low"
    if rounded < 80:
        return "mid"
    return "high"


def build_comparison_pdf(
    comparison: Comparison,
    *,
    labels: Mapping[str, str],
    generated_at: datetime,
    filters: str,
    locale: str = "en",
    font_cache: Path | None = None,
) -> bytes:
    """The comparison as a PDF: every page's footer has its number, the time and the filters."""
    fonts = register_fonts(font_cache)
    text = Labels(DEFAULT_LABELS, labels)
    page = _Page(comparison, text, locale, fonts)
    story: list[Flowable] = []
    story += page.cover(generated_at)
    story.append(PageBreak())
    story += page.ranking()
    story += page.heat_map()
    story += page.trend()
    story += page.questions()
    story += page.regions()
    story += page.competitors()
    story += page.not_visited()
    stamp = text.format("generated", time=format_timestamp(generated_at))

    def footer(number: int, total: int) -> tuple[str, str, str]:
        return filters, stamp, text.format("page_of", page=number, pages=total)

    return build_document(
        story,
        title=f"{text['document_title']} – {comparison.title}",
        footer=footer,
        fonts=fonts,
        rtl=is_rtl_language(locale),
    )


@dataclass
class _Page:
    """The parts of the document, each a list of flowables."""

    comparison: Comparison
    text: Labels
    locale: str
    fonts: Fonts

    # -- helpers -------------------------------------------------------------

    def score(self, value: float | None) -> str:
        return format_score(value, self.locale)

    def percent(self, value: float | None) -> str:
        return format_percent(value, self.locale)

    def change(self, value: float | None) -> str:
        """A change in percentage points with its sign: ``+4.0 pts``."""
        shown = format_change(value, self.locale)
        return shown if shown == NO_VALUE else self.text.format("points_change", change=shown)

    def cell(self, value: object, width: float, **options) -> str | TextBlock:
        return cell(value, width, fonts=self.fonts, **options)

    def headers(self, keys: Sequence[str], widths: Sequence[float], numbers: int = 0) -> list:
        """Header cells; the last ``numbers`` columns hold figures and align right."""
        aligns = ["left"] * (len(keys) - numbers) + ["right"] * numbers
        return header_cells([self.text[k] for k in keys], widths, self.fonts, aligns)

    # -- cover ---------------------------------------------------------------

    def cover(self, generated_at: datetime) -> list[Flowable]:
        c = self.comparison
        t = self.text
        fonts = self.fonts
        period = t.format(
            "date_range",
            first=format_date(c.first_day, self.locale),
            last=format_date(c.last_day, self.locale),
        )
        previous = t.format(
            "date_range",
            first=format_date(c.previous_first_day, self.locale),
            last=format_date(c.previous_last_day, self.locale),
        )
        facts = [
            (t["period"], period),
            (t["previous_period"], previous),
            (t["region"], c.region if c.region else t["whole_chain"]),
            (
                t["competitors"],
                t["competitors_included"] if c.competitors_included else t["competitors_excluded"],
            ),
        ]
        label_width, value_width = 130.0, WIDTH - 130.0
        fact_rows = [
            [
                TextBlock(label, size=10, color=MUTED, fonts=fonts),
                TextBlock(value, size=10, bold=True, fonts=fonts),
            ]
            for label, value in facts
        ]
        fact_table = Table(fact_rows, colWidths=[label_width, value_width])
        fact_table.setStyle(
            [
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("LINEBELOW", (0, 0), (-1, -1), 0.25, RULE),
                ("TOPPADDING", (0, 0), (-1, -1), 4),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 4),
            ]
        )
        benchmark = self.percent(c.competitor_score)
        tiles = [
            (t["chain_score"], self.percent(c.chain_score)),
            (t["competitor_benchmark"], benchmark),
            (t["consistency"], format_score(c.chain_consistency, self.locale)),
            (t["critical_failures"], format_count(c.chain_critical_failures, self.locale)),
            (t["visits_counted"], format_count(c.chain_visits, self.locale)),
        ]
        tile_width = WIDTH / len(tiles)
        tile_table = Table(
            [
                [TextBlock(value, size=20, bold=True, fonts=fonts) for _, value in tiles],
                [TextBlock(label, size=8.5, color=MUTED, fonts=fonts) for label, _ in tiles],
            ],
            colWidths=[tile_width] * len(tiles),
        )
        tile_table.setStyle(
            [
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("BACKGROUND", (0, 0), (-1, -1), colors.HexColor("#f5f7fa")),
                ("LINEAFTER", (0, 0), (-2, -1), 2, colors.white),
                ("TOPPADDING", (0, 0), (-1, 0), 10),
                ("BOTTOMPADDING", (0, -1), (-1, -1), 10),
                ("LEFTPADDING", (0, 0), (-1, -1), 8),
            ]
        )
        return [
            Spacer(1, 30),
            TextBlock(t["document_title"], size=12, color=MUTED, fonts=fonts, space_after=4),
            TextBlock(c.title, size=22, bold=True, fonts=fonts, space_after=18),
            TextBlock(t["filters"], size=11, bold=True, fonts=fonts, space_after=4),
            fact_table,
            Spacer(1, 22),
            tile_table,
            Spacer(1, 6),
            note(t["consistency_hint"], fonts),
            note(t.format("stores_ranked", count=format_count(len(c.stores), self.locale)), fonts),
            note(t.format("generated", time=format_timestamp(generated_at)), fonts),
        ]

    # -- ranking -------------------------------------------------------------

    def ranking(self) -> list[Flowable]:
        c = self.comparison
        out: list[Flowable] = [heading(self.text["ranking"], self.fonts, space_before=0)]
        if not c.stores:
            return [*out, note(self.text["no_stores"], self.fonts)]
        out.append(self.ranking_chart())
        out.append(Spacer(1, 8))
        out.append(self.ranking_table())
        return out

    def ranking_table(self) -> Table:
        keys = (
            "rank",
            "code",
            "store",
            "region",
            "visits",
            "score",
            "change",
            "critical_failures",
            "competitor",
        )
        widths = [30.0, 46.0, 0.0, 80.0, 34.0, 42.0, 50.0, 46.0, 58.0]
        widths[2] = WIDTH - sum(widths)
        rows: list[list] = [self.headers(keys[:-1], widths[:-1], numbers=4)]
        rows[0] += header_cells([self.text["competitor"]], widths[-1:], self.fonts, ["left"])
        extra: list[tuple] = [("ALIGN", (4, 0), (7, -1), "RIGHT")]
        flag = self.text["competitor_flag"]
        locale = self.locale
        for index, row in enumerate(self.comparison.stores, start=1):
            store = row.store
            rows.append(
                [
                    str(row.rank) if row.score is not None else "",
                    self.cell(store.code, widths[1]),
                    self.cell(store.name, widths[2]),
                    self.cell(store.region, widths[3]),
                    format_count(row.visits, locale),
                    format_score(row.score, locale),
                    self.change(row.change),
                    format_count(row.critical_failures, locale),
                    self.cell(flag, widths[8], color=RIVAL_COLOUR) if store.competitor else "",
                ]
            )
            if store.competitor:
                extra.append(("BACKGROUND", (0, index), (-1, index), RIVAL_FILL))
            change = round_pct(row.change)
            if change:
                extra.append(("TEXTCOLOR", (6, index), (6, index), GOOD if change > 0 else BAD))
            if row.critical_failures:
                extra.append(("TEXTCOLOR", (7, index), (7, index), BAD))
        return data_table(rows, widths, self.fonts, extra=extra)

    def ranking_chart(self) -> Flowable:
        c = self.comparison
        stores = c.stores
        many = len(stores) > LABELLED_BARS
        label_width = 0.0 if many else 150.0
        bar_height = 12.0
        plot_height = 420.0 if many else max(bar_height * len(stores), 40.0)
        axis_room = 18.0
        top_room = 14.0
        height = plot_height + axis_room + top_room
        drawing = Drawing(WIDTH, height)
        chart = HorizontalBarChart()
        chart.x = label_width + 4
        chart.y = axis_room
        chart.width = WIDTH - chart.x - 10
        chart.height = plot_height
        # With many stores the chart keeps its axes and grid, and the bars are
        # one staircase outline: 2,000 bar widgets would cost seconds to draw.
        chart.data = [[None]] if many else [[row.score for row in stores]]
        chart.categoryAxis.reverseDirection = 1
        chart.categoryAxis.categoryNames = [""] * len(chart.data[0])
        chart.categoryAxis.visibleTicks = 0
        chart.categoryAxis.visibleLabels = 0
        chart.categoryAxis.strokeColor = RULE
        chart.valueAxis.valueMin = 0
        chart.valueAxis.valueMax = 100
        chart.valueAxis.valueStep = 10
        chart.valueAxis.labels.fontName = self.fonts.name(LATIN)
        chart.valueAxis.labels.fontSize = SMALL_SIZE
        chart.valueAxis.strokeColor = RULE
        chart.valueAxis.visibleGrid = 1
        chart.valueAxis.gridStrokeColor = colors.HexColor("#eef1f4")
        chart.bars.strokeColor = None
        chart.bars[0].fillColor = OWN_COLOUR
        chart.barSpacing = 0
        chart.groupSpacing = 3
        if not many:
            for index, row in enumerate(stores):
                if row.store.competitor:
                    chart.bars[(0, index)].fillColor = RIVAL_COLOUR
        drawing.add(chart)
        if many:
            drawing.add(self.profile(chart, stores))
        labels: list[_Label] = []

        def marker(value: float | None, colour, key: str, dashed: bool) -> None:
            if value is None:
                return
            x = chart.x + chart.width * value / 100
            line = Line(x, chart.y, x, chart.y + chart.height + 4)
            line.strokeColor = colour
            line.strokeWidth = 1.2
            if dashed:
                line.strokeDashArray = [3, 2]
            drawing.add(line)
            labels.append(
                _Label(
                    self.text.format(key, score=self.score(value)),
                    x,
                    chart.y + chart.height + 5,
                    size=SMALL_SIZE,
                    align="center",
                    colour=colour,
                    bold=True,
                )
            )

        marker(c.chain_score, INK, "chain_average", False)
        if c.competitors_included and c.competitor_score is not None:
            marker(c.competitor_score, RIVAL_COLOUR, "competitor_average", True)
        if labels and len(labels) == 2 and abs(labels[0].x - labels[1].x) < 90:
            # Keep the two marker labels apart when the averages are close.
            left, right = sorted(labels, key=lambda label: label.x)
            left.align, right.align = "right", "left"
            left.x -= 3
            right.x += 3
        if not many:
            step = chart.height / len(stores)
            for index, row in enumerate(stores):
                y = chart.y + chart.height - step * (index + 0.5) - BODY_SIZE * 0.35
                labels.append(
                    _Label(
                        row.store.name,
                        label_width,
                        y,
                        size=SMALL_SIZE + 0.5,
                        align="right",
                        colour=RIVAL_COLOUR if row.store.competitor else INK,
                        max_width=label_width - 4,
                    )
                )
        caption = (
            self.text.format("chart_caption_many", count=format_count(len(stores), self.locale))
            if many
            else self.text["chart_caption"]
        )
        return KeepTogether([_Chart(drawing, labels, self.fonts), note(caption, self.fonts)])

    @staticmethod
    def profile(chart: HorizontalBarChart, stores: Sequence[StoreRow]) -> Group:
        """Every store's bar, best first, drawn as one outline plus the competitors' bars."""
        group = Group()
        step = chart.height / len(stores)
        top = chart.y + chart.height

        def right(row: StoreRow) -> float:
            return chart.x + chart.width * max(0.0, min(row.score or 0.0, 100.0)) / 100

        points = [chart.x, top]
        for index, row in enumerate(stores):
            x = right(row)
            points += [x, top - index * step, x, top - (index + 1) * step]
        points += [chart.x, chart.y]
        group.add(Polygon(points, fillColor=OWN_COLOUR, strokeColor=None))
        for index, row in enumerate(stores):
            if row.store.competitor and row.score:
                height = max(step, 1.0)
                y = top - (index + 1) * step - (height - step) / 2
                group.add(
                    Rect(
                        chart.x,
                        y,
                        right(row) - chart.x,
                        height,
                        fillColor=RIVAL_COLOUR,
                        strokeColor=None,
                    )
                )
        return group

    # -- heat map ------------------------------------------------------------

    def heat_map(self) -> list[Flowable]:
        c = self.comparison
        t = self.text
        out: list[Flowable] = [PageBreak(), heading(t["heat_map"], self.fonts, space_before=0)]
        if not c.stores:
            return [*out, note(t["no_stores"], self.fonts)]
        out.append(self.heat_legend())
        sections = list(c.sections)
        room = WIDTH - HEAT_STORE_WIDTH
        per_table = max(1, int(room // HEAT_MIN_COLUMN) - 1)
        groups = [sections[i : i + per_table] for i in range(0, len(sections), per_table)] or [[]]
        for number, group in enumerate(groups):
            if number:
                out.append(PageBreak())
            out.append(self.heat_table(group, overall=number == len(groups) - 1))
        return out

    def heat_table(self, sections, *, overall: bool) -> Table:
        columns = len(sections) + (1 if overall else 0)
        column = (WIDTH - HEAT_STORE_WIDTH) / max(columns, 1)
        widths = [HEAT_STORE_WIDTH] + [column] * columns
        titles = [self.text["store"]] + [s.title for s in sections]
        if overall:
            titles.append(self.text["overall"])
        aligns = ["left"] + ["center"] * columns
        rows: list[list] = [header_cells(titles, widths, self.fonts, aligns)]
        bands: list[list[str]] = []
        for row in self.comparison.stores:
            values = [row.sections.get(s.code) for s in sections]
            if overall:
                values.append(row.score)
            rows.append(
                [self.cell(row.store.name, HEAT_STORE_WIDTH)]
                + [format_score(v, self.locale) for v in values]
            )
            bands.append([heat_band(v) for v in values])
        extra: list[tuple] = [("ALIGN", (1, 0), (-1, -1), "CENTER")]
        # One command per run of equal colour down a column: far fewer than one per cell.
        for col in range(columns):
            start = 0
            for index in range(1, len(bands) + 1):
                if index == len(bands) or bands[index][col] != bands[start][col]:
                    extra.append(
                        (
                            "BACKGROUND",
                            (col + 1, start + 1),
                            (col + 1, index),
                            HEAT[bands[start][col]],
                        )
                    )
                    start = index
        extra.append(("LINEAFTER", (0, 0), (-1, -1), 1, colors.white))
        if overall:
            extra.append(("FONTNAME", (-1, 1), (-1, -1), self.fonts.name(LATIN, True)))
        return data_table(rows, widths, self.fonts, extra=extra)

    def heat_legend(self) -> Flowable:
        t = self.text
        items = [
            (HEAT["low"], t["legend_low"]),
            (HEAT["mid"], t["legend_mid"]),
            (HEAT["high"], t["legend_high"]),
            (HEAT["none"], t["legend_none"]),
        ]
        drawing = Drawing(WIDTH, 16)
        labels = []
        x = 0.0
        step = WIDTH / len(items)
        for colour, label in items:
            drawing.add(Rect(x, 3, 14, 10, fillColor=colour, strokeColor=None))
            labels.append(_Label(label, x + 18, 5, size=BODY_SIZE, max_width=step - 22))
            x += step
        return _Chart(drawing, labels, self.fonts, space_after=6)

    # -- trend ---------------------------------------------------------------

    def trend(self) -> list[Flowable]:
        t = self.text
        points = list(self.comparison.trend)
        out: list[Flowable] = [CondPageBreak(260), heading(t["trend"], self.fonts)]
        if not any(p.chain is not None or p.competitors is not None for p in points):
            return [*out, note(t["no_trend"], self.fonts)]
        height = 200.0
        drawing = Drawing(WIDTH, height + 40)
        chart = HorizontalLineChart()
        chart.x = 34
        chart.y = 34
        chart.width = WIDTH - 50
        chart.height = height - 20
        chain = [p.chain for p in points]
        rivals = [p.competitors for p in points]
        show_rivals = self.comparison.competitors_included and any(v is not None for v in rivals)
        chart.data = [chain, rivals] if show_rivals else [chain]
        # A line needs two points; with fewer, the months show as markers only.
        joined = all(sum(v is not None for v in series) >= 2 for series in chart.data)
        chart.categoryAxis.categoryNames = [""] * len(points)
        chart.categoryAxis.strokeColor = RULE
        chart.valueAxis.valueMin = 0
        chart.valueAxis.valueMax = 100
        chart.valueAxis.valueStep = 20
        chart.valueAxis.labels.fontName = self.fonts.name(LATIN)
        chart.valueAxis.labels.fontSize = SMALL_SIZE
        chart.valueAxis.strokeColor = RULE
        chart.valueAxis.visibleGrid = 1
        chart.valueAxis.gridStrokeColor = colors.HexColor("#eef1f4")
        chart.joinedLines = 1 if joined else 0
        chart.lines[0].strokeColor = OWN_COLOUR
        chart.lines[0].strokeWidth = 2
        chart.lines[1].strokeColor = RIVAL_COLOUR
        chart.lines[1].strokeWidth = 2
        chart.lines[1].strokeDashArray = [4, 2]
        from reportlab.graphics.widgets.markers import makeMarker

        chart.lines[0].symbol = makeMarker("FilledCircle", size=4, fillColor=OWN_COLOUR)
        chart.lines[1].symbol = makeMarker("FilledSquare", size=4, fillColor=RIVAL_COLOUR)
        drawing.add(chart)
        labels = []
        step = chart.width / len(points)
        every = max(1, len(points) // 12 + (1 if len(points) % 12 else 0))
        for index, point in enumerate(points):
            if index % every:
                continue
            labels.append(
                _Label(
                    format_month(point.month, self.locale),
                    chart.x + step * (index + 0.5),
                    chart.y - 12,
                    size=SMALL_SIZE,
                    align="center",
                    max_width=step * every - 2,
                )
            )
        legend = [(OWN_COLOUR, t["trend_chain"])]
        if show_rivals:
            legend.append((RIVAL_COLOUR, t["trend_competitors"]))
        x = chart.x
        top = height + 24
        for colour, label in legend:
            drawing.add(Line(x, top + 3, x + 16, top + 3, strokeColor=colour, strokeWidth=2))
            labels.append(_Label(label, x + 20, top, size=BODY_SIZE, max_width=150))
            x += 170
        return [*out, _Chart(drawing, labels, self.fonts)]

    # -- questions -----------------------------------------------------------

    def questions(self) -> list[Flowable]:
        t = self.text
        rows = list(self.comparison.questions)
        worst = sorted(
            (q for q in rows if q.fail_rate is not None and q.fails > 0),
            key=lambda q: (-q.fail_rate, q.score if q.score is not None else 101, q.info.code),
        )[:TOP_QUESTIONS]
        uneven = sorted(
            (q for q in rows if q.consistency is not None),
            key=lambda q: (-q.consistency, q.info.code),
        )[:TOP_QUESTIONS]
        out: list[Flowable] = [CondPageBreak(200), heading(t["worst_questions"], self.fonts)]
        out.append(
            self.question_table(worst, ("fail_rate", "answers", "score"), "fail_rate")
            if worst
            else note(t["no_questions"], self.fonts)
        )
        out += [CondPageBreak(200), heading(t["least_consistent"], self.fonts)]
        out.append(
            self.question_table(uneven, ("spread", "answers", "score"), "spread")
            if uneven
            else note(t["no_questions"], self.fonts)
        )
        return out

    def question_table(
        self, questions: Sequence[QuestionRow], figures: Sequence[str], lead: str
    ) -> Table:
        sections = {s.code: s.title for s in self.comparison.sections}
        widths = [18.0, 0.0, 160.0, 46.0, 46.0, 46.0]
        widths[1] = WIDTH - sum(widths)
        keys = ("rank", "question", "standard", *figures)
        head = self.headers(keys, widths, numbers=len(figures))
        head[0] = "#"
        rows: list[list] = [head]
        for number, q in enumerate(questions, start=1):
            section = sections.get(q.info.section, q.info.section)
            values = {
                "fail_rate": format_score(q.fail_rate, self.locale),
                "spread": format_score(q.consistency, self.locale),
                "answers": format_count(q.answers, self.locale),
                "score": format_score(q.score, self.locale),
            }
            rows.append(
                [
                    str(number),
                    [
                        TextBlock(q.info.text, size=BODY_SIZE, fonts=self.fonts),
                        TextBlock(section, size=SMALL_SIZE, color=MUTED, fonts=self.fonts),
                    ],
                    TextBlock(q.info.standard or "", size=BODY_SIZE, fonts=self.fonts),
                    *(values[key] for key in figures),
                ]
            )
        extra = [
            ("ALIGN", (3, 0), (-1, -1), "RIGHT"),
            ("FONTNAME", (3, 1), (3, -1), self.fonts.name(LATIN, True)),
        ]
        return data_table(rows, widths, self.fonts, extra=extra)

    # -- regions, competitors, not visited -----------------------------------

    def regions(self) -> list[Flowable]:
        c = self.comparison
        t = self.text
        out: list[Flowable] = [CondPageBreak(160), heading(t["regions"], self.fonts)]
        if not c.regions:
            return [*out, note(t["no_stores"], self.fonts)]
        widths = [170.0, 50.0, 50.0, 0.0]
        widths[-1] = WIDTH - sum(widths)
        rows: list[list] = [self.headers(("region", "stores", "score"), widths[:3], numbers=2)]
        rows[0].append("")
        for region in c.regions:
            rows.append(
                [
                    self.cell(region.region, widths[0]),
                    format_count(region.stores, self.locale),
                    format_score(region.score, self.locale),
                    _ScoreBar(region.score, c.chain_score, OWN_COLOUR),
                ]
            )
        rows.append(
            [
                self.cell(t["whole_chain"], widths[0], bold=True),
                format_count(sum(r.stores for r in c.regions), self.locale),
                format_score(c.chain_score, self.locale),
                _ScoreBar(c.chain_score, c.chain_score, INK),
            ]
        )
        extra = [
            ("ALIGN", (1, 0), (2, -1), "RIGHT"),
            ("FONTNAME", (0, -1), (-1, -1), self.fonts.name(LATIN, True)),
            ("VALIGN", (0, 1), (-1, -1), "MIDDLE"),
        ]
        return [*out, data_table(rows, widths, self.fonts, extra=extra)]

    def competitors(self) -> list[Flowable]:
        c = self.comparison
        t = self.text
        out: list[Flowable] = [CondPageBreak(160), heading(t["competitor_benchmark"], self.fonts)]
        if not c.competitors_included:
            return [*out, note(t["competitors_not_included"], self.fonts)]
        difference = (
            c.chain_score - c.competitor_score
            if c.chain_score is not None and c.competitor_score is not None
            else None
        )
        widths = [WIDTH / 4] * 4
        summary = data_table(
            [
                self.headers(
                    ("chain_score", "competitor_benchmark", "difference", "competitor_stores"),
                    widths,
                    numbers=4,
                ),
                [
                    self.percent(c.chain_score),
                    self.percent(c.competitor_score),
                    self.change(difference),
                    format_count(c.competitor_stores, self.locale),
                ],
            ],
            widths,
            self.fonts,
            extra=[
                ("FONTSIZE", (0, 1), (-1, 1), 12),
                ("LEADING", (0, 1), (-1, 1), 15),
                ("ALIGN", (0, 0), (-1, -1), "RIGHT"),
            ],
        )
        out.append(summary)
        rivals = [row for row in c.stores if row.store.competitor]
        if not rivals:
            return [*out, Spacer(1, 4), note(t["no_competitors"], self.fonts)]
        out.append(Spacer(1, 8))
        out.append(self.store_list(rivals))
        return out

    def store_list(self, rows: Sequence[StoreRow]) -> Table:
        widths = [36.0, 60.0, 200.0, 0.0, 50.0, 50.0]
        widths[3] = WIDTH - sum(widths)
        table: list[list] = [
            self.headers(("rank", "code", "store", "region", "visits", "score"), widths, numbers=2)
        ]
        for row in rows:
            table.append(
                [
                    str(row.rank) if row.score is not None else "",
                    self.cell(row.store.code, widths[1]),
                    self.cell(row.store.name, widths[2]),
                    self.cell(row.store.region, widths[3]),
                    format_count(row.visits, self.locale),
                    format_score(row.score, self.locale),
                ]
            )
        return data_table(table, widths, self.fonts, extra=[("ALIGN", (4, 0), (-1, -1), "RIGHT")])

    def not_visited(self) -> list[Flowable]:
        c = self.comparison
        t = self.text
        out: list[Flowable] = [CondPageBreak(120), heading(t["not_visited"], self.fonts)]
        if not c.not_visited:
            return [*out, note(t["all_visited"], self.fonts)]
        widths = [70.0, 220.0, 0.0, 70.0]
        widths[2] = WIDTH - sum(widths)
        rows: list[list] = [self.headers(("code", "store", "region", "competitor"), widths)]
        flag = t["competitor_flag"]
        for store in c.not_visited:
            rows.append(
                [
                    self.cell(store.code, widths[0]),
                    self.cell(store.name, widths[1]),
                    self.cell(store.region, widths[2]),
                    self.cell(flag, widths[3], color=RIVAL_COLOUR) if store.competitor else "",
                ]
            )
        return [*out, data_table(rows, widths, self.fonts)]


@dataclass
class _Label:
    """A chart label in any script, placed in the drawing's coordinates."""

    text: str
    x: float
    y: float
    size: float = SMALL_SIZE
    align: str = "left"
    colour: object = INK
    max_width: float | None = None
    bold: bool = False


class _Chart(Flowable):
    """A reportlab.graphics drawing with labels drawn by our text layout (charts cannot shape)."""

    def __init__(
        self, drawing: Drawing, labels: Sequence[_Label], fonts: Fonts, space_after: float = 0
    ) -> None:
        super().__init__()
        self.drawing = drawing
        self.labels = list(labels)
        self.fonts = fonts
        self.width = drawing.width
        self.height = drawing.height
        self.spaceAfter = space_after

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:  # noqa: N803
        """The drawing's own size."""
        return self.width, self.height

    def draw(self) -> None:
        """The drawing, then its labels."""
        renderPDF.draw(self.drawing, self.canv, 0, 0)
        for label in self.labels:
            draw_text(
                self.canv,
                label.text,
                label.x,
                label.y,
                size=label.size,
                bold=label.bold,
                align=label.align,
                max_width=label.max_width,
                color=label.colour,
                fonts=self.fonts,
            )


class _ScoreBar(Flowable):
    """A bar of a score out of 100 with a tick at the chain average, for a table cell."""

    def __init__(self, score: float | None, average: float | None, colour) -> None:
        super().__init__()
        self.score = score
        self.average = average
        self.colour = colour

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:  # noqa: N803
        """As wide as the cell, one text line high."""
        self.width = availWidth
        self.height = 9
        return self.width, self.height

    def draw(self) -> None:
        """The track, the bar, and the average's tick."""
        canvas = self.canv
        canvas.setFillColor(HEADER_FILL)
        canvas.rect(0, 1, self.width, 7, stroke=0, fill=1)
        if self.score is not None:
            canvas.setFillColor(self.colour)
            canvas.rect(
                0, 1, self.width * max(0.0, min(self.score, 100)) / 100, 7, stroke=0, fill=1
            )
        if self.average is not None:
            x = self.width * self.average / 100
            canvas.setStrokeColor(INK)
            canvas.setLineWidth(1)
            canvas.line(x, -1, x, 10)
