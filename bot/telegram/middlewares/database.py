"""A unit of work per update: session, redelivery check, claim committed with the effects."""

from __future__ import annotations

import contextvars
import logging
from collections.abc import Awaitable, Callable
from typing import Any

from aiogram import BaseMiddleware
from aiogram.types import TelegramObject, Update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.telegram import direct_replies
from bot.telegram.redelivery import rerender_current_screen
from bot.telegram.scale.dedupe import Delivery
from db.unit_of_work import DuplicateUpdate, UnitOfWork

log = logging.getLogger(__name__)


class UnitOfWorkMiddleware(BaseMiddleware):
    """Injects ``uow`` (and ``session``); a redelivered update stops at its first query.

    Handlers commit (``uow.commit()``) before they send — and a call to Telegram with a
    transaction still open commits it first (``bot.telegram.direct_replies``); whatever is left
    is committed after the handler returns. An exception rolls back what is not committed, the
    claim included, and marks the ``delivery`` failed so the webhook does not acknowledge it:
    Telegram's redelivery gets a second chance. A redelivered update whose effects were already
    committed shows the user's current screen again (the reply may never have gone out).
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
        bot = data.get("bot")
        if bot is not None:
            direct_replies.install(bot, self.sessions)
        async with self.sessions() as session:
            uow = UnitOfWork(session, event.update_id)
            data["uow"] = uow
            data["session"] = session
            token: contextvars.Token[UnitOfWork | None] | None = direct_replies.current_uow.set(uow)
            try:
                result = await handler(event, data)
                await uow.commit()
            except DuplicateUpdate:
                log.info("update %s was already processed; showing the current screen", event.update_id)
                await session.rollback()
                if token is not None:
                    direct_replies.current_uow.reset(token)
                    token = None
                await rerender_current_screen(event, data, self.sessions)
                return None
            except BaseException:
                uow.failed = True
                delivery = data.get("delivery")
                if isinstance(delivery, Delivery) and not uow.claim_committed:
                    delivery.failed = True
                raise
            finally:
                if token is not None:
                    direct_replies.current_uow.reset(token)
            return result
