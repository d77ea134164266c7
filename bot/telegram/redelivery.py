"""A redelivered update whose effects are committed: show the user's current screen again.

The process may have died after committing an answer and before the next question went out
(kill -9, a deploy). Telegram redelivers the update; the claim makes it a no-op for the
database, but the user would never see the next question. So the copy re-sends the current
screen — computed from the database, hence idempotent: a second copy shows the same screen —
and records its question as shown (``bot.telegram.shown``).
Only private chats (the consent prompt for a user without consent); staff-group updates are
left alone.
"""

from __future__ import annotations

import logging
from typing import Any

from aiogram import Bot
from aiogram.types import Update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.services.journey import Journey
from bot.telegram.flow import current_screen
from bot.telegram.replies import send
from db.unit_of_work import UnitOfWork

log = logging.getLogger(__name__)


def _private_user(update: Update) -> int | None:
    if update.message is not None and update.message.chat.type == "private" and update.message.from_user:
        return update.message.from_user.id
    query = update.callback_query
    if query is not None and (query.message is None or query.message.chat.type == "private"):
        return query.from_user.id
    return None


async def rerender_current_screen(update: Update, data: dict[str, Any],
                                  sessions: async_sessionmaker[AsyncSession]) -> bool:
    """Send the current screen to the update's user; False if there is nothing to show."""
    user_id = _private_user(update)
    bot = data.get("bot")
    holder = data.get("domain_holder")
    domain = holder.current if holder is not None else data.get("domain")
    settings = data.get("settings")
    if user_id is None or not isinstance(bot, Bot) or domain is None or settings is None:
        return False
    try:
        async with sessions() as session:
            journey = Journey(UnitOfWork(session, update.update_id, claim=False), domain, user_id)
            screen = await current_screen(journey, domain, settings.privacy_policy_url)
            await session.commit()
        await send(bot, user_id, screen)
        if screen.question is not None:  # the user now sees it: their next typed answer is for it
            async with sessions() as session:
                journey = Journey(UnitOfWork(session, update.update_id, claim=False), domain, user_id)
                await journey.mark_shown(screen.question)
                await session.commit()
    except Exception as exc:  # a redelivery must never fail louder than the original
        log.warning("re-rendering for redelivered update %s failed: %s", update.update_id, type(exc).__name__)
        return False
    return True
