"""Wrong passwords counted per email address in the database, and the lock that follows.

In the database rather than a worker's memory, so the count and the lock hold
with any number of workers and servers. Each wrong password is counted by one
conditional upsert, never read-modify-write: parallel attempts cannot count
past the lock, so 60 at once lock the address after exactly ``LOCK_AFTER``.
Addresses nobody has are counted and locked alike: a lock says nothing about
whether an account exists.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import delete, or_, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.sql.elements import ColumnElement

from shopper.domain.i18n import N_plural
from shopper.extensions import db
from shopper.models import SignInFailures, utcnow
from shopper.services.errors import ServiceError

LOCK_AFTER = 5
FIRST_LOCK = timedelta(minutes=15)
LONGEST_LOCK = timedelta(hours=24)
# Quiet this long after the last wrong password (and no lock), the count starts again.
FORGET_AFTER = timedelta(days=1)


class SignInLocked(ServiceError):
    """Too many wrong passwords in a row for this email address: wait for the lock to end."""

    status = 429
    code = "sign_in_locked"


def lock_length(failures: int) -> timedelta:
    """The lock after ``failures`` wrong passwords: 15 minutes at 5, doubling every 5 more."""
    rounds = failures // LOCK_AFTER
    return min(FIRST_LOCK * 2 ** (rounds - 1), LONGEST_LOCK)


def _key(email: str) -> str:
    return email.strip().lower()


def _locked(until: datetime, now: datetime) -> SignInLocked:
    # Rounded: attempts running beside the locking one started a moment before it.
    minutes = max(1, round((until - now).total_seconds() / 60))
    return SignInLocked(
        N_plural(
            "Too many wrong passwords for this email. Signing in with it is locked for "
            "%(num)d more minute.",
            "Too many wrong passwords for this email. Signing in with it is locked for "
            "%(num)d more minutes.",
        ),
        {"num": minutes},
    )


def _unlocked(now: datetime) -> ColumnElement[bool]:
    """The rows not locked at ``now``."""
    locked_until = SignInFailures.__table__.c.locked_until
    return or_(locked_until.is_(None), locked_until <= now)


def _locked_until(key: str) -> datetime | None:
    return db.session.execute(
        select(SignInFailures.locked_until).where(SignInFailures.email == key)
    ).scalar_one_or_none()


def check_unlocked(email: str, now: datetime | None = None) -> None:
    """Raise SignInLocked while sign-in with this address is locked."""
    now = now or utcnow()
    until = _locked_until(_key(email))
    # End the read here: the writes that may follow start a fresh transaction
    # rather than upgrading a read snapshot (which SQLite in WAL mode may refuse).
    db.session.commit()
    if until is not None and until > now:
        raise _locked(until, now)


def count_failure(email: str, now: datetime | None = None) -> None:
    """Count one wrong password for the address; raise SignInLocked when it is locked."""
    now = now or utcnow()
    key = _key(email)
    table = SignInFailures.__table__
    insert = postgresql.insert if db.engine.dialect.name == "postgresql" else sqlite.insert
    statement = insert(table).values(email=key, failures=1, last_failed_at=now)
    statement = statement.on_conflict_do_update(
        index_elements=["email"],
        set_={"failures": table.c.failures + 1, "last_failed_at": now},
        where=_unlocked(now),
    ).returning(table.c.failures)
    failures = db.session.execute(statement).scalar_one_or_none()
    until = None
    if failures is not None and failures % LOCK_AFTER == 0:
        # The row is still held by this transaction: no parallel attempt counts in between.
        until = now + lock_length(failures)
        db.session.execute(update(table).where(table.c.email == key).values(locked_until=until))
    elif failures is None:
        # Locked meanwhile by attempts running beside this one: not counted.
        until = _locked_until(key)
    db.session.commit()
    _forget_old(now)
    if until is not None:
        raise _locked(until, now)


def _forget_old(now: datetime) -> None:
    """Delete counts long quiet and unlocked, in a transaction of its own.

    Rows another attempt holds are skipped (on PostgreSQL), so this never waits
    and never deadlocks with the counting; at most 100 go at a time.
    """
    table = SignInFailures.__table__
    old = (
        select(table.c.email)
        .where(
            table.c.last_failed_at < now - FORGET_AFTER,
            _unlocked(now),
        )
        .limit(100)
        .with_for_update(skip_locked=True)
    )
    db.session.execute(delete(table).where(table.c.email.in_(old)))
    db.session.commit()


def clear(email: str, now: datetime | None = None) -> None:
    """Forget the address's wrong passwords after a right one, unless it got locked meanwhile."""
    now = now or utcnow()
    key = _key(email)
    table = SignInFailures.__table__
    forgotten = db.session.execute(
        delete(table).where(table.c.email == key, _unlocked(now))
    ).rowcount
    db.session.commit()
    if not forgotten:
        check_unlocked(email, now)
