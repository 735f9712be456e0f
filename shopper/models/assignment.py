"""Assignments (who visits which store, when, with which checklist) and their visits."""

from __future__ import annotations

from datetime import date, datetime, time
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    Date,
    Float,
    ForeignKey,
    Integer,
    String,
    Text,
    Time,
    UniqueConstraint,
)
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped, mapped_column, relationship

from shopper.models.base import Base, UTCDateTime, utcnow
from shopper.models.checklist import Checklist, ChecklistVersion
from shopper.models.store import Store
from shopper.models.user import User

JSONType = JSON().with_variant(JSONB(), "postgresql")


class Assignment(Base):
    """One checklist version, one store, one shopper, a visit window and a briefing.

    ``status`` changes only through ``shopper.domain.workflow``.
    """

    __tablename__ = "assignments"

    id: Mapped[int] = mapped_column(primary_key=True)
    checklist_id: Mapped[int] = mapped_column(ForeignKey("checklists.id"), index=True)
    checklist_version_id: Mapped[int] = mapped_column(ForeignKey("checklist_versions.id"))
    store_id: Mapped[int] = mapped_column(ForeignKey("stores.id"), index=True)
    shopper_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    first_day: Mapped[date] = mapped_column(Date)
    last_day: Mapped[date] = mapped_column(Date, index=True)
    briefing: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[str] = mapped_column(String(20), default="assigned", index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    checklist: Mapped[Checklist] = relationship()
    version: Mapped[ChecklistVersion] = relationship()
    store: Mapped[Store] = relationship()
    shopper: Mapped[User] = relationship(foreign_keys=[shopper_id])
    visit: Mapped[Visit | None] = relationship(back_populates="assignment", uselist=False)


class Visit(Base):
    """The report of one assignment: answers, times, photos and, once submitted, scores."""

    __tablename__ = "visits"

    id: Mapped[int] = mapped_column(primary_key=True)
    assignment_id: Mapped[int] = mapped_column(ForeignKey("assignments.id"), unique=True)
    # Made on the phone; a repeated submission with the same id is the same visit.
    client_id: Mapped[str | None] = mapped_column(String(64))
    visited_on: Mapped[date | None] = mapped_column(Date, index=True)
    time_in: Mapped[time | None] = mapped_column(Time)
    time_out: Mapped[time | None] = mapped_column(Time)
    # {question code: {"value": ..., "comment": "..."}}
    answers: Mapped[dict[str, Any]] = mapped_column(JSONType, default=dict)
    saved_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    submitted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    submitted_late: Mapped[bool] = mapped_column(Boolean, default=False)
    # Scores, stored on submission by the scoring engine and never recomputed.
    overall: Mapped[float | None] = mapped_column(Float)
    overall_before_critical: Mapped[float | None] = mapped_column(Float)
    earned: Mapped[float | None] = mapped_column(Float)
    possible: Mapped[float | None] = mapped_column(Float)
    critical_failure: Mapped[bool] = mapped_column(Boolean, default=False)
    review_note: Mapped[str] = mapped_column(Text, default="")
    # A returned report: the codes of the questions the coordinator named to fix.
    returned_questions: Mapped[list[str]] = mapped_column(JSONType, default=list)
    reviewed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    reviewed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    assignment: Mapped[Assignment] = relationship(back_populates="visit")
    section_scores: Mapped[list[VisitSectionScore]] = relationship(
        back_populates="visit", cascade="all, delete-orphan"
    )
    question_scores: Mapped[list[VisitQuestionScore]] = relationship(
        back_populates="visit", cascade="all, delete-orphan"
    )
    photos: Mapped[list[Photo]] = relationship(
        back_populates="visit", cascade="all, delete-orphan", order_by="Photo.id"
    )


class VisitSectionScore(Base):
    """A submitted visit's score of one section (by section code)."""

    __tablename__ = "visit_section_scores"
    __table_args__ = (UniqueConstraint("visit_id", "section_code"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    visit_id: Mapped[int] = mapped_column(ForeignKey("visits.id", ondelete="CASCADE"), index=True)
    section_code: Mapped[str] = mapped_column(String(64))
    earned: Mapped[float] = mapped_column(Float)
    possible: Mapped[float] = mapped_column(Float)
    score: Mapped[float | None] = mapped_column(Float)

    visit: Mapped[Visit] = relationship(back_populates="section_scores")


class VisitQuestionScore(Base):
    """A submitted visit's result on one question (by question code)."""

    __tablename__ = "visit_question_scores"
    __table_args__ = (UniqueConstraint("visit_id", "question_code"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    visit_id: Mapped[int] = mapped_column(ForeignKey("visits.id", ondelete="CASCADE"), index=True)
    section_code: Mapped[str] = mapped_column(String(64))
    question_code: Mapped[str] = mapped_column(String(64), index=True)
    earned: Mapped[float | None] = mapped_column(Float)
    possible: Mapped[float] = mapped_column(Float)
    counted: Mapped[bool] = mapped_column(Boolean)
    critical_failed: Mapped[bool] = mapped_column(Boolean, default=False)

    visit: Mapped[Visit] = relationship(back_populates="question_scores")


class Photo(Base):
    """A photo attached to one question of a visit, stored by content hash."""

    __tablename__ = "photos"

    id: Mapped[int] = mapped_column(primary_key=True)
    visit_id: Mapped[int] = mapped_column(ForeignKey("visits.id", ondelete="CASCADE"), index=True)
    question_code: Mapped[str] = mapped_column(String(64))
    sha256: Mapped[str] = mapped_column(String(64))
    content_type: Mapped[str] = mapped_column(String(50))
    width: Mapped[int] = mapped_column(Integer)
    height: Mapped[int] = mapped_column(Integer)
    size: Mapped[int] = mapped_column(Integer)
    taken_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    visit: Mapped[Visit] = relationship(back_populates="photos")


class AuditEvent(Base):
    """Who did what to an assignment and when: the trail shown on each assignment."""

    __tablename__ = "audit_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    assignment_id: Mapped[int] = mapped_column(
        ForeignKey("assignments.id", ondelete="CASCADE"), index=True
    )
    action: Mapped[str] = mapped_column(String(30))
    note: Mapped[str] = mapped_column(Text, default="")
    # What changed, e.g. {"shopper": ["a@x", "b@x"]} on a reassignment.
    details: Mapped[dict[str, Any]] = mapped_column(JSONType, default=dict)

    actor: Mapped[User | None] = relationship()
