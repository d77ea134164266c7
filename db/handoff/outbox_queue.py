"""The worker's side of the outbox: leased claims in per-chat order, deferrals, burst merging.

Decisions:
- A claim is a *lease*, not a transaction held across the network: the claiming transaction
  stamps ``claimed_at`` and pushes ``next_attempt_at`` to the end of the lease, then commits.
  The send happens outside any transaction (on SQLite a transaction is the write lock). If the
  process dies mid-send the lease simply runs out and the row is due again — nothing is lost.
- Only the *head* of each chat's queue is claimable (no older pending row for the same chat),
  so messages to one chat go out in the order they were written even across 429 deferrals and
  several workers. PostgreSQL workers take heads with ``FOR UPDATE SKIP LOCKED``; SQLite ignores
  the clause and serialises writers anyway (one worker in embedded mode).
- ``merge_text`` appends to a pending, unclaimed text row, so a user's burst becomes one post in
  the staff group (the group's 20 messages a minute is the bottleneck). A claimed row is never
  edited: the conditional UPDATE re-checks ``claimed_at IS NULL`` under the row lock.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import ColumnElement, and_, delete, exists, func, or_, select, update
from sqlalchemy.engine import CursorResult
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased

from db.handoff.models import OutboxPace
from db.handoff.tickets import as_utc
from db.models import OutboxMessage
from db.upsert import insert_for

DEFAULT_LEASE = timedelta(seconds=120)


def _is_head() -> ColumnElement[bool]:
    """No older pending row for the same chat: this row is next in its chat's queue."""
    older = aliased(OutboxMessage)
    return ~exists().where(
        and_(older.chat_id == OutboxMessage.chat_id, older.status == "pending", older.id < OutboxMessage.id)
    )


async def claim_heads(
    session: AsyncSession, now: datetime, limit: int, lease: timedelta = DEFAULT_LEASE
) -> list[OutboxMessage]:
    """Lease up to ``limit`` due rows, each the oldest pending row of its chat. Caller commits."""
    query = (
        select(OutboxMessage)
        .where(OutboxMessage.status == "pending", OutboxMessage.next_attempt_at <= now, _is_head())
        .order_by(OutboxMessage.next_attempt_at, OutboxMessage.id)
        .limit(limit)
        .with_for_update(skip_locked=True, of=OutboxMessage)
    )
    rows = list(await session.scalars(query))
    if rows:
        await session.execute(
            update(OutboxMessage)
            .where(OutboxMessage.id.in_([row.id for row in rows]))
            .values(claimed_at=now, next_attempt_at=now + lease)
        )
        for row in rows:
            row.claimed_at = now
            row.next_attempt_at = now + lease
    return rows


async def release(session: AsyncSession, message_id: int, at: datetime, error: str | None = None) -> None:
    """Give the row back to be tried at ``at`` without counting an attempt (pacing, 429)."""
    values: dict[str, Any] = {"claimed_at": None, "next_attempt_at": at}
    if error is not None:
        values["last_error"] = error[:2000]
    await session.execute(update(OutboxMessage).where(OutboxMessage.id == message_id).values(**values))


async def retry(session: AsyncSession, message_id: int, at: datetime, error: str) -> None:
    """A failed attempt: count it and try again at ``at``."""
    await session.execute(
        update(OutboxMessage)
        .where(OutboxMessage.id == message_id)
        .values(
            claimed_at=None,
            next_attempt_at=at,
            last_error=error[:2000],
            attempts=OutboxMessage.attempts + 1,
        )
    )


async def sent(session: AsyncSession, message_id: int, now: datetime, sent_message_id: int | None) -> None:
    await session.execute(
        update(OutboxMessage)
        .where(OutboxMessage.id == message_id)
        .values(
            status="sent",
            sent_at=now,
            claimed_at=None,
            sent_message_id=sent_message_id,
            attempts=OutboxMessage.attempts + 1,
        )
    )


async def dead(session: AsyncSession, message_id: int, error: str) -> None:
    """Dead letter: kept with its last error for admins (``/outbox`` in the staff group)."""
    await session.execute(
        update(OutboxMessage)
        .where(OutboxMessage.id == message_id)
        .values(status="dead", claimed_at=None, last_error=error[:2000], attempts=OutboxMessage.attempts + 1)
    )


async def update_payload(session: AsyncSession, message_id: int, payload: dict[str, Any]) -> None:
    await session.execute(update(OutboxMessage).where(OutboxMessage.id == message_id).values(payload=payload))


