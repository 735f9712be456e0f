"""reportlab builders: domain results in, PDF bytes out.

``comparison.build_comparison_pdf`` prints a store comparison for owners,
``visit.build_visit_pdf`` one visit report for the store manager. This module
holds what both share: the page template with its "Page N of M" footer, number
and date formatting in the reader's language, table cells that stay plain
strings unless the text needs wrapping or shaping, and label lookup.
"""

from __future__ import annotations

import bisect
import io
import re
import unicodedata
from collections.abc import Callable, Mapping, Sequence
from datetime import UTC, date, datetime
from functools import lru_cache

from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import Flowable, KeepTogether, SimpleDocTemplate, Table, TableStyle

from shopper.domain.scoring import round_pct
from shopper.pdf.fonts import (
    LATIN,
    Fonts,
    TextBlock,
    clean,
    draw_text,
    is_plain,
    is_rtl,
    register_fonts,
)

PAGE = A4
MARGIN = 15 * mm
FOOTER_HEIGHT = 12 * mm
# What a frame leaves for flowables (reportlab frames pad 6 pt on each side),
# in whole points: column widths that add up to a hair more than the frame
# make KeepTogether treat a block as too wide and break the page before it.
CONTENT_WIDTH = float(int(PAGE[0] - 2 * MARGIN - 12))
BODY_SIZE = 8.5
SMALL_SIZE = 7
INK = colors.HexColor("#1f2933")
MUTED = colors.HexColor("#616e7c")
RULE = colors.HexColor("#cbd2d9")
HEADER_FILL = colors.HexColor("#e4e7eb")
CELL_PADDING = 3
NO_VALUE = "–"
SMALL_TABLE_ROWS = 30


class Labels:
    """Translated UI strings with English defaults; ``%(name)s`` placeholders filled safely."""

    def __init__(self, defaults: Mapping[str, str], given: Mapping[str, str] | None) -> None:
        self._defaults = dict(defaults)
        self._given = {k: v for k, v in (given or {}).items() if isinstance(v, str) and v}

    def __getitem__(self, key: str) -> str:
        return self._given.get(key, self._defaults[key])

    def format(self, key: str, **params: object) -> str:
        """The label with its placeholders filled; a broken translation falls back to English.

        In a right-to-left label each value is embedded in its own direction, so
        a date after Urdu words keeps its digits in order.
        """
        template = self[key]
        if any(
            unicodedata.bidirectional(c) in ("R", "AL")
            for text in (template, *(v for v in params.values() if isinstance(v, str)))
            for c in text
        ):
            params = {name: embedded(value) for name, value in params.items()}
        try:
            return template % params
        except (KeyError, ValueError, TypeError):
            return self._defaults[key] % params


def embedded(value: object) -> object:
    """A string kept in its own direction inside a line of the other (a date after Urdu
    words keeps its digits in order); any other value as it is."""
    if not isinstance(value, str):
        return value
    return ("\u202b" if is_rtl(value) else "\u202a") + value + "\u202c"


def format_timestamp(moment: datetime, locale: str = "en") -> str:
    """The generation time as the footer prints it, in the reader's way with its zone:
    ``Nov 3, 2026, 2:05 PM UTC``, ``3 Kas 2026 14:05 UTC``."""
    from babel.dates import format_date as babel_date
    from babel.dates import format_time as babel_time

    language = _babel(locale)
    # The time as it is in its own zone (babel would turn it into the server's).
    shown = babel_time(moment, "short", tzinfo=moment.tzinfo or UTC, locale=language)
    pattern = language.datetime_formats.get("medium", "{1} {0}")
    text = str(pattern).format(shown, babel_date(moment.date(), "medium", locale=language))
    # CLDR puts a narrow no-break space before "PM"; the PDF fonts know the plain one.
    text = text.replace("\u202f", "\u00a0")
    zone = moment.strftime("%Z") if moment.tzinfo else ""
    return f"{text} {zone}" if zone else text


