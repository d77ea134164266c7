"""«Мой план»: the measures a user keeps, their status and the reminder already queued."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from sqlalchemy import delete, select
from sqlalchemy.engine import CursorResult
from sqlalchemy.ext.asyncio import AsyncSession

from db.models import PlanItem, User, utcnow
from db.upsert import insert_for

PLAN_LIMIT = 30  # items per user; a plan is a short list, not a second catalogue


class PlanRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def items(self, user_id: int) -> list[PlanItem]:
        rows = await self.session.scalars(
            select(PlanItem).where(PlanItem.user_id == user_id).order_by(PlanItem.added_at, PlanItem.id)
        )
        return list(rows)

    async def get(self, user_id: int, item_id: int) -> PlanItem | None:
        item = await self.session.get(PlanItem, item_id)
        return item if item is not None and item.user_id == user_id else None

    async def add(self, user_id: int, measure_id: str, *, title: str, next_step: str, documents: Sequence[str],
                  deadline: dt.date | None, fingerprint: str) -> bool:
        """Add once (unique per user and measure; a repeated tap changes nothing). True if new."""
        stmt = insert_for(self.session, PlanItem).values(
            user_id=user_id, measure_id=measure_id, status="collecting", title=title[:200], next_step=next_step,
            documents=list(documents), deadline=deadline, fingerprint=fingerprint, moved_to_used=False,
            added_at=utcnow(), updated_at=utcnow(),
        ).on_conflict_do_nothing(index_elements=["user_id", "measure_id"])
        result = await self.session.execute(stmt)
        assert isinstance(result, CursorResult)
        return result.rowcount > 0

    async def delete(self, item: PlanItem) -> None:
        await self.session.delete(item)

    async def delete_for_user(self, user_id: int) -> int:
        result = await self.session.execute(delete(PlanItem).where(PlanItem.user_id == user_id))
        assert isinstance(result, CursorResult)
        return result.rowcount

    async def waiting_for_deadline(self, statuses: Sequence[str]) -> list[PlanItem]:
        """Items still before the application, of users with consent who did not block the bot."""
        rows = await self.session.scalars(
            select(PlanItem)
            .join(User, User.telegram_id == PlanItem.user_id)
            .where(PlanItem.status.in_(list(statuses)), User.consent_at.is_not(None), User.blocked.is_(False))
            .order_by(PlanItem.user_id, PlanItem.measure_id)
        )
        return list(rows)
