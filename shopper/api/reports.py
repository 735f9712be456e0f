"""Comparison endpoints: the JSON document and its CSV, XLSX and PDF files."""

from __future__ import annotations

import orjson
from flask import Response, request
from flask_login import current_user

from shopper.access import roles
from shopper.api import bp, schemas
from shopper.domain.comparison import to_json
from shopper.models import Role
from shopper.reports import downloads
from shopper.services import comparisons


def _comparison():
    """The query and its comparison, as the signed-in person may read it (``store=``: one;
    ``details`` refused: it is for the PDF only)."""
    args = request.args.to_dict()
    query = comparisons.parse_query(args)
    built = comparisons.build(query)
    return query, downloads.checked_for_file(
        comparisons.for_reader(built, current_user, args.get("store")), args
    )


@bp.get("/comparison")
@roles(Role.COORDINATOR, Role.OWNER, Role.MANAGER)
@bp.arguments(schemas.ComparisonQuery, location="query", error_status_code=422)
@bp.response(200, schemas.Comparison)
@bp.fails(404, 422)
@comparisons.cycle_collector_paused()
def comparison(args: dict[str, str]) -> object:
    """The comparison document of spec/api.md.

    Encoded by orjson: at chain scale the document holds ~100,000 numbers, which
    the standard encoder takes a quarter of the request to write. Keys stay in
    the order the spec gives them, questions in the checklist's order.
    """
    _, built = _comparison()
    return Response(orjson.dumps(to_json(built)), mimetype="application/json")


@bp.get("/comparison.csv")
@roles(Role.COORDINATOR, Role.OWNER, Role.MANAGER)
@bp.arguments(schemas.ComparisonFileQuery, location="query", error_status_code=422)
@bp.response(200, {"type": "string", "format": "binary"}, content_type="text/csv")
@bp.fails(404, 422)
@comparisons.cycle_collector_paused()
def comparison_csv(args: dict[str, str]) -> object:
    """The comparison as CSV: stores, then questions."""
    with downloads.file_language():
        query, built = _comparison()
        return downloads.csv_response(built, query)


@bp.get("/comparison.xlsx")
@roles(Role.COORDINATOR, Role.OWNER, Role.MANAGER)
@bp.arguments(schemas.ComparisonFileQuery, location="query", error_status_code=422)
@bp.response(
    200,
    {"type": "string", "format": "binary"},
    content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
)
@bp.fails(404, 422)
@comparisons.cycle_collector_paused()
def comparison_xlsx(args: dict[str, str]) -> object:
    """The comparison as XLSX: About, Stores and Questions sheets."""
    with downloads.file_language():
        query, built = _comparison()
        return downloads.xlsx_response(built, query)


@bp.get("/comparison.pdf")
@roles(Role.COORDINATOR, Role.OWNER, Role.MANAGER)
@bp.arguments(schemas.ComparisonFileQuery, location="query", error_status_code=422)
@bp.response(200, {"type": "string", "format": "binary"}, content_type="application/pdf")
@bp.fails(404, 422)
@comparisons.cycle_collector_paused()
def comparison_pdf(args: dict[str, str]) -> object:
    """The comparison as a PDF for owners: with ``details=stores`` a section per store
    after the chain pages; with ``store=CODE`` that store's own report."""
    with downloads.file_language():
        args = request.args.to_dict()
        query = comparisons.parse_query(args)
        built = comparisons.for_reader_pdf(
            comparisons.build(query), current_user, args.get("store")
        )
        return downloads.pdf_response(built, query, request.args)