@lru_cache(maxsize=32)
def _babel(locale: str):
    """The babel Locale of a language code (``ur``, ``sv_SE``, ``tr-TR``); English if unknown."""
    from babel import Locale, UnknownLocaleError

    try:
        return Locale.parse((locale or "en").replace("-", "_"))
    except (ValueError, TypeError, UnknownLocaleError):
        return Locale.parse("en")


def format_number(value: object, locale: str) -> str:
    """A number as people typed it, in the locale's signs (as the pages write it)."""
    from babel.numbers import format_decimal

    if isinstance(value, bool) or not isinstance(value, int | float):
        return clean(value)
    return format_decimal(value, locale=_babel(locale))


def format_date(day: date, locale: str) -> str:
    """A date in the reader's language (``Oct 3, 2026``)."""
    from babel.dates import format_date as babel_date

    return babel_date(day, "medium", locale=_babel(locale))


def format_list(items: Sequence[str], locale: str) -> str:
    """Items joined as the language joins a list (``a, b and c``; Urdu's own comma)."""
    from babel.lists import format_list as babel_list

    return babel_list(list(items), style="standard", locale=_babel(locale)) if items else ""


def format_month(day: date, locale: str) -> str:
    """A month as a chart label (``Oct 2026``)."""
    from babel.dates import format_date as babel_date

    return babel_date(day, "MMM y", locale=_babel(locale))


@lru_cache(maxsize=32)
def _symbols(locale: str) -> tuple[str, str]:
    """The locale's decimal and grouping signs (looked up once: reports format thousands)."""
    symbols = _babel(locale).number_symbols
    symbols = symbols.get("latn", symbols) if isinstance(symbols.get("latn"), Mapping) else symbols
    return symbols.get("decimal", "."), symbols.get("group", ",")


def _localise(text: str, locale: str) -> str:
    """``1,234.5`` written with the locale's signs."""
    decimal, group = _symbols(locale)
    if (decimal, group) == (".", ","):
        return text
    return text.replace(",", "\0").replace(".", decimal).replace("\0", group)


def format_score(value: float | None, locale: str) -> str:
    """A percentage for a table cell: one decimal, half away from zero, no % sign."""
    rounded = round_pct(value)
    return NO_VALUE if rounded is None else _localise(f"{rounded:.1f}", locale)


@lru_cache(maxsize=32)
def _percent_pattern(locale: str) -> tuple[str, str]:
    """What goes before and after the number in the locale's percent format."""
    formats = _babel(locale).percent_formats
    pattern = formats[None].pattern.split(";")[0] if None in formats else "#,##0%"
    number = re.search(r"[#0,.]+", pattern)
    if not number:
        return "", "%"
    return pattern[: number.start()], pattern[number.end() :]


def format_percent(value: float | None, locale: str) -> str:
    """A percentage with the locale's % sign in its place (``81.3%``, ``%81,3``, ``81,3 %``)."""
    rounded = round_pct(value)
    if rounded is None:
        return NO_VALUE
    before, after = _percent_pattern(locale)
    return f"{before}{_localise(f'{rounded:.1f}', locale)}{after}"


def format_change(value: float | None, locale: str) -> str:
    """A change in points with its sign: ``+4.5``, ``−2.0``, ``0.0``."""
    rounded = round_pct(value)
    if rounded is None:
        return NO_VALUE
    text = _localise(f"{abs(rounded):.1f}", locale)
    if rounded > 0:
        return "+" + text
    if rounded < 0:
        return "\u2212" + text
    return text


def format_count(value: int, locale: str) -> str:
    """A whole number with the locale's grouping."""
    return _localise(f"{value:,}", locale)


