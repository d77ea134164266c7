"""The outbox worker: sends what the bot says on its own initiative, within Telegram's limits.

Each round: lease the due head row of every chat (``db.handoff.outbox_queue``), ask the pacer
for a slot (for a group also the slot shared by all workers in the database, so several
instances keep its 20 a minute together), send outside any transaction, then record the outcome
in one short transaction:

| outcome | action |
| --- | --- |
| accepted | ``sent`` with the message id, and the hooks store the message pair |
| 429 ``retry_after`` | the chat's buckets wait that long; the row is released for then (no attempt counted) |
| 403 (blocked, kicked) | dead; a private chat's user is marked blocked; hooks tell the consultants |
| "message thread not found" | hooks recreate the forum topic; the row is retried at once |
| other 400 | dead at once: repeating the same request cannot succeed |
| 5xx, network, time-out | retried with exponential backoff; dead after ``max_attempts`` |

Delivery is at least once: a message is repeated only if the process dies after Telegram
accepted it and before ``sent`` is committed (the lease then runs out and the row is retried).
Meta keys in a payload start with ``_`` (the ticket it belongs to, merged source messages);
they are for the hooks and never sent.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import random
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any, Protocol

import aiogram.methods
from aiogram import Bot
from aiogram.exceptions import (
    TelegramAPIError,
    TelegramBadRequest,
    TelegramForbiddenError,
    TelegramMigrateToChat,
    TelegramNetworkError,
    TelegramRetryAfter,
    TelegramServerError,
)
from aiogram.methods import TelegramMethod
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.telegram.outbox.pacer import Pacer, is_group
from db.handoff import outbox_queue as queue
from db.handoff.tickets import as_utc
from db.models import OutboxMessage, utcnow
from db.repositories import UserRepository

log = logging.getLogger(__name__)

METHODS: dict[str, type[TelegramMethod[Any]]] = {
    cls.__api_method__: cls
    for name in aiogram.methods.__all__
    if isinstance(cls := getattr(aiogram.methods, name), type)
    and issubclass(cls, TelegramMethod)
    and cls is not TelegramMethod
    and hasattr(cls, "__api_method__")
}

THREAD_NOT_FOUND = ("message thread not found", "thread not found", "topic_deleted", "topic not found")


def is_thread_missing(error: TelegramBadRequest) -> bool:
    message = error.message.lower()
    return any(marker in message for marker in THREAD_NOT_FOUND)


def build_method(name: str, payload: dict[str, Any]) -> TelegramMethod[Any]:
    """The aiogram method object for a stored ``(method, payload)``; meta keys dropped."""
    cls = METHODS.get(name)
    if cls is None:
        raise ValueError(f"unknown Bot API method {name!r}")
    return cls(**{key: value for key, value in payload.items() if not key.startswith("_")})


def result_id(result: Any) -> int | None:
    """The id to remember for a sent row: a message id, or a new topic's thread id."""
    for attribute in ("message_id", "message_thread_id"):
        value = getattr(result, attribute, None)
        if isinstance(value, int):
            return value
    return None


class DeliveryHooks(Protocol):
    """What a feature (the handoff) adds around delivery; every method runs in a transaction."""

    async def prepare(self, session: AsyncSession, row: OutboxMessage, payload: dict[str, Any]) -> dict[str, Any] | None:
        """Final payload (e.g. the ticket's current topic), or None to drop the row as obsolete."""

    async def delivered(self, session: AsyncSession, row: OutboxMessage, result: Any, now: datetime) -> None:
        """Telegram accepted the row: store message pairs, topic ids…"""

    async def thread_missing(self, bot: Bot, session: AsyncSession, row: OutboxMessage) -> bool:
        """The target forum topic is gone; recreate it. True: retry the row."""

    async def blocked(self, session: AsyncSession, row: OutboxMessage, now: datetime) -> None:
        """A user blocked the bot (403 on a private chat)."""


