"""People at work on a synthetic chain, for the load run and the fault test; and the checks after.

``prepare`` adds to a chain made by ``flask --app wsgi demo generate`` what a
day of field work needs: shoppers with open assignments this month,
coordinators and owners, each with a password and an API token, and a new
version of the chain's checklist that takes a photo. ``check_submissions``
then proves that every submission the server acknowledged is stored exactly
once, and that nothing is half-written.
"""

from __future__ import annotations

import io
import random
from collections.abc import Mapping, Sequence
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import func, select

from shopper.domain.audit import AuditAction
from shopper.domain.checklist_format import parse_checklist
from shopper.domain.workflow import Status
from shopper.extensions import db
from shopper.models import (
    Assignment,
    AuditEvent,
    Checklist,
    Photo,
    Role,
    Store,
    Visit,
    VisitQuestionScore,
    VisitSectionScore,
)
from shopper.services import accounts, assignments, checklists, synthetic
from shopper.services.assignments import AssignmentInput

DOMAIN = "load.example"
PASSWORD = "load-test-password-1"
# The question of the chain's checklist that takes a photo from version 4 on.
PHOTO_QUESTION = "entrance-clean"
BATCH = 2000


def _photo_version(coordinator: Any) -> dict[str, Any]:
    """Publish a version of the chain's checklist where PHOTO_QUESTION takes an optional photo."""
    checklist = db.session.execute(
        select(Checklist).where(Checklist.code == synthetic.CHECKLIST_CODE)
    ).scalar_one()
    document = dict(checklist.latest_published.document)
    document["sections"] = [
        dict(
            section,
            questions=[
                dict(q, photo="optional") if q["code"] == PHOTO_QUESTION else q
                for q in section["questions"]
            ],
        )
        for section in document["sections"]
    ]
    return checklists.import_document(document, coordinator).version.document


def _person(role: Role, number: int) -> dict[str, str]:
    email = f"{role.value}-{number:03d}@{DOMAIN}"
    user = accounts.create_user(email, f"Load {role.value.title()} {number}", role, "en", PASSWORD)
    token = accounts.create_token(user, "load test").secret
    return {"email": email, "password": PASSWORD, "token": token}


def question_specs(document: Mapping[str, Any]) -> list[dict[str, Any]]:
    """What a phone needs to answer a checklist version: code, type, bounds, options."""
    return [
        {
            "code": question.code,
            "type": question.type,
            "min": question.min,
            "max": question.max,
            "options": [option.code for option in question.options],
        }
        for _, question in parse_checklist(dict(document)).questions()
    ]


def prepare(shoppers: int, coordinators: int, owners: int, per_shopper: int) -> dict[str, Any]:
    """Add people and this month's open assignments to the chain; return what clients need.

    Runs in an app context on a database holding a synthetic chain.
    """
    staff = [_person(Role.COORDINATOR, n) for n in range(1, coordinators + 1)]
    coordinator = accounts.get_user(staff[0]["email"])
    document = _photo_version(coordinator)
    people = {
        "shoppers": [_person(Role.SHOPPER, n) for n in range(1, shoppers + 1)],
        "coordinators": staff,
        "owners": [_person(Role.OWNER, n) for n in range(1, owners + 1)],
    }
    stores = list(
        db.session.execute(select(Store.code).where(Store.active).order_by(Store.id)).scalars()
    )
    today = date.today()
    first = today.replace(day=1)
    last = (first + timedelta(days=32)).replace(day=1) - timedelta(days=1)
    items = [
        AssignmentInput(
            store=stores[(n * shoppers + s) % len(stores)],
            checklist=synthetic.CHECKLIST_CODE,
            shopper=person["email"],
            first_day=first.isoformat(),
            last_day=last.isoformat(),
            briefing="Ask about the product of the month, then pay by card.",
        )
        for n in range(per_shopper)
        for s, person in enumerate(people["shoppers"])
    ]
    work: dict[str, list[int]] = {person["email"]: [] for person in people["shoppers"]}
    for start in range(0, len(items), BATCH):
        for assignment in assignments.create_assignments(items[start : start + BATCH], coordinator):
            work[assignment.shopper.email].append(assignment.id)
    return {
        **people,
        "assignments": work,
        "checklist": synthetic.CHECKLIST_CODE,
        "photo_question": PHOTO_QUESTION,
        "questions": question_specs(document),
    }


