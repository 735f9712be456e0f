"""The demo: people (and, as the product grows, stores, checklists and visits) to try it with."""

from __future__ import annotations

import io
import json
import os
import secrets
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from random import Random

from sqlalchemy import select

from shopper.extensions import db
from shopper.models import Assignment, Checklist, Role, Store, User, Visit
from shopper.services import accounts, assignments, checklists, photos, reviews, stores, visits
from shopper.services.assignments import AssignmentInput

DEMO_DATA = Path(__file__).resolve().parent.parent / "demo_data"


@dataclass(frozen=True)
class DemoPerson:
    """One demo login."""

    email: str
    name: str
    role: Role
    language: str


DEMO_PEOPLE = (
    DemoPerson("owner@demo.example", "Olivia Owner", Role.OWNER, "en"),
    DemoPerson("coordinator@demo.example", "Cem Koordinatör", Role.COORDINATOR, "en"),
    DemoPerson("ayse@demo.example", "Ayşe Yılmaz", Role.SHOPPER, "en"),
    DemoPerson("erik@demo.example", "Erik Åström", Role.SHOPPER, "en"),
    DemoPerson("somchai@demo.example", "สมชาย ใจดี", Role.SHOPPER, "en"),
)
LOGINS_FILE = "demo-logins.txt"


def load_demo(instance_path: str, password: str | None = None) -> list[tuple[str, str]]:
    """Add the demo data that is missing; return the logins created now (email, password).

    Each new demo person gets a random password (or ``password``), written to
    ``instance/demo-logins.txt`` so ``make run`` can print it every time.
    """
    created: list[tuple[str, str]] = []
    for person in DEMO_PEOPLE:
        if accounts.find_user(person.email) is not None:
            continue
        secret = password or secrets.token_urlsafe(9)
        accounts.create_user(person.email, person.name, person.role, person.language, secret)
        created.append((person.email, secret))
    if created:
        _append_logins(Path(instance_path) / LOGINS_FILE, created)
    coordinator = accounts.find_user("coordinator@demo.example")
    for path in sorted(DEMO_DATA.glob("*.json")):
        document = json.loads(path.read_text(encoding="utf-8"))
        exists = db.session.execute(
            select(Checklist.id).where(Checklist.code == document["code"])
        ).first()
        if not exists:
            checklists.import_document(document, coordinator)
    if db.session.execute(select(Store.id).limit(1)).first() is None:
        stores.import_csv((DEMO_DATA / "stores.csv").read_bytes())
    db.session.commit()
    load_history(date.today())
    return created


