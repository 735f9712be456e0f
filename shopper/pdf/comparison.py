"""The comparison PDF for owners: cover, ranking, heat map, trend, questions, regions.

``build_comparison_pdf`` takes the frozen :class:`~shopper.domain.comparison.Comparison`
and translated labels and returns PDF bytes; every figure is the comparison's,
rounded only for display with :func:`shopper.domain.scoring.round_pct`.
"""

from __future__ import annotations

import io
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
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
from shopper.domain.store_report import StoreDetail, Targets
from shopper.pdf import (
    BODY_SIZE,
    CONTENT_WIDTH,
    HEADER_FILL,
    INK,
    MIRRORED_ALIGN,
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
    format_list,
    format_month,
    format_percent,
    format_points,
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
    "target_line": N_("Target %(score)s"),
    "below_target": N_("below target"),
    "target_caption": N_(
        "The green dashed line is the target: %(met)s of %(total)s stores meet it."
    ),
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
    # The cover's message.
    "points": N_("%(value)s pts"),
    "target": N_("Target"),
    "target_value": N_("Target %(target)s"),
    "no_target": N_("No target set"),
    "against_target": N_("%(points)s against the target"),
    "against_previous": N_("%(points)s against %(period)s"),
    "against_chain": N_("%(points)s against the chain (%(chain)s)"),
    "stores_meeting_target": N_("Stores at or above the target: %(count)s of %(total)s"),
    "stores_with_critical": N_("Stores with a critical failure: %(count)s"),
    "best_stores": N_("Best stores"),
    "worst_stores": N_("Weakest stores"),
    "biggest_drops": N_("Biggest drops"),
    "no_drops": N_("No store scored lower than in the previous period."),
    # A store's pages.
    "store_pages": N_("Store by store"),
    "store_report": N_("Store report"),
    "store_score": N_("Store score"),
    "rank_of": N_("Rank %(rank)s of %(count)s"),
    "versus_chain": N_("Chain"),
    "difference_to_chain": N_("Against the chain"),
    "difference_to_target": N_("Against the target"),
    "section": N_("Section"),
    "store_column": N_("This store"),
    "visit_dates": N_("Visits: %(dates)s"),
    "lost_points": N_("Where the store lost points"),
    "points_lost": N_("Points lost"),
    "comments": N_("What the shoppers wrote"),
    "no_lost_points": N_("The store lost no points in this period."),
    "critical_times": N_("Critical failure, visits: %(count)s"),
    "photos": N_("Photos of failed items"),
    "actions": N_("Open actions"),
    "action": N_("Action"),
    "due": N_("Due"),
    "overdue": N_("overdue"),
    "not_in_period": N_("This store has no counted visit in this period."),
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
COVER_LABELLED_BARS = 22
COVER_CHART_HEIGHT = 250.0
TOP_QUESTIONS = 10
HEAT_STORE_WIDTH = 150.0
HEAT_MIN_COLUMN = 46.0


def _change_colour(change: float | None):
    """Green for a rise, red for a drop, ink for none (judged on the printed value)."""
    rounded = round_pct(change)
    if not rounded:
        return INK
    return GOOD if rounded > 0 else BAD


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
    filters: str | Sequence[str],
    locale: str = "en",
    font_cache: Path | None = None,
    appendix: Callable[[Fonts], list[Flowable]] | None = None,
    targets: object = None,
    details: Mapping[str, StoreDetail] | None = None,
    store: str | None = None,
    chain_change: float | None = None,
) -> bytes:
    """The comparison as a PDF: every page's footer has its number, the time and the filters.

    ``appendix`` adds parts after the comparison's own (the follow-up actions).
    ``targets``: the checklist's (``{"overall", "sections"}``; by default the
    comparison's own when it carries them). ``details``: per store code, what
    its pages show; with them a section per store follows the chain pages.
    ``store``: that store's own report (its cover and its section) instead.
    ``chain_change``: the chain score less the previous period's, in points
    (by default the comparison's own when it carries it).
    """
    fonts = register_fonts(font_cache)
    text = Labels(DEFAULT_LABELS, labels)
    if targets is None:
        targets = getattr(comparison, "targets", None)
    if chain_change is None:
        chain_change = getattr(comparison, "chain_change", None)
    page = _Page(comparison, text, locale, fonts, Targets.of(targets), details or {}, chain_change)
    story: list[Flowable] = []
    if store is not None:
        story += page.store_cover(store)
        story += page.store_section(store, first=True)
    else:
        story += page.cover(generated_at)
        story.append(PageBreak())
        story += page.ranking()
        story += page.heat_map()
        story += page.trend()
        story += page.questions()
        story += page.regions()
        story += page.competitors()
        story += page.not_visited()
        if details is not None:
            story += page.store_sections()
        if appendix is not None:
            story += appendix(fonts)
    stamp = text.format("generated", time=format_timestamp(generated_at, locale))

    def footer(number: int, total: int) -> tuple[str | Sequence[str], str, str]:
        return filters, stamp, text.format("page_of", page=number, pages=total)

    title = comparison.title
    if store is not None:
        row = page.row(store)
        title = f"{row.store.name if row else store} – {comparison.title}"
    return build_document(
        story,
        title=f"{text['store_report' if store else 'document_title']} – {title}",
        footer=footer,
        fonts=fonts,
        rtl=page.rtl,
    )


