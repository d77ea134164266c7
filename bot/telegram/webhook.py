"""Webhook mode: Telegram POSTs updates; each is processed *before* Telegram gets its 200.

Decision — process in the request, not an inbox table: the update handler already commits the
``update_id`` claim together with the handler's effects (``db.unit_of_work``), so answering 200
only after ``feed_update`` returns means an acknowledged update is always persisted. An inbox
table would add a second write per update and a worker, for no stronger guarantee. aiogram's
default (answer first, handle in the background) is not used: a crash between the two would
lose the update. If the process dies mid-update Telegram gets no 200 and redelivers, to this or
another instance; the claim makes the redelivery harmless. Handlers are short (long work goes
through the outbox), well inside Telegram's webhook time-out.

Answers: 401 for a missing or wrong ``X-Telegram-Bot-Api-Secret-Token``; 503 if the update is
in progress on another instance (Redis dedupe) or this one is shutting down — Telegram retries
later; 200 otherwise (a failed handler was already logged and apologised for by ``bot.telegram.errors``).

Shutdown (SIGTERM/SIGINT): readiness flips to 503, ``SHUTDOWN_GRACE`` seconds pass so the load
balancer notices, the listener closes, in-flight updates finish, then the background services
stop and connections close. The webhook itself stays set (``navigator webhook set`` at deploy):
the other instances keep receiving.
"""

from __future__ import annotations

import asyncio
import hmac
import logging
import signal
from urllib.parse import urlsplit

from aiogram import Bot, Dispatcher
from aiogram.types import Update
from aiohttp import web
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.config import Settings
from bot.telegram.observability.ops import OpsState, add_ops_routes
from bot.telegram.scale.dedupe import Delivery

log = logging.getLogger(__name__)
SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"
DRAIN_TIMEOUT = 30.0  # seconds to let in-flight updates finish on shutdown


def webhook_path(url: str) -> str:
    return urlsplit(url).path or "/"


class WebhookHandler:
    """The POST endpoint; counts updates in flight so shutdown can wait for them."""

    def __init__(self, bot: Bot, dp: Dispatcher, secret: str, state: OpsState) -> None:
        self.bot = bot
        self.dp = dp
        self.secret = secret.encode()
        self.state = state
        self.in_flight = 0
        self._idle = asyncio.Event()
        self._idle.set()

    async def handle(self, request: web.Request) -> web.Response:
        given = request.headers.get(SECRET_HEADER, "").encode()
        if not hmac.compare_digest(given, self.secret):
            return web.Response(status=401, text="wrong secret token")
        if self.state.shutting_down:
            return web.Response(status=503, text="shutting down")
        try:
            update = Update.model_validate(await request.json(), context={"bot": self.bot})
        except Exception:
            return web.Response(status=400, text="not an update")
        self.in_flight += 1
        self._idle.clear()
        delivery = Delivery()
        try:
            await self.dp.feed_update(self.bot, update, delivery=delivery)
        finally:
            self.in_flight -= 1
            if self.in_flight == 0:
                self._idle.set()
        if delivery.busy:
            return web.Response(status=503, text="in progress elsewhere")
        return web.Response(text="ok")

    async def drained(self, timeout: float = DRAIN_TIMEOUT) -> bool:
        try:
            async with asyncio.timeout(timeout):
                await self._idle.wait()
            return True
        except TimeoutError:
            log.warning("%s updates still in flight after %ss", self.in_flight, timeout)
            return False


def build_app(bot: Bot, dp: Dispatcher, settings: Settings, state: OpsState) -> tuple[web.Application, WebhookHandler]:
    assert settings.webhook_url and settings.webhook_secret
    handler = WebhookHandler(bot, dp, settings.webhook_secret.get_secret_value(), state)
    app = web.Application()
    app.router.add_post(webhook_path(settings.webhook_url), handler.handle)
    add_ops_routes(app, state)
    return app, handler


def _stop_event() -> asyncio.Event:
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)
    return stop


async def serve_webhook(bot: Bot, dp: Dispatcher, sessions: async_sessionmaker[AsyncSession], settings: Settings) -> None:
    """Serve until SIGTERM/SIGINT, then shut down in the order the module docstring gives."""
    from bot.telegram.dispatcher import running_services

    state = OpsState(sessions, dp["backends"].redis)
    app, handler = build_app(bot, dp, settings, state)
    runner = web.AppRunner(app, access_log=None, shutdown_timeout=DRAIN_TIMEOUT)
    await runner.setup()
    stop = _stop_event()
    workflow = {"dispatcher": dp, "bots": [bot], "bot": bot, **dp.workflow_data}
    await dp.emit_startup(**workflow)  # as start_polling does, so startup hooks run in both modes
    try:
        async with running_services(bot, dp, sessions):
            site = web.TCPSite(runner, settings.webhook_host, settings.webhook_port)
            await site.start()
            log.info("webhook listening on %s:%s%s", settings.webhook_host, settings.webhook_port,
                     webhook_path(settings.webhook_url or ""))
            await stop.wait()
            log.info("shutting down: readiness off, draining")
            state.shutting_down = True
            await asyncio.sleep(settings.shutdown_grace)
            await site.stop()  # no new connections
            await handler.drained()
    finally:
        await runner.cleanup()
        await dp.emit_shutdown(**workflow)
        await bot.session.close()
        await dp["backends"].close()
    log.info("stopped")


async def serve_ops(settings: Settings, sessions: async_sessionmaker[AsyncSession], dp: Dispatcher) -> web.AppRunner | None:
    """Polling mode: /healthz, /readyz, /metrics on ``HEALTH_PORT`` if set; the runner to clean up."""
    if settings.health_port is None:
        return None
    app = web.Application()
    add_ops_routes(app, OpsState(sessions, dp["backends"].redis))
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    await web.TCPSite(runner, settings.webhook_host, settings.health_port).start()
    return runner
