"""Staff commands: /reload (hot reload with the diff or the errors), /versions (history and who
was alerted), /stats (the figures of ``navigator report`` in one message).

Only ``ADMIN_IDS`` may use them; anyone else is told so politely and nothing happens.
"""

from __future__ import annotations

from aiogram import Bot, Router
from aiogram.filters import Command
from aiogram.types import Message
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.config import Settings
from bot.services.domain import Domain
from bot.services.reload import Reloader
from bot.telegram.replies import send
from bot.telegram.screen import Screen
from bot.texts.admin import NO_RELOAD, NO_VERSIONS, NOT_ADMIN, versions_text
from bot.texts.reload import reload_report
from bot.texts.stats import stats_message
from db.staff.repository import CatalogueVersionRepository, MeasureAlertRepository
from db.staff.stats import collect_stats


def is_admin(message: Message, settings: Settings) -> bool:
    return message.from_user is not None and message.from_user.id in settings.admin_ids


async def reload_command(message: Message, bot: Bot, settings: Settings, reloader: Reloader | None = None) -> None:
    if not is_admin(message, settings):
        await send(bot, message.chat.id, Screen(NOT_ADMIN))
        return
    if reloader is None:
        await send(bot, message.chat.id, Screen(NO_RELOAD))
        return
    assert message.from_user is not None
    result = await reloader.reload(f"admin:{message.from_user.id}")
    await send(bot, message.chat.id, Screen(reload_report(result)))


async def versions_command(message: Message, bot: Bot, settings: Settings,
                           sessions: async_sessionmaker[AsyncSession]) -> None:
    if not is_admin(message, settings):
        await send(bot, message.chat.id, Screen(NOT_ADMIN))
        return
    async with sessions() as session:
        rows = await CatalogueVersionRepository(session).history(10)
        told = await MeasureAlertRepository(session).by_measure(rows[0].id) if rows else []
    if not rows:
        await send(bot, message.chat.id, Screen(NO_VERSIONS))
        return
    await send(bot, message.chat.id, Screen(versions_text(rows, told)))


async def stats_command(message: Message, bot: Bot, settings: Settings, domain: Domain,
                        sessions: async_sessionmaker[AsyncSession]) -> None:
    if not is_admin(message, settings):
        await send(bot, message.chat.id, Screen(NOT_ADMIN))
        return
    async with sessions() as session:
        stats = await collect_stats(session)
    titles = {m.id: m.title for m in domain.catalogue.measures}
    await send(bot, message.chat.id, Screen(stats_message(stats, titles)))


def make_router() -> Router:
    """A fresh router with this module's handlers (one per dispatcher)."""
    router = Router(name="admin")
    router.message.register(reload_command, Command("reload"))
    router.message.register(versions_command, Command("versions"))
    router.message.register(stats_command, Command("stats"))
    return router
