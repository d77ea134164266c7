"""Tables of the handoff to consultants: tickets, their history, relayed message pairs, ratings.

Decisions:
- The ticket number the user and the consultants see is the primary key ``tickets.id``.
- One user has at most one open ticket: a unique index on ``user_id`` restricted to tickets that
  are not closed (a partial index, which SQLite and PostgreSQL both enforce). Two concurrent
  requests therefore cannot both insert; the loser reads the winner's ticket instead, and since
  the forum topic is created by the outbox row written with the ticket, no second topic appears.
- Claiming is a conditional UPDATE (``WHERE status IN ('new', 'transferred')``): of two
  consultants pressing «Взять» at once exactly one changes a row.
- ``ticket_messages`` is the message-pair mapping (user chat/message ↔ staff chat/message); the
  unique source key makes relaying a redelivered update a no-op, and the staff key lets a
  consultant's reply to a relayed message find its ticket in a group without topics.
- /forget (152-ФЗ): tickets stay for reporting with ``user_id``, company, question and message
  texts nulled; the user's pseudonym is kept so reports can still count distinct users.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import (
    BigInteger,
    CheckConstraint,
    ForeignKey,
    Index,
    SmallInteger,
    String,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column

from db.base import Base
from db.models import BigId, UtcDateTime, utcnow

TICKET_STATUSES = ("new", "claimed", "transferred", "closed")
OPEN_STATUSES = ("new", "claimed", "transferred")
DIRECTIONS = ("in", "out", "note")  # in: user → staff; out: consultant → user; note: internal


class Ticket(Base):
    __tablename__ = "tickets"
    __table_args__ = (
        CheckConstraint("status IN ('new', 'claimed', 'transferred', 'closed')", name="status"),
        Index(
            "uq_tickets_open_user",
            "user_id",
            unique=True,
            sqlite_where=text("status != 'closed'"),
            postgresql_where=text("status != 'closed'"),
        ),
        Index("ix_tickets_status", "status"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    user_id: Mapped[int | None] = mapped_column(BigInteger)
    user_pseudonym: Mapped[str | None] = mapped_column(String(32))
    status: Mapped[str] = mapped_column(String(16), default="new")
    company: Mapped[str | None] = mapped_column(String(200))
    measure_id: Mapped[str | None] = mapped_column(String(96))
    subject: Mapped[str] = mapped_column(String(200))
    question: Mapped[str | None] = mapped_column(Text)
    staff_chat_id: Mapped[int] = mapped_column(BigInteger)
    thread_id: Mapped[int | None] = mapped_column(BigInteger)
    card_message_id: Mapped[int | None] = mapped_column(BigInteger)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    claimed_by: Mapped[int | None] = mapped_column(BigInteger)
    claimed_by_name: Mapped[str | None] = mapped_column(String(128))
    claimed_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    first_claimed_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    closed_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    closed_by: Mapped[int | None] = mapped_column(BigInteger)
    pinged_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    user_blocked_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    last_user_message_at: Mapped[datetime | None] = mapped_column(UtcDateTime)

    @property
    def is_open(self) -> bool:
        return self.status != "closed"


class TicketEvent(Base):
    """The lifecycle, one row per change: opened, claimed, transferred, closed, reopened, …"""

    __tablename__ = "ticket_events"

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    ticket_id: Mapped[int] = mapped_column(BigInteger, ForeignKey("tickets.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(32))
    actor_id: Mapped[int | None] = mapped_column(BigInteger)
    actor_name: Mapped[str | None] = mapped_column(String(128))
    at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)


class TicketMessage(Base):
    """One relayed (or internal) message: where it came from and, once sent, where it landed."""

    __tablename__ = "ticket_messages"
    __table_args__ = (
        CheckConstraint("direction IN ('in', 'out', 'note')", name="direction"),
        UniqueConstraint("source_chat_id", "source_message_id", name="uq_ticket_messages_source"),
        Index("ix_ticket_messages_target", "target_chat_id", "target_message_id"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    ticket_id: Mapped[int] = mapped_column(BigInteger, ForeignKey("tickets.id", ondelete="CASCADE"), index=True)
    direction: Mapped[str] = mapped_column(String(8))
    source_chat_id: Mapped[int] = mapped_column(BigInteger)
    source_message_id: Mapped[int] = mapped_column(BigInteger)
    target_chat_id: Mapped[int | None] = mapped_column(BigInteger)
    target_message_id: Mapped[int | None] = mapped_column(BigInteger)
    author_id: Mapped[int | None] = mapped_column(BigInteger)
    kind: Mapped[str] = mapped_column(String(16), default="text")  # text, photo, document, other
    text: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    relayed_at: Mapped[datetime | None] = mapped_column(UtcDateTime)


class TicketRating(Base):
    __tablename__ = "ticket_ratings"
    __table_args__ = (CheckConstraint("score BETWEEN 1 AND 5", name="score"),)

    ticket_id: Mapped[int] = mapped_column(
        BigInteger, ForeignKey("tickets.id", ondelete="CASCADE"), primary_key=True, autoincrement=False
    )
    score: Mapped[int] = mapped_column(SmallInteger)
    comment: Mapped[str | None] = mapped_column(Text)
    rated_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)


class OutboxPace(Base):
    """When the next message to a group may go, shared by every outbox worker (GCRA's TAT).

    Each worker paces with its own token buckets; a group's 20 a minute must also hold across
    several workers, so a slot in a group is reserved here, under the row's lock, before sending.
    """

    __tablename__ = "outbox_pace"

    chat_id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    tat: Mapped[datetime] = mapped_column(UtcDateTime)
