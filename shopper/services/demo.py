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

from sqlalchemy import select, update

from shopper.domain import follow_up
from shopper.domain.audit import AuditAction
from shopper.extensions import db
from shopper.models import (
    Assignment,
    AuditEvent,
    Checklist,
    Role,
    Store,
    StoreAction,
    User,
    Visit,
)
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
    DemoPerson("owner@demo.example", "Zeynep Kaya", Role.OWNER, "tr"),
    DemoPerson("coordinator@demo.example", "Karin Lindqvist", Role.COORDINATOR, "sv"),
    DemoPerson("ayse@demo.example", "Ayşe Yılmaz", Role.SHOPPER, "tr"),
    DemoPerson("erik@demo.example", "Erik Åström", Role.SHOPPER, "sv"),
    DemoPerson("somchai@demo.example", "สมชาย ใจดี", Role.SHOPPER, "th"),
    DemoPerson("fatima@demo.example", "فاطمہ خان", Role.SHOPPER, "ur"),
    DemoPerson("sam@demo.example", "Sam Taylor", Role.SHOPPER, "en"),
    DemoPerson("murat@demo.example", "Murat Şahin", Role.MANAGER, "tr"),
)
# Who visits which store: each country's stores by a shopper of its language; the
# competitor by someone its staff would not know from the chain's own stores.
DEMO_SHOPPER_OF_STORE = {
    "IST-01": "ayse@demo.example",
    "IST-02": "ayse@demo.example",
    "ANK-01": "ayse@demo.example",
    "CMP-01": "sam@demo.example",
    "STO-01": "erik@demo.example",
    "GBG-01": "erik@demo.example",
    "BKK-01": "somchai@demo.example",
    "CNX-01": "somchai@demo.example",
    "LHE-01": "fatima@demo.example",
    "KHI-01": "fatima@demo.example",
}
# The briefings, written by the coordinator in each shopper's language: the
# history's visits (a return) and this month's (an exchange).
RETURN_BRIEFING = {
    "en": "Ask to return a gift without a receipt; note how the staff handle it.",
    "tr": "Fişi olmayan bir hediyeyi iade etmek isteyin; personelin nasıl davrandığını not edin.",
    "sv": "Be att få lämna tillbaka en present utan kvitto; notera hur personalen hanterar det.",
    "th": "ขอคืนของขวัญที่ไม่มีใบเสร็จ แล้วจดไว้ว่าพนักงานจัดการอย่างไร",
    "ur": "بغیر رسید کے کوئی تحفہ واپس کرنے کو کہیں، اور دیکھیں کہ عملہ اسے کیسے سنبھالتا ہے۔",
}
EXCHANGE_BRIEFING = {
    "en": "Buy a small item, then ask whether it can be exchanged in another size.",
    "tr": "Küçük bir ürün satın alın, ardından başka bir bedenle değiştirilip değiştirilemeyeceğini sorun.",
    "sv": "Köp något litet och fråga sedan om det går att byta till en annan storlek.",
    "th": "ซื้อสินค้าชิ้นเล็ก แล้วถามว่าขอเปลี่ยนเป็นไซซ์อื่นได้หรือไม่",
    "ur": "کوئی چھوٹی چیز خریدیں، پھر پوچھیں کہ کیا اسے دوسرے سائز سے بدلا جا سکتا ہے۔",
}
# The store manager's store(s).
DEMO_MANAGED_STORES = {"murat@demo.example": ("IST-01",)}
LOGINS_FILE = "demo-logins.txt"


def load_demo(instance_path: str, password: str | None = None) -> list[tuple[str, str]]:
    """Add the demo data that is missing; return the logins created now (email, password).

    Each new demo person gets a random password (or ``password``), written to
    ``instance/demo-logins.txt`` so ``make run`` can print it every time.
    """
    # The stores first: a store manager is made with their stores.
    if db.session.execute(select(Store.id).limit(1)).first() is None:
        stores.import_csv((DEMO_DATA / "stores.csv").read_bytes())
    created: list[tuple[str, str]] = []
    for person in DEMO_PEOPLE:
        if accounts.find_user(person.email) is not None:
            continue
        secret = password or secrets.token_urlsafe(9)
        accounts.create_user(
            person.email,
            person.name,
            person.role,
            person.language,
            secret,
            stores=DEMO_MANAGED_STORES.get(person.email, ()),
        )
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
    _link_managers()
    db.session.commit()
    load_history(date.today())
    return created


def _link_managers() -> None:
    """Give each demo store manager their store(s), where nobody has yet."""
    for email, codes in DEMO_MANAGED_STORES.items():
        manager = accounts.find_user(email)
        if manager is None or manager.stores:
            continue
        manager.stores = list(
            db.session.execute(select(Store).where(Store.code.in_(codes))).scalars()
        )


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
    """The shopper's report of a visit on ``day``, sent that evening (not today)."""
    body = {
        "client_id": client_id,
        "visited_on": day.isoformat(),
        "time_in": "10:15",
        "time_out": "10:40",
        "answers": answers,
    }
    visit_input = visits.parse_visit_input(body)
    visits.save_draft(assignment, shopper, visit_input)
    photo = photos.add_photo(assignment.visit, shopper, "receipt", io.BytesIO(_receipt_photo()))
    visit, _ = visits.submit(assignment, shopper, visit_input)
    sent = datetime.combine(day, time(18, 0), tzinfo=UTC)
    visit.saved_at = visit.submitted_at = sent
    visit.submitted_late = False
    photo.created_at = photo.taken_at = datetime.combine(day, time(10, 38), tzinfo=UTC)
    db.session.flush()  # committed with the review or the _backdate that follows
    return visit


