"""Two outbox workers on the real PostgreSQL: ``FOR UPDATE SKIP LOCKED`` leases, each row sent once."""

from __future__ import annotations

import asyncio
from collections import Counter
from typing import Any

import pytest
from aiogram import Bot
from aiogram.methods import SendMessage, TelegramMethod
from sqlalchemy import select

from bot.services.domain import Domain
from bot.services.outbox import enqueue
from bot.telegram.outbox.pacer import Pacer, Rate
from bot.telegram.outbox.worker import OutboxWorker, RoundReport, WorkerConfig
from db.engine import create_engine, create_sessionmaker
from db.models import OutboxMessage
from tests.support.databases import migrate, postgres_database
from tests.support.telegram import RecordingSession, make_bot

pytestmark = pytest.mark.postgres

FAST = Rate(capacity=1000, per_second=1000.0)


class SlowSession(RecordingSession):
    """Telegram takes a moment to answer, so the two workers really overlap."""

    async def make_request(self, bot: Bot, method: TelegramMethod[Any], timeout: int | None = None) -> Any:
        await asyncio.sleep(0.002)
        return await super().make_request(bot, method, timeout)


async def test_two_workers_send_every_row_exactly_once_in_per_chat_order() -> None:
    async with postgres_database() as url:
        await migrate(url)
        engine = create_engine(url)
        sessions = create_sessionmaker(engine)
        try:
            chats = [1000 + n for n in range(25)] + [-100777]
            async with sessions() as session:
                for round_ in range(4):
                    for chat in chats:
                        await enqueue(session, chat, "sendMessage", {"text": f"{chat}:{round_}"})
                await session.commit()
            telegram = SlowSession()
            bot = make_bot(telegram)
            workers = [
                OutboxWorker(bot=bot, sessions=sessions, pacer=Pacer(private=FAST, group=FAST, overall=FAST),
                             config=WorkerConfig(batch=7))
                for _ in range(2)
            ]
            reports = [RoundReport(), RoundReport()]

            async def run(index: int) -> None:
                for _ in range(200):
                    await workers[index].run_once(reports[index])
                    async with sessions() as session:
                        pending = await session.scalar(
                            select(OutboxMessage.id).where(OutboxMessage.status == "pending").limit(1)
                        )
                    if pending is None:
                        return

            await asyncio.gather(run(0), run(1))
            texts = [m.text for m in telegram.sent(SendMessage)]
            assert len(texts) == len(chats) * 4
            assert Counter(texts).most_common(1)[0][1] == 1  # nothing sent twice
            for chat in chats:  # and each chat's messages in the order they were written
                assert [t for t in texts if t.startswith(f"{chat}:")] == [f"{chat}:{r}" for r in range(4)]
            assert reports[0].sent > 0 and reports[1].sent > 0  # both workers did work
            async with sessions() as session:
                statuses = set(await session.scalars(select(OutboxMessage.status)))
            assert statuses == {"sent"}
        finally:
            await engine.dispose()


async def test_concurrent_requests_from_one_user_open_one_ticket_and_one_topic() -> None:
    """Two instances handle two taps at once (no shared isolation): the partial unique index decides."""
    from bot.services.handoff import Handoff
    from bot.telegram.handoff.presenter import TelegramHandoffPresenter
    from db.handoff.models import Ticket
    from db.repositories import UserRepository
    from tests.handoff.world import STAFF

    async with postgres_database() as url:
        await migrate(url)
        engine = create_engine(url)
        sessions = create_sessionmaker(engine)
        try:
            async with sessions() as session:
                await UserRepository(session).ensure(1001)
                await session.commit()
            handoff = Handoff(staff_chat_id=STAFF, presenter=TelegramHandoffPresenter())
            domain = _domain()

            async def tap() -> bool:
                async with sessions() as session:
                    opened = await handoff.open_ticket(session, domain, user_id=1001, pseudonym="p", profile={},
                                                       question="Вопрос", measure_id=None)
                    await asyncio.sleep(0.01)  # both transactions are open at the same time
                    await session.commit()
                    return opened.created

            for _ in range(5):
                results = await asyncio.gather(tap(), tap(), tap())
                assert results.count(True) <= 1
            async with sessions() as session:
                tickets = list(await session.scalars(select(Ticket)))
                topics = list(await session.scalars(select(OutboxMessage).where(OutboxMessage.kind == "ticket_topic")))
            assert len(tickets) == 1 and len(topics) == 1
        finally:
            await engine.dispose()


def _domain() -> Domain:
    from rules.data import load_bundle
    from tests.conftest import MEASURES, QUESTIONNAIRE

    return Domain(load_bundle(MEASURES, QUESTIONNAIRE))


async def test_two_workers_keep_a_groups_limit_between_them() -> None:
    """Each worker paces itself to 19/min; the shared slot keeps the *pair* at that, not twice it."""
    from bench.outbox_bench import max_in_window
    from db.models import utcnow
    from tests.support.clock import SimClock

    group = -100999
    async with postgres_database() as url:
        await migrate(url)
        engine = create_engine(url)
        sessions = create_sessionmaker(engine)
        try:
            async with sessions() as session:
                for n in range(40):
                    await enqueue(session, group, "sendMessage", {"text": f"m{n}"})
                await session.commit()
            clock = SimClock(start=utcnow())
            clock.advance(1)
            times: list[float] = []

            class Timed(RecordingSession):
                async def make_request(self, bot: Bot, method: TelegramMethod[Any], timeout: int | None = None) -> Any:
                    times.append(clock.monotonic())
                    return await super().make_request(bot, method, timeout)

            telegram = Timed()
            bot = make_bot(telegram)
            workers = [OutboxWorker(bot=bot, sessions=sessions, pacer=Pacer(clock=clock.monotonic),
                                    config=WorkerConfig(jitter=0.0), now=clock.now) for _ in range(2)]
            for _ in range(2000):
                delays = await asyncio.gather(*(w.run_once() for w in workers))
                async with sessions() as session:
                    pending = await session.scalar(
                        select(OutboxMessage.id).where(OutboxMessage.status == "pending").limit(1))
                if pending is None:
                    break
                clock.advance(max(min(delays), 0.001))
            assert [m.text for m in telegram.sent(SendMessage)] == [f"m{n}" for n in range(40)]
            assert max_in_window(times) <= 20
        finally:
            await engine.dispose()


async def test_two_consultants_claiming_at_once_on_postgres_one_wins() -> None:
    from db.handoff.tickets import TicketRepository
    from tests.handoff.world import STAFF

    async with postgres_database() as url:
        await migrate(url)
        engine = create_engine(url)
        sessions = create_sessionmaker(engine)
        try:
            async with sessions() as session:
                opened = await TicketRepository(session).open(
                    user_id=1001, user_pseudonym="p", staff_chat_id=STAFF, subject="вопрос", question=None,
                    company=None, measure_id=None)
                await session.commit()

            async def take(consultant: int) -> bool:
                async with sessions() as session:
                    won = await TicketRepository(session).claim(opened.ticket.id, consultant, f"c{consultant}")
                    await asyncio.sleep(0.01)  # both transactions open at once
                    await session.commit()
                    return won

            assert sorted(await asyncio.gather(take(501), take(502), take(503))) == [False, False, True]
            async with sessions() as session:
                events = [e.kind for e in await TicketRepository(session).events(opened.ticket.id)]
            assert events == ["opened", "claimed"]
        finally:
            await engine.dispose()
