"""Tables of the project registry and partner search.

Decisions:
- ``projects`` holds the current version of each project; every version the owner submitted is
  kept in ``project_versions`` (what the moderator saw), and every step of its life — submitted,
  published, returned, rejected, hidden, archived, expired, confirmed — in ``project_decisions``
  with who, when and why. Moderation buttons carry the version, so a button for an older version
  (or a project already decided) changes nothing.
- Publishing is a conditional UPDATE (``WHERE status = 'moderation' AND version = :v``): of two
  presses of «Опубликовать» exactly one changes the row.
- No contact is stored before consent: a cooperation request keeps the requester's note; the
  owner's contact is written only when the owner accepts and chooses to share one.
- /forget: projects stay countable for the registry report but lose their owner (``owner_id``
  NULL), texts of older versions and any contact, and leave search (status ``archived``); the
  requests the user sent or received are closed and lose their notes.
- ``request_alerts`` is the memory of customer-request alerts: unique per user, request and
  request version, written in the same transaction as the outbox row.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import (
    BigInteger,
    Boolean,
    CheckConstraint,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from db.base import Base
from db.models import BigId, Json, UtcDateTime, utcnow

PROJECT_STATUSES = ("draft", "moderation", "published", "archived")
COOPERATION_STATUSES = ("pending", "accepted", "declined", "mediated", "closed")


class Project(Base):
    __tablename__ = "projects"
    __table_args__ = (
        CheckConstraint("status IN ('draft', 'moderation', 'published', 'archived')", name="status"),
        Index("ix_projects_status_expires", "status", "expires_at"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    owner_id: Mapped[int | None] = mapped_column(
        BigInteger, ForeignKey("users.telegram_id", ondelete="SET NULL"), index=True)
    owner_pseudonym: Mapped[str | None] = mapped_column(String(32))
    version: Mapped[int] = mapped_column(Integer, default=1)
    status: Mapped[str] = mapped_column(String(16), default="draft")
    hidden: Mapped[bool] = mapped_column(Boolean, default=False)
    title: Mapped[str] = mapped_column(String(200))
    summary: Mapped[str] = mapped_column(Text)
    cluster: Mapped[str] = mapped_column(String(32))
    sector: Mapped[str] = mapped_column(String(32))
    stage: Mapped[str] = mapped_column(String(32))
    seeks: Mapped[list[str]] = mapped_column(Json, default=list)
    offers: Mapped[list[str]] = mapped_column(Json, default=list)
    offer_text: Mapped[str | None] = mapped_column(Text)
    site: Mapped[str | None] = mapped_column(String(200))
    return_reason: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    submitted_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    published_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    expires_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    reminded_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    archived_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    archive_reason: Mapped[str | None] = mapped_column(String(32))
    card_message_id: Mapped[int | None] = mapped_column(BigInteger)  # the moderation card in the staff group


class ProjectVersion(Base):
    """What the owner submitted, version by version (the moderator decides on one of them)."""

    __tablename__ = "project_versions"
    __table_args__ = (UniqueConstraint("project_id", "version", name="uq_project_versions_once"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    project_id: Mapped[int] = mapped_column(
        BigInteger().with_variant(Integer(), "sqlite"), ForeignKey("projects.id", ondelete="CASCADE"), index=True)
    version: Mapped[int] = mapped_column(Integer)
    data: Mapped[dict[str, Any] | None] = mapped_column(Json, nullable=True)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)


class ProjectDecision(Base):
    """One step in a project's life: who did what, when and why."""

    __tablename__ = "project_decisions"

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    project_id: Mapped[int] = mapped_column(
        BigInteger().with_variant(Integer(), "sqlite"), ForeignKey("projects.id", ondelete="CASCADE"), index=True)
    version: Mapped[int] = mapped_column(Integer)
    action: Mapped[str] = mapped_column(String(16))
    actor_id: Mapped[int | None] = mapped_column(BigInteger)
    actor_name: Mapped[str | None] = mapped_column(String(128))
    reason: Mapped[str | None] = mapped_column(Text)
    at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow, index=True)


class CooperationRequest(Base):
    """«Предложить сотрудничество»: from a user to a project's owner, decided by the owner."""

    __tablename__ = "cooperation_requests"
    __table_args__ = (
        CheckConstraint("status IN ('pending', 'accepted', 'declined', 'mediated', 'closed')", name="status"),
        Index("ix_cooperation_requests_requester", "requester_id", "created_at"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    project_id: Mapped[int] = mapped_column(
        BigInteger().with_variant(Integer(), "sqlite"), ForeignKey("projects.id", ondelete="CASCADE"), index=True)
    requester_id: Mapped[int | None] = mapped_column(
        BigInteger, ForeignKey("users.telegram_id", ondelete="SET NULL"))
    requester_pseudonym: Mapped[str | None] = mapped_column(String(32))
    message: Mapped[str | None] = mapped_column(Text)
    requester_contact: Mapped[str | None] = mapped_column(String(160))  # shown to the owner only on acceptance
    owner_contact: Mapped[str | None] = mapped_column(String(160))  # written only when the owner accepts
    status: Mapped[str] = mapped_column(String(16), default="pending")
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    decided_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    ticket_id: Mapped[int | None] = mapped_column(BigInteger)


class ProjectBlock(Base):
    """The owner blocked further cooperation requests from this user."""

    __tablename__ = "project_blocks"

    owner_id: Mapped[int] = mapped_column(
        BigInteger, ForeignKey("users.telegram_id", ondelete="CASCADE"), primary_key=True)
    blocked_id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)


class RequestAlert(Base):
    """A customer request alerted to a user: once per request version."""

    __tablename__ = "request_alerts"
    __table_args__ = (UniqueConstraint("user_id", "request_id", "request_version", name="uq_request_alerts_once"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    user_id: Mapped[int] = mapped_column(BigInteger, ForeignKey("users.telegram_id", ondelete="CASCADE"), index=True)
    request_id: Mapped[str] = mapped_column(String(96))
    request_version: Mapped[str] = mapped_column(String(16))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)


class StaffTopic(Base):
    """A standing forum topic of the staff group (e.g. «Модерация проектов»), by name."""

    __tablename__ = "staff_topics"

    name: Mapped[str] = mapped_column(String(32), primary_key=True)
    chat_id: Mapped[int] = mapped_column(BigInteger)
    thread_id: Mapped[int | None] = mapped_column(BigInteger)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
