"""The outbox: messages the bot sends on its own initiative, persisted before any attempt.

Workers claim due rows with ``FOR UPDATE SKIP LOCKED`` on PostgreSQL so several instances never
take the same row; SQLite ignores the clause, which is fine because embedded mode runs one worker.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import delete
from sqlalchemy.engine import CursorResult
from sqlalchemy.ext.asyncio import AsyncSession

from db.models import OutboxMessage, utcnow
from db.upsert import insert_for


class OutboxRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def enqueue(
        self,
        chat_id: int,
        method: str,
        payload: dict[str, Any],
        *,
        dedupe_key: str | None = None,
        kind: str | None = None,
        not_before: datetime | None = None,
    ) -> int | None:
        """Add a pending message; None if a row with the same ``dedupe_key`` already exists."""
        now = utcnow()
        stmt = insert_for(self.session, OutboxMessage).values(
            chat_id=chat_id,
            method=method,
            payload=payload,
            dedupe_key=dedupe_key,
            kind=kind,
            status="pending",
            attempts=0,
            next_attempt_at=not_before or now,
            created_at=now,
        )
        stmt = stmt.on_conflict_do_nothing(index_elements=["dedupe_key"]).returning(OutboxMessage.id)
        return (await self.session.execute(stmt)).scalar_one_or_none()

    async def delete_for_chat(self, chat_id: int) -> int:
        """/forget: messages to the user may quote what they wrote, so they go entirely."""
        result = await self.session.execute(delete(OutboxMessage).where(OutboxMessage.chat_id == chat_id))
        assert isinstance(result, CursorResult)
        return result.rowcount
