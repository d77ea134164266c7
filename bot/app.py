"""The composition root: one function builds the dispatcher, one the bot, one runs polling.

Everything the handlers need is injected by name as workflow data: ``domain`` (catalogue,
questionnaire, engine), ``settings``; the middlewares add ``uow``/``session`` per update.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator

from aiogram import Bot, Dispatcher
from aiogram.client.default import DefaultBotProperties
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.client.session.base import BaseSession
from aiogram.client.telegram import TelegramAPIServer
from aiogram.enums import ParseMode
from aiogram.types import BotCommand
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot import errors, event_watch, texts
from bot.calendar_data import for_settings as warm_calendar
from bot.calendar_data import moscow_now
from bot.config import Settings
from bot.domain import Domain
from bot.handoff import runtime as handoff_runtime
from bot.middlewares.callback_answer import AnswerOnceMiddleware
from bot.middlewares.database import UnitOfWorkMiddleware
from bot.middlewares.throttle import ThrottleMiddleware, TokenBuckets
from bot.observability.metrics import UpdateMetricsMiddleware
from bot.reload import install as install_reload
from bot.routers import get_routers
from bot.scale.backends import Backends, choose
from bot.search_reply import warm as warm_search
from db.repositories import UpdateClaimRepository

log = logging.getLogger(__name__)
CLAIM_PURGE_EVERY = 3600.0  # seconds


def build_dispatcher(
    domain: Domain,
    sessions: async_sessionmaker[AsyncSession],
    settings: Settings,
    throttle: TokenBuckets | None = None,
    backends: Backends | None = None,
) -> Dispatcher:
    """Routers in their fixed order, isolation per user, throttle, unit of work, error handler.

    Storage, isolation, dedupe and throttle come from ``bot.scale.backends`` (Redis when
    ``REDIS_URL`` is set); the chosen ``Backends`` is kept as ``dp["backends"]``.
    """
    backends = backends or choose(settings)
    warm_search(domain.catalogue)  # the index is built once per catalogue, before the first question
    warm_calendar(settings, moscow_now())  # events.yaml / places.yaml, likewise
    dp = Dispatcher(
        storage=backends.storage,
        events_isolation=backends.isolation,
        domain=domain,
        settings=settings,
        sessions=sessions,
        backends=backends,
    )
    dp.update.outer_middleware(UpdateMetricsMiddleware())
    if backends.dedupe is not None:  # before the throttle: a redelivered copy costs no token
        dp.update.outer_middleware(backends.dedupe)
    dp.update.outer_middleware(ThrottleMiddleware(throttle or backends.throttle))
    dp.update.outer_middleware(UnitOfWorkMiddleware(sessions))
    install_reload(dp, domain, sessions, settings.measures_path, settings.questionnaire_path)
    handoff_runtime.install(dp, settings)  # the handoff service, injected as ``handoff``
    dp.callback_query.middleware(AnswerOnceMiddleware())
    dp.include_router(errors.make_router())
    dp.include_routers(*get_routers())
    return dp


def build_bot(token: str, api_url: str | None = None, session: BaseSession | None = None) -> Bot:
    """A bot with HTML parse mode; ``api_url`` points it at any Bot-API-compatible server."""
    if session is None:
        session = AiohttpSession(api=TelegramAPIServer.from_base(api_url)) if api_url else AiohttpSession()
    elif api_url:
        session.api = TelegramAPIServer.from_base(api_url)
    return Bot(token, session=session, default=DefaultBotProperties(parse_mode=ParseMode.HTML))


async def set_menu_commands(bot: Bot) -> None:
    await bot.set_my_commands([BotCommand(command=name, description=text) for name, text in texts.COMMANDS])


async def _purge_claims(sessions: async_sessionmaker[AsyncSession]) -> None:
    while True:
        try:
            async with sessions() as session:
                purged = await UpdateClaimRepository(session).purge()
                await session.commit()
            log.info("purged %s old update claims", purged)
        except Exception:
            log.exception("purging update claims failed")
        await asyncio.sleep(CLAIM_PURGE_EVERY)


@contextlib.asynccontextmanager
async def running_services(bot: Bot, dp: Dispatcher, sessions: async_sessionmaker[AsyncSession]) -> AsyncIterator[None]:
    """What runs beside update handling, in polling and webhook mode alike."""
    await set_menu_commands(bot)
    purger = asyncio.create_task(_purge_claims(sessions))
    try:
        # SIGHUP reloads; the accepted version is polled; the outbox follows events.yaml
        # … and the outbox worker sends what the bot says on its own (handoff, alerts, reminders)
        async with (
            dp["reloader"].running(),
            event_watch.running(dp, sessions),
            handoff_runtime.running(bot, dp, sessions),
        ):
            yield
    finally:
        purger.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await purger


async def run_polling(bot: Bot, dp: Dispatcher, sessions: async_sessionmaker[AsyncSession]) -> None:
    """Long polling until SIGINT/SIGTERM; aiogram stops polling and finishes in-flight handlers."""
    async with running_services(bot, dp, sessions):
        await dp.start_polling(bot, handle_signals=True, close_bot_session=True)