def format_points(value: float | None, locale: str) -> str:
    """Points as earned, without trailing zeros: ``7.5``, ``10``, ``3.33``."""
    if value is None:
        return NO_VALUE
    rounded = round_pct(float(value), 2)
    if rounded is None:
        return NO_VALUE
    text = f"{rounded:f}".rstrip("0").rstrip(".") if "." in f"{rounded:f}" else f"{rounded:f}"
    return _localise(text, locale)


def cell(
    text: object,
    width: float,
    *,
    size: float = BODY_SIZE,
    bold: bool = False,
    color=INK,
    align: str = "left",
    fonts: Fonts,
) -> str | TextBlock:
    """A table cell: a plain string when the Latin font prints it on one line, else a TextBlock.

    Plain strings are many times cheaper for reportlab and never parsed as
    markup; a TextBlock wraps, shapes and orders text in any script.
    """
    value = clean(text)
    inner = width - 2 * CELL_PADDING
    if (
        not bold
        and color == INK
        and is_plain(value, fonts)
        and fonts_width(value, size, fonts) <= inner
    ):
        return value
    return TextBlock(value, size=size, bold=bold, color=color, align=align, fonts=fonts)


def fonts_width(text: str, size: float, fonts: Fonts, bold: bool = False) -> float:
    """Width of plain Latin text in the body font."""
    from reportlab.pdfbase.pdfmetrics import stringWidth

    return stringWidth(text, fonts.name(LATIN, bold), size)


def table_style(fonts: Fonts, *, header_rows: int = 1, extra: Sequence[tuple] = ()) -> TableStyle:
    """The house table look: small body font, grey header, hairlines."""
    commands = [
        ("FONTNAME", (0, 0), (-1, -1), fonts.name(LATIN)),
        ("FONTSIZE", (0, 0), (-1, -1), BODY_SIZE),
        ("LEADING", (0, 0), (-1, -1), BODY_SIZE * 1.3),
        ("TEXTCOLOR", (0, 0), (-1, -1), INK),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("LEFTPADDING", (0, 0), (-1, -1), CELL_PADDING),
        ("RIGHTPADDING", (0, 0), (-1, -1), CELL_PADDING),
        ("TOPPADDING", (0, 0), (-1, -1), 2),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 2),
        ("LINEBELOW", (0, 0), (-1, -1), 0.25, RULE),
    ]
    if header_rows:
        commands += [
            ("BACKGROUND", (0, 0), (-1, header_rows - 1), HEADER_FILL),
            ("FONTNAME", (0, 0), (-1, header_rows - 1), fonts.name(LATIN, True)),
            ("VALIGN", (0, 0), (-1, header_rows - 1), "BOTTOM"),
        ]
    return TableStyle(commands + list(extra))


def header_cells(
    titles: Sequence[str], widths: Sequence[float], fonts: Fonts, align: Sequence[str] = ()
) -> list[str | TextBlock]:
    """Header cells in bold: TextBlocks so long or non-Latin headings wrap and shape."""
    return [
        TextBlock(
            clean(title),
            size=BODY_SIZE,
            bold=True,
            align=align[i] if i < len(align) else "left",
            fonts=fonts,
        )
        for i, (title, _width) in enumerate(zip(titles, widths, strict=True))
    ]


def data_table(
    rows: list[list],
    widths: Sequence[float],
    fonts: Fonts,
    *,
    extra: Sequence[tuple] = (),
    rtl: bool = False,
) -> Flowable:
    """A table whose first row is a header repeated on every page it runs over.

    ``extra`` style commands address rows of ``rows`` (0 is the header, -1 the
    last row) as reportlab's do. With ``rtl`` the table reads from the right:
    its first column is drawn rightmost and every alignment is mirrored.
    """
    commands = list(table_style(fonts).getCommands()) + list(extra)
    if rtl:
        rows, widths, commands = mirror_table(rows, widths, commands)
    if len(rows) <= SMALL_TABLE_ROWS:
        # A store page's few rows: reportlab's own table splits them well enough, at
        # half the cost of laying them out twice. It draws a string cell as it is, so
        # the bidi marks a formatted figure carries (``−3.7 pts`` embedded for Urdu)
        # would print as boxes: a plain cell is one direction and needs none.
        rows = [[_unmarked(cell) for cell in row] for row in rows]
        return Table(rows, colWidths=list(widths), repeatRows=1, style=TableStyle(commands))
    return PagedTable(rows, widths, commands)


