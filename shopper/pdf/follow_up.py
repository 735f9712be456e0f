"""The comparison PDF's follow-up part: open and overdue actions per store, and per
region the share of the actions due in the period that were closed in time.

Only for readers who may see actions; the figures come from services.actions.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from reportlab.platypus import CondPageBreak, Flowable

from shopper.domain.comparison import Comparison
from shopper.domain.i18n import N_, is_rtl_language
from shopper.pdf import (
    CONTENT_WIDTH,
    Labels,
    cell,
    data_table,
    format_count,
    format_percent,
    header_cells,
    heading,
    note,
)
from shopper.pdf.fonts import Fonts

DEFAULT_LABELS: dict[str, str] = {
    "follow_up": N_("Follow-up actions"),
    "store": N_("Store"),
    "open_actions": N_("Open actions"),
    "overdue_actions": N_("Overdue"),
    "region": N_("Region"),
    "closed_in_time": N_("Due in the period, closed by the due date"),
    "no_open_actions": N_("No store has an open action."),
    "none_due": N_("No action was due in the period."),
}


@dataclass(frozen=True)
class FollowUpFigures:
    """Per store code (open, overdue) actions; per region the share closed in time."""

    open_and_overdue: Mapping[str, tuple[int, int]]
    closed_in_time: Mapping[str, float | None]


def follow_up_part(
    comparison: Comparison,
    figures: FollowUpFigures,
    labels: Mapping[str, str],
    fonts: Fonts,
    locale: str,
) -> list[Flowable]:
    """The flowables of the follow-up part, after the comparison's own pages."""
    text = Labels(DEFAULT_LABELS, labels)
    rtl = is_rtl_language(locale)
    out: list[Flowable] = [CondPageBreak(160), heading(text["follow_up"], fonts)]
    stores = [
        (row.store, figures.open_and_overdue[row.store.code])
        for row in comparison.stores
        if figures.open_and_overdue.get(row.store.code, (0, 0))[0]
    ]
    if stores:
        widths = [0.0, 80.0, 80.0]
        widths[0] = CONTENT_WIDTH - sum(widths)
        rows: list[list] = [
            header_cells(
                [text["store"], text["open_actions"], text["overdue_actions"]],
                widths,
                fonts,
                ["left", "right", "right"],
            )
        ]
        for store, (opened, overdue) in stores:
            rows.append(
                [
                    cell(f"{store.code} · {store.name}", widths[0], fonts=fonts),
                    format_count(opened, locale),
                    format_count(overdue, locale),
                ]
            )
        out.append(
            data_table(rows, widths, fonts, extra=[("ALIGN", (1, 0), (2, -1), "RIGHT")], rtl=rtl)
        )
    else:
        out.append(note(text["no_open_actions"], fonts))
    if figures.closed_in_time:
        widths = [0.0, 200.0]
        widths[0] = CONTENT_WIDTH - sum(widths)
        rows = [
            header_cells([text["region"], text["closed_in_time"]], widths, fonts, ["left", "right"])
        ]
        for region, share in sorted(figures.closed_in_time.items()):
            rows.append([cell(region, widths[0], fonts=fonts), format_percent(share, locale)])
        out.append(
            data_table(rows, widths, fonts, extra=[("ALIGN", (1, 0), (1, -1), "RIGHT")], rtl=rtl)
        )
    else:
        out.append(note(text["none_due"], fonts))
    return out