@dataclass
class WorkerConfig:
    batch: int = 50
    max_attempts: int = 8
    backoff_base: float = 2.0  # seconds; doubled per attempt
    backoff_cap: float = 600.0
    jitter: float = 0.1  # ± share of the backoff, so retries of many rows spread out
    poll_interval: float = 1.0  # the longest sleep between rounds (a wake-up cuts it short)
    lease: timedelta = queue.DEFAULT_LEASE
    # Reserve each group message's slot in the database too, so that several workers (scaled
    # mode) keep a group's 20 a minute between them, not each.
    shared_group_pacing: bool = True


@dataclass
class RoundReport:
    sent: int = 0
    deferred: int = 0
    failed: int = 0
    dead: int = 0


@dataclass
class OutboxWorker:
    bot: Bot
    sessions: async_sessionmaker[AsyncSession]
    pacer: Pacer = field(default_factory=Pacer)
    hooks: DeliveryHooks | None = None
    config: WorkerConfig = field(default_factory=WorkerConfig)
    now: Callable[[], datetime] = utcnow
    rng: random.Random = field(default_factory=random.Random)
    _wake: asyncio.Event = field(default_factory=asyncio.Event, init=False, repr=False)
    _stop: asyncio.Event = field(default_factory=asyncio.Event, init=False, repr=False)

    # --- running ------------------------------------------------------------------------

    def wake(self) -> None:
        """Something was enqueued: do not wait for the poll interval."""
        self._wake.set()

    def stop(self) -> None:
        self._stop.set()
        self._wake.set()

    async def run(self) -> None:
        """Rounds until ``stop()``; an error in a round is logged and the loop goes on."""
        while not self._stop.is_set():
            self._wake.clear()  # before the round: a wake-up during it cuts the next wait short
            try:
                delay = await self.run_once()
            except Exception:
                log.exception("outbox round failed")
                delay = self.config.poll_interval
            if delay > 0 and not self._stop.is_set():
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(self._wake.wait(), timeout=min(delay, self.config.poll_interval))

    async def run_once(self, report: RoundReport | None = None) -> float:
        """One round; returns the seconds until the next row is due (capped by the poll interval)."""
        report = report if report is not None else RoundReport()
        now = self.now()
        async with self.sessions() as session:
            rows = await queue.claim_heads(session, now, self.config.batch, self.config.lease)
            await session.commit()
        for row in rows:
            delay = self.pacer.try_acquire(row.chat_id)
            if delay == 0 and self.config.shared_group_pacing and is_group(row.chat_id):
                delay = await self._shared_slot(row.chat_id)
            if delay > 0:
                await self._release(row, self.now() + timedelta(seconds=delay))
                report.deferred += 1
                continue
            await self._deliver(row, report)
        async with self.sessions() as session:
            due = await queue.next_due(session)
        if due is None:
            return self.config.poll_interval
        return max(0.0, (as_utc(due) - self.now()).total_seconds())

    async def _shared_slot(self, chat_id: int) -> float:
        """A group's slot reserved in the database, so several workers keep 20/min together."""
        rate = self.pacer.group
        interval = timedelta(seconds=1 / rate.per_second)
        async with self.sessions() as session:
            wait = await queue.reserve_slot(session, chat_id, self.now(), interval, interval * (rate.capacity - 1))
            await session.commit()
        return wait.total_seconds()

    # --- one row ------------------------------------------------------------------------

    async def _deliver(self, row: OutboxMessage, report: RoundReport) -> None:
        payload: dict[str, Any] | None = {"chat_id": row.chat_id, **row.payload}
        if self.hooks is not None:
            async with self.sessions() as session:
                payload = await self.hooks.prepare(session, row, {"chat_id": row.chat_id, **row.payload})
                await session.commit()
        if payload is None:
            await self._dead(row, "obsolete: dropped by its feature")
            report.dead += 1
            return
        try:
            method = build_method(row.method, payload)
        except Exception as exc:  # a malformed row can never succeed
            await self._dead(row, f"invalid payload: {type(exc).__name__}: {exc}")
            report.dead += 1
            return
        try:
            result = await self.bot(method)
        except TelegramRetryAfter as exc:
            self.pacer.penalise(row.chat_id, exc.retry_after)
            if self.config.shared_group_pacing and is_group(row.chat_id):
                async with self.sessions() as session:
                    await queue.push_slot(session, row.chat_id, self.now() + timedelta(seconds=exc.retry_after))
                    await session.commit()
            await self._release(row, self.now() + timedelta(seconds=exc.retry_after), f"429 retry_after={exc.retry_after}")
            report.deferred += 1
            log.warning("outbox %s: 429, retry after %ss", row.id, exc.retry_after)
        except TelegramForbiddenError as exc:
            await self._forbidden(row, exc)
            report.dead += 1
        except TelegramMigrateToChat as exc:
            await self._dead(row, f"chat migrated to {exc.migrate_to_chat_id}")
            report.dead += 1
        except TelegramBadRequest as exc:
            if is_thread_missing(exc) and self.hooks is not None and await self._recreate(row):
                await self._release(row, self.now(), f"400 {exc.message}")
                report.deferred += 1
            else:
                await self._dead(row, f"400 {exc.message}")
                report.dead += 1
        except (TelegramServerError, TelegramNetworkError, TelegramAPIError, OSError, TimeoutError) as exc:
            if await self._retry(row, f"{type(exc).__name__}: {exc}"):
                report.failed += 1
            else:
                report.dead += 1
        else:
            now = self.now()
            async with self.sessions() as session:
                await queue.sent(session, row.id, now, result_id(result))
                if self.hooks is not None:
                    await self.hooks.delivered(session, row, result, now)
                await session.commit()
            report.sent += 1

    async def _release(self, row: OutboxMessage, at: datetime, error: str | None = None) -> None:
        async with self.sessions() as session:
            await queue.release(session, row.id, at, error)
            await session.commit()

    async def _retry(self, row: OutboxMessage, error: str) -> bool:
        """Back off and retry; False if the row ran out of attempts and was dead-lettered."""
        attempts = row.attempts + 1
        if attempts >= self.config.max_attempts:
            await self._dead(row, f"gave up after {attempts} attempts: {error}")
            return False
        delay = min(self.config.backoff_cap, self.config.backoff_base * 2 ** (attempts - 1))
        delay *= 1 + self.rng.uniform(-self.config.jitter, self.config.jitter)
        async with self.sessions() as session:
            await queue.retry(session, row.id, self.now() + timedelta(seconds=delay), error)
            await session.commit()
        log.warning("outbox %s: attempt %s failed, retry in %.1fs", row.id, attempts, delay)
        return True

    async def _dead(self, row: OutboxMessage, error: str) -> None:
        async with self.sessions() as session:
            await queue.dead(session, row.id, error)
            await session.commit()
        log.error("outbox %s (%s to %s) dead: %s", row.id, row.method, row.chat_id, error[:200])

    async def _forbidden(self, row: OutboxMessage, exc: TelegramForbiddenError) -> None:
        now = self.now()
        async with self.sessions() as session:
            await queue.dead(session, row.id, f"403 {exc.message}")
            if row.chat_id > 0:
                await UserRepository(session).set_blocked(row.chat_id, True)
                if self.hooks is not None:
                    await self.hooks.blocked(session, row, now)
            await session.commit()
        log.warning("outbox %s: 403 from chat %s; dead-lettered", row.id, row.chat_id)

    async def _recreate(self, row: OutboxMessage) -> bool:
        assert self.hooks is not None
        try:
            async with self.sessions() as session:
                done = await self.hooks.thread_missing(self.bot, session, row)
                await session.commit()
                return done
        except TelegramAPIError as exc:
            log.error("outbox %s: recreating the topic failed: %s", row.id, exc.message)
            return False
