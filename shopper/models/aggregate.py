"""Monthly sums of approved visits per store and checklist, for fast comparisons.

Every figure a comparison needs is a sum (of visits, overall scores, section
scores, earned and possible points), so a period's figures are the sums of
its whole months here plus the few edge days read from the visits. They are
changed only by ``shopper.services.aggregates`` when a visit is approved or
its approval is withdrawn.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import Date, Float, ForeignKey, Index, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from shopper.models.base import Base


class StoreMonthTotal(Base):
    """A store's approved visits of one checklist in one month."""

    __tablename__ = "store_month_totals"
    __table_args__ = (UniqueConstraint("checklist_id", "month", "store_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    checklist_id: Mapped[int] = mapped_column(ForeignKey("checklists.id"))
    month: Mapped[date] = mapped_column(Date)
    store_id: Mapped[int] = mapped_column(ForeignKey("stores.id"), index=True)
    visits: Mapped[int] = mapped_column(Integer, default=0)
    overall_sum: Mapped[float] = mapped_column(Float, default=0.0)
    overall_count: Mapped[int] = mapped_column(Integer, default=0)
    critical_failures: Mapped[int] = mapped_column(Integer, default=0)


class StoreMonthSection(Base):
    """Σ of one section's scores over a store's approved visits in a month (nulls skipped)."""

    __tablename__ = "store_month_sections"
    __table_args__ = (UniqueConstraint("checklist_id", "month", "store_id", "section_code"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    checklist_id: Mapped[int] = mapped_column(ForeignKey("checklists.id"))
    month: Mapped[date] = mapped_column(Date)
    store_id: Mapped[int] = mapped_column(ForeignKey("stores.id"), index=True)
    section_code: Mapped[str] = mapped_column(String(64))
    score_sum: Mapped[float] = mapped_column(Float, default=0.0)
    score_count: Mapped[int] = mapped_column(Integer, default=0)


class StoreMonthQuestion(Base):
    """Σ earned and possible of one question over a store's approved visits in a month."""

    __tablename__ = "store_month_questions"
    __table_args__ = (UniqueConstraint("checklist_id", "month", "store_id", "question_code"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    checklist_id: Mapped[int] = mapped_column(ForeignKey("checklists.id"))
    month: Mapped[date] = mapped_column(Date)
    store_id: Mapped[int] = mapped_column(ForeignKey("stores.id"), index=True)
    question_code: Mapped[str] = mapped_column(String(64))
    earned: Mapped[float] = mapped_column(Float, default=0.0)
    possible: Mapped[float] = mapped_column(Float, default=0.0)
    counted: Mapped[int] = mapped_column(Integer, default=0)
    fails: Mapped[int] = mapped_column(Integer, default=0)


class StoreRunningSection(Base):
    """Σ of one section's scores over a store's approved visits up to and including ``month``.

    Running sums: one row per month from the store's first month with a score
    in the section to the newest month of the checklist's sums, none missing,
    so the sums of any run of months are the difference of two rows.
    """

    __tablename__ = "store_running_sections"
    __table_args__ = (
        UniqueConstraint("checklist_id", "month", "store_id", "section_code"),
        Index(
            "ix_store_running_sections_series", "checklist_id", "store_id", "section_code", "month"
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    checklist_id: Mapped[int] = mapped_column(ForeignKey("checklists.id"))
    month: Mapped[date] = mapped_column(Date)
    store_id: Mapped[int] = mapped_column(ForeignKey("stores.id"))
    section_code: Mapped[str] = mapped_column(String(64))
    score_sum: Mapped[float] = mapped_column(Float, default=0.0)
    score_count: Mapped[int] = mapped_column(Integer, default=0)


class StoreRunningQuestion(Base):
    """Σ earned and possible of one question at a store up to and including ``month``.

    Running sums, kept like ``StoreRunningSection``.
    """

    __tablename__ = "store_running_questions"
    __table_args__ = (
        UniqueConstraint("checklist_id", "month", "store_id", "question_code"),
        Index(
            "ix_store_running_questions_series",
            "checklist_id",
            "store_id",
            "question_code",
            "month",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    checklist_id: Mapped[int] = mapped_column(ForeignKey("checklists.id"))
    month: Mapped[date] = mapped_column(Date)
    store_id: Mapped[int] = mapped_column(ForeignKey("stores.id"))
    question_code: Mapped[str] = mapped_column(String(64))
    earned: Mapped[float] = mapped_column(Float, default=0.0)
    possible: Mapped[float] = mapped_column(Float, default=0.0)
    counted: Mapped[int] = mapped_column(Integer, default=0)
    fails: Mapped[int] = mapped_column(Integer, default=0)
