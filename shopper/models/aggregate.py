"""Sums of approved visits per store and checklist, for fast comparisons.

Every figure a comparison needs is a sum (of visits, overall scores, section
scores, earned and possible points), so a period's figures are the sums of
its whole months here plus the few edge days read from the visits. They are
changed only by ``shopper.services.aggregates`` when a visit is approved or
its approval is withdrawn.

A store's section and question sums of a month are one row, packed
(``shopper.services.aggregates.pack``: the codes, then the sums as doubles):
a comparison reads one row per store, not one per store and question, and
a chain's rows into one array without a Python object per number.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import (
    Date,
    Float,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    UniqueConstraint,
)
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


class StoreMonthDetail(Base):
    """A store's section and question sums over its approved visits of one month.

    ``sections``: section code → [Σ score, scored visits];
    ``questions``: question code → [Σ earned, Σ possible, answers counted,
    fails]; both packed by ``aggregates.pack``. Codes without a counted
    answer are left out.
    """

    __tablename__ = "store_month_details"
    __table_args__ = (UniqueConstraint("checklist_id", "month", "store_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    checklist_id: Mapped[int] = mapped_column(ForeignKey("checklists.id"))
    month: Mapped[date] = mapped_column(Date)
    store_id: Mapped[int] = mapped_column(ForeignKey("stores.id"), index=True)
    sections: Mapped[bytes] = mapped_column(LargeBinary, default=b"")
    questions: Mapped[bytes] = mapped_column(LargeBinary, default=b"")


class StoreRunningDetail(Base):
    """A store's section and question sums over its approved visits up to and including ``month``.

    Running sums, packed like ``StoreMonthDetail``: one row per month from the
    store's first month with sums to the newest month of the checklist's sums,
    none missing, so the sums of any run of months are the difference of two rows.
    """

    __tablename__ = "store_running_details"
    __table_args__ = (
        UniqueConstraint("checklist_id", "month", "store_id"),
        Index("ix_store_running_details_series", "checklist_id", "store_id", "month"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    checklist_id: Mapped[int] = mapped_column(ForeignKey("checklists.id"))
    month: Mapped[date] = mapped_column(Date)
    store_id: Mapped[int] = mapped_column(ForeignKey("stores.id"))
    sections: Mapped[bytes] = mapped_column(LargeBinary, default=b"")
    questions: Mapped[bytes] = mapped_column(LargeBinary, default=b"")
