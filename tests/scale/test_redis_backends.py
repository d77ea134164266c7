"""The Redis backends on the real Redis: a shared throttle, dedupe across dispatchers, shared FSM."""

from __future__ import annotations

import asyncio
import shutil
from pathlib import Path
from typing import Any

import pytest
from aiogram.fsm.storage.memory import MemoryStorage
from aiogram.fsm.storage.redis import RedisEventIsolation, RedisStorage
from aiogram.types import Update
from redis.asyncio import Redis

from bot.telegram.dispatcher import build_bot, build_dispatcher
from bot.telegram.scale.backends import choose
from bot.telegram.scale.dedupe import Delivery, RedisDedupeMiddleware
from bot.telegram.scale.redis_throttle import RedisTokenBuckets
from db.engine import create_engine, create_sessionmaker
from db.models import Profile
from tests.bot.conftest import load_domain, settings_for_tests
from tests.bot.helpers import answer_current, start_and_consent
from tests.scale.conftest import REDIS_URL
from tests.support.clock import SimClock
from tests.support.databases import sqlite_url
from tests.support.telegram import ChatClient, RecordingSession

pytestmark = pytest.mark.redis


async def test_two_instances_draw_on_one_bucket_per_user(redis: Redis, redis_prefix: str) -> None:
    clock = SimClock(elapsed=1000.0)
    first = RedisTokenBuckets(redis, burst=3, rate=1.0, prefix=redis_prefix, clock=clock)
    second = RedisTokenBuckets(redis, burst=3, rate=1.0, prefix=redis_prefix, clock=clock)
    taken = [await (first if i % 2 else second).allow(7) for i in range(4)]
    assert taken == [True, True, True, False]  # three tokens in all, whichever instance asks
    assert await first.allow(8)  # another user has a bucket of their own
    clock.advance(1.0)
    assert await second.allow(7) and not await first.allow(7)  # one token refilled per second
    assert 0 < await redis.ttl(f"{redis_prefix}:throttle:7") <= 4  # idle buckets expire


async def test_the_redis_clock_is_used_without_a_test_clock(redis: Redis, redis_prefix: str) -> None:
    buckets = RedisTokenBuckets(redis, burst=2, rate=0.01, prefix=redis_prefix)
    assert [await buckets.allow(1) for _ in range(3)] == [True, True, False]


async def test_dedupe_lets_one_copy_through_and_frees_the_key_on_error(redis: Redis, redis_prefix: str) -> None:
    dedupe = RedisDedupeMiddleware(redis, prefix=redis_prefix)
    update = Update(update_id=99)
    started = asyncio.Event()
    release = asyncio.Event()
    calls: list[int] = []

    async def slow(event: Any, data: dict[str, Any]) -> str:
        calls.append(event.update_id)
        started.set()
        await release.wait()
        return "ok"

    first = asyncio.create_task(dedupe(slow, update, {"delivery": Delivery()}))
    waiter = asyncio.create_task(started.wait())  # bounded: never hang on a dead Redis
    await asyncio.wait([first, waiter], timeout=10, return_when=asyncio.FIRST_COMPLETED)
    waiter.cancel()
    assert started.is_set(), first.exception() if first.done() else "the handler did not start within 10 s"
    copy = Delivery()
    assert await dedupe(slow, update, {"delivery": copy}) is None
    assert copy.busy and not copy.duplicate  # in progress elsewhere: not acknowledged as done
    release.set()
    assert await first == "ok"
    late = Delivery()
    await dedupe(slow, update, {"delivery": late})
    assert late.duplicate and not late.busy and calls == [99]

    async def broken(event: Any, data: dict[str, Any]) -> None:
        raise RuntimeError("boom")

    with pytest.raises(RuntimeError):
        await dedupe(broken, Update(update_id=100), {})
    assert await redis.get(dedupe.key(100)) is None  # a redelivery gets its second chance


def test_configuration_alone_chooses_the_backends(redis_prefix: str) -> None:
    embedded = choose(settings_for_tests())
    assert isinstance(embedded.storage, MemoryStorage) and embedded.dedupe is None
    scaled = choose(settings_for_tests(redis_url=REDIS_URL, redis_prefix=redis_prefix))
    assert isinstance(scaled.storage, RedisStorage) and isinstance(scaled.isolation, RedisEventIsolation)
    assert isinstance(scaled.throttle, RedisTokenBuckets) and scaled.dedupe is not None


class AlternatingClient(ChatClient):
    """One user whose updates land on two instances in turn, as behind a load balancer."""

    def __init__(self, dps: list[Any], *args: Any, **kwargs: Any) -> None:
        super().__init__(dps[0], *args, **kwargs)
        self.dps = dps
        self.turn = 0

    async def feed(self, update: Update) -> list[Any]:
        self.dp = self.dps[self.turn % len(self.dps)]
        self.turn += 1
        return await super().feed(update)


async def test_two_dispatchers_sharing_redis_serve_one_user(
    tmp_path: Path, migrated_template: Path, redis_prefix: str
) -> None:
    shutil.copy(migrated_template, tmp_path / "navigator.db")
    engine = create_engine(sqlite_url(tmp_path))
    sessions = create_sessionmaker(engine)
    settings = settings_for_tests(redis_url=REDIS_URL, redis_prefix=redis_prefix)
    recording = RecordingSession()
    bot = build_bot("42:TEST", session=recording)
    dps = [build_dispatcher(load_domain(), sessions, settings) for _ in range(2)]
    try:
        client = AlternatingClient(dps, bot, recording, user_id=5150)
        await start_and_consent(client)
        asked = [await answer_current(client) for _ in range(2)]  # four updates, two per instance
        assert asked == ["Что нужно бизнесу?", "Кто получает поддержку?"] and client.turn >= 5
        async with sessions() as session:
            profile = await session.get(Profile, 5150)
            assert profile is not None and len(dict(profile.progress)["answers"]) == 2

        # The same update reaches both instances at once: one handles it, the other defers.
        before = len(recording.requests)
        update = client.message_update("/help")
        deliveries = [Delivery(), Delivery()]
        await asyncio.gather(*(dp.feed_update(bot, update, delivery=d) for dp, d in zip(dps, deliveries, strict=True)))
        replies = [r for r in recording.requests[before:] if type(r).__name__ == "SendMessage"]
        assert len(replies) == 1
        assert sorted((d.busy or d.duplicate) for d in deliveries) == [False, True]
    finally:
        for dp in dps:
            await dp["backends"].close()
        await engine.dispose()