def _append_logins(path: Path, logins: list[tuple[str, str]]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
    with os.fdopen(fd, "a", encoding="utf-8") as handle:
        for email, secret in logins:
            role = accounts.find_user(email).role
            handle.write(f"{role:<12} {email:<28} {secret}\n")


def demo_logins(instance_path: str) -> str:
    """The demo logins as written when they were made, or '' when there are none."""
    path = Path(instance_path) / LOGINS_FILE
    return path.read_text(encoding="utf-8") if path.exists() else ""


def is_empty() -> bool:
    """True when nobody has an account yet."""
    return db.session.execute(db.select(User.id).limit(1)).first() is None


DEMO_CHECKLIST = "store-service"
HISTORY_MONTHS = 6


def _months_before(today: date, count: int) -> list[date]:
    """First days of the ``count`` whole months before ``today``'s month, oldest first."""
    months = []
    month = today.replace(day=1)
    for _ in range(count):
        month = (month - timedelta(days=1)).replace(day=1)
        months.append(month)
    return list(reversed(months))


def _answers(random: Random, quality: float) -> dict[str, dict[str, object]]:
    """Plausible answers to the store-service checklist from a store of this quality."""

    def yes(bonus: float = 0.0) -> str:
        return "yes" if random.random() < quality + bonus else "no"

    def scale() -> int:
        return max(1, min(5, round(1 + 4 * quality + random.gauss(0, 0.7))))

    roll = random.random()
    values: dict[str, object] = {
        "greeted": yes(),
        "courtesy": scale(),
        "store-clean": yes(0.1),
        "repeated-need": yes(-0.1),
        "anticipated": "offered"
        if roll < quality - 0.25
        else "asked"
        if roll < quality + 0.1
        else "no",
        "knowledge": scale(),
        "return-policy": yes(0.15) if random.random() > 0.2 else "na",
        "empathy": scale(),
        "wait-minutes": random.randint(0, 12),
        "feedback-asked": yes(-0.2),
        "thanked": yes(0.1),
        "staff-description": random.choice(
            ["Name badge: Deniz, blue uniform", "Tall, glasses, no badge", "Badge 'Lina', helpful"]
        ),
    }
    return {code: {"value": value, "comment": ""} for code, value in values.items()}


def _receipt_photo() -> bytes:
    """A small picture standing in for a photographed receipt."""
    from PIL import Image, ImageDraw

    image = Image.new("RGB", (360, 640), "white")
    draw = ImageDraw.Draw(image)
    for line in range(12):
        draw.rectangle(
            (30, 40 + line * 45, 330 - (line % 3) * 60, 58 + line * 45), fill=(60, 60, 60)
        )
    output = io.BytesIO()
    image.save(output, "JPEG", quality=80)
    return output.getvalue()


def _make_visit(
    assignment: Assignment, shopper: User, answers: dict, day: date, client_id: str
) -> Visit:
    body = {
        "client_id": client_id,
        "visited_on": day.isoformat(),
        "time_in": "10:15",
        "time_out": "10:40",
        "answers": answers,
    }
    visit_input = visits.parse_visit_input(body)
    visits.save_draft(assignment, shopper, visit_input)
    photos.add_photo(assignment.visit, shopper, "receipt", io.BytesIO(_receipt_photo()))
    visit, _ = visits.submit(assignment, shopper, visit_input)
    # History: the report was sent the evening of the visit, not today.
    visit.submitted_at = datetime.combine(day, time(18, 0), tzinfo=UTC)
    visit.submitted_late = False
    db.session.commit()
    return visit


def load_history(today: date, seed: int = 7) -> int:
    """Months of approved visits to every demo store, and some open work; once only."""
    if db.session.execute(select(Assignment.id).limit(1)).first() is not None:
        return 0
    coordinator = accounts.find_user("coordinator@demo.example")
    shoppers = [accounts.find_user(p.email) for p in DEMO_PEOPLE if p.role == Role.SHOPPER]
    demo_stores = db.session.execute(select(Store).order_by(Store.code)).scalars().all()
    if coordinator is None or not demo_stores or any(s is None for s in shoppers):
        return 0
    random = Random(seed)
    quality = {
        store.code: random.uniform(0.55, 0.75) if store.competitor else random.uniform(0.45, 0.95)
        for store in demo_stores
    }
    made = 0
    for month_index, month in enumerate(_months_before(today, HISTORY_MONTHS)):
        month_end = (month + timedelta(days=32)).replace(day=1) - timedelta(days=1)
        items = [
            AssignmentInput(
                store.code,
                DEMO_CHECKLIST,
                shoppers[(i + month_index) % len(shoppers)].email,
                month.isoformat(),
                month_end.isoformat(),
                "Ask to return a gift without a receipt; note how the staff handle it.",
            )
            for i, store in enumerate(demo_stores)
        ]
        for assignment in assignments.create_assignments(items, coordinator):
            day = month + timedelta(days=random.randint(3, 24))
            # Stores drift a little better over time, as coaching takes hold.
            level = min(0.98, quality[assignment.store.code] + 0.02 * month_index)
            visit = _make_visit(
                assignment,
                assignment.shopper,
                _answers(random, level),
                day,
                f"demo-{assignment.id}",
            )
            reviews.approve(visit, coordinator)
            made += 1
    _open_work(today, demo_stores, shoppers, coordinator, random, quality)
    return made


def _open_work(today, demo_stores, shoppers, coordinator, random, quality) -> None:
    """This month: visits to make, one report waiting for review, one returned."""
    items = [
        AssignmentInput(
            store.code,
            DEMO_CHECKLIST,
            shoppers[i % len(shoppers)].email,
            (today - timedelta(days=2)).isoformat(),
            (today + timedelta(days=9)).isoformat(),
            "Buy a small item, then ask whether it can be exchanged in another size.",
        )
        for i, store in enumerate(demo_stores)
    ]
    created = assignments.create_assignments(items, coordinator)
    waiting, returned = created[0], created[1]
    _make_visit(
        waiting,
        waiting.shopper,
        _answers(random, quality[waiting.store.code]),
        today - timedelta(days=1),
        f"demo-{waiting.id}",
    )
    visit = _make_visit(
        returned,
        returned.shopper,
        _answers(random, quality[returned.store.code]),
        today - timedelta(days=1),
        f"demo-{returned.id}",
    )
    reviews.return_to_shopper(
        visit,
        coordinator,
        "The receipt photo is blurred: please retake it and check the waiting time.",
    )
