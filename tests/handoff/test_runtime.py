"""The composition root's side: the worker really runs beside the dispatcher and wakes on enqueue."""

from __future__ import annotations

import asyncio
import time

from aiogram import Bot
from aiogram.methods import CreateForumTopic, SendMessage
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.services.domain import Domain
from bot.telegram.handoff.runtime import running
from bot.telegram.outbox.pacer import Pacer, Rate
from bot.telegram.outbox.worker import WorkerConfig
from rules.data import Bundle
from tests.handoff.world import STAFF, World
from tests.support.clock import SimClock
from tests.support.telegram import RecordingSession

FAST = Rate(capacity=100, per_second=100.0)


async def test_the_running_worker_delivers_a_new_ticket(
    sessions: async_sessionmaker[AsyncSession], telegram: RecordingSession, bot: Bot, clock: SimClock, bundle: Bundle
) -> None:
    world = World(sessions, telegram, bot, Domain(bundle), clock)
    await world.consenting_user()
    config = WorkerConfig(poll_interval=5.0)  # long: only the wake-up can make this test fast
    started = time.monotonic()
    async with running(bot, world.dp, sessions, pacer=Pacer(private=FAST, group=FAST, overall=FAST),
                       config=config) as run:
        assert run.check is not None and run.check.ok and world.handoff.forum
        await world.feed(world.user_message("/consultant"))
        await world.feed(world.user_message("Нужна консультация по экспорту"))
        for _ in range(200):
            if [m for m in telegram.to_chat(STAFF) if isinstance(m, SendMessage)]:
                break
            await asyncio.sleep(0.01)
        delivered = time.monotonic() - started
    stopped = time.monotonic() - started
    assert delivered < 2.0 and stopped < 2.5  # woken by the enqueue, stopped without waiting a poll
    assert len(telegram.sent(CreateForumTopic)) == 1
    [card] = [m for m in telegram.to_chat(STAFF) if isinstance(m, SendMessage)]
    assert "Нужна консультация по экспорту" in card.text
