"""A comparison as CSV and XLSX (spec/formats.md, "Exports").

Both files carry the same two tables: one row per store (rank, code, name,
region, competitor, visits, score, change, critical failures, then a column
per section) and one row per store with a column per question. The XLSX
opens with an "About" sheet saying what the figures are of; its cells are
numbers and dates with number formats, never text. The CSV follows the
reader's dialect: a comma-decimal language gets ``;`` between cells and
``,`` before the decimals, so that a spreadsheet reads its numbers as numbers.
"""

from __future__ import annotations

import io
import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime

from openpyxl import Workbook
from openpyxl.comments import Comment
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from shopper.domain.comparison import Comparison
from shopper.domain.scoring import round_pct
from shopper.services.csv_files import Number, escape_cell, write_csv

# Kinds of column: how a cell is written and shown.
TEXT = "text"
COUNT = "count"  # whole numbers: rank, visits, critical failures
SCORE = "score"  # a percentage 0–100, shown with one decimal
POINTS = "points"  # a change in percentage points, signed
DATE = "date"
MOMENT = "moment"  # a date and time (UTC)

NUMBER_FORMATS = {
    COUNT: "0",
    SCORE: "0.0",
    POINTS: "+0.0;-0.0;0.0",
    DATE: "yyyy-mm-dd",
    MOMENT: "yyyy-mm-dd hh:mm",
}
# Column widths in characters: at least a short number, at most a readable line.
MIN_WIDTH = 6
MAX_WIDTH = 50
# Headers longer than this wrap onto more lines.
HEADER_LINE = 20
# Excel's width of a column nobody has sized.
DEFAULT_WIDTH = 8.43


@dataclass(frozen=True)
class Dialect:
    """How a CSV separates its cells and writes its decimals."""

    separator: str
    decimal: str


POINT = Dialect(",", ".")
COMMA = Dialect(";", ",")
DIALECTS = {"point": POINT, "comma": COMMA}
# Languages whose readers write 3,5 for three and a half (formats.md, "Exports").
COMMA_LANGUAGES = frozenset({"tr", "sv"})


def dialect_for(language: str) -> Dialect:
    """The CSV dialect a reader of ``language`` opens without converting anything."""
    return COMMA if language in COMMA_LANGUAGES else POINT


@dataclass(frozen=True)
class Table:
    """A header, the kind of each column and the rows; ``notes`` go under header cells."""

    header: list[str]
    kinds: list[str]
    rows: list[list[object]]
    notes: dict[int, str]


def _shown(value: float | None) -> float | None:
    """A percentage as people read it: one decimal, half away from zero."""
    rounded = round_pct(value)
    return float(rounded) if rounded is not None else None


def store_table(comparison: Comparison, headings: Mapping[str, str]) -> Table:
    """One row per store: rank, code, name, region, competitor, visits, score, change,
    critical failures, then one column per section (headed by its title)."""
    header = [
        headings["rank"],
        headings["code"],
        headings["name"],
        headings["region"],
        headings["competitor"],
        headings["visits"],
        headings["score"],
        headings["change"],
        headings["critical_failures"],
        *(section.title for section in comparison.sections),
    ]
    kinds = [TEXT] * len(header)
    kinds[0] = kinds[5] = kinds[8] = COUNT
    kinds[6] = SCORE
    kinds[7] = POINTS
    for column in range(9, len(header)):
        kinds[column] = SCORE
    rows = [
        [
            row.rank,
            row.store.code,
            row.store.name,
            row.store.region,
            headings["yes"] if row.store.competitor else headings["no"],
            row.visits,
            row.score,
            row.change,
            row.critical_failures,
            *(row.sections[section.code] for section in comparison.sections),
        ]
        for row in comparison.stores
    ]
    notes = {9 + i: section.code for i, section in enumerate(comparison.sections)}
    return Table(header, kinds, rows, notes)


def question_table(
    comparison: Comparison, headings: Mapping[str, str], codes_in_header: bool = False
) -> Table:
    """One row per store, one column per question, headed by the question's text: its code
    in the header cell's note (XLSX), or after the text in brackets (``codes_in_header``, CSV,
    so that a program finds its column)."""

    def heading(text: str, code: str) -> str:
        if not text:
            return code
        return f"{text} ({code})" if codes_in_header else text

    header = [
        headings["code"],
        headings["name"],
        *(heading(q.info.text, q.info.code) for q in comparison.questions),
    ]
    kinds = [TEXT, TEXT, *(SCORE for _ in comparison.questions)]
    rows = [
        [
            row.store.code,
            row.store.name,
            *(row.questions[q.info.code] for q in comparison.questions),
        ]
        for row in comparison.stores
    ]
    notes = {2 + i: q.info.code for i, q in enumerate(comparison.questions)}
    return Table(header, kinds, rows, notes)


# CSV -----------------------------------------------------------------------


def _csv_value(value: object, kind: str, dialect: Dialect) -> object:
    if value is None:
        return None
    if kind in (SCORE, POINTS):
        shown = _shown(value)  # type: ignore[arg-type]
        return Number(f"{shown:.1f}".replace(".", dialect.decimal))
    return value