def answers(questions: Sequence[Mapping[str, Any]], rng: random.Random) -> dict[str, Any]:
    """A complete, plausible set of answers (question code → {value, comment})."""
    values: dict[str, Any] = {}
    for question in questions:
        kind = question["type"]
        if kind == "yes_no":
            value: Any = "yes" if rng.random() < 0.8 else "no"
        elif kind == "scale":
            value = rng.randint(question["min"], question["max"])
        elif kind == "choice":
            value = rng.choice(question["options"])
        elif kind == "number":
            value = rng.randint(0, 12)
        elif kind == "text":
            value = rng.choice(synthetic.STAFF)
        else:
            continue
        values[question["code"]] = {"value": value, "comment": ""}
    return values


def visit_body(values: Mapping[str, Any], share: float = 1.0) -> dict[str, Any]:
    """A visit body for the API with the first ``share`` of the answers."""
    codes = list(values)[: max(1, round(len(values) * share))]
    return {
        "visited_on": date.today().isoformat(),
        "time_in": "10:05",
        "time_out": "10:40",
        "answers": {code: values[code] for code in codes},
    }


def photos(count: int, seed: int = 1) -> list[bytes]:
    """``count`` different JPEG photos the size a phone sends after shrinking (1280 × 960)."""
    from PIL import Image, ImageDraw

    rng = random.Random(seed)
    made = []
    for n in range(count):
        image = Image.new("RGB", (1280, 960), tuple(rng.randrange(256) for _ in range(3)))
        draw = ImageDraw.Draw(image)
        for _ in range(60):
            x, y = rng.randrange(1280), rng.randrange(960)
            box = (x, y, x + rng.randrange(20, 300), y + rng.randrange(20, 300))
            draw.rectangle(box, fill=tuple(rng.randrange(256) for _ in range(3)))
        draw.text((40, 40), f"load photo {n}", fill=(0, 0, 0))
        output = io.BytesIO()
        image.save(output, "JPEG", quality=85)
        made.append(output.getvalue())
    return made


def multipart(fields: Mapping[str, str], name: str, data: bytes) -> tuple[bytes, str]:
    """A multipart/form-data body with ``fields`` and one JPEG file; returns (body, content type)."""
    boundary = f"shopper{random.getrandbits(64):016x}"
    parts = [
        f'--{boundary}\r\nContent-Disposition: form-data; name="{key}"\r\n\r\n{value}\r\n'.encode()
        for key, value in fields.items()
    ]
    parts.append(
        f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="{name}"\r\n'
        "Content-Type: image/jpeg\r\n\r\n".encode()
        + data
        + b"\r\n"
    )
    parts.append(f"--{boundary}--\r\n".encode())
    return b"".join(parts), f"multipart/form-data; boundary={boundary}"


