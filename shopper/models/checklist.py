"""Checklists and their versions. A published version is frozen; edits make a new draft."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped, mapped_column, relationship

from shopper.models.base import Base, UTCDateTime, utcnow
from shopper.models.user import User

DocumentType = JSON().with_variant(JSONB(), "postgresql")


class Checklist(Base):
    """An audit checklist, known by its ``code`` across all its versions."""

    __tablename__ = "checklists"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(64), unique=True)
    # The title of the newest version, kept here for lists.
    title: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    archived_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # What "good enough" is, set by a coordinator, not part of any version:
    # {"overall": 85.0 | None, "sections": {code: 90.0}}.
    targets: Mapped[dict[str, Any]] = mapped_column(DocumentType, default=dict)

    versions: Mapped[list[ChecklistVersion]] = relationship(
        back_populates="checklist", order_by="ChecklistVersion.number", cascade="all"
    )

    @property
    def archived(self) -> bool:
        """An archived checklist can no longer be assigned."""
        return self.archived_at is not None

    @property
    def published_versions(self) -> list[ChecklistVersion]:
        """Published versions, oldest first."""
        return [version for version in self.versions if version.published]

    @property
    def latest_published(self) -> ChecklistVersion | None:
        """The version new assignments use."""
        published = self.published_versions
        return published[-1] if published else None

    @property
    def draft(self) -> ChecklistVersion | None:
        """The version being edited, if any (at most one)."""
        drafts = [version for version in self.versions if not version.published]
        return drafts[-1] if drafts else None


class ChecklistVersion(Base):
    """One version of a checklist: its whole ``shopper-checklist/1`` document."""

    __tablename__ = "checklist_versions"
    __table_args__ = (UniqueConstraint("checklist_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    checklist_id: Mapped[int] = mapped_column(
        ForeignKey("checklists.id", ondelete="CASCADE"), index=True
    )
    number: Mapped[int] = mapped_column(Integer)
    # Published: the document with every default filled in, never changed again.
    # Draft: what the builder last saved, which may still break rules.
    document: Mapped[dict[str, Any]] = mapped_column(DocumentType)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
    published_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    published_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    checklist: Mapped[Checklist] = relationship(back_populates="versions")
    published_by: Mapped[User | None] = relationship(foreign_keys=[published_by_id])

    @property
    def published(self) -> bool:
        """True once published, and so frozen."""
        return self.published_at is not None

    @property
    def status(self) -> str:
        """``draft`` or ``published``."""
        return "published" if self.published else "draft"
