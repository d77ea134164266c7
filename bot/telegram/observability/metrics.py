"""Prometheus metrics: what the bot is doing, measured where it happens.

The counters live in one ``CollectorRegistry`` per process (``REGISTRY``), exposed on
``/metrics``. Gauges that describe the database (outbox pending and dead, open tickets) are read
on scrape by ``refresh_db_gauges`` — a few ``COUNT`` queries on indexed status columns, at most
once per ``DB_GAUGE_TTL`` seconds however often Prometheus scrapes.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from typing import Any

from aiogram import BaseMiddleware, Bot
from aiogram.client.session.middlewares.base import BaseRequestMiddleware, NextRequestMiddlewareType
from aiogram.dispatcher.event.bases import UNHANDLED
from aiogram.exceptions import TelegramRetryAfter
from aiogram.methods import Response, TelegramMethod
from aiogram.methods.base import TelegramType
from aiogram.types import TelegramObject, Update
from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram
from sqlalchemy import inspect as sa_inspect
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.telegram.observability.logging_json import log_context
from bot.telegram.scale.dedupe import Delivery

log = logging.getLogger(__name__)

REGISTRY = CollectorRegistry()
FIRST_ANSWER_SAMPLE = 200
UPDATES = Counter("navigator_updates_total", "Updates processed, by type and outcome",
                  ["type", "outcome"], registry=REGISTRY)
HANDLER_SECONDS = Histogram("navigator_handler_seconds", "Time to process one update, by type", ["type"],
                            buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10),
                            registry=REGISTRY)
BOT_API_CALLS = Counter("navigator_bot_api_calls_total", "Bot API calls, by method and outcome",
                        ["method", "outcome"], registry=REGISTRY)
RETRY_AFTER = Counter("navigator_bot_api_retry_after_seconds_total",
                      "Seconds Telegram asked us to wait (429 retry_after), summed", registry=REGISTRY)
OUTBOX = Gauge("navigator_outbox_messages", "Outbox rows by status (read from the database)", ["status"],
               registry=REGISTRY)
FIRST_ANSWER = Gauge("navigator_first_answer_seconds",
                     "Time from a ticket's opening to the consultant's first answer: median and p90 of the "
                     f"{FIRST_ANSWER_SAMPLE} most recent answered tickets (read from the database)",
                     ["quantile"], registry=REGISTRY)
OPEN_TICKETS = Gauge("navigator_open_tickets", "Tickets not closed (read from the database)", registry=REGISTRY)
DB_GAUGE_TTL = 5.0


class UpdateMetricsMiddleware(BaseMiddleware):
    """Outermost of ours: counts every update, times it, and puts its ids into the log context.

    Outcomes: ``handled``, ``unhandled`` (no handler matched), ``error`` (an exception reached
    the error handler), ``duplicate`` / ``deferred`` (the Redis dedupe saw the update done / in
    progress elsewhere; it reports through the ``delivery`` object put here if the caller did not).
    """

    async def __call__(
        self,
        handler: Callable[[TelegramObject, dict[str, Any]], Awaitable[Any]],
        event: TelegramObject,
        data: dict[str, Any],
    ) -> Any:
        assert isinstance(event, Update)
        kind = event.event_type
        user = data.get("event_from_user")
        started = time.perf_counter()
        outcome = "error"
        delivery = data.setdefault("delivery", Delivery())
        with log_context(update_id=event.update_id, user_id=user.id if user is not None else None):
            try:
                result = await handler(event, data)
                outcome = "unhandled" if result is UNHANDLED else "handled"
                if isinstance(delivery, Delivery) and (delivery.busy or delivery.duplicate):
                    outcome = "deferred" if delivery.busy else "duplicate"
                return result
            finally:
                UPDATES.labels(kind, outcome).inc()
                HANDLER_SECONDS.labels(kind).observe(time.perf_counter() - started)


class BotApiMetrics(BaseRequestMiddleware):
    """A session middleware: every Bot API call counted by method and outcome (ok, 429, 4xx…)."""

    async def __call__(
        self, make_request: NextRequestMiddlewareType[TelegramType], bot: Bot, method: TelegramMethod[TelegramType]
    ) -> Response[TelegramType]:
        name = method.__api_method__
        try:
            response = await make_request(bot, method)
        except TelegramRetryAfter as exc:
            BOT_API_CALLS.labels(name, "retry_after").inc()
            RETRY_AFTER.inc(exc.retry_after)
            raise
        except Exception as exc:
            BOT_API_CALLS.labels(name, type(exc).__name__).inc()
            raise
        BOT_API_CALLS.labels(name, "ok").inc()
        return response


def instrument_bot(bot: Bot) -> Bot:
    bot.session.middleware(BotApiMetrics())
    return bot


class DbGauges:
    """Reads the database gauges on scrape, cheaply and at most every ``DB_GAUGE_TTL`` seconds."""

    def __init__(self, sessions: async_sessionmaker[AsyncSession]) -> None:
        self.sessions = sessions
        self._read_at = 0.0
        self._has_tickets: bool | None = None

    async def refresh(self) -> None:
        if time.monotonic() - self._read_at < DB_GAUGE_TTL:
            return
        self._read_at = time.monotonic()
        try:
            async with self.sessions() as session:
                if self._has_tickets is None:
                    conn = await session.connection()
                    names = await conn.run_sync(lambda sync: set(sa_inspect(sync).get_table_names()))
                    self._has_tickets = "tickets" in names
                    self._has_outbox = "outbox" in names
                if self._has_outbox:
                    rows = await session.execute(
                        text("SELECT status, COUNT(*) FROM outbox WHERE status IN ('pending', 'dead') GROUP BY status")
                    )
                    counts = {status: count for status, count in rows}
                    for status in ("pending", "dead"):
                        OUTBOX.labels(status).set(counts.get(status, 0))
                if self._has_tickets:
                    open_count = await session.scalar(text("SELECT COUNT(*) FROM tickets WHERE status <> 'closed'"))
                    OPEN_TICKETS.set(open_count or 0)
                    await self._first_answer(session)
        except Exception:
            log.exception("reading the database gauges failed")

    async def _first_answer(self, session: AsyncSession) -> None:
        rows = await session.execute(
            text(
                "SELECT t.created_at, MIN(m.created_at) FROM tickets t "
                "JOIN ticket_messages m ON m.ticket_id = t.id AND m.direction = 'out' "
                "GROUP BY t.id, t.created_at ORDER BY t.id DESC LIMIT :n"
            ),
            {"n": FIRST_ANSWER_SAMPLE},
        )
        waits = sorted(
            max(0.0, (_utc(answered) - _utc(opened)).total_seconds()) for opened, answered in rows
        )
        if waits:
            FIRST_ANSWER.labels("0.5").set(waits[len(waits) // 2])
            FIRST_ANSWER.labels("0.9").set(waits[min(len(waits) - 1, int(len(waits) * 0.9))])


def _utc(value: Any) -> datetime:
    """Raw SQL bypasses the column type: SQLite gives ISO text, PostgreSQL aware datetimes."""
    moment = value if isinstance(value, datetime) else datetime.fromisoformat(str(value))
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)
