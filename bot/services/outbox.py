"""Writing to the outbox: what the bot will say, persisted in the caller's transaction."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from db.repositories import OutboxRepository


async def enqueue(
    session: AsyncSession,
    chat_id: int,
    method: str,
    payload: dict[str, Any],
    *,
    kind: str | None = None,
    dedupe_key: str | None = None,
    not_before: datetime | None = None,
) -> int | None:
    """Persist one Bot API call for the worker; ``chat_id`` is also put in the payload.

    Returns the row id, or None if ``dedupe_key`` was already queued (a redelivered update).
    """
    body = {"chat_id": chat_id, **payload}
    return await OutboxRepository(session).enqueue(
        chat_id, method, body, dedupe_key=dedupe_key, kind=kind, not_before=not_before
    )
