"""Store follow-up actions, their history, and which stores a manager runs."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Column, Date, ForeignKey, Index, String, Table, Text, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from shopper.domain.follow_up import UNFINISHED, ActionStatus
from shopper.models.base import Base, UTCDateTime, utcnow
from shopper.models.checklist import Checklist
from shopper.models.store import Store
from shopper.models.user import User

# The stores a manager runs (a manager has one or more).
manager_stores = Table(
    "manager_stores",
    Base.metadata,
    Column("user_id", ForeignKey("users.id", ondelete="CASCADE"), primary_key=True),
    Column("store_id", ForeignKey("stores.id", ondelete="CASCADE"), primary_key=True, index=True),
)

_UNFINISHED_SQL = "status IN ({}) AND question_code IS NOT NULL".format(
    ", ".join(f"'{status.value}'" for status in sorted(UNFINISHED))
)


class StoreAction(Base):
    """Something a store must fix, and whether it was fixed ("action" in the API)."""

    __tablename__ = "actions"
    __table_args__ = (
        # At most one unfinished action per store and checklist question: two
        # approvals at once cannot both open one (the database refuses the second).
        Index(
            "uq_actions_unfinished_question",
            "store_id",
            "checklist_id",
            "question_code",
            unique=True,
            sqlite_where=text(_UNFINISHED_SQL),
            postgresql_where=text(_UNFINISHED_SQL),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    store_id: Mapped[int] = mapped_column(ForeignKey("stores.id"), index=True)
    title: Mapped[str] = mapped_column(String(300))
    details: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[str] = mapped_column(String(20), default=ActionStatus.OPEN, index=True)
    due_on: Mapped[date] = mapped_column(Date, index=True)
    # Set when the action is about a visit's answer: the visit, its checklist and the question.
    visit_id: Mapped[int | None] = mapped_column(ForeignKey("visits.id"), index=True)
    checklist_id: Mapped[int | None] = mapped_column(ForeignKey("checklists.id"))
    question_code: Mapped[str | None] = mapped_column(String(64))
    # The standard the question checks, copied when the action opens (in the checklist's language).
    standard: Mapped[str] = mapped_column(Text, default="")
    # Null when the action opened by itself on an approval.
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
    # When the store last said it was done (for "closed in time").
    done_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # When the manager was reminded of the due date (once per due date).
    reminded_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    store: Mapped[Store] = relationship()
    checklist: Mapped[Checklist | None] = relationship()
    created_by: Mapped[User | None] = relationship(foreign_keys=[created_by_id])
    events: Mapped[list[ActionEvent]] = relationship(
        back_populates="action", order_by="ActionEvent.id", cascade="all, delete-orphan"
    )

    def __repr__(self) -> str:
        return f"<StoreAction {self.id} {self.status}>"


class ActionEvent(Base):
    """One change of an action: who, when, which step and the note."""

    __tablename__ = "action_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    action_id: Mapped[int] = mapped_column(ForeignKey("actions.id", ondelete="CASCADE"), index=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # Null for what the product did by itself.
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    step: Mapped[str] = mapped_column(String(20))
    status: Mapped[str] = mapped_column(String(20))
    note: Mapped[str] = mapped_column(Text, default="")

    action: Mapped[StoreAction] = relationship(back_populates="events")
    actor: Mapped[User | None] = relationship()
