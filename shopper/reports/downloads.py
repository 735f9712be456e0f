"""The comparison as files: shared by the pages and the API so both give the same bytes."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from datetime import date, timedelta
from pathlib import Path

from flask import Response
from flask_babel import gettext as _

from shopper.config import LANGUAGES
from shopper.domain.comparison import Comparison
from shopper.domain.i18n import N_
from shopper.services import exports
from shopper.services.comparisons import ComparisonQuery
from shopper.services.errors import Invalid


@contextmanager
def file_language(args: Mapping[str, str]) -> Iterator[None]:
    """Inside, texts are in the query's ``language`` (files only), else the reader's own."""
    from flask_babel import force_locale

    language = (args.get("language") or "").strip()
    if not language:
        yield
        return
    if language not in LANGUAGES:
        raise Invalid(
            N_("language must be one of %(languages)s."),
            {"languages": ", ".join(sorted(LANGUAGES))},
            fields={"language": "unknown"},
        )
    with force_locale(language):
        yield


def one_store(comparison: Comparison, args: Mapping[str, str]) -> Comparison:
    """The comparison listing only ``store=CODE`` when asked (chain figures unchanged);
    ``details`` is refused here: it is for the PDF only."""
    from shopper.services import store_reports

    options = store_reports.parse_options(args, pdf=False)
    if options.store is None:
        return comparison
    return dataclasses.replace(
        comparison,
        stores=tuple(r for r in comparison.stores if r.store.code == options.store),
        not_visited=tuple(s for s in comparison.not_visited if s.code == options.store),
    )


def headings() -> dict[str, str]:
    """Column headings of the exports, in the reader's language."""
    return {
        "rank": _("Rank"),
        "code": _("Store code"),
        "name": _("Store"),
        "region": _("Region"),
        "competitor": _("Competitor"),
        "visits": _("Visits"),
        "score": _("Score %"),
        "change": _("Change"),
        "critical_failures": _("Critical failures"),
        "stores_sheet": _("Stores"),
        "questions_sheet": _("Questions"),
        # The competitor column's values.
        "yes": _("yes"),
        "no": _("no"),
    }


def filename(query: ComparisonQuery, extension: str) -> str:
    """A file name that says what is inside."""
    region = f"-{query.region}" if query.region else ""
    safe = "".join(c if c.isalnum() or c in "-_" else "_" for c in f"{query.checklist}{region}")
    return f"comparison-{safe}-{query.first_day}-{query.last_day}.{extension}"


def _attachment(body: bytes | str, mimetype: str, name: str) -> Response:
    return Response(
        body, mimetype=mimetype, headers={"Content-Disposition": f'attachment; filename="{name}"'}
    )


def csv_response(comparison: Comparison, query: ComparisonQuery) -> Response:
    """The CSV download (UTF-8 with a BOM so spreadsheets read the letters right)."""
    body = "\ufeff" + exports.comparison_csv(comparison, headings())
    return _attachment(body.encode("utf-8"), "text/csv", filename(query, "csv"))


def xlsx_response(comparison: Comparison, query: ComparisonQuery) -> Response:
    """The XLSX download."""
    return _attachment(
        exports.comparison_xlsx(comparison, headings()),
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        filename(query, "xlsx"),
    )


def period_presets(today: date) -> dict[str, tuple[date, date]]:
    """Last month, last quarter, year to date."""
    first_this_month = today.replace(day=1)
    last_month_end = first_this_month - timedelta(days=1)
    quarter_start_month = ((today.month - 1) // 3) * 3 + 1
    this_quarter = today.replace(month=quarter_start_month, day=1)
    last_quarter_end = this_quarter - timedelta(days=1)
    last_quarter_start = last_quarter_end.replace(
        month=((last_quarter_end.month - 1) // 3) * 3 + 1, day=1
    )
    return {
        "last_month": (last_month_end.replace(day=1), last_month_end),
        "last_quarter": (last_quarter_start, last_quarter_end),
        "year_to_date": (today.replace(month=1, day=1), today),
    }


def _translated(defaults: dict[str, str]) -> dict[str, str]:
    """The PDF's labels in the reader's language (msgids marked in shopper/pdf)."""
    from flask_babel import gettext

    return {key: gettext(value) for key, value in defaults.items()}


def describe_filters(comparison: Comparison) -> list[str]:
    """The filters, for the PDF's footer: fields the footer joins in the reader's direction
    (right to left in Urdu, the period's first day on the right)."""
    return [
        comparison.title,
        _(
            "%(first)s – %(last)s",
            # Each date isolated: after Urdu letters its digits would run right to left.
            first=f"\u2066{comparison.first_day.isoformat()}\u2069",
            last=f"\u2066{comparison.last_day.isoformat()}\u2069",
        ),
        comparison.region or _("Whole chain"),
        _("competitors included") if comparison.competitors_included else _("competitors left out"),
    ]


def pdf_response(comparison: Comparison, query: ComparisonQuery, args=None) -> Response:
    """The comparison PDF for owners: the chain's report, with a section per store
    (``details=stores``), or one store's own report (``store=CODE``)."""
    from flask import current_app
    from flask_babel import get_locale
    from flask_login import current_user

    from shopper.models import utcnow
    from shopper.pdf.comparison import DEFAULT_LABELS, build_comparison_pdf
    from shopper.services import store_reports

    options = store_reports.parse_options(args or {}, pdf=True)
    now = utcnow()
    details = None
    if options.store is not None or options.details is not None:
        codes = (
            [options.store]
            if options.store is not None
            else [r.store.code for r in comparison.stores]
        )
        details = store_reports.details(
            comparison,
            codes,
            reader=current_user,
            upload_folder=Path(current_app.config["UPLOAD_FOLDER"]),
            today=now.date(),
        )
    body = build_comparison_pdf(
        comparison,
        labels=_translated(DEFAULT_LABELS),
        generated_at=now,
        filters=describe_filters(comparison),
        locale=str(get_locale()),
        font_cache=Path(current_app.instance_path) / "fonts",
        targets=store_reports.targets(comparison),
        chain_change=store_reports.chain_change(query, comparison),
        details=details,
        store=options.store,
    )
    name = filename(query, "pdf")
    if options.store is not None:
        safe = "".join(ch if ch.isalnum() or ch in "-_" else "_" for ch in options.store)
        name = name.replace("comparison-", f"store-{safe}-", 1)
    return _attachment(body, "application/pdf", name)
