"""A unit of work per update: session, redelivery check, claim committed with the effects."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from typing import Any

from aiogram import BaseMiddleware
from aiogram.types import TelegramObject, Update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from db.unit_of_work import DuplicateUpdate, UnitOfWork

log = logging.getLogger(__name__)


class UnitOfWorkMiddleware(BaseMiddleware):
    """Injects ``uow`` (and ``session``); a redelivered update stops at its first query.

    Handlers commit (``uow.commit()``) before they send; whatever is left is committed after
    the handler returns. An exception rolls everything back, the claim included, so Telegram's
    redelivery gets a second chance.
    """

    def __init__(self, sessions: async_sessionmaker[AsyncSession]) -> None:
        self.sessions = sessions

    async def __call__(
        self,
        handler: Callable[[TelegramObject, dict[str, Any]], Awaitable[Any]],
        event: TelegramObject,
        data: dict[str, Any],
    ) -> Any:
        assert isinstance(event, Update)
        async with self.sessions() as session:
            uow = UnitOfWork(session, event.update_id)
            data["uow"] = uow
            data["session"] = session
            try:
                result = await handler(event, data)
                await uow.commit()
            except DuplicateUpdate:
                log.info("update %s was already processed; nothing done", event.update_id)
                return None
            return result
