"""Alert fan-out to 10 000 saved profiles, delivered by the real outbox worker on a simulated
clock: every matching subscriber exactly once, within Telegram's pace, none to the unsubscribed
or the blocked, and a second reload of the same files sends nothing more."""

from __future__ import annotations

import collections
from typing import Any

import pytest
from aiogram import Bot
from aiogram.methods import SendMessage, TelegramMethod
from sqlalchemy import select

from bot.telegram.outbox.pacer import Pacer
from bot.telegram.outbox.worker import OutboxWorker, RoundReport, WorkerConfig
from db.models import OutboxMessage
from tests.staff.conftest import ADMIN_ID, StaffWorld
from tests.staff.test_alerts import AGE_RULE, OLD, YOUNG, add_users
from tests.support.clock import SimClock


async def pending(world: StaffWorld) -> int:
    async with world.sessions() as session:
        return len((await session.scalars(select(OutboxMessage.id).where(OutboxMessage.status == "pending"))).all())


@pytest.mark.slow
async def test_fan_out_through_the_outbox_at_telegrams_pace(staff: StaffWorld) -> None:
    rows = []
    for uid in range(100_000, 110_000):
        answers = YOUNG if uid % 25 == 1 else OLD  # one in 25 newly qualifies
        rows.append((uid, answers, uid % 5 != 0, uid % 7 == 0))  # (id, answers, subscribed, blocked)
    await add_users(staff, rows)
    expected = {uid for uid, answers, subscribed, blocked in rows if answers is YOUNG and subscribed and not blocked}

    staff.edit(staff.measures, AGE_RULE, "{field: company_age_months, min: 3}")
    result = await staff.reloader.reload(f"admin:{ADMIN_ID}")
    assert result.alerts == len(expected)

    clock = SimClock()
    sent_at: list[tuple[float, int]] = []
    original = staff.session.make_request

    async def timed(bot: Bot, method: TelegramMethod[Any], timeout: int | None = None) -> Any:
        if isinstance(method, SendMessage):
            sent_at.append((clock.elapsed, int(method.chat_id)))
        return await original(bot, method, timeout)

    staff.session.make_request = timed  # type: ignore[method-assign]
    worker = OutboxWorker(bot=staff.bot, sessions=staff.sessions, pacer=Pacer(clock=clock.monotonic),
                          config=WorkerConfig(jitter=0.0, batch=1), now=clock.now)
    report = RoundReport()
    while await pending(staff) and clock.elapsed < 3600:
        delay = await worker.run_once(report)
        clock.advance(max(delay, worker.pacer.wait(1), 0.001))  # jump to when the pacer allows the next

    recipients = [chat for _, chat in sent_at]
    assert sorted(recipients) == sorted(expected)  # every matching user, once; nobody else
    assert report.dead == 0
    per_second = collections.Counter(int(t) for t, _ in sent_at)
    assert max(per_second.values()) <= 30  # Telegram: about 30 messages a second overall
    assert clock.elapsed >= len(expected) / 30  # the pace was really kept, not just counted

    # the same files again: nothing queued, nothing sent
    again = await staff.reloader.reload(f"admin:{ADMIN_ID}")
    assert again.alerts == 0 and not again.changed
    assert await pending(staff) == 0
