"""Comparison endpoints: the JSON document and its CSV, XLSX and PDF files."""

from __future__ import annotations

import orjson
from flask import Response, request

from shopper.access import roles
from shopper.api import bp
from shopper.api.openapi import describe, error, json_body
from shopper.domain.comparison import to_json
from shopper.models import Role
from shopper.reports import downloads
from shopper.services import comparisons


def _comparison():
    query = comparisons.parse_query(request.args.to_dict())
    return query, comparisons.build(query)


@bp.get("/comparison")
@roles(Role.COORDINATOR, Role.OWNER)
@comparisons.cycle_collector_paused()
def comparison() -> object:
    """The comparison document of spec/api.md.

    Encoded by orjson: at chain scale the document holds ~100,000 numbers, which
    the standard encoder takes a quarter of the request to write. Keys stay in
    the order the spec gives them, questions in the checklist's order.
    """
    _, built = _comparison()
    return Response(orjson.dumps(to_json(built)), mimetype="application/json")


@bp.get("/comparison.csv")
@roles(Role.COORDINATOR, Role.OWNER)
@comparisons.cycle_collector_paused()
def comparison_csv() -> object:
    """The comparison as CSV: stores, then questions."""
    query, built = _comparison()
    return downloads.csv_response(built, query)


@bp.get("/comparison.xlsx")
@roles(Role.COORDINATOR, Role.OWNER)
@comparisons.cycle_collector_paused()
def comparison_xlsx() -> object:
    """The comparison as XLSX: a stores sheet and a questions sheet."""
    query, built = _comparison()
    return downloads.xlsx_response(built, query)


@bp.get("/comparison.pdf")
@roles(Role.COORDINATOR, Role.OWNER)
@comparisons.cycle_collector_paused()
def comparison_pdf() -> object:
    """The comparison as a PDF for owners."""
    query, built = _comparison()
    return downloads.pdf_response(built, query)


QUERY = [
    {"name": "checklist", "in": "query", "required": True, "schema": {"type": "string"}},
    {
        "name": "first_day",
        "in": "query",
        "required": True,
        "schema": {"type": "string", "format": "date"},
    },
    {
        "name": "last_day",
        "in": "query",
        "required": True,
        "schema": {"type": "string", "format": "date"},
    },
    {"name": "region", "in": "query", "schema": {"type": "string"}},
    {
        "name": "competitors",
        "in": "query",
        "schema": {"type": "string", "enum": ["include", "exclude"]},
    },
]
_ERRORS = {
    "401": error("No or bad credentials"),
    "403": error("Role not allowed"),
    "404": error("No such checklist"),
    "422": error("Bad query"),
}


def _file(media: str, summary: str, operation: str) -> dict:
    return {
        "get": {
            "summary": summary,
            "operationId": operation,
            "parameters": QUERY,
            "responses": {
                "200": {
                    "description": "The file",
                    "content": {media: {"schema": {"type": "string", "format": "binary"}}},
                },
                **_ERRORS,
            },
        }
    }


describe(
    {
        "/comparison": {
            "get": {
                "summary": "Compare stores for one checklist over a period",
                "operationId": "getComparison",
                "parameters": QUERY,
                "responses": {
                    "200": json_body(
                        {
                            "type": "object",
                            "required": [
                                "checklist",
                                "first_day",
                                "last_day",
                                "previous",
                                "sections",
                                "questions",
                                "stores",
                                "not_visited",
                                "regions",
                                "chain",
                                "competitors",
                            ],
                        }
                    ),
                    **_ERRORS,
                },
            }
        },
        "/comparison.csv": _file("text/csv", "The comparison as CSV", "getComparisonCsv"),
        "/comparison.pdf": _file("application/pdf", "The comparison as PDF", "getComparisonPdf"),
        "/comparison.xlsx": _file(
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            "The comparison as XLSX",
            "getComparisonXlsx",
        ),
    }
)
