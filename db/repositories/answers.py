"""Answer history: every answer appended, so a changed mind is visible and nothing is lost."""

from __future__ import annotations

from typing import Any

from sqlalchemy import delete, func, select
from sqlalchemy.engine import CursorResult
from sqlalchemy.ext.asyncio import AsyncSession

from db.models import AnswerRecord, utcnow


class AnswerHistoryRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def add(
        self, user_id: int, node_id: str, field: str, value: Any, questionnaire_version: str | None
    ) -> None:
        self.session.add(
            AnswerRecord(
                user_id=user_id,
                node_id=node_id,
                field=field,
                value=value,
                questionnaire_version=questionnaire_version,
                answered_at=utcnow(),
            )
        )

    async def for_user(self, user_id: int) -> list[AnswerRecord]:
        rows = await self.session.scalars(
            select(AnswerRecord).where(AnswerRecord.user_id == user_id).order_by(AnswerRecord.id)
        )
        return list(rows)

    async def count(self, user_id: int) -> int:
        total = await self.session.scalar(
            select(func.count()).select_from(AnswerRecord).where(AnswerRecord.user_id == user_id)
        )
        return int(total or 0)

    async def delete_for_user(self, user_id: int) -> int:
        result = await self.session.execute(delete(AnswerRecord).where(AnswerRecord.user_id == user_id))
        assert isinstance(result, CursorResult)
        return result.rowcount
