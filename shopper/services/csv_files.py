"""Reading uploaded CSV files and writing CSV exports (formats.md, "CSV imports").

Every import reads its file here: UTF-8 (a BOM is accepted), comma-separated,
a header row naming the columns in any order. Problems are collected by line
and column so a file is refused whole, with every problem listed at once.

Exports are written here too. A text cell that starts with ``=``, ``+``, ``-``
or ``@`` gets a leading ``'`` so a spreadsheet shows it instead of running it
as a formula; reading undoes exactly that, so export → import changes nothing.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from shopper.domain.i18n import N_, N_plural
from shopper.services.errors import Invalid

MAX_CSV_BYTES = 5 * 1024 * 1024
# Rows under the header; with the byte limit it keeps an import within a request's time.
MAX_CSV_ROWS = 10_000
FORMULA_STARTS = ("=", "+", "-", "@")
ESCAPE = "'"


@dataclass(frozen=True)
class RowError:
    """One problem at a line and column; ``message`` is a msgid with %(name)s params."""

    line: int
    column: str
    message: str
    params: dict[str, object] = field(default_factory=dict)

    def __str__(self) -> str:
        text = self.message % self.params if self.params else self.message
        where = f"line {self.line}, {self.column}" if self.column else f"line {self.line}"
        return f"{where}: {text}"

    def translated(self) -> str:
        """The message in the current person's language."""
        from flask_babel import gettext

        return gettext(self.message, **self.params)


class CsvInvalid(Invalid):
    """A file refused whole; ``errors`` lists every problem by line and column."""

    def __init__(self, errors: Sequence[RowError]) -> None:
        fields: dict[str, str] = {}
        for error in errors:
            key = f"{error.line}:{error.column}" if error.column else str(error.line)
            fields[key] = (
                f"{fields[key]} {error.translated()}" if key in fields else error.translated()
            )
        super().__init__(
            N_plural(
                "The file has %(num)d problem; nothing was imported.",
                "The file has %(num)d problems; nothing was imported.",
            ),
            {"num": len(errors)},
            fields=fields,
        )
        self.errors = tuple(errors)


class RowErrors:
    """Collects problems while a file is read and checked; sorted by line, then column."""

    def __init__(self, columns: Sequence[str] = ()) -> None:
        self._errors: list[RowError] = []
        self._columns = list(columns)

    def add(self, line: int, column: str, message: str, /, **params: object) -> None:
        """Note one problem (``message`` marked with N_, filled with ``params`` when shown)."""
        self._errors.append(RowError(line, column, message, params))

    def __bool__(self) -> bool:
        return bool(self._errors)

    def __len__(self) -> int:
        return len(self._errors)

    def _order(self, column: str) -> int:
        return self._columns.index(column) if column in self._columns else len(self._columns)

    def sorted(self) -> tuple[RowError, ...]:
        """Every problem, by line, then by the column's place in the file."""
        numbered = sorted(
            enumerate(self._errors),
            key=lambda pair: (pair[1].line, self._order(pair[1].column), pair[0]),
        )
        return tuple(error for _, error in numbered)

    def raise_if_any(self) -> None:
        """Refuse the whole file when anything was noted."""
        if self._errors:
            raise CsvInvalid(self.sorted())


@dataclass(frozen=True)
class CsvRow:
    """One data row: the line it starts on and its cells by column name (stripped)."""

    line: int
    values: dict[str, str]


@dataclass(frozen=True)
class CsvTable:
    """A read file: its columns, its rows, and the problems found so far."""

    columns: tuple[str, ...]
    rows: tuple[CsvRow, ...]
    errors: RowErrors


def unescape_cell(value: str) -> str:
    """Undo ``escape_cell``: drop the ``'`` written before a formula-like start."""
    if value[:1] == ESCAPE and value[1:2] and value[1:2] in (*FORMULA_STARTS, ESCAPE):
        return value[1:]
    return value


def escape_cell(value: str) -> str:
    """Prefix ``'`` to text a spreadsheet would run as a formula.

    A text that already starts with ``'`` followed by a formula character (or
    another ``'``) is escaped too, so ``unescape_cell`` gives back exactly the
    original; ordinary text, such as "O'Brien" or "'t Hooft", is left alone.
    """
    if value[:1] in FORMULA_STARTS or unescape_cell(value) != value:
        return ESCAPE + value
    return value


