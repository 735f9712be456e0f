"""The comparison as files: shared by the pages and the API so both give the same bytes."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from datetime import date, datetime, timedelta
from pathlib import Path

from flask import Response, request
from flask_babel import force_locale, format_date, get_locale
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from shopper.config import LANGUAGES
from shopper.domain import policy
from shopper.domain.comparison import Comparison
from shopper.domain.i18n import N_, text_direction
from shopper.domain.policy import Person
from shopper.domain.workflow import Status
from shopper.extensions import db
from shopper.models import Assignment, Checklist, ChecklistVersion, Store, Visit
from shopper.services import actions, checklists, exports
from shopper.services.comparisons import ComparisonQuery
from shopper.services.errors import Invalid


def checked_for_file(comparison: Comparison, args: Mapping[str, str]) -> Comparison:
    """``comparison`` once the file's options are checked: ``details`` is refused, it is
    for the PDF only. (``store=CODE`` was applied with the reader's rights by
    ``comparisons.for_reader``.)"""
    from shopper.services import store_reports

    store_reports.parse_options(args, pdf=False)
    return comparison


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
        "below_target": _("Below target"),
        "stores_sheet": _("Stores"),
        "questions_sheet": _("Questions"),
        "about_sheet": _("About"),
        "about_item": _("What"),
        "about_value": _("Value"),
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


def requested_language() -> str:
    """The language a file is asked for (``?language=xx``), else the reader's own."""
    language = request.args.get("language", "").strip()
    if not language:
        return str(get_locale() or "en")
    if language not in LANGUAGES:
        raise Invalid(
            N_("Unknown language %(language)s; the languages are %(languages)s."),
            {"language": language, "languages": ", ".join(LANGUAGES)},
            fields={"language": "|".join(LANGUAGES)},
        )
    return language


@contextmanager
def file_language() -> Iterator[str]:
    """Build and write a file in the language asked for: headings and checklist texts."""
    language = requested_language()
    with force_locale(language):
        yield language


def requested_dialect(language: str) -> exports.Dialect:
    """``?dialect=comma|point`` when given, else the one the file's language reads."""
    name = request.args.get("dialect", "").strip()
    if not name:
        return exports.dialect_for(language)
    if name not in exports.DIALECTS:
        raise Invalid(
            N_("The dialect is comma or point."), fields={"dialect": "|".join(exports.DIALECTS)}
        )
    return exports.DIALECTS[name]


def _versions(comparison: Comparison) -> list[int]:
    """The checklist versions of the approved visits the figures count."""
    statement = (
        select(ChecklistVersion.number)
        .distinct()
        .join(Assignment, Assignment.checklist_version_id == ChecklistVersion.id)
        .join(Checklist, Checklist.id == ChecklistVersion.checklist_id)
        .join(Visit, Visit.assignment_id == Assignment.id)
        .join(Store, Store.id == Assignment.store_id)
        .where(
            Checklist.code == comparison.checklist,
            Assignment.status == Status.APPROVED,
            Visit.visited_on.between(comparison.first_day, comparison.last_day),
        )
    )
    if comparison.region:
        statement = statement.where(Store.region == comparison.region)
    if not comparison.competitors_included:
        statement = statement.where(Store.competitor.is_(False))
    return sorted(db.session.execute(statement).scalars())


def _title(comparison: Comparison) -> str:
    """The checklist's title in the file's language (its source title when untranslated)."""
    checklist = checklists.get_checklist(comparison.checklist)
    latest = checklist.latest_published
    if latest is None:
        return comparison.title
    return checklists.parse_version(latest, str(get_locale())).title or comparison.title


def about(comparison: Comparison, generated_at: datetime) -> list[tuple[str, object]]:
    """What a file's figures are of, for its About sheet (in the file's language)."""
    language = str(get_locale())
    versions = _versions(comparison)
    return [
        (_("Checklist"), _title(comparison)),
        (_("Checklist code"), comparison.checklist),
        (_("Versions counted"), ", ".join(str(n) for n in versions) or "–"),
        (_("First day"), comparison.first_day),
        (_("Last day"), comparison.last_day),
        (_("Compared with, first day"), comparison.previous_first_day),
        (_("Compared with, last day"), comparison.previous_last_day),
        (_("Region"), comparison.region or _("Whole chain")),
        (
            _("Competitors"),
            _("competitors included")
            if comparison.competitors_included
            else _("competitors left out"),
        ),
        (_("Scores"), _("percentages of the points possible; change in points")),
        (_("Made at (UTC)"), generated_at.replace(tzinfo=None, microsecond=0)),
        (_("Language"), LANGUAGES.get(language, language)),
    ]


