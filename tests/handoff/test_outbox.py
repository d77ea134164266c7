"""The outbox worker against the recording session: pacing, 429, 403, retries, crashes, order."""

from __future__ import annotations

import itertools
from datetime import timedelta

from aiogram import Bot
from aiogram.methods import SendMessage
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.services.outbox import enqueue
from bot.telegram.outbox.pacer import Pacer
from bot.telegram.outbox.worker import OutboxWorker, RoundReport, WorkerConfig
from db.handoff import outbox_queue as queue
from db.models import OutboxMessage, User
from db.repositories import UserRepository
from tests.support.clock import SimClock
from tests.support.telegram import RecordingSession

USER = 1001
GROUP = -100500


def worker(bot: Bot, sessions: async_sessionmaker[AsyncSession], clock: SimClock, **config: object) -> OutboxWorker:
    return OutboxWorker(
        bot=bot,
        sessions=sessions,
        pacer=Pacer(clock=clock.monotonic),
        config=WorkerConfig(jitter=0.0, **config),  # type: ignore[arg-type]
        now=clock.now,
    )


async def put(sessions: async_sessionmaker[AsyncSession], chat_id: int, text: str) -> int:
    async with sessions() as session:
        row = await enqueue(session, chat_id, "sendMessage", {"text": text})
        await session.commit()
    assert row is not None
    return row


async def rows(sessions: async_sessionmaker[AsyncSession]) -> list[OutboxMessage]:
    async with sessions() as session:
        return list(await session.scalars(select(OutboxMessage).order_by(OutboxMessage.id)))


async def drain(w: OutboxWorker, clock: SimClock, limit: float = 3600) -> RoundReport:
    """Run rounds, jumping the simulated clock to the next due time, until nothing is pending."""
    report = RoundReport()
    while clock.elapsed < limit:
        delay = await w.run_once(report)
        if not [r for r in await rows(w.sessions) if r.status == "pending"]:
            break
        clock.advance(max(delay, 0.001))
    return report


async def test_messages_to_one_chat_go_out_once_in_order_at_most_one_a_second(
    bot: Bot, telegram: RecordingSession, sessions: async_sessionmaker[AsyncSession], clock: SimClock
) -> None:
    for n in range(5):
        await put(sessions, USER, f"m{n}")
    times: list[float] = []
    w = worker(bot, sessions, clock)
    original = telegram.make_request

    async def timed(b: Bot, method: object, timeout: int | None = None) -> object:
        times.append(clock.elapsed)
        return await original(b, method, timeout)  # type: ignore[arg-type]

    telegram.make_request = timed  # type: ignore[method-assign]
    await drain(w, clock)
    assert [m.text for m in telegram.sent(SendMessage)] == ["m0", "m1", "m2", "m3", "m4"]
    assert all(b - a >= 0.999 for a, b in itertools.pairwise(times))
    assert {r.status for r in await rows(sessions)} == {"sent"}


async def test_429_waits_retry_after_and_delivers_once(
    bot: Bot, telegram: RecordingSession, sessions: async_sessionmaker[AsyncSession], clock: SimClock
) -> None:
    await put(sessions, GROUP, "first")
    await put(sessions, GROUP, "second")
    telegram.fail(lambda m: isinstance(m, SendMessage) and m.text == "first", 429,
                  "Too Many Requests: retry after 7", retry_after=7)
    w = worker(bot, sessions, clock)
    report = RoundReport()
    await w.run_once(report)
    assert report.deferred == 1 and report.sent == 0
    clock.advance(6.5)
    await w.run_once(report)
    assert telegram.sent(SendMessage) == []  # neither the row nor the one behind it jumped the wait
    clock.advance(0.6)
    await drain(w, clock)
    assert [m.text for m in telegram.sent(SendMessage)] == ["first", "second"]
    assert len([m for m in telegram.requests if isinstance(m, SendMessage) and m.text == "first"]) == 2
    first = (await rows(sessions))[0]
    assert first.status == "sent" and first.attempts == 1  # the 429 is not counted as a failure