def _decode(raw: bytes) -> str:
    if len(raw) > MAX_CSV_BYTES:
        raise CsvInvalid(
            [
                RowError(
                    1,
                    "",
                    N_("The file is larger than %(size)d MB; split it and import the parts."),
                    {"size": MAX_CSV_BYTES // (1024 * 1024)},
                )
            ]
        )
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = raw[: error.start].count(b"\n") + 1
        raise CsvInvalid(
            [
                RowError(
                    line,
                    "",
                    N_(
                        "The file is not UTF-8 text. Save it as “CSV UTF-8” "
                        "(comma-separated) and import it again."
                    ),
                )
            ]
        ) from error


def _records(text: str) -> Iterable[tuple[int, list[str]]]:
    """(first line, cells) of each record; a quoted cell may span lines."""
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    while True:
        start = reader.line_num + 1
        try:
            record = next(reader)
        except StopIteration:
            return
        except csv.Error as error:
            raise CsvInvalid(
                [
                    RowError(
                        start,
                        "",
                        N_("This line cannot be read as CSV (%(problem)s)."),
                        {"problem": str(error)},
                    )
                ]
            ) from error
        if any(cell.strip() for cell in record):
            yield start, record


def _header(
    line: int, cells: list[str], required: Sequence[str], optional: Sequence[str]
) -> list[str]:
    known = [*required, *optional]
    names = [cell.strip().lower() for cell in cells]
    errors = RowErrors(known)
    if len(names) == 1 and ";" in names[0]:
        errors.add(
            line,
            "",
            N_("The columns are separated by semicolons; save the file with commas."),
        )
        errors.raise_if_any()
    seen: set[str] = set()
    for number, name in enumerate(names, start=1):
        if not name:
            continue
        if name not in known:
            errors.add(
                line,
                name,
                N_("Unknown column %(column)s (column %(number)d); the columns are %(columns)s."),
                column=cells[number - 1].strip(),
                number=number,
                columns=", ".join(known),
            )
        elif name in seen:
            errors.add(line, name, N_("The column %(column)s appears twice."), column=name)
        seen.add(name)
    for name in required:
        if name not in seen:
            errors.add(line, name, N_("The column %(column)s is missing."), column=name)
    errors.raise_if_any()
    return names


def read_csv(raw: bytes, required: Sequence[str], optional: Sequence[str] = ()) -> CsvTable:
    """Read an uploaded CSV file into rows of {column: stripped text}.

    Refuses the file at once (CsvInvalid) when it cannot be read at all: too
    large or too many rows, not UTF-8, no header, unknown, missing or repeated columns. Problems
    of single rows are collected in ``errors`` for the caller to add to.
    """
    text = _decode(raw)
    records = iter(_records(text))
    first = next(records, None)
    if first is None:
        raise CsvInvalid(
            [
                RowError(
                    1,
                    "",
                    N_("The file is empty; its first line must name the columns: %(columns)s."),
                    {"columns": ",".join([*required, *optional])},
                )
            ]
        )
    header_line, header_cells = first
    names = _header(header_line, header_cells, required, optional)
    columns = tuple(name for name in names if name)
    errors = RowErrors(columns)
    rows = []
    for line, cells in records:
        if len(rows) == MAX_CSV_ROWS:
            raise CsvInvalid(
                [
                    RowError(
                        line,
                        "",
                        N_("The file has more than %(count)d rows; split it and import the parts."),
                        {"count": MAX_CSV_ROWS},
                    )
                ]
            )
        values: dict[str, str] = {}
        for index, cell in enumerate(cells):
            name = names[index] if index < len(names) else ""
            value = unescape_cell(cell.strip())
            if "\x00" in value:  # decoded from UTF-8, so NUL is the only unstorable text
                errors.add(line, name, N_("The cell contains control characters."))
                value = value.replace("\x00", "")
            if name:
                values[name] = value
            elif value:
                errors.add(
                    line,
                    "",
                    N_("Cell %(number)d has a value but its column has no name in the header."),
                    number=index + 1,
                )
        for name in columns:
            values.setdefault(name, "")
        rows.append(CsvRow(line, values))
    if not rows:
        errors.add(header_line + 1, "", N_("The file has a header but no rows under it."))
    return CsvTable(columns, tuple(rows), errors)


class Number(str):
    """A number already written as text in a file's dialect (``57,1``): never escaped."""


def _cell(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, Number):
        return str(value)
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, int | float):
        # Numbers are data, not text: a negative change must stay a number.
        return str(value)
    return escape_cell(str(value))


def write_csv(header: Sequence[str], rows: Iterable[Sequence[object]], delimiter: str = ",") -> str:
    """A CSV text: ``delimiter``-separated (a comma unless told), minimal quoting, ``\\n``
    line ends, text cells escaped.

    Booleans are written ``yes``/``no``, numbers as they are (a ``Number`` as
    written); every other cell is user text and is escaped against formulas.
    """
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=delimiter, lineterminator="\n")
    writer.writerow([_cell(name) for name in header])
    for row in rows:
        writer.writerow([_cell(value) for value in row])
    return buffer.getvalue()