def csv_response(comparison: Comparison, query: ComparisonQuery) -> Response:
    """The CSV download: UTF-8 with a BOM so spreadsheets read the letters right, in the
    dialect of the file's language (or the one asked for)."""
    dialect = requested_dialect(str(get_locale()))
    body = "\ufeff" + exports.comparison_csv(comparison, headings(), dialect)
    return _attachment(body.encode("utf-8"), "text/csv", filename(query, "csv"))


def xlsx_response(comparison: Comparison, query: ComparisonQuery) -> Response:
    """The XLSX download: About, Stores and Questions sheets."""
    from shopper.models import utcnow

    return _attachment(
        exports.comparison_xlsx(
            comparison,
            headings(),
            about(comparison, utcnow()),
            right_to_left=text_direction(str(get_locale())) == "rtl",
        ),
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
    (right to left in Urdu, the period's first day on the right), dates as the reader
    writes them."""
    from shopper.pdf import embedded

    # Each date in its own direction: "1 اکتوبر، 2026" keeps its order beside the other.
    return [
        comparison.title,
        _(
            "%(first)s – %(last)s",
            first=embedded(format_date(comparison.first_day, "medium")),
            last=embedded(format_date(comparison.last_day, "medium")),
        ),
        comparison.region or _("Whole chain"),
        _("competitors included") if comparison.competitors_included else _("competitors left out"),
    ]


def pdf_response(comparison: Comparison, query: ComparisonQuery, args=None) -> Response:
    """The comparison PDF for owners: the chain's report, with a section per store
    (``details=stores``), or one store's own report (``store=CODE``)."""
    from shopper.services import store_reports

    options = store_reports.parse_options(args or {}, pdf=True)
    body = comparison_pdf(
        comparison,
        query,
        reader=current_user,
        locale=str(get_locale()),
        store=options.store,
        details=options.details is not None,
    )
    name = filename(query, "pdf")
    if options.store is not None:
        safe = "".join(ch if ch.isalnum() or ch in "-_" else "_" for ch in options.store)
        name = name.replace("comparison-", f"store-{safe}-", 1)
    return _attachment(body, "application/pdf", name)


def comparison_pdf(
    comparison: Comparison,
    query: ComparisonQuery,
    *,
    reader: Person,
    locale: str,
    store: str | None = None,
    details: bool = False,
) -> bytes:
    """The comparison PDF as ``reader`` gets it, downloaded or mailed: the chain's pages
    with the targets, the change against the previous period and (for readers of actions)
    the follow-up part; a section per listed store with ``details``; ``store``'s own
    report. ``comparison`` is already what the reader may read (``for_reader_pdf``)."""
    from flask import current_app

    from shopper.models import utcnow
    from shopper.pdf.comparison import DEFAULT_LABELS, build_comparison_pdf
    from shopper.services import store_reports

    now = utcnow()
    pages = None
    if store is not None or details:
        codes = [store] if store is not None else [r.store.code for r in comparison.stores]
        pages = store_reports.details(
            comparison,
            codes,
            reader=reader,
            upload_folder=Path(current_app.config["UPLOAD_FOLDER"]),
            today=now.date(),
        )
    return build_comparison_pdf(
        comparison,
        labels=_translated(DEFAULT_LABELS),
        generated_at=now,
        filters=describe_filters(comparison),
        locale=locale,
        font_cache=Path(current_app.instance_path) / "fonts",
        appendix=_follow_up_appendix(comparison, locale, reader),
        targets=store_reports.targets(comparison),
        chain_change=store_reports.chain_change(query, comparison),
        details=pages,
        store=store,
    )


def _follow_up_appendix(
    comparison: Comparison, locale: str, reader: Person
) -> Callable[..., list] | None:
    """The PDF's follow-up part, for readers who may see actions (else None)."""
    from shopper.pdf import follow_up

    if not policy.capabilities(reader).read_actions:
        return None
    counts = actions.counts_by_store_code(
        [row.store.code for row in comparison.stores], date.today()
    )
    figures = follow_up.FollowUpFigures(
        open_and_overdue={code: (n.open, n.overdue) for code, n in counts.items()},
        closed_in_time=actions.closed_in_time_by_region(comparison.first_day, comparison.last_day),
    )
    labels = _translated(follow_up.DEFAULT_LABELS)
    return lambda fonts: follow_up.follow_up_part(comparison, figures, labels, fonts, locale)
