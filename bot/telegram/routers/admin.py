"""Staff commands: /reload (hot reload with the diff or the errors), /versions (history and who
was alerted), /stats (the figures of ``navigator report`` in one message).

Only ``ADMIN_IDS`` may use them; anyone else is told so politely and nothing happens.
"""

from __future__ import annotations

import html

from aiogram import Bot, Router
from aiogram.filters import Command
from aiogram.types import Message
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.config import Settings
from bot.services.domain import Domain
from bot.services.reload import Reloader
from bot.telegram.replies import send
from bot.telegram.screen import Screen
from bot.texts.reload import reload_report
from bot.texts.stats import stats_message
from db.staff.repository import CatalogueVersionRepository, MeasureAlertRepository
from db.staff.stats import collect_stats

NOT_ADMIN = "Эта команда — для сотрудников Центра. Если вы сотрудник, попросите добавить ваш id в ADMIN_IDS."
NO_RELOAD = "Перезагрузка в этом процессе не настроена."
NO_VERSIONS = "Принятых версий пока нет: после первого /reload они появятся здесь."


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
    lines = ["Последние принятые версии:"]
    for row in rows:
        alerts = "—" if row.alerts_queued is None else str(row.alerts_queued)
        lines.append(
            f"• <code>{html.escape(row.bundle_version)}</code> — {row.accepted_at:%d.%m.%Y %H:%M} UTC, "
            f"{html.escape(row.accepted_by)}, мер: {row.measure_count}, оповещений: {alerts}"
        )
    if told:
        lines += ["", f"Оповещения о версии <code>{html.escape(rows[0].bundle_version)}</code> по мерам:"]
        lines += [f"• {html.escape(measure_id)}: {count}" for measure_id, count in told[:20]]
    await send(bot, message.chat.id, Screen("\n".join(lines)))


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
