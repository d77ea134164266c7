"""One place decides embedded or scaled: ``REDIS_URL`` unset → in-process, set → Redis.

| piece | embedded | scaled (Redis) |
| --- | --- | --- |
| FSM storage | ``PrunedMemoryStorage`` | ``RedisStorage`` |
| per-user event isolation | ``PrunedEventIsolation`` | ``RedisEventIsolation`` (a lock per user) |
| update dedupe | none (one poller; the DB claim suffices) | ``RedisDedupeMiddleware`` |
| per-user throttle | ``TokenBuckets`` | ``RedisTokenBuckets`` (atomic Lua bucket) |

All keys carry ``prefix`` (``REDIS_PREFIX``) so tests and several bots can share a server.
"""

from __future__ import annotations

from dataclasses import dataclass

from aiogram import BaseMiddleware
from aiogram.fsm.storage.base import BaseEventIsolation, BaseStorage, DefaultKeyBuilder
from aiogram.fsm.storage.redis import RedisEventIsolation, RedisStorage
from redis.asyncio import Redis

from bot.config import Settings
from bot.telegram.middlewares.throttle import TokenBuckets
from bot.telegram.scale.dedupe import RedisDedupeMiddleware
from bot.telegram.scale.memory import PrunedEventIsolation, PrunedMemoryStorage
from bot.telegram.scale.redis_throttle import RedisTokenBuckets


@dataclass
class Backends:
    storage: BaseStorage
    isolation: BaseEventIsolation
    throttle: TokenBuckets | RedisTokenBuckets
    dedupe: BaseMiddleware | None = None
    redis: Redis | None = None

    async def close(self) -> None:
        await self.storage.close()
        await self.isolation.close()
        if self.redis is not None:
            await self.redis.aclose()


def choose(settings: Settings, redis: Redis | None = None) -> Backends:
    """The backends for these settings; ``redis`` overrides ``REDIS_URL`` (tests)."""
    if redis is None and settings.redis_url:
        redis = Redis.from_url(settings.redis_url)
    if redis is None:
        return Backends(
            storage=PrunedMemoryStorage(),  # the FSM holds nothing the database does not; see bot.services.journey
            isolation=PrunedEventIsolation(),
            throttle=TokenBuckets(settings.throttle_burst, settings.throttle_rate),
        )
    prefix = settings.redis_prefix
    return Backends(
        storage=RedisStorage(redis, key_builder=DefaultKeyBuilder(prefix=f"{prefix}:fsm", with_bot_id=True)),
        isolation=RedisEventIsolation(
            redis, key_builder=DefaultKeyBuilder(prefix=f"{prefix}:lock", with_bot_id=True),
            lock_kwargs={"timeout": 60, "blocking_timeout": 30},
        ),
        throttle=RedisTokenBuckets(redis, settings.throttle_burst, settings.throttle_rate, prefix=prefix),
        dedupe=RedisDedupeMiddleware(redis, prefix=prefix),
        redis=redis,
    )