class _StorePages:
    """A store's own pages: its cover (one store's report) and its section."""

    # Mixed into _Page: these methods read its comparison, labels and details.

    def chain_sections(self) -> dict[str, float | None]:
        """The chain's section scores: the mean of its own stores' (competitors apart)."""
        cached = getattr(self, "_chain_sections", None)
        if cached is None:
            own = [r for r in self.comparison.stores if not r.store.competitor]
            cached = {}
            for section in self.comparison.sections:
                values = [r.sections.get(section.code) for r in own]
                values = [v for v in values if v is not None]
                cached[section.code] = sum(values) / len(values) if values else None
            self._chain_sections = cached
        return cached

    def ranked_count(self) -> int:
        return sum(1 for r in self.comparison.stores if r.score is not None)

    def store_sections(self) -> list[Flowable]:
        """A section per store of the ranking (best first), each from a new page."""
        out: list[Flowable] = []
        for row in self.comparison.stores:
            out.append(PageBreak())
            out += self.store_section(row.store.code, first=False)
        return out

    def store_identity(self, code: str) -> tuple[str, str]:
        """The store's name and its line of code, region and rank."""
        row = self.row(code)
        info = (
            row.store
            if row
            else next((s for s in self.comparison.not_visited if s.code == code), None)
        )
        name = info.name if info else code
        parts = [code]
        if info and info.region:
            parts.append(info.region)
        if row and row.score is not None:
            parts.append(
                self.text.format(
                    "rank_of",
                    rank=format_count(row.rank, self.locale),
                    count=format_count(self.ranked_count(), self.locale),
                )
            )
        if info and info.competitor:
            parts.append(self.text["competitor_flag"])
        return name, " · ".join(parts)

    def store_cover(self, code: str) -> list[Flowable]:
        """One store's report opens with its message: score against chain, target and before."""
        c = self.comparison
        t = self.text
        row = self.row(code)
        name, identity = self.store_identity(code)
        out: list[Flowable] = [
            self.block(t["store_report"], size=11, color=MUTED, space_after=2),
            self.block(name, size=20, bold=True, space_after=2),
            self.block(identity, size=10, color=MUTED, space_after=2),
            self.block(
                c.title + " · " + self.date_range(c.first_day, c.last_day),
                size=10,
                color=MUTED,
                space_after=10,
            ),
        ]
        if row is None or row.score is None:
            return [*out, self.block(t["not_in_period"], size=11)]
        target = self.targets.overall
        lines = [
            self.block(self.percent(row.score), size=30, bold=True),
            self.block(t["store_score"], size=9, color=MUTED, space_after=4),
        ]
        if c.chain_score is not None:
            gap = row.score - c.chain_score
            lines.append(
                self.block(
                    t.format(
                        "against_chain", points=self.points(gap), chain=self.percent(c.chain_score)
                    ),
                    size=10,
                    bold=True,
                    color=_change_colour(gap),
                )
            )
        lines.append(self.against_target(row.score, target))
        previous = self.date_range(c.previous_first_day, c.previous_last_day)
        if row.change is not None:
            lines.append(
                self.block(
                    t.format("against_previous", points=self.points(row.change), period=previous),
                    size=10,
                    bold=True,
                    color=_change_colour(row.change),
                )
            )
        else:
            lines.append(self.block(t["previous_period"] + ": " + previous, size=10))
        side = [
            self.block(
                format_count(row.critical_failures, self.locale),
                size=30,
                bold=True,
                color=BAD if row.critical_failures else INK,
            ),
            self.block(t["critical_failures"], size=9, color=MUTED, space_after=4),
            self.block(t["visits_counted"] + ": " + format_count(row.visits, self.locale), size=9),
        ]
        box = self.cover_box(lines, side, 0.62)
        return [*out, box, Spacer(1, 12)]

    def cover_box(self, main: list, side: list, share: float) -> Table:
        """A cover's grey box: the message (``share`` of the width) and its figures beside
        it, the message on the reader's side."""
        cells, widths = [main, side], [WIDTH * share, WIDTH * (1 - share)]
        if self.rtl:
            cells.reverse()
            widths.reverse()
        box = Table([cells], colWidths=widths)
        box.setStyle(
            [
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("BACKGROUND", (0, 0), (-1, -1), colors.HexColor("#f5f7fa")),
                ("LINEAFTER", (0, 0), (0, -1), 3, colors.white),
                ("TOPPADDING", (0, 0), (-1, -1), 10),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 10),
                ("LEFTPADDING", (0, 0), (-1, -1), 10),
                ("RIGHTPADDING", (0, 0), (-1, -1), 10),
            ]
        )
        return box

    def store_section(self, code: str, *, first: bool) -> list[Flowable]:
        """The store's figures, its sections against the chain, where it lost points (with
        the shoppers' comments), its photos of failed items and its open actions."""
        t = self.text
        row = self.row(code)
        detail = self.details.get(code, StoreDetail())
        out: list[Flowable] = []
        if not first:
            name, identity = self.store_identity(code)
            out += [
                self.block(t["store_pages"], size=9, color=MUTED),
                self.block(name, size=16, bold=True, space_after=1),
                self.block(identity, size=9, color=MUTED, space_after=4),
            ]
        if detail.visit_dates:
            dates = format_list(
                [format_date(day, self.locale) for day in detail.visit_dates], self.locale
            )
            out.append(self.block(t.format("visit_dates", dates=dates), size=9, space_after=6))
        if row is None or row.score is None:
            return [*out, self.block(t["not_in_period"], size=10)]
        out.append(self.store_figures(row))
        out += self.store_section_scores(row)
        out += self.store_lost_points(row, detail)
        out += self.store_photos(detail)
        out += self.store_actions(detail)
        return out

    def store_figures(self, row: StoreRow) -> Flowable:
        c = self.comparison
        target = self.targets.overall
        keys = (
            "store_score",
            "versus_chain",
            "difference_to_chain",
            "target",
            "difference_to_target",
            "change",
            "critical_failures",
        )
        widths = [WIDTH / len(keys)] * len(keys)
        to_chain = row.score - c.chain_score if c.chain_score is not None else None
        to_target = row.score - target if target is not None else None

        def gap(value: float | None, column: int, colour) -> str | TextBlock:
            # A difference with its unit may be longer than the column in some
            # languages (Urdu): it wraps inside its cell instead of running over.
            return self.cell(
                self.points(value), widths[column], size=11, color=colour, align="left"
            )

        values = [
            self.score(row.score),
            self.score(c.chain_score),
            gap(to_chain, 2, _change_colour(to_chain)),
            self.score(target),
            gap(
                to_target,
                4,
                INK if to_target is None else GOOD if round_pct(to_target) >= 0 else BAD,
            ),
            gap(row.change, 5, _change_colour(row.change)),
            format_count(row.critical_failures, self.locale),
        ]
        header = header_cells([self.text[k] for k in keys], widths, self.fonts)
        extra: list[tuple] = [
            ("FONTSIZE", (0, 1), (-1, 1), 11),
            ("LEADING", (0, 1), (-1, 1), 14),
            ("FONTNAME", (0, 1), (0, 1), self.fonts.name(LATIN, True)),
        ]
        for column, value in ((2, row.score - (c.chain_score or row.score)), (5, row.change)):
            colour = _change_colour(value)
            extra.append(("TEXTCOLOR", (column, 1), (column, 1), colour))
        if target is not None:
            below = round_pct(row.score) < target
            extra.append(("TEXTCOLOR", (4, 1), (4, 1), BAD if below else GOOD))
        if row.critical_failures:
            extra.append(("TEXTCOLOR", (6, 1), (6, 1), BAD))
        return self.table([header, values], widths, extra)

    def store_section_scores(self, row: StoreRow) -> list[Flowable]:
        t = self.text
        chain = self.chain_sections()
        widths = [0.0, 60.0, 60.0, 70.0, 60.0]
        widths[0] = WIDTH - sum(widths)
        rows: list[list] = [
            self.headers(
                ("section", "store_column", "versus_chain", "difference_to_chain", "target"),
                widths,
                numbers=4,
            )
        ]
        extra: list[tuple] = [("ALIGN", (1, 0), (-1, -1), "RIGHT")]
        for index, section in enumerate(self.comparison.sections, start=1):
            mine = row.sections.get(section.code)
            theirs = chain.get(section.code)
            target = self.targets.sections.get(section.code)
            gap = mine - theirs if mine is not None and theirs is not None else None
            rows.append(
                [
                    self.cell(section.title, widths[0]),
                    self.score(mine),
                    self.score(theirs),
                    self.points(gap),
                    self.score(target),
                ]
            )
            extra.append(("TEXTCOLOR", (3, index), (3, index), _change_colour(gap)))
            if target is not None and mine is not None and round_pct(mine) < target:
                extra.append(("TEXTCOLOR", (1, index), (1, index), BAD))
                extra.append(("FONTNAME", (1, index), (1, index), self.fonts.name(LATIN, True)))
        return [
            Spacer(1, 8),
            self.heading(t["heat_map"]),
            self.table(rows, widths, extra),
        ]

    def store_lost_points(self, row: StoreRow, detail: StoreDetail) -> list[Flowable]:
        t = self.text
        out: list[Flowable] = [CondPageBreak(80), self.heading(t["lost_points"])]
        if not detail.lost:
            return [*out, self.block(t["no_lost_points"], color=MUTED)]
        questions = {q.info.code: q for q in self.comparison.questions}
        sections = {s.code: s.title for s in self.comparison.sections}
        widths = [18.0, 0.0, 50.0, 50.0, 50.0]
        widths[1] = WIDTH - sum(widths)
        head = self.headers(
            ("rank", "question", "store_column", "versus_chain", "points_lost"), widths, numbers=3
        )
        head[0] = "#"
        rows: list[list] = [head]
        align = "left"  # the table mirrors it for a right-to-left reader
        quote = "{}" if self.rtl else "“{}”"
        for number, lost in enumerate(detail.lost, start=1):
            question = questions.get(lost.code)
            text = question.info.text if question else lost.code
            section = sections.get(question.info.section, "") if question else ""
            parts: list[Flowable] = [
                TextBlock(text, size=BODY_SIZE, align=align, fonts=self.fonts),
                TextBlock(section, size=SMALL_SIZE, color=MUTED, align=align, fonts=self.fonts),
            ]
            if lost.critical_failures:
                parts.append(
                    TextBlock(
                        t.format(
                            "critical_times",
                            count=format_count(lost.critical_failures, self.locale),
                        ),
                        size=SMALL_SIZE,
                        bold=True,
                        color=BAD,
                        align=align,
                        fonts=self.fonts,
                    )
                )
            for day, comment in lost.comments:
                parts.append(
                    TextBlock(
                        f"{format_date(day, self.locale)}: " + quote.format(comment),
                        size=SMALL_SIZE,
                        color=MUTED,
                        align=align,
                        fonts=self.fonts,
                    )
                )
            rows.append(
                [
                    format_count(number, self.locale),
                    parts,
                    self.score(lost.score),
                    self.score(question.score if question else None),
                    format_points(lost.lost, self.locale),
                ]
            )
        extra = [
            ("ALIGN", (2, 0), (-1, -1), "RIGHT"),
            ("FONTNAME", (4, 1), (4, -1), self.fonts.name(LATIN, True)),
        ]
        return [*out, self.table(rows, widths, extra)]

    def store_photos(self, detail: StoreDetail) -> list[Flowable]:
        if not detail.photos:
            return []
        questions = {q.info.code: q.info.text for q in self.comparison.questions}
        per_row = 4
        side = (WIDTH - 8 * per_row) / per_row
        cells = []
        for photo in detail.photos:
            image = _thumbnail(photo.path, side)
            caption = f"{format_date(photo.visited_on, self.locale)} · " + questions.get(
                photo.question, photo.question
            )
            cells.append(
                [image, self.block(caption, size=SMALL_SIZE, color=MUTED)]
                if image is not None
                else [self.block(caption, size=SMALL_SIZE, color=MUTED)]
            )
        grid = [cells[i : i + per_row] for i in range(0, len(cells), per_row)]
        grid[-1] += [""] * (per_row - len(grid[-1]))
        if self.rtl:
            grid = [list(reversed(r)) for r in grid]
        table = Table(grid, colWidths=[side + 8] * per_row)
        table.setStyle(
            [
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("LEFTPADDING", (0, 0), (-1, -1), 4),
                ("RIGHTPADDING", (0, 0), (-1, -1), 4),
            ]
        )
        return [
            CondPageBreak(side + 40),
            self.heading(self.text["photos"]),
            table,
        ]

    def store_actions(self, detail: StoreDetail) -> list[Flowable]:
        if not detail.actions:
            return []
        t = self.text
        widths = [0.0, 80.0, 60.0]
        widths[0] = WIDTH - sum(widths)
        rows: list[list] = [self.headers(("action", "due"), widths[:2]) + [""]]
        extra: list[tuple] = []
        for action in detail.actions:
            rows.append(
                [
                    self.cell(action.title, widths[0]),
                    self.cell(format_date(action.due_on, self.locale), widths[1]),
                    self.cell(t["overdue"], widths[2], color=BAD) if action.overdue else "",
                ]
            )
        return [
            CondPageBreak(60),
            self.heading(t["actions"]),
            self.table(rows, widths, extra),
        ]


