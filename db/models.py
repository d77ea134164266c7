"""Tables of the bot's own data: users, profiles, answer history, update claims, analytics, outbox.

Decisions:
- ``users.telegram_id`` is the primary key; a row exists only once the user pressed /start.
  Nothing personal is written before consent (the deep-link payload is not personal).
- Analytics events carry no foreign key to ``users``: /forget deletes the user and keeps the
  events, with the Telegram id and any text nulled and only a random pseudonym left.
- ``processed_updates`` is the idempotency claim: the row is inserted in the same transaction
  as the handler's effects, so a redelivered update either finds it (and changes nothing) or
  finds nothing because the first attempt rolled back.
- ``outbox`` holds what the bot sends on its own initiative (handoff relays, alerts); direct
  replies are sent at once and never go through it.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    CheckConstraint,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped, mapped_column

from db.base import Base

# BIGINT on PostgreSQL, the rowid alias INTEGER on SQLite (autoincrement works on both).
BigId = BigInteger().with_variant(Integer(), "sqlite")
Json = JSON().with_variant(JSONB(), "postgresql")
UtcDateTime = DateTime(timezone=True)


def utcnow() -> datetime:
    return datetime.now(UTC)


class User(Base):
    __tablename__ = "users"

    telegram_id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    pseudonym: Mapped[str] = mapped_column(String(32), unique=True)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    start_payload: Mapped[str | None] = mapped_column(String(64))
    consent_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    consent_policy_version: Mapped[str | None] = mapped_column(String(32))
    blocked: Mapped[bool] = mapped_column(Boolean, default=False)
    alerts_opt_in: Mapped[bool] = mapped_column(Boolean, default=False)

    @property
    def has_consent(self) -> bool:
        return self.consent_at is not None


class Profile(Base):
    """The user's answers and where they are in the questionnaire (the database is the truth)."""

    __tablename__ = "profiles"

    user_id: Mapped[int] = mapped_column(
        BigInteger, ForeignKey("users.telegram_id", ondelete="CASCADE"), primary_key=True
    )
    answers: Mapped[dict[str, Any]] = mapped_column(Json, default=dict)
    progress: Mapped[dict[str, Any]] = mapped_column(Json, default=dict)
    state: Mapped[dict[str, Any]] = mapped_column(Json, default=dict)
    questionnaire_version: Mapped[str | None] = mapped_column(String(64))
    revision: Mapped[int] = mapped_column(Integer, default=0)
    completed_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow, onupdate=utcnow)


class AnswerRecord(Base):
    """Every answer ever given, in order (the profile keeps only the latest)."""

    __tablename__ = "answer_history"

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    user_id: Mapped[int] = mapped_column(
        BigInteger, ForeignKey("users.telegram_id", ondelete="CASCADE"), index=True
    )
    node_id: Mapped[str] = mapped_column(String(64))
    field: Mapped[str] = mapped_column(String(64))
    value: Mapped[Any] = mapped_column(Json, nullable=True)
    questionnaire_version: Mapped[str | None] = mapped_column(String(64))
    answered_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)


class ProcessedUpdate(Base):
    __tablename__ = "processed_updates"

    update_id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    processed_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow, index=True)


class AnalyticsEvent(Base):
    """One product event. ``user_id`` and ``text`` are nulled by /forget; ``subject`` stays."""

    __tablename__ = "analytics_events"

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    kind: Mapped[str] = mapped_column(String(32), index=True)
    user_id: Mapped[int | None] = mapped_column(BigInteger, index=True)
    subject: Mapped[str | None] = mapped_column(String(32))
    node_id: Mapped[str | None] = mapped_column(String(64))
    field: Mapped[str | None] = mapped_column(String(64))
    measure_id: Mapped[str | None] = mapped_column(String(96))
    text: Mapped[str | None] = mapped_column(Text)
    answered: Mapped[bool | None] = mapped_column(Boolean)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow, index=True)


OUTBOX_STATUSES = ("pending", "sent", "dead")


class OutboxMessage(Base):
    """A Bot API call the bot makes on its own initiative, persisted before it is attempted."""

    __tablename__ = "outbox"
    __table_args__ = (
        CheckConstraint("status IN ('pending', 'sent', 'dead')", name="status"),
        Index("ix_outbox_due", "status", "next_attempt_at"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    kind: Mapped[str | None] = mapped_column(String(32))
    chat_id: Mapped[int] = mapped_column(BigInteger, index=True)
    method: Mapped[str] = mapped_column(String(64))
    payload: Mapped[dict[str, Any]] = mapped_column(Json, default=dict)
    status: Mapped[str] = mapped_column(String(16), default="pending")
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    dedupe_key: Mapped[str | None] = mapped_column(String(128), unique=True)
    last_error: Mapped[str | None] = mapped_column(Text)
    sent_message_id: Mapped[int | None] = mapped_column(BigInteger)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    sent_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    # Set while a worker holds the row (lease until ``next_attempt_at``); added by h001_handoff.
    claimed_at: Mapped[datetime | None] = mapped_column(UtcDateTime)


PLAN_STATUSES = ("collecting", "applied", "received", "rejected")


class PlanItem(Base):
    """A measure the user put in «Мой план» (issue 17), with what it looked like when added.

    ``title``, ``next_step``, ``documents`` and ``deadline`` are a snapshot of the catalogue at
    the moment the user last saw them, so a reload that changes or removes the measure can be
    explained («что изменилось»), not silently applied; ``fingerprint`` is the measure's at that
    moment. ``reminded_for`` is the deadline a reminder was queued for — one per deadline.
    ``moved_to_used`` says «получил» added the measure to the profile's ``used_measures``.
    /forget deletes the rows with the user.
    """

    __tablename__ = "plan_items"
    __table_args__ = (
        CheckConstraint("status IN ('collecting', 'applied', 'received', 'rejected')", name="status"),
        UniqueConstraint("user_id", "measure_id", name="uq_plan_items_user_measure"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    user_id: Mapped[int] = mapped_column(
        BigInteger, ForeignKey("users.telegram_id", ondelete="CASCADE"), index=True
    )
    measure_id: Mapped[str] = mapped_column(String(96))
    status: Mapped[str] = mapped_column(String(16), default="collecting")
    title: Mapped[str] = mapped_column(String(200))
    next_step: Mapped[str] = mapped_column(Text, default="")
    documents: Mapped[list[str]] = mapped_column(Json, default=list)
    deadline: Mapped[date | None] = mapped_column(Date)
    fingerprint: Mapped[str] = mapped_column(String(16))
    reminded_for: Mapped[date | None] = mapped_column(Date)
    moved_to_used: Mapped[bool] = mapped_column(Boolean, default=False)
    added_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow, onupdate=utcnow)