async def test_403_dead_letters_and_marks_the_user_blocked(
    bot: Bot, telegram: RecordingSession, sessions: async_sessionmaker[AsyncSession], clock: SimClock
) -> None:
    async with sessions() as session:
        await UserRepository(session).ensure(USER)
        await session.commit()
    telegram.blocked_users.add(USER)
    await put(sessions, USER, "hello")
    await drain(worker(bot, sessions, clock), clock)
    [row] = await rows(sessions)
    assert row.status == "dead" and "403" in (row.last_error or "")
    async with sessions() as session:
        user = await session.get(User, USER)
    assert user is not None and user.blocked


async def test_transient_errors_back_off_then_dead_letter(
    bot: Bot, telegram: RecordingSession, sessions: async_sessionmaker[AsyncSession], clock: SimClock
) -> None:
    telegram.fail(lambda m: True, 502, "Bad Gateway", times=2)
    await put(sessions, USER, "eventually")
    await drain(worker(bot, sessions, clock, max_attempts=5), clock)
    [row] = await rows(sessions)
    assert row.status == "sent" and row.attempts == 3
    assert 2 + 4 <= clock.elapsed < 2 + 4 + 1  # backoff 2 s then 4 s

    telegram.fail(lambda m: True, 500, "Internal Server Error", times=100)
    await put(sessions, USER, "never")
    await drain(worker(bot, sessions, clock, max_attempts=3), clock)
    row = (await rows(sessions))[-1]
    assert row.status == "dead" and row.attempts == 3 and "gave up" in (row.last_error or "")


async def test_a_permanent_400_is_dead_at_once(
    bot: Bot, telegram: RecordingSession, sessions: async_sessionmaker[AsyncSession], clock: SimClock
) -> None:
    telegram.fail(lambda m: True, 400, "Bad Request: chat not found")
    await put(sessions, USER, "x")
    await drain(worker(bot, sessions, clock), clock)
    [row] = await rows(sessions)
    assert row.status == "dead" and row.attempts == 1


async def test_a_crash_between_written_and_sent_loses_nothing(
    bot: Bot, telegram: RecordingSession, sessions: async_sessionmaker[AsyncSession], clock: SimClock
) -> None:
    """Worker 1 leases rows and dies before sending; after the lease a new worker sends them."""
    for n in range(3):
        await put(sessions, USER + n, f"m{n}")
    async with sessions() as session:
        leased = await queue.claim_heads(session, clock.now(), 10, lease=timedelta(seconds=60))
        await session.commit()
    assert len(leased) == 3  # … and the process is killed here: nothing was sent
    fresh = worker(bot, sessions, clock)
    await fresh.run_once()
    assert telegram.sent(SendMessage) == []  # still leased by the dead worker
    clock.advance(61)
    await drain(fresh, clock)
    assert sorted(m.text for m in telegram.sent(SendMessage)) == ["m0", "m1", "m2"]
    assert {r.status for r in await rows(sessions)} == {"sent"}


async def test_messages_written_before_a_restart_are_sent_by_the_next_process(
    bot: Bot, telegram: RecordingSession, sessions: async_sessionmaker[AsyncSession], clock: SimClock
) -> None:
    await put(sessions, USER, "written, never sent")
    # No worker ran; a new process starts one.
    await drain(worker(bot, sessions, clock), clock)
    assert [m.text for m in telegram.sent(SendMessage)] == ["written, never sent"]


async def test_old_sent_rows_are_purged_but_cards_and_dead_letters_stay(
    bot: Bot, telegram: RecordingSession, sessions: async_sessionmaker[AsyncSession], clock: SimClock
) -> None:
    await put(sessions, USER, "sent long ago")
    async with sessions() as session:
        await enqueue(session, GROUP, "sendMessage", {"text": "card"}, kind="ticket_card")
        await session.commit()
    telegram.fail(lambda m: isinstance(m, SendMessage) and m.text == "dead", 400, "Bad Request: chat not found")
    await put(sessions, USER + 1, "dead")
    await drain(worker(bot, sessions, clock), clock)
    async with sessions() as session:
        assert await queue.purge_sent(session, clock.now() - timedelta(days=7)) == 0  # too recent
        assert await queue.purge_sent(session, clock.now() + timedelta(seconds=1)) == 1
        await session.commit()
    assert sorted(r.status for r in await rows(sessions)) == ["dead", "sent"]  # the card is kept