_BIDI_MARKS = dict.fromkeys(
    [0x200E, 0x200F, 0x061C, *range(0x202A, 0x202F), *range(0x2066, 0x206A)]
)


def _unmarked(cell: object) -> object:
    """A string cell without bidi control characters; any other cell as it is."""
    return cell.translate(_BIDI_MARKS) if isinstance(cell, str) else cell


MIRRORED_ALIGN = {"LEFT": "RIGHT", "RIGHT": "LEFT", "left": "right", "right": "left"}
_SIDE_COMMANDS = {
    "LEFTPADDING": "RIGHTPADDING",
    "RIGHTPADDING": "LEFTPADDING",
    "LINEBEFORE": "LINEAFTER",
    "LINEAFTER": "LINEBEFORE",
}


def mirror_table(
    rows: list[list], widths: Sequence[float], commands: Sequence[tuple]
) -> tuple[list[list], list[float], list[tuple]]:
    """A table laid out right to left: columns reversed, alignments and sides swapped.

    Plain string cells start on the right (an ``ALIGN RIGHT`` for the whole
    table comes first, so a command that right-aligned figures now puts them
    on the left, the end of a right-to-left line); TextBlocks told to align
    left or right are told the other, and those aligned by their own script's
    direction start on the right.
    """
    count = len(widths)

    def column(index: int) -> int:
        return count - 1 - (index + count if index < 0 else index)

    mirrored: list[tuple] = [("ALIGN", (0, 0), (-1, -1), "RIGHT")]
    for name, (c0, r0), (c1, r1), *args in commands:
        a, b = column(c0), column(c1)
        name = _SIDE_COMMANDS.get(name, name)
        if name == "ALIGN":
            args = [MIRRORED_ALIGN.get(args[0], args[0]), *args[1:]]
        mirrored.append((name, (min(a, b), r0), (max(a, b), r1), *args))
    flipped = []
    for row in rows:
        cells = []
        for value in reversed(row):
            for part in value if isinstance(value, list) else [value]:
                if isinstance(part, TextBlock):
                    part.align = _CELL_ALIGN_RTL.get(part.align, part.align)
            cells.append(value)
        flipped.append(cells)
    return flipped, list(reversed(widths)), mirrored


# A cell's text starts on the right in a right-to-left table, whatever its own
# script: an English question in an Urdu report lines up with the Urdu ones.
_CELL_ALIGN_RTL = {"left": "right", "right": "left", "start": "right"}


