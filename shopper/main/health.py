"""``GET /healthz`` for load balancers and monitors: no sign-in, no CSRF, no rate limit."""

from __future__ import annotations

from flask import jsonify

from shopper.access import public
from shopper.extensions import csrf, limiter
from shopper.main import bp
from shopper.services import health


@bp.get("/healthz")
@public
@limiter.exempt
@csrf.exempt
def healthz() -> object:
    """200 ``{"status": "ok"}`` when the database answers, else 503 ``{"status": "unavailable"}``."""
    ok = health.database_answers()
    response = jsonify({"status": "ok" if ok else "unavailable"})
    response.status_code = 200 if ok else 503
    response.headers["Cache-Control"] = "no-store"
    return response
