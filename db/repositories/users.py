"""Users: created by /start (payload only), consent recorded explicitly, deleted by /forget."""

from __future__ import annotations

import secrets
from datetime import datetime

from sqlalchemy import delete, update
from sqlalchemy.engine import CursorResult
from sqlalchemy.ext.asyncio import AsyncSession

from db.models import User, utcnow
from db.upsert import insert_for


def new_pseudonym() -> str:
    """A random token that stands for the user in analytics and survives /forget unlinked."""
    return secrets.token_hex(12)


class UserRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def get(self, telegram_id: int) -> User | None:
        return await self.session.get(User, telegram_id)

    async def ensure(self, telegram_id: int, start_payload: str | None = None) -> User:
        """Create the user if new (keeping the first deep-link payload); return the row."""
        stmt = insert_for(self.session, User).values(
            telegram_id=telegram_id,
            pseudonym=new_pseudonym(),
            created_at=utcnow(),
            start_payload=start_payload,
            blocked=False,
            alerts_opt_in=False,
        )
        await self.session.execute(stmt.on_conflict_do_nothing(index_elements=["telegram_id"]))
        user = await self.session.get(User, telegram_id, populate_existing=True)
        assert user is not None
        if start_payload and not user.start_payload:
            user.start_payload = start_payload
        return user

    async def record_consent(self, telegram_id: int, policy_version: str, at: datetime | None = None) -> None:
        await self.session.execute(
            update(User)
            .where(User.telegram_id == telegram_id)
            .values(consent_at=at or utcnow(), consent_policy_version=policy_version)
        )

    async def set_blocked(self, telegram_id: int, blocked: bool) -> None:
        await self.session.execute(
            update(User).where(User.telegram_id == telegram_id).values(blocked=blocked)
        )

    async def set_alerts(self, telegram_id: int, opt_in: bool) -> None:
        await self.session.execute(
            update(User).where(User.telegram_id == telegram_id).values(alerts_opt_in=opt_in)
        )

    async def delete(self, telegram_id: int) -> int:
        result = await self.session.execute(delete(User).where(User.telegram_id == telegram_id))
        assert isinstance(result, CursorResult)
        return result.rowcount
