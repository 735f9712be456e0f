"""Building blocks for tests: stores, checklists, assignments, made through the services."""

from __future__ import annotations

import io
from datetime import date, timedelta
from typing import Any

from PIL import Image

from shopper.extensions import db
from shopper.models import Store, User
from shopper.services import assignments, checklists
from shopper.services.assignments import AssignmentInput

# The checklist of the worked example in scoring.md.
WORKED_EXAMPLE = {
    "format": "shopper-checklist/1",
    "code": "worked",
    "title": "Worked example",
    "sections": [
        {
            "code": "welcome",
            "title": "Welcome",
            "questions": [
                {"code": "q1", "type": "yes_no", "text": "Q1", "points": 10, "critical": True},
                {"code": "q2", "type": "scale", "text": "Q2", "min": 1, "max": 5, "points": 10},
            ],
        },
        {
            "code": "checkout",
            "title": "Checkout",
            "questions": [
                {
                    "code": "q3",
                    "type": "choice",
                    "text": "Q3",
                    "allow_na": True,
                    "options": [
                        {"code": "a", "label": "A", "points": 5},
                        {"code": "b", "label": "B", "points": 2},
                        {"code": "c", "label": "C", "points": 0},
                    ],
                },
                {"code": "q4", "type": "number", "text": "Q4", "required": False},
            ],
        },
    ],
}
VISIT_A = {"q1": "yes", "q2": 4, "q3": "b", "q4": 7}
VISIT_B = {"q1": "no", "q2": 5, "q3": "na"}


def make_store(app, code: str = "IST-01", region: str = "Marmara", **extra: Any) -> None:
    """Add a store row."""
    with app.app_context():
        db.session.add(
            Store(code=code, name=extra.pop("name", f"Store {code}"), region=region, **extra)
        )
        db.session.commit()


def import_checklist(app, document: dict[str, Any] = WORKED_EXAMPLE) -> None:
    """Import and publish a checklist document."""
    with app.app_context():
        checklists.import_document(document, None)


def assign(
    app,
    shopper: str,
    store: str = "IST-01",
    checklist: str = "worked",
    first_day: date | None = None,
    last_day: date | None = None,
    coordinator: str = "coordinator@test.example",
) -> int:
    """Create an assignment through the service; return its id."""
    today = date.today()
    with app.app_context():
        actor = db.session.execute(db.select(User).where(User.email == coordinator)).scalar_one()
        created = assignments.create_assignments(
            [
                AssignmentInput(
                    store,
                    checklist,
                    shopper,
                    (first_day or today - timedelta(days=3)).isoformat(),
                    (last_day or today + timedelta(days=7)).isoformat(),
                    "Ask about returning a gift without a receipt.",
                )
            ],
            actor,
        )
        return created[0].id


def visit_body(values: dict[str, Any], client_id: str = "phone-1", **extra: Any) -> dict:
    """A complete visit body with the given answer values."""
    return {
        "client_id": client_id,
        "visited_on": date.today().isoformat(),
        "time_in": "10:05",
        "time_out": "10:25",
        "answers": {code: {"value": value} for code, value in values.items()},
        **extra,
    }


def jpeg(width: int = 800, height: int = 600, exif: Image.Exif | None = None) -> bytes:
    """A real JPEG photo, optionally with EXIF."""
    output = io.BytesIO()
    image = Image.new("RGB", (width, height), (200, 120, 40))
    if exif is not None:
        image.save(output, "JPEG", exif=exif)
    else:
        image.save(output, "JPEG")
    return output.getvalue()
