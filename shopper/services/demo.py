"""The demo: people (and, as the product grows, stores, checklists and visits) to try it with."""

from __future__ import annotations

import json
import os
import secrets
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import select

from shopper.extensions import db
from shopper.models import Checklist, Role, User
from shopper.services import accounts, checklists

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
    db.session.commit()
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
