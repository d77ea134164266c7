"""Analytics events: what was asked, opened and searched — pseudonymised by /forget."""

from __future__ import annotations

from sqlalchemy import func, select, update
from sqlalchemy.engine import CursorResult
from sqlalchemy.ext.asyncio import AsyncSession

from db.models import AnalyticsEvent, utcnow

QUESTION_ANSWERED = "question_answered"
MEASURE_OPENED = "measure_opened"
SEARCH_QUERY = "search_query"


class AnalyticsRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def _record(self, event: AnalyticsEvent) -> None:
        event.created_at = utcnow()
        self.session.add(event)

    async def question_answered(
        self, user_id: int, subject: str, node_id: str, field: str, *, skipped: bool = False
    ) -> None:
        """The value itself is not recorded: the profile holds it, and may hold personal data."""
        await self._record(
            AnalyticsEvent(
                kind=QUESTION_ANSWERED,
                user_id=user_id,
                subject=subject,
                node_id=node_id,
                field=field,
                answered=not skipped,
            )
        )

    async def measure_opened(self, user_id: int, subject: str, measure_id: str) -> None:
        await self._record(
            AnalyticsEvent(kind=MEASURE_OPENED, user_id=user_id, subject=subject, measure_id=measure_id)
        )

    async def search_query(self, user_id: int, subject: str, text: str, answered: bool) -> None:
        """Only called after consent (DESIGN 8: queries before consent are answered, not stored)."""
        await self._record(
            AnalyticsEvent(kind=SEARCH_QUERY, user_id=user_id, subject=subject, text=text, answered=answered)
        )

    async def pseudonymise_user(self, user_id: int) -> int:
        """Drop the Telegram id and any text; the random ``subject`` keeps counts per person."""
        result = await self.session.execute(
            update(AnalyticsEvent).where(AnalyticsEvent.user_id == user_id).values(user_id=None, text=None)
        )
        assert isinstance(result, CursorResult)
        return result.rowcount

    async def count(self, kind: str | None = None) -> int:
        query = select(func.count()).select_from(AnalyticsEvent)
        if kind is not None:
            query = query.where(AnalyticsEvent.kind == kind)
        return int(await self.session.scalar(query) or 0)