def comparison_csv(
    comparison: Comparison, headings: Mapping[str, str], dialect: Dialect = POINT
) -> str:
    """Both tables in one CSV, the question table after a blank line; percentages rounded
    to one decimal and written with the dialect's decimal sign."""
    parts = []
    for table in (
        store_table(comparison, headings),
        question_table(comparison, headings, codes_in_header=True),
    ):
        parts.append(
            write_csv(
                table.header,
                (
                    [_csv_value(v, kind, dialect) for v, kind in zip(row, table.kinds, strict=True)]
                    for row in table.rows
                ),
                delimiter=dialect.separator,
            )
        )
    return "\n".join(parts)


# XLSX ----------------------------------------------------------------------


def text_width(text: str) -> int:
    """How many character cells ``text`` takes: marks take none, wide letters two."""
    width = 0
    for character in text:
        if unicodedata.combining(character) or unicodedata.category(character) in (
            "Mn",
            "Me",
            "Cf",
        ):
            continue
        width += 2 if unicodedata.east_asian_width(character) in ("W", "F") else 1
    return width


def _shown_width(value: object, kind: str) -> int:
    """How wide ``value`` shows in its column's number format."""
    if value is None:
        return 0
    if isinstance(value, datetime):
        return 16
    if isinstance(value, date):
        return 10
    if kind == SCORE:
        return len(f"{value:.1f}")
    if kind == POINTS:
        return len(f"{value:+.1f}")
    return text_width(str(value))


def _number_format(value: object, kind: str) -> str | None:
    if isinstance(value, datetime):
        return NUMBER_FORMATS[MOMENT]
    if isinstance(value, date):
        return NUMBER_FORMATS[DATE]
    return NUMBER_FORMATS.get(kind)


def _cell(value: object) -> object:
    if isinstance(value, str):
        return escape_cell(value)
    if isinstance(value, bool):
        return "yes" if value else "no"
    return value


def _write_sheet(sheet: Worksheet, table: Table, freeze: str) -> None:
    """A table with a bold, frozen, filtered header row and columns fitted to their content."""
    sheet.append([_cell(str(h)) for h in table.header])
    for column, cell in enumerate(sheet[1]):
        cell.font = Font(bold=True)
        cell.alignment = Alignment(wrap_text=True, vertical="top")
        if column in table.notes:
            cell.comment = Comment(table.notes[column], "shopper")
    for row in table.rows:
        sheet.append([_cell(value) for value in row])
        for cell, value, kind in zip(sheet[sheet.max_row], row, table.kinds, strict=True):
            number_format = _number_format(value, kind)
            if number_format is not None:
                cell.number_format = number_format
    for column, kind in enumerate(table.kinds):
        # A header up to HEADER_LINE wide stays on one line; a longer one (a question's
        # text) wraps, never narrower than its longest word.
        text = str(table.header[column])
        longest_word = max((text_width(word) for word in text.split()), default=0)
        header = min(text_width(text), max(longest_word, HEADER_LINE))
        content = max((_shown_width(row[column], kind) for row in table.rows), default=0)
        width = min(max(header, content, MIN_WIDTH) + 2, MAX_WIDTH)
        sheet.column_dimensions[get_column_letter(column + 1)].width = width
    last = get_column_letter(len(table.header))
    sheet.auto_filter.ref = f"A1:{last}{len(table.rows) + 1}"
    sheet.freeze_panes = freeze


def about_table(about: Sequence[tuple[str, object]], headings: Mapping[str, str]) -> Table:
    """The About sheet: what the figures are of, one line per fact."""
    rows = [[label, value] for label, value in about]
    return Table([headings["about_item"], headings["about_value"]], [TEXT, TEXT], rows, {})


def comparison_xlsx(
    comparison: Comparison,
    headings: Mapping[str, str],
    about: Sequence[tuple[str, object]] = (),
    right_to_left: bool = False,
) -> bytes:
    """An About sheet, the stores, then the questions; exact values shown with one decimal.
    With ``right_to_left`` (Urdu) the sheets run from the right, as the reader reads."""
    workbook = Workbook()
    about_sheet = workbook.active
    about_sheet.title = _sheet_title(headings["about_sheet"])
    _write_sheet(about_sheet, about_table(about, headings), "B2")
    # Dates and texts alike start where the reader starts reading.
    start = "right" if right_to_left else "left"
    for (cell,) in about_sheet.iter_rows(min_row=2, min_col=2, max_col=2):
        cell.alignment = Alignment(horizontal=start, vertical="top", wrap_text=True)
    sheets = [about_sheet]
    for title, table, freeze in (
        (headings["stores_sheet"], store_table(comparison, headings), "D2"),
        (headings["questions_sheet"], question_table(comparison, headings), "C2"),
    ):
        sheet = workbook.create_sheet(_sheet_title(title))
        _write_sheet(sheet, table, freeze)
        sheets.append(sheet)
    for sheet in sheets:
        sheet.sheet_view.rightToLeft = right_to_left
    output = io.BytesIO()
    workbook.save(output)
    return output.getvalue()


def _sheet_title(title: str) -> str:
    """A sheet name Excel accepts: at most 31 characters, none of []:*?/\\."""
    cleaned = "".join(" " if c in "[]:*?/\\" else c for c in title).strip("' ")
    return cleaned[:31] or "Sheet"