class PagedTable(Flowable):
    """A long table laid out one page's worth of rows at a time.

    reportlab's Table rebuilds itself from all remaining rows at every page
    break, which is quadratic for a 2,000-store ranking; this hands it only
    the rows that can fit on the page, then carries on with the rest.
    """

    HEADER_ROWS = 1
    MIN_ROW_HEIGHT = BODY_SIZE * 1.3 + 4

    def __init__(
        self,
        rows: list[list],
        widths: Sequence[float],
        commands: list[tuple] | _Commands,
        start: int = HEADER_ROWS,
    ) -> None:
        super().__init__()
        self.rows = rows
        self.widths = list(widths)
        if not isinstance(commands, _Commands):
            commands = _Commands(commands, len(rows), self.HEADER_ROWS)
        self.commands = commands
        self.start = start  # the first row (index into rows) not yet laid out
        self._chunk: tuple[tuple[float, float], Table, bool] | None = None

    def _table(self, first: int, last: int) -> Table:
        header = self.HEADER_ROWS
        return Table(
            self.rows[:header] + self.rows[first:last],
            colWidths=self.widths,
            repeatRows=header,
            style=TableStyle(self.commands.for_rows(first, last)),
        )

    def _wrapped_chunk(self, width: float, height: float) -> tuple[Table, bool]:
        if self._chunk is None or self._chunk[0] != (width, height):
            fit = int(height / (self.MIN_ROW_HEIGHT * 0.9)) + 2
            last = min(len(self.rows), self.start + fit)
            table = self._table(self.start, last)
            table.wrap(width, height)
            self._chunk = ((width, height), table, last == len(self.rows))
        return self._chunk[1], self._chunk[2]

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:  # noqa: N803
        """The size of the rows that fit; taller than the frame when more rows follow."""
        table, whole = self._wrapped_chunk(availWidth, availHeight)
        self.width, self.height = table._width, table._height
        if not whole:
            self.height = max(self.height, availHeight + 1)
        return self.width, self.height

    def split(self, availWidth: float, availHeight: float) -> list[Flowable]:  # noqa: N803
        """This page's rows as a Table, then the rest as another PagedTable."""
        table, _whole = self._wrapped_chunk(availWidth, availHeight)
        heights = table._rowHeights
        used = sum(heights[: self.HEADER_ROWS])
        fit = 0
        for height in heights[self.HEADER_ROWS :]:
            if height is None or used + height > availHeight:
                break
            used += height
            fit += 1
        if fit == 0:
            return []
        page = self._table(self.start, self.start + fit)
        if self.start + fit >= len(self.rows):
            return [page]
        return [page, PagedTable(self.rows, self.widths, self.commands, self.start + fit)]

    def drawOn(self, canvas, x: float, y: float, _sW: float = 0) -> None:  # noqa: N802,N803
        """Draw the rows when they all fit (a split table draws its parts itself)."""
        table, _whole = self._wrapped_chunk(self.width, self.height)
        table.drawOn(canvas, x, y, _sW)


class _Commands:
    """A table's style commands, indexed so each page's rows find theirs quickly."""

    def __init__(self, commands: Sequence[tuple], count: int, header: int) -> None:
        self.header = header
        self.fixed: list[tuple] = []  # commands that touch the header: every page has them
        body: list[tuple[int, int, tuple]] = []
        for name, (c0, r0), (c1, r1), *args in commands:
            r0 = r0 + count if r0 < 0 else r0
            r1 = r1 + count if r1 < 0 else r1
            if r0 < header:
                self.fixed.append((name, (c0, r0), (c1, min(r1, header - 1)), *args))
                if r1 < header:
                    continue
                r0 = header
            body.append((r0, r1, (name, c0, c1, *args)))
        body.sort(key=lambda item: item[0])
        self.body = body
        self.starts = [item[0] for item in body]
        self.longest = max((r1 - r0 for r0, r1, _ in body), default=0)

    def for_rows(self, first: int, last: int) -> list[tuple]:
        """The commands for a table of the header and rows[first:last], renumbered."""
        out = list(self.fixed)
        shift = first - self.header
        low = bisect.bisect_left(self.starts, first - self.longest)
        high = bisect.bisect_left(self.starts, last)
        for r0, r1, (name, c0, c1, *args) in self.body[low:high]:
            top, bottom = max(r0, first), min(r1, last - 1)
            if top <= bottom:
                out.append((name, (c0, top - shift), (c1, bottom - shift), *args))
        return out


def heading(text: str, fonts: Fonts, *, size: float = 13, space_before: float = 8) -> TextBlock:
    """A section heading."""
    return TextBlock(
        text, size=size, bold=True, color=INK, space_before=space_before, space_after=4, fonts=fonts
    )


def note(text: str, fonts: Fonts) -> TextBlock:
    """A line of muted explanation."""
    return TextBlock(text, size=BODY_SIZE, color=MUTED, space_after=4, fonts=fonts)


# (first line: the filters, or fields joined by a dot; generation time; "Page N of M")
FooterLines = Callable[[int, int], tuple[str | Sequence[str], str, str]]