def _backdate(assignment: Assignment, created: datetime, reviewed: datetime | None) -> None:
    """Give an assignment made now the times of the history it stands for.

    The trail then says what the report says: created on its first day, sent
    when ``submitted_at`` says, approved or returned when ``reviewed_at`` says;
    the actions an approval opened are dated by it too.
    """
    assignment.created_at = assignment.updated_at = created
    visit = assignment.visit
    times = {AuditAction.CREATED: created}
    if visit is not None and visit.submitted_at is not None:
        times[AuditAction.SUBMITTED] = visit.submitted_at
    if visit is not None and reviewed is not None:
        visit.reviewed_at = reviewed
        times[AuditAction.APPROVED] = times[AuditAction.RETURNED] = reviewed
        opened = db.session.execute(
            select(StoreAction).where(StoreAction.visit_id == visit.id)
        ).scalars()
        for action in opened:
            action.created_at = action.updated_at = reviewed
            action.due_on = reviewed.date() + follow_up.DUE_AFTER_APPROVAL
            for event in action.events:
                event.at = reviewed
    for action, at in times.items():
        db.session.execute(
            update(AuditEvent)
            .where(AuditEvent.assignment_id == assignment.id, AuditEvent.action == action)
            .values(at=at)
        )
    db.session.commit()


def _shopper_of(store: Store, shoppers: dict[str, User]) -> User:
    """The demo shopper who visits ``store``: one who speaks its country's language."""
    return shoppers[DEMO_SHOPPER_OF_STORE.get(store.code, "sam@demo.example")]


def load_history(today: date, seed: int = 7) -> int:
    """Months of approved visits to every demo store, and some open work; once only."""
    if db.session.execute(select(Assignment.id).limit(1)).first() is not None:
        return 0
    coordinator = accounts.find_user("coordinator@demo.example")
    shoppers = {p.email: accounts.find_user(p.email) for p in DEMO_PEOPLE if p.role == Role.SHOPPER}
    demo_stores = db.session.execute(select(Store).order_by(Store.code)).scalars().all()
    if coordinator is None or not demo_stores or None in shoppers.values():
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
                _shopper_of(store, shoppers).email,
                month.isoformat(),
                month_end.isoformat(),
                RETURN_BRIEFING[_shopper_of(store, shoppers).language],
            )
            for store in demo_stores
        ]
        created = datetime.combine(month, time(8, 30), tzinfo=UTC)
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
            approved = datetime.combine(
                day + timedelta(days=random.randint(1, 2)),
                time(9, random.randint(0, 59)),
                tzinfo=UTC,
            )
            _backdate(assignment, created, approved)
            made += 1
    _open_work(today, demo_stores, shoppers, coordinator, random, quality)
    return made


def _open_work(today, demo_stores, shoppers, coordinator, random, quality) -> None:
    """This month: a visit to make for every store (the Thai and Urdu shoppers' among
    them), one report waiting for review and one returned."""
    first_day = today - timedelta(days=2)
    # The English-speaking shopper's assignment first: the one a newcomer tries first.
    ordered = sorted(demo_stores, key=lambda s: _shopper_of(s, shoppers).language != "en")
    items = [
        AssignmentInput(
            store.code,
            DEMO_CHECKLIST,
            _shopper_of(store, shoppers).email,
            first_day.isoformat(),
            (today + timedelta(days=9)).isoformat(),
            EXCHANGE_BRIEFING[_shopper_of(store, shoppers).language],
        )
        for store in ordered
    ]
    created = datetime.combine(first_day, time(8, 30), tzinfo=UTC)
    made = {a.store.code: a for a in assignments.create_assignments(items, coordinator)}
    for assignment in made.values():
        _backdate(assignment, created, None)
    waiting, returned = made.get("IST-02"), made.get("STO-01")
    if waiting is not None:
        _make_visit(
            waiting,
            waiting.shopper,
            _answers(random, quality[waiting.store.code]),
            first_day,
            f"demo-{waiting.id}",
        )
        _backdate(waiting, created, None)
    if returned is not None:
        visit = _make_visit(
            returned,
            returned.shopper,
            _answers(random, quality[returned.store.code]),
            first_day,
            f"demo-{returned.id}",
        )
        reviews.return_to_shopper(
            visit,
            coordinator,
            # Erik's report, returned by the Swedish coordinator in Swedish.
            "Kvittofotot är suddigt: ta om det och kontrollera väntetiden i kassan.",
        )
        _backdate(
            returned, created, datetime.combine(today - timedelta(days=1), time(9, 40), tzinfo=UTC)
        )
