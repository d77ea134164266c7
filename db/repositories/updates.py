"""The ``update_id`` claim that makes every handler safe to run twice (DESIGN 8)."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import delete
from sqlalchemy.engine import CursorResult
from sqlalchemy.ext.asyncio import AsyncSession

from db.models import ProcessedUpdate, utcnow
from db.upsert import insert_for

# Telegram keeps an undelivered update for at most 24 hours; a claim older than that is dead weight.
CLAIM_RETENTION = timedelta(hours=24)


class UpdateClaimRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def claim(self, update_id: int) -> bool:
        """Insert the claim; False if this update was already processed (committed earlier).

        The claim becomes durable only when the caller commits, together with the
        handler's effects; a rollback releases it so a redelivery is processed again.
        """
        stmt = insert_for(self.session, ProcessedUpdate).values(update_id=update_id, processed_at=utcnow())
        result = await self.session.execute(stmt.on_conflict_do_nothing(index_elements=["update_id"]))
        assert isinstance(result, CursorResult)
        return result.rowcount == 1

    async def purge(self, now: datetime | None = None) -> int:
        """Forget claims older than Telegram's redelivery horizon."""
        cutoff = (now or utcnow()) - CLAIM_RETENTION
        result = await self.session.execute(
            delete(ProcessedUpdate).where(ProcessedUpdate.processed_at < cutoff)
        )
        assert isinstance(result, CursorResult)
        return result.rowcount