async def merge_text(
    session: AsyncSession, chat_id: int, kind: str, group_key: str, text: str, max_len: int,
    source_id: int | None = None,
) -> int | None:
    """Append ``text`` to the newest pending, unclaimed row of ``kind`` for ``group_key``.

    Returns the row id merged into, or None (no such row, it was claimed meanwhile, or the
    merged text would exceed ``max_len``) — the caller then enqueues a new row.
    """
    row = await session.scalar(
        select(OutboxMessage)
        .where(
            OutboxMessage.chat_id == chat_id,
            OutboxMessage.kind == kind,
            OutboxMessage.status == "pending",
            OutboxMessage.claimed_at.is_(None),
        )
        .order_by(OutboxMessage.id.desc())
        .limit(1)
    )
    if row is None or row.payload.get("_merge") != group_key:
        return None
    # Only the last row of the chat may grow, or the merged text would jump the queue.
    newest = await session.scalar(
        select(func.max(OutboxMessage.id)).where(
            OutboxMessage.chat_id == chat_id, OutboxMessage.status == "pending"
        )
    )
    if newest != row.id:
        return None
    merged = f"{row.payload.get('text', '')}\n\n{text}"
    if len(merged) > max_len:
        return None
    payload = dict(row.payload)
    payload["text"] = merged
    payload["_parts"] = int(payload.get("_parts", 1)) + 1
    if source_id is not None:
        payload["_sources"] = [*payload.get("_sources", []), source_id]
    result = await session.execute(
        update(OutboxMessage)
        .where(OutboxMessage.id == row.id, OutboxMessage.status == "pending", OutboxMessage.claimed_at.is_(None))
        .values(payload=payload)
    )
    assert isinstance(result, CursorResult)
    return row.id if result.rowcount == 1 else None


async def counts(session: AsyncSession) -> dict[str, int]:
    """Rows per status, for the admins' view."""
    rows = await session.execute(select(OutboxMessage.status, func.count()).group_by(OutboxMessage.status))
    return {status: int(count) for status, count in rows}


async def dead_letters(session: AsyncSession, limit: int = 10) -> list[OutboxMessage]:
    return list(
        await session.scalars(
            select(OutboxMessage).where(OutboxMessage.status == "dead").order_by(OutboxMessage.id.desc()).limit(limit)
        )
    )


async def next_due(session: AsyncSession) -> datetime | None:
    """When the earliest claimable row becomes due (the worker sleeps until then)."""
    value: datetime | None = await session.scalar(
        select(func.min(OutboxMessage.next_attempt_at)).where(OutboxMessage.status == "pending", _is_head())
    )
    return value


async def reserve_slot(
    session: AsyncSession, chat_id: int, now: datetime, interval: timedelta, tolerance: timedelta = timedelta(0)
) -> timedelta:
    """Take the chat's next sending slot (GCRA): zero if taken now, else how long to wait.

    The theoretical arrival time ``tat`` advances by ``interval`` per message; a message may go
    while ``tat - tolerance <= now``. The row is locked for the check, so two workers cannot take
    the same slot. Caller commits (at once: the lock should be short).
    """
    await session.execute(
        insert_for(session, OutboxPace).values(chat_id=chat_id, tat=now).on_conflict_do_nothing(
            index_elements=["chat_id"]
        )
    )
    pace = await session.scalar(select(OutboxPace).where(OutboxPace.chat_id == chat_id).with_for_update())
    assert pace is not None
    tat = max(as_utc(pace.tat), now)
    if tat - tolerance > now:
        return tat - tolerance - now
    await session.execute(update(OutboxPace).where(OutboxPace.chat_id == chat_id).values(tat=tat + interval))
    return timedelta(0)


async def push_slot(session: AsyncSession, chat_id: int, until: datetime) -> None:
    """Telegram said wait (429): no worker sends to the chat before ``until``."""
    await session.execute(
        insert_for(session, OutboxPace).values(chat_id=chat_id, tat=until).on_conflict_do_update(
            index_elements=["chat_id"], set_={"tat": until}, where=OutboxPace.tat < until
        )
    )


async def purge_sent(session: AsyncSession, before: datetime, keep_kinds: tuple[str, ...] = ("ticket_card",)) -> int:
    """Delete rows sent before ``before`` (their message pairs live in ``ticket_messages``).

    Ticket cards are kept: a recreated topic gets its card re-posted from them.
    """
    result = await session.execute(
        delete(OutboxMessage).where(
            OutboxMessage.status == "sent",
            OutboxMessage.sent_at < before,
            or_(OutboxMessage.kind.is_(None), OutboxMessage.kind.not_in(keep_kinds)),
        )
    )
    assert isinstance(result, CursorResult)
    return result.rowcount