def check_submissions(
    acknowledged: Mapping[int, Sequence[str]], sent: Mapping[int, Sequence[str]] | None = None
) -> list[str]:
    """Problems with the stored submissions; none when all is well.

    ``acknowledged`` maps each assignment to the client_ids of its submissions
    the server answered 200 to, oldest first; ``sent`` to every client_id sent
    (default: the acknowledged ones), answered or not: a submission cut off
    when the run stopped may be stored without an answer, as a phone's would.
    Each acknowledged one made exactly one "submitted" event and none was
    overwritten but by a later one. Beyond those, no submitted or approved
    assignment may lack its visit or scores.
    """
    sent = sent or acknowledged
    problems = []
    ids = list(acknowledged)
    visits = {
        visit.assignment_id: visit
        for start in range(0, len(ids), 1000)
        for visit in db.session.execute(
            select(Visit).where(Visit.assignment_id.in_(ids[start : start + 1000]))
        ).scalars()
    }
    events = dict(
        db.session.execute(
            select(AuditEvent.assignment_id, func.count())
            .where(AuditEvent.action == AuditAction.SUBMITTED)
            .group_by(AuditEvent.assignment_id)
        ).all()
    )
    for assignment_id, client_ids in acknowledged.items():
        visit = visits.get(assignment_id)
        if visit is None:
            problems.append(f"assignment {assignment_id}: acknowledged but no visit stored")
            continue
        tried = list(dict.fromkeys(sent.get(assignment_id, client_ids)))
        later = tried[tried.index(client_ids[-1]) :] if client_ids[-1] in tried else client_ids[-1:]
        if visit.client_id not in later:
            problems.append(
                f"assignment {assignment_id}: visit has client_id {visit.client_id}, "
                f"the last acknowledged was {client_ids[-1]}"
            )
        if visit.submitted_at is None:
            problems.append(f"assignment {assignment_id}: acknowledged but not submitted")
        submitted = events.get(assignment_id, 0)
        if not len(set(client_ids)) <= submitted <= len(tried):
            problems.append(
                f"assignment {assignment_id}: {submitted} submitted events for "
                f"{len(set(client_ids))} acknowledged of {len(tried)} sent submissions"
            )
    duplicated = db.session.execute(
        select(Visit.client_id, func.count())
        .where(Visit.client_id.is_not(None))
        .group_by(Visit.client_id)
        .having(func.count() > 1)
    ).all()
    problems += [f"client_id {client_id} stored {count} times" for client_id, count in duplicated]
    return problems + half_written()


def half_written() -> list[str]:
    """Submitted or approved assignments without a submitted visit or without score rows."""
    done = (Status.SUBMITTED.value, Status.APPROVED.value)
    orphans = db.session.execute(
        select(Assignment.id)
        .outerjoin(Visit, Visit.assignment_id == Assignment.id)
        .where(Assignment.status.in_(done), Visit.submitted_at.is_(None))
    ).scalars()
    problems = [f"assignment {i}: {done} without a submitted visit" for i in orphans]
    for table, label in ((VisitSectionScore, "section"), (VisitQuestionScore, "question")):
        unscored = db.session.execute(
            select(Visit.id)
            .join(Assignment, Assignment.id == Visit.assignment_id)
            .where(
                Assignment.status.in_(done),
                ~select(table.id).where(table.visit_id == Visit.id).exists(),
            )
        ).scalars()
        problems += [f"visit {i}: submitted without {label} scores" for i in unscored]
    return problems


def missing_photos(upload_folder: str, visit_ids: Sequence[int]) -> list[str]:
    """Photos of these visits whose file (or thumbnail) is missing."""
    problems = []
    rows = db.session.execute(select(Photo).where(Photo.visit_id.in_(list(visit_ids)))).scalars()
    for photo in rows:
        for name in (f"{photo.sha256}.jpg", f"{photo.sha256}.thumb.jpg"):
            if not (Path(upload_folder) / name[:2] / name).exists():
                problems.append(f"photo {photo.id} of visit {photo.visit_id}: no file {name}")
    return problems


def call(
    base: str,
    method: str,
    path: str,
    token: str,
    body: object = None,
    raw: tuple[bytes, str] | None = None,
    timeout: float = 30,
) -> tuple[int, Any]:
    """One API request as the phone makes it: (status, JSON answer or None).

    ``body`` is sent as JSON, ``raw`` as (bytes, content type). A lost
    connection raises OSError, as it would leave a phone's request unanswered.
    """
    import http.client
    import json
    from urllib.parse import urlsplit

    headers = {"Authorization": f"Bearer {token}", "Accept": "application/json"}
    data = None
    if raw is not None:
        data, headers["Content-Type"] = raw
    elif body is not None:
        data, headers["Content-Type"] = json.dumps(body).encode(), "application/json"
    connection = http.client.HTTPConnection(urlsplit(base).netloc, timeout=timeout)
    try:
        connection.request(method, path, body=data, headers=headers)
        response = connection.getresponse()
        payload = response.read()
    except http.client.HTTPException as error:
        raise ConnectionError(str(error)) from error
    finally:
        connection.close()
    try:
        return response.status, json.loads(payload) if payload else None
    except ValueError:
        return response.status, None
