"""A comparison as CSV and XLSX (spec/formats.md, "Exports")."""

from __future__ import annotations

import io
from collections.abc import Mapping

from openpyxl import Workbook
from openpyxl.styles import Font

from shopper.domain.comparison import Comparison
from shopper.domain.scoring import round_pct
from shopper.services.csv_files import escape_cell, write_csv


def _shown(value: float | None) -> float | None:
    """A percentage as people read it: one decimal, half away from zero."""
    rounded = round_pct(value)
    return float(rounded) if rounded is not None else None


def store_table(
    comparison: Comparison, headings: Mapping[str, str]
) -> tuple[list[str], list[list[object]]]:
    """One row per store: rank, code, name, region, competitor, visits, score, change,
    critical failures, then one column per section; with an overall target, "below target"
    (yes/no) last."""
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
    if comparison.targets.overall is not None:
        header.append(headings["below_target"])
        for row, cells in zip(comparison.stores, rows, strict=True):
            cells.append(headings["yes"] if comparison.below_target(row) else headings["no"])
    return header, rows


def question_table(
    comparison: Comparison, headings: Mapping[str, str]
) -> tuple[list[str], list[list[object]]]:
    """One row per store, one column per question."""
    header = [headings["code"], headings["name"], *(q.info.code for q in comparison.questions)]
    rows = [
        [
            row.store.code,
            row.store.name,
            *(row.questions[q.info.code] for q in comparison.questions),
        ]
        for row in comparison.stores
    ]
    return header, rows


def comparison_csv(comparison: Comparison, headings: Mapping[str, str]) -> str:
    """Both tables in one CSV, the question table after a blank line; percentages rounded."""
    stores_header, store_rows = store_table(comparison, headings)
    questions_header, question_rows = question_table(comparison, headings)
    percent_store = {6, 7, *range(9, 9 + len(comparison.sections))}
    first = write_csv(
        stores_header,
        ([_shown(v) if i in percent_store else v for i, v in enumerate(r)] for r in store_rows),
    )
    second = write_csv(
        questions_header,
        ([_shown(v) if i >= 2 else v for i, v in enumerate(r)] for r in question_rows),
    )
    return first + "\n" + second


def comparison_xlsx(comparison: Comparison, headings: Mapping[str, str]) -> bytes:
    """Stores on the first sheet, questions on the second; exact values shown with one decimal."""
    workbook = Workbook()
    sheets = [
        (workbook.active, headings["stores_sheet"], *store_table(comparison, headings), {6, 7}, 9),
        (
            workbook.create_sheet(),
            headings["questions_sheet"],
            *question_table(comparison, headings),
            set(),
            2,
        ),
    ]
    for sheet, title, header, rows, percent, percent_from in sheets:
        sheet.title = title[:31]
        sheet.append([escape_cell(str(h)) for h in header])
        for cell in sheet[1]:
            cell.font = Font(bold=True)
        for row in rows:
            sheet.append(
                [
                    escape_cell(value)
                    if isinstance(value, str)
                    else ("yes" if value is True else "no" if value is False else value)
                    for value in row
                ]
            )
        for column in [*percent, *range(percent_from, len(header))]:
            for cells in sheet.iter_rows(min_row=2, min_col=column + 1, max_col=column + 1):
                for cell in cells:
                    cell.number_format = "0.0"
        sheet.freeze_panes = "C2"
    output = io.BytesIO()
    workbook.save(output)
    return output.getvalue()
