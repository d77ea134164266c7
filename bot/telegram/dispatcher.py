"""The composition root: one function builds the dispatcher, one the bot, one runs polling.

Everything the handlers need is injected by name as workflow data: ``domain`` (catalogue,
questionnaire, engine), ``settings``; the middlewares add ``uow``/``session`` per update.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import logging
from collections.abc import AsyncIterator
from pathlib import Path

from aiogram import Bot, Dispatcher
from aiogram.client.default import DefaultBotProperties
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.client.session.base import BaseSession
from aiogram.client.telegram import TelegramAPIServer
from aiogram.enums import ParseMode
from aiogram.types import BotCommand
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.config import Settings
from bot.services import event_watch
from bot.services.alerts import plan_alerts, plan_deadline_reminders
from bot.services.calendar import for_settings as warm_calendar
from bot.services.calendar import moscow_now
from bot.services.domain import Domain
from bot.services.plan import both_reminders, queue_plan_reminders
from bot.services.reload import DomainHolder, Reloader
from bot.services.search import SearchService
from bot.telegram import errors, projects_runtime
from bot.telegram.handoff import runtime as handoff_runtime
from bot.telegram.middlewares.callback_answer import AnswerOnceMiddleware
from bot.telegram.middlewares.current_domain import CurrentDomainMiddleware
from bot.telegram.middlewares.database import UnitOfWorkMiddleware
from bot.telegram.middlewares.journey import JourneyMiddleware
from bot.telegram.middlewares.throttle import ThrottleMiddleware, TokenBuckets
from bot.telegram.observability.metrics import UpdateMetricsMiddleware
from bot.telegram.outbox.messages import TelegramOutboxMessages
from bot.telegram.routers import get_routers
from bot.telegram.scale.backends import Backends, choose
from bot.telegram.split import split_html
from bot.texts import bot as texts
from bot.texts.reload import SIGHUP_LEAD, reload_report
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

    Storage, isolation, dedupe and throttle come from ``bot.telegram.scale.backends`` (Redis when
    ``REDIS_URL`` is set); the chosen ``Backends`` is kept as ``dp["backends"]``.
    """
    backends = backends or choose(settings)
    search = SearchService()
    search.index_for(domain.catalogue)  # the index is built once per catalogue, before the first question
    warm_calendar(settings, moscow_now())  # events.yaml / places.yaml, likewise
    messages = TelegramOutboxMessages()
    dp = Dispatcher(
        storage=backends.storage,
        events_isolation=backends.isolation,
        domain=domain,
        settings=settings,
        sessions=sessions,
        backends=backends,
        search=search,
        outbox_messages=messages,
    )
    dp.update.outer_middleware(UpdateMetricsMiddleware())
    if backends.dedupe is not None:  # before the throttle: a redelivered copy costs no token
        dp.update.outer_middleware(backends.dedupe)
    dp.update.outer_middleware(ThrottleMiddleware(throttle or backends.throttle))
    dp.update.outer_middleware(UnitOfWorkMiddleware(sessions))
    install_reload(dp, domain, sessions, settings, search, messages)
    dp.update.outer_middleware(JourneyMiddleware())  # after the unit of work and the live domain
    handoff_runtime.install(dp, settings)  # the handoff service, injected as ``handoff``
    projects_runtime.install(dp, settings)  # the project registry (``projects``, ``partner_requests``)
    dp.callback_query.middleware(AnswerOnceMiddleware())
    dp.include_router(errors.make_router())
    dp.include_routers(*get_routers())
    return dp


def install_reload(dp: Dispatcher, domain: Domain, sessions: async_sessionmaker[AsyncSession], settings: Settings,
                   search: SearchService, messages: TelegramOutboxMessages) -> Reloader:
    """Hot reload: the live-domain middleware, and ``reloader``/``domain_holder`` in the data.

    Accepted versions plan alerts and the reloader queues deadline reminders, both worded by
    ``messages``; every loaded catalogue gets its search index in the reload's worker thread.
    """
    holder = DomainHolder(domain)
    reloader = Reloader(
        holder, sessions, settings.measures_path, settings.questionnaire_path,
        alerts=functools.partial(plan_alerts, payload=messages.measure_alert),
        admin_ids=settings.admin_ids,
        reminder_days=settings.deadline_reminder_days,
        reminders=both_reminders(functools.partial(plan_deadline_reminders, payload=messages.measure_alert),
                                 functools.partial(queue_plan_reminders, payload=messages.plan_reminder)),
        report=lambda result: split_html(SIGHUP_LEAD + reload_report(result)),
        on_loaded=lambda bundle: search.index_for(bundle.catalogue),
    )
    dp.update.outer_middleware(CurrentDomainMiddleware(holder))
    dp["reloader"] = reloader
    dp["domain_holder"] = holder
    return reloader


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
            event_watch.running(sessions, Path(dp["settings"].measures_path).resolve().parent,
                                dp["outbox_messages"], dp.get("events_clock")),
            handoff_runtime.running(bot, dp, sessions),
            projects_runtime.running(sessions, dp),
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
