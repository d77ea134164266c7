"""Wiring the handoff into the running bot: the service in the dispatcher, the worker, the pinger.

``install`` puts the ``Handoff`` service into the dispatcher's workflow data (handlers receive it
as ``handoff``). ``running`` is entered by the composition root around polling: it checks the
staff group (and tells the admins what is missing), starts the outbox worker — always, since
other features queue messages too — and the reminder about unclaimed tickets; on exit it stops
them, letting the message in flight finish.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import timedelta

from aiogram import Bot, Dispatcher
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.config import Settings
from bot.services.handoff import Handoff
from bot.services.outbox import enqueue
from bot.telegram.handoff.consultants import ConsultantCheck
from bot.telegram.handoff.delivery import TicketDelivery
from bot.telegram.handoff.presenter import TelegramHandoffPresenter
from bot.telegram.handoff.startup import StaffCheck, check_staff_chat
from bot.telegram.outbox.pacer import Pacer
from bot.telegram.outbox.project_delivery import ProjectDelivery
from bot.telegram.outbox.worker import OutboxWorker, WorkerConfig
from bot.texts import staff_check
from db.handoff import outbox_queue
from db.models import utcnow

log = logging.getLogger(__name__)
PING_EVERY = 60.0  # seconds between looks for unclaimed tickets
PURGE_EVERY = 3600.0
OUTBOX_KEEP = timedelta(days=7)


def install(dp: Dispatcher, settings: Settings) -> Handoff:
    """The handoff service (``handoff``) and the consultant check (``consultants``) for handlers."""
    handoff = Handoff.from_settings(settings, TelegramHandoffPresenter())
    dp["handoff"] = handoff
    dp["consultants"] = ConsultantCheck(settings.staff_chat_id, settings.consultant_ids)
    return handoff


@dataclass
class Running:
    worker: OutboxWorker
    check: StaffCheck | None


async def apply_check(bot: Bot, handoff: Handoff, sessions: async_sessionmaker[AsyncSession],
                      admin_ids: frozenset[int]) -> StaffCheck | None:
    """Check the staff group, log every problem, tell the admins, choose topics or replies."""
    if not handoff.enabled:
        log.warning("STAFF_CHAT_ID is not set: the ask-a-consultant button answers that consultants are unavailable")
        return None
    check = await check_staff_chat(bot, handoff.staff_chat_id)
    for line in check.problems:
        log.error("staff group: %s", line)
    for line in check.warnings:
        log.warning("staff group: %s", line)
    handoff.forum = check.ok and check.forum
    if check.problems and admin_ids:
        text = staff_check.report(check.problems)
        async with sessions() as session:
            for admin in admin_ids:
                await enqueue(session, admin, "sendMessage", {"text": text}, kind="staff_check",
                              dedupe_key=f"staffcheck:{utcnow():%Y-%m-%d}:{admin}")
            await session.commit()
    return check


async def _ping_loop(handoff: Handoff, sessions: async_sessionmaker[AsyncSession]) -> None:
    while True:
        await asyncio.sleep(PING_EVERY)
        try:
            async with sessions() as session:
                if await handoff.ping_unclaimed(session):
                    await session.commit()
                    handoff.wake()
        except Exception:
            log.exception("unclaimed-ticket ping failed")


async def _purge_loop(sessions: async_sessionmaker[AsyncSession]) -> None:
    """Sent outbox rows older than a week go (dead letters stay for the admins to see)."""
    while True:
        try:
            async with sessions() as session:
                purged = await outbox_queue.purge_sent(session, utcnow() - OUTBOX_KEEP)
                await session.commit()
            if purged:
                log.info("purged %s sent outbox rows", purged)
        except Exception:
            log.exception("purging the outbox failed")
        await asyncio.sleep(PURGE_EVERY)


@contextlib.asynccontextmanager
async def running(bot: Bot, dp: Dispatcher, sessions: async_sessionmaker[AsyncSession],
                  pacer: Pacer | None = None, config: WorkerConfig | None = None) -> AsyncIterator[Running]:
    handoff: Handoff = dp["handoff"]
    settings: Settings = dp["settings"]
    check = await apply_check(bot, handoff, sessions, settings.admin_ids)
    worker = OutboxWorker(bot=bot, sessions=sessions, pacer=pacer or Pacer(),
                          hooks=ProjectDelivery(TicketDelivery(handoff)), config=config or WorkerConfig())
    handoff.on_enqueue(worker.wake)
    work = asyncio.create_task(worker.run(), name="outbox-worker")
    helpers = [asyncio.create_task(_purge_loop(sessions), name="outbox-purge")]
    if handoff.enabled:
        helpers.append(asyncio.create_task(_ping_loop(handoff, sessions), name="ticket-pinger"))
    try:
        yield Running(worker, check)
    finally:
        worker.stop()
        for helper in helpers:
            helper.cancel()
        for task in (work, *helpers):
            with contextlib.suppress(asyncio.CancelledError):
                await task
