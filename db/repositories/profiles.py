"""Profiles: the latest answers, the engine's progress and the dialogue pointer, saved together."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.engine import CursorResult
from sqlalchemy.ext.asyncio import AsyncSession

from db.models import Profile, User, utcnow
from db.upsert import insert_for


class ProfileRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def get(self, user_id: int) -> Profile | None:
        return await self.session.get(Profile, user_id)

    async def save(
        self,
        user_id: int,
        *,
        answers: dict[str, Any],
        progress: dict[str, Any],
        state: dict[str, Any],
        questionnaire_version: str | None,
        completed_at: datetime | None = None,
    ) -> None:
        """Upsert the whole profile row; ``revision`` counts saves (useful to spot lost updates)."""
        now = utcnow()
        values = {
            "answers": answers,
            "progress": progress,
            "state": state,
            "questionnaire_version": questionnaire_version,
            "completed_at": completed_at,
            "updated_at": now,
        }
        stmt = insert_for(self.session, Profile).values(user_id=user_id, revision=1, **values)
        stmt = stmt.on_conflict_do_update(
            index_elements=["user_id"], set_={**values, "revision": Profile.revision + 1}
        )
        await self.session.execute(stmt)
        # Keep an already loaded instance in step with the row.
        existing = self.session.identity_map.get(self.session.identity_key(Profile, (user_id,)))
        if existing is not None:
            await self.session.refresh(existing)

    async def delete(self, user_id: int) -> int:
        result = await self.session.execute(delete(Profile).where(Profile.user_id == user_id))
        assert isinstance(result, CursorResult)
        return result.rowcount

    async def with_alerts(self) -> list[Profile]:
        """Profiles of users who opted in to alerts and did not block the bot."""
        rows = await self.session.scalars(
            select(Profile)
            .join(User, User.telegram_id == Profile.user_id)
            .where(User.alerts_opt_in.is_(True), User.blocked.is_(False))
        )
        return list(rows)