def _thumbnail(path: Path, side: float) -> Flowable | None:
    """The photo shrunk with Pillow to print at ``side`` points (about 150 dpi), or None."""
    from PIL import Image as PillowImage
    from reportlab.platypus import Image

    pixels = int(side * 2)
    try:
        with PillowImage.open(path) as source:
            source.thumbnail((pixels, pixels))
            image = source.convert("RGB")
    except (OSError, ValueError):
        return None
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=80)
    buffer.seek(0)
    width, height = image.size
    scale = side / max(width, height)
    return Image(buffer, width=width * scale, height=height * scale)


@dataclass
class _Page(_StorePages):
    """The parts of the document, each a list of flowables."""

    comparison: Comparison
    text: Labels
    locale: str
    fonts: Fonts
    targets: Targets = field(default_factory=Targets)
    details: Mapping[str, StoreDetail] = field(default_factory=dict)
    chain_change: float | None = None

    @property
    def rtl(self) -> bool:
        return is_rtl_language(self.locale)

    # -- helpers -------------------------------------------------------------

    def score(self, value: float | None) -> str:
        return format_score(value, self.locale)

    def percent(self, value: float | None) -> str:
        return format_percent(value, self.locale)

    def change(self, value: float | None) -> str:
        """A change in percentage points with its sign: ``+4.0 pts``."""
        shown = format_change(value, self.locale)
        return shown if shown == NO_VALUE else self.text.format("points_change", change=shown)

    def points(self, value: float | None) -> str:
        """A difference in points with its sign and unit: ``+4.5 pts``."""
        if value is None:
            return NO_VALUE
        return self.text.format("points", value=format_change(value, self.locale))

    def against_target(self, score: float | None, target: float | None) -> Flowable:
        """The line a cover says of a score and its target: the gap in points (green when
        it meets the target), or that no target is set."""
        t = self.text
        if target is None or score is None:
            return self.block(t["no_target"], size=10, color=MUTED)
        gap = score - target
        return self.block(
            t.format("against_target", points=self.points(gap))
            + " ("
            + t.format("target_value", target=self.percent(target))
            + ")",
            size=10,
            bold=True,
            color=GOOD if round_pct(gap) >= 0 else BAD,
        )

    def cell(self, value: object, width: float, **options) -> str | TextBlock:
        return cell(value, width, fonts=self.fonts, **options)

    def headers(self, keys: Sequence[str], widths: Sequence[float], numbers: int = 0) -> list:
        """Header cells; the last ``numbers`` columns hold figures and align right."""
        aligns = ["left"] * (len(keys) - numbers) + ["right"] * numbers
        return header_cells([self.text[k] for k in keys], widths, self.fonts, aligns)

    def table(self, rows: list[list], widths: Sequence[float], extra: Sequence[tuple] = ()):
        """A data table, read from the right in a right-to-left language."""
        return data_table(rows, widths, self.fonts, extra=extra, rtl=self.rtl)

    def block(self, text: str, size: float = BODY_SIZE, **options) -> TextBlock:
        """A paragraph that starts on the reader's side."""
        options.setdefault("align", "right" if self.rtl else "left")
        return TextBlock(text, size=size, fonts=self.fonts, **options)

    def heading(self, text: str) -> TextBlock:
        """A store page's heading, on the reader's side."""
        return self.block(text, size=11, bold=True, space_before=8, space_after=4)

    def date_range(self, first, last) -> str:
        return self.text.format(
            "date_range",
            first=format_date(first, self.locale),
            last=format_date(last, self.locale),
        )

    def row(self, code: str) -> StoreRow | None:
        for row in self.comparison.stores:
            if row.store.code == code:
                return row
        return None

    def own_scored(self) -> list[StoreRow]:
        """The chain's own stores with a score, best first (competitors apart)."""
        return [r for r in self.comparison.stores if not r.store.competitor and r.score is not None]

    # -- cover ---------------------------------------------------------------

    def cover(self, generated_at: datetime) -> list[Flowable]:
        c = self.comparison
        t = self.text
        fonts = self.fonts
        facts = [
            self.date_range(c.first_day, c.last_day),
            c.region if c.region else t["whole_chain"],
            f"{t['competitors']}: "
            + (t["competitors_included"] if c.competitors_included else t["competitors_excluded"]),
        ]
        target = self.targets.overall
        own = self.own_scored()
        previous = self.date_range(c.previous_first_day, c.previous_last_day)
        change = self.chain_change
        headline = [
            self.block(self.percent(c.chain_score), size=30, bold=True),
            self.block(t["chain_score"], size=9, color=MUTED, space_after=4),
        ]
        headline.append(self.against_target(c.chain_score, target))
        if change is not None:
            headline.append(
                self.block(
                    t.format("against_previous", points=self.points(change), period=previous),
                    size=10,
                    bold=True,
                    color=_change_colour(change),
                )
            )
        else:
            headline.append(self.block(t["previous_period"] + ": " + previous, size=10))
        critical_stores = sum(1 for r in c.stores if r.critical_failures and not r.store.competitor)
        side = [
            self.block(
                format_count(c.chain_critical_failures, self.locale),
                size=30,
                bold=True,
                color=BAD if c.chain_critical_failures else INK,
            ),
            self.block(t["critical_failures"], size=9, color=MUTED, space_after=4),
            self.block(
                t.format("stores_with_critical", count=format_count(critical_stores, self.locale)),
                size=9,
            ),
            self.block(
                t["visits_counted"] + ": " + format_count(c.chain_visits, self.locale), size=9
            ),
        ]
        if target is not None and own:
            meeting = sum(1 for r in own if round_pct(r.score) >= target)
            side.append(
                self.block(
                    t.format(
                        "stores_meeting_target",
                        count=format_count(meeting, self.locale),
                        total=format_count(len(own), self.locale),
                    ),
                    size=9,
                )
            )
        top_table = self.cover_box(headline, side, 0.6)
        return [
            self.block(t["document_title"], size=11, color=MUTED, space_after=2),
            self.block(c.title, size=20, bold=True, space_after=2),
            self.block(" · ".join(facts), size=10, color=MUTED, space_after=10),
            top_table,
            Spacer(1, 10),
            self.standouts(own),
            Spacer(1, 8),
            *([self.ranking_chart(cover=True)] if c.stores else [note(t["no_stores"], fonts)]),
            note(
                t["competitor_benchmark"]
                + ": "
                + self.percent(c.competitor_score)
                + " · "
                + t["consistency"]
                + ": "
                + format_score(c.chain_consistency, self.locale),
                fonts,
            ),
            note(t.format("generated", time=format_timestamp(generated_at, self.locale)), fonts),
        ]

    def standouts(self, own: Sequence[StoreRow]) -> Flowable:
        """Three short lists side by side: the best, the weakest, the biggest drops."""
        t = self.text
        # Three of each; a small chain splits its stores between the best and the weakest.
        count = min(3, len(own) // 2) or len(own)
        best = list(own[:count])
        worst = list(reversed(own[-count:])) if len(own) > 1 else []
        drops = sorted(
            (r for r in own if r.change is not None and round_pct(r.change) < 0),
            key=lambda r: (r.change, r.store.code),
        )[:count]
        column = WIDTH / 3
        lists = [
            (t["best_stores"], [(r, self.score(r.score), GOOD) for r in best], ""),
            (t["worst_stores"], [(r, self.score(r.score), BAD) for r in worst], ""),
            (t["biggest_drops"], [(r, self.points(r.change), BAD) for r in drops], t["no_drops"]),
        ]
        cells = []
        for title, rows, empty in lists:
            name_width = column - 64
            inner = [[self.block(title, size=10, bold=True), ""]]
            for row, value, colour in rows:
                inner.append(
                    [
                        self.block(row.store.name, size=BODY_SIZE),
                        TextBlock(
                            value,
                            size=BODY_SIZE,
                            bold=True,
                            color=colour,
                            align="left" if self.rtl else "right",
                            fonts=self.fonts,
                        ),
                    ]
                )
            if not rows and empty:
                inner.append([self.block(empty, size=BODY_SIZE, color=MUTED), ""])
            widths = [name_width, 56.0]
            style = [
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("SPAN", (0, 0), (1, 0)),
                ("LINEBELOW", (0, 0), (-1, 0), 0.5, RULE),
                ("LEFTPADDING", (0, 0), (-1, -1), 2),
                ("RIGHTPADDING", (0, 0), (-1, -1), 2),
                ("TOPPADDING", (0, 0), (-1, -1), 2),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 2),
            ]
            if self.rtl:
                # The title stays in the first cell, which the span shows.
                inner = inner[:1] + [list(reversed(r)) for r in inner[1:]]
                widths.reverse()
            cells.append(Table(inner, colWidths=widths, style=style))
        if self.rtl:
            cells.reverse()
        outer = Table([cells], colWidths=[column] * 3)
        outer.setStyle(
            [
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("LEFTPADDING", (0, 0), (-1, -1), 0),
                ("RIGHTPADDING", (0, 0), (-1, -1), 8),
            ]
        )
        return outer

    # -- ranking -------------------------------------------------------------

    def ranking(self) -> list[Flowable]:
        c = self.comparison
        out: list[Flowable] = [heading(self.text["ranking"], self.fonts, space_before=0)]
        if not c.stores:
            return [*out, note(self.text["no_stores"], self.fonts)]
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
        below = self.text["below_target"]
        c = self.comparison
        locale = self.locale
        for index, row in enumerate(c.stores, start=1):
            store = row.store
            rows.append(
                [
                    str(row.rank) if row.score is not None else "",
                    self.cell(store.code, widths[1]),
                    self.cell(
                        f"{store.name} · {below}" if c.below_target(row) else store.name,
                        widths[2],
                    ),
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
            if c.below_target(row):
                extra.append(("TEXTCOLOR", (5, index), (5, index), BAD))
        return self.table(rows, widths, extra)

    def ranking_chart(self, cover: bool = False) -> Flowable:
        """Every store's score as a bar, best first, with the chain average and the target.

        On the cover the chart keeps to what the page leaves under the message:
        a bar per store named beside it up to ``COVER_LABELLED_BARS``, beyond
        that one outline of every bar.
        """
        c = self.comparison
        stores = c.stores
        many = len(stores) > (COVER_LABELLED_BARS if cover else LABELLED_BARS)
        label_width = 0.0 if many else 150.0
        bar_height = 12.0
        tall = COVER_CHART_HEIGHT if cover else 420.0
        plot_height = tall if many else max(bar_height * len(stores), 40.0)
        axis_room = 18.0
        target = c.targets.overall
        # A second line of labels above the chart for the target's.
        top_room = 14.0 if target is None else 26.0
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
        chart.valueAxis.visibleLabels = 0  # ours, below: they keep their side when mirrored
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
        if self.targets.overall is not None:
            marker(self.targets.overall, GOOD, "target_line", True)
        # Marker labels whose lines are close go one above the other.
        levels: list[list[float]] = []
        for label in sorted(labels, key=lambda label: label.x):
            level = next(
                (n for n, xs in enumerate(levels) if all(abs(label.x - x) >= 90 for x in xs)),
                len(levels),
            )
            if level == len(levels):
                levels.append([])
            levels[level].append(label.x)
            label.y += 9 * level
        drawing.height += 9 * max(len(levels) - 1, 0)
        labels += [
            _Label(
                format_count(value, self.locale),
                chart.x + chart.width * value / 100,
                chart.y - 5 - SMALL_SIZE,
                align="center",
            )
            for value in range(0, 101, 10)
        ]
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
        notes = [note(caption, self.fonts)]
        meeting = c.meeting_target()
        if meeting is not None:
            met, total = (format_count(n, self.locale) for n in meeting)
            notes.append(note(self.text.format("target_caption", met=met, total=total), self.fonts))
        return KeepTogether([_Chart(drawing, labels, self.fonts, mirrored=self.rtl), *notes])

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
        return self.table(rows, widths, extra)

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
        return _Chart(drawing, labels, self.fonts, space_after=6, mirrored=self.rtl)

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
        chart.valueAxis.visibleLabels = 0  # ours, below: they keep their side when mirrored
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
        labels = [
            _Label(
                format_count(value, self.locale),
                chart.x - 5,
                chart.y + chart.height * value / 100 - SMALL_SIZE * 0.35,
                align="right",
            )
            for value in range(0, 101, 20)
        ]
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
        return [*out, _Chart(drawing, labels, self.fonts, mirrored=self.rtl)]

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
        return self.table(rows, widths, extra)

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
                    _ScoreBar(region.score, c.chain_score, OWN_COLOUR, self.rtl),
                ]
            )
        rows.append(
            [
                self.cell(t["whole_chain"], widths[0], bold=True),
                format_count(sum(r.stores for r in c.regions), self.locale),
                format_score(c.chain_score, self.locale),
                _ScoreBar(c.chain_score, c.chain_score, INK, self.rtl),
            ]
        )
        extra = [
            ("ALIGN", (1, 0), (2, -1), "RIGHT"),
            ("FONTNAME", (0, -1), (-1, -1), self.fonts.name(LATIN, True)),
            ("VALIGN", (0, 1), (-1, -1), "MIDDLE"),
        ]
        return [*out, self.table(rows, widths, extra)]

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
        summary = self.table(
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
            [
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
        return self.table(table, widths, [("ALIGN", (4, 0), (-1, -1), "RIGHT")])

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
        return [*out, self.table(rows, widths)]


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
    """A reportlab.graphics drawing with labels drawn by our text layout (charts cannot shape).

    ``mirrored`` draws it as a right-to-left reader expects: the drawing flipped
    left for right (bars grow from the right, time runs leftwards, the axis
    stands on the right) and each label placed on the flipped side, its text
    itself not flipped. So a chart's own text is always a label, never the
    drawing's: reportlab would print it back to front.
    """

    def __init__(
        self,
        drawing: Drawing,
        labels: Sequence[_Label],
        fonts: Fonts,
        space_after: float = 0,
        mirrored: bool = False,
    ) -> None:
        super().__init__()
        self.drawing = drawing
        self.labels = list(labels)
        self.fonts = fonts
        self.width = drawing.width
        self.height = drawing.height
        self.spaceAfter = space_after
        self.mirrored = mirrored

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:  # noqa: N803
        """The drawing's own size."""
        return self.width, self.height

    def draw(self) -> None:
        """The drawing, then its labels."""
        canvas = self.canv
        canvas.saveState()
        if self.mirrored:
            canvas.translate(self.width, 0)
            canvas.scale(-1, 1)
        renderPDF.draw(self.drawing, canvas, 0, 0)
        canvas.restoreState()
        for label in self.labels:
            x, align = label.x, label.align
            if self.mirrored:
                x, align = self.width - x, MIRRORED_ALIGN.get(align, align)
            draw_text(
                canvas,
                label.text,
                x,
                label.y,
                size=label.size,
                bold=label.bold,
                align=align,
                max_width=label.max_width,
                color=label.colour,
                fonts=self.fonts,
            )


class _ScoreBar(Flowable):
    """A bar of a score out of 100 with a tick at the chain average, for a table cell;
    ``mirrored``, it grows from the right as a right-to-left reader reads."""

    def __init__(
        self, score: float | None, average: float | None, colour, mirrored: bool = False
    ) -> None:
        super().__init__()
        self.score = score
        self.average = average
        self.colour = colour
        self.mirrored = mirrored

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:  # noqa: N803
        """As wide as the cell, one text line high."""
        self.width = availWidth
        self.height = 9
        return self.width, self.height

    def draw(self) -> None:
        """The track, the bar, and the average's tick."""
        canvas = self.canv
        if self.mirrored:
            canvas.translate(self.width, 0)
            canvas.scale(-1, 1)
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