def _footer_canvas(footer: FooterLines, fonts: Fonts, locale_rtl: bool) -> type[Canvas]:
    class FooterCanvas(Canvas):
        """Keeps each page until the end, so every footer can say how many pages there are."""

        def __init__(self, *args, **kwargs) -> None:
            super().__init__(*args, **kwargs)
            self._pages: list[dict] = []

        def showPage(self) -> None:  # noqa: N802 - reportlab's name
            self._pages.append(dict(self.__dict__))
            self._startPage()

        def save(self) -> None:
            total = len(self._pages)
            for number, state in enumerate(self._pages, start=1):
                self.__dict__.update(state)
                self._draw_footer(number, total)
                Canvas.showPage(self)
            Canvas.save(self)

        def _draw_footer(self, number: int, total: int) -> None:
            first, left, right = footer(number, total)
            width, _height = self._pagesize
            self.saveState()
            self.setStrokeColor(RULE)
            self.setLineWidth(0.5)
            top = MARGIN - 2 * mm
            self.line(MARGIN, top, width - MARGIN, top)
            span = width - 2 * MARGIN
            draw_text(
                self,
                first,
                width - MARGIN if locale_rtl else MARGIN,
                top - 3.2 * mm,
                size=SMALL_SIZE,
                align="right" if locale_rtl else "left",
                max_width=span,
                color=MUTED,
                rtl=locale_rtl,
                fonts=fonts,
            )
            # The page number sits at the end of the reader's line: on the left in
            # a right-to-left language, the generation time at its start.
            right_width = draw_text(
                self,
                right,
                MARGIN if locale_rtl else width - MARGIN,
                top - 6.6 * mm,
                size=SMALL_SIZE,
                bold=True,
                align="left" if locale_rtl else "right",
                color=INK,
                fonts=fonts,
            )
            draw_text(
                self,
                left,
                width - MARGIN if locale_rtl else MARGIN,
                top - 6.6 * mm,
                size=SMALL_SIZE,
                align="right" if locale_rtl else "left",
                max_width=span - right_width - 4 * mm,
                color=MUTED,
                fonts=fonts,
            )
            self.restoreState()

    return FooterCanvas


def build_document(
    story: list[Flowable],
    *,
    title: str,
    footer: FooterLines,
    fonts: Fonts,
    rtl: bool = False,
    pagesize: tuple[float, float] = PAGE,
) -> bytes:
    """Lay the story out on A4 pages with the footer on each, and return the PDF bytes.

    With ``rtl`` the pages read from the right: the footer is mirrored, and a
    paragraph aligned by its own script starts on the right, so an English
    heading or checklist text lines up with the Urdu around it.
    """
    if rtl:
        _start_on_the_right(story)
    buffer = io.BytesIO()
    document = SimpleDocTemplate(
        buffer,
        pagesize=pagesize,
        leftMargin=MARGIN,
        rightMargin=MARGIN,
        topMargin=MARGIN,
        bottomMargin=MARGIN + FOOTER_HEIGHT - 4 * mm,
        title=clean(title),
        creator="shopper",
    )
    document.build(story, canvasmaker=_footer_canvas(footer, fonts, rtl))
    return buffer.getvalue()


def _start_on_the_right(flowables: Sequence[Flowable]) -> None:
    """Align the story's paragraphs (also inside a KeepTogether) that follow their script's
    direction to the right; tables mirror their own cells (``mirror_table``)."""
    for flowable in flowables:
        if isinstance(flowable, TextBlock) and flowable.align == "start":
            flowable.align = "right"
        elif isinstance(flowable, KeepTogether):
            _start_on_the_right(flowable._content)


def ensure_fonts(cache_dir=None) -> Fonts:
    """The registered fonts (see :func:`shopper.pdf.fonts.register_fonts`)."""
    return register_fonts(cache_dir)
