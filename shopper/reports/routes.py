"""Comparison pages for owners and coordinators (read-only)."""

from __future__ import annotations

from datetime import date

from flask import current_app, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from shopper.access import roles
from shopper.domain import policy
from shopper.domain.comparison import Comparison
from shopper.domain.i18n import N_
from shopper.domain.workflow import Status
from shopper.extensions import db
from shopper.models import Assignment, Checklist, Role, Store, Visit
from shopper.reports import bp, downloads
from shopper.services import actions, assignments, comparisons, scope
from shopper.services.comparisons import ComparisonQuery
from shopper.services.errors import Invalid, NotFound


def default_query(today: date) -> dict[str, str]:
    """Last month of the checklist with the most recent approved visit (else the first one)."""
    # Narrowed as visits, then as checklists: a manager's stores' visits, their checklists.
    latest = db.session.execute(
        scope.visible_to(
            current_user,
            select(Visit.id, Checklist.code)
            .join(Assignment, Visit.assignment_id == Assignment.id)
            .join(Checklist, Assignment.checklist_id == Checklist.id)
            .where(Assignment.status == Status.APPROVED)
            .order_by(Visit.visited_on.desc())
            .limit(1),
        )
    ).first()
    code = latest[1] if latest is not None else None
    if code is None:
        code = db.session.execute(
            select(Checklist.code)
            .where(Checklist.id.in_(scope.visible_to(current_user, select(Checklist.id))))
            .order_by(Checklist.title)
            .limit(1)
        ).scalar_one_or_none()
    first, last = downloads.period_presets(today)["last_month"]
    return {"checklist": code or "", "first_day": first.isoformat(), "last_day": last.isoformat()}


def _query_args() -> dict[str, str]:
    args = request.args.to_dict()
    preset = args.pop("preset", "")
    presets = downloads.period_presets(date.today())
    if preset in presets:
        args["first_day"], args["last_day"] = (d.isoformat() for d in presets[preset])
    return args


def _form_context(args: dict[str, str]) -> dict[str, object]:
    return {
        "args": args,
        "checklists": db.session.execute(
            select(Checklist)
            .where(
                Checklist.archived_at.is_(None),
                Checklist.id.in_(scope.visible_to(current_user, select(Checklist.id))),
            )
            .order_by(Checklist.title)
            # Each named by its latest published version, in the reader's language.
            .options(selectinload(Checklist.versions))
        )
        .scalars()
        .all(),
        "regions": assignments.regions(),
        "presets": downloads.period_presets(date.today()),
        "has_pdf": "reports.comparison_pdf" in current_app.view_functions,
    }


def _built(args: dict[str, str]) -> Comparison:
    """The comparison of the query, as the signed-in person may read it (``store=``: one)."""
    built = comparisons.build(comparisons.parse_query(args))
    return comparisons.for_reader(built, current_user, args.get("store"))


@bp.get("/comparison")
@roles(Role.OWNER, Role.COORDINATOR, Role.MANAGER)
@comparisons.cycle_collector_paused()
def comparison() -> object:
    """The comparison page: headline, ranking, heat map, questions, regions, trend."""
    args = _query_args()
    if not args.get("checklist"):
        defaults = default_query(date.today())
        if not defaults["checklist"]:
            return render_template("reports/empty.html")
        return redirect(url_for("reports.comparison", **{**defaults, **args}))
    error = None
    built: Comparison | None = None
    try:
        built = _built(args)
    except (Invalid, NotFound) as problem:
        error = problem.translated()
    status = 200 if error is None else 422
    return render_template(
        "reports/comparison.html",
        comparison=built,
        error=error,
        **_form_context(args),
        **_follow_up_context(built),
    ), status


def _follow_up_context(built: Comparison | None) -> dict[str, object]:
    """The comparison's follow-up figures, for those who may read actions: open and overdue
    actions per store, and per region the share of actions due in the period closed in time."""
    if built is None or not policy.capabilities(current_user).read_actions:
        return {"action_counts": None, "closed_in_time": None}
    return {
        "action_counts": actions.counts_by_store_code(
            [row.store.code for row in built.stores], date.today()
        ),
        "closed_in_time": actions.closed_in_time_by_region(built.first_day, built.last_day),
    }


@bp.get("/comparison.csv")
@roles(Role.OWNER, Role.COORDINATOR, Role.MANAGER)
@comparisons.cycle_collector_paused()
def comparison_csv() -> object:
    """The comparison as CSV."""
    args = _query_args()
    with downloads.file_language():
        return downloads.csv_response(
            downloads.checked_for_file(_built(args), args), comparisons.parse_query(args)
        )


@bp.get("/comparison.xlsx")
@roles(Role.OWNER, Role.COORDINATOR, Role.MANAGER)
@comparisons.cycle_collector_paused()
def comparison_xlsx() -> object:
    """The comparison as XLSX."""
    args = _query_args()
    with downloads.file_language():
        return downloads.xlsx_response(
            downloads.checked_for_file(_built(args), args), comparisons.parse_query(args)
        )


@bp.get("/comparison.pdf")
@roles(Role.OWNER, Role.COORDINATOR, Role.MANAGER)
@comparisons.cycle_collector_paused()
def comparison_pdf() -> object:
    """The comparison as a PDF (``details=stores``, ``store=CODE`` as the API)."""
    args = _query_args()
    with downloads.file_language():
        query = comparisons.parse_query(args)
        built = comparisons.for_reader_pdf(
            comparisons.build(query), current_user, args.get("store")
        )
        return downloads.pdf_response(built, query, args)


@bp.get("/stores/<code>")
@roles(Role.OWNER, Role.COORDINATOR, Role.MANAGER)
@comparisons.cycle_collector_paused()
def store(code: str) -> object:
    """One store in the period: its visits, and its sections and questions against the chain.

    A store manager reaches their own stores only (another store: 404). The page
    shows the store's own line and the whole chain's figures, never another store's.
    """
    found = db.session.execute(
        scope.visible_to(current_user, select(Store).where(Store.code == code))
    ).scalar_one_or_none()
    if found is None:
        raise NotFound(N_("There is no store %(code)s."), {"code": code})
    args = _query_args()
    query: ComparisonQuery = comparisons.parse_query(args)
    built = comparisons.build(query)
    row = next((r for r in built.stores if r.store.code == code), None)
    visits = (
        db.session.execute(
            scope.visible_to(
                current_user,
                select(Visit)
                .join(Visit.assignment)
                .join(Assignment.checklist)
                .where(
                    Assignment.store_id == found.id,
                    Checklist.code == query.checklist,
                    Assignment.status == Status.APPROVED,
                    Visit.visited_on.between(query.first_day, query.last_day),
                )
                .options(selectinload(Visit.assignment).selectinload(Assignment.shopper))
                .order_by(Visit.visited_on),
            )
        )
        .scalars()
        .all()
    )
    return render_template(
        "reports/store.html", comparison=built, row=row, store=found, visits=visits, args=args
    )
