"""Update dedupe in Redis: two instances never start the same update at the same time.

Telegram may redeliver an update (a webhook answer that came too late, a deploy) and a load
balancer may hand the copy to another instance. Before the database claim, the update takes a
short-lived Redis key with ``SET NX``:

- the key is new → this instance processes; afterwards the key says ``done`` for a while;
- the key says ``done`` → already processed: nothing to do (Telegram may get its 200);
- the key says ``busy`` → another instance is on it right now. The copy is *not* acknowledged
  as done: ``delivery.busy`` tells the webhook to answer 503, so Telegram retries later. Had
  the first instance died, its ``busy`` key runs out (``busy_ttl``) and the retry goes through.

An exception in the handler deletes the key, so a redelivery gets its second chance. The
database claim (``db.unit_of_work``) stays the source of truth; this only saves the work.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from aiogram import BaseMiddleware
from aiogram.types import TelegramObject, Update
from redis.asyncio import Redis

log = logging.getLogger(__name__)


@dataclass
class Delivery:
    """Passed to ``feed_update`` as ``delivery``; the dedupe says whether the copy was deferred."""

    busy: bool = False
    duplicate: bool = False


class RedisDedupeMiddleware(BaseMiddleware):
    def __init__(self, redis: Redis, prefix: str = "navigator", busy_ttl: int = 60, done_ttl: int = 3600) -> None:
        self.redis = redis
        self.prefix = prefix
        self.busy_ttl = busy_ttl
        self.done_ttl = done_ttl

    def key(self, update_id: int) -> str:
        return f"{self.prefix}:update:{update_id}"

    async def __call__(
        self,
        handler: Callable[[TelegramObject, dict[str, Any]], Awaitable[Any]],
        event: TelegramObject,
        data: dict[str, Any],
    ) -> Any:
        assert isinstance(event, Update)
        key = self.key(event.update_id)
        if not await self.redis.set(key, b"busy", nx=True, ex=self.busy_ttl):
            state = await self.redis.get(key)
            delivery = data.get("delivery")
            if state == b"done":
                log.info("update %s already processed by an instance; skipped", event.update_id)
                if isinstance(delivery, Delivery):
                    delivery.duplicate = True
            else:
                log.info("update %s is in progress on another instance; deferred", event.update_id)
                if isinstance(delivery, Delivery):
                    delivery.busy = True
            return None
        try:
            result = await handler(event, data)
        except BaseException:
            await self.redis.delete(key)
            raise
        await self.redis.set(key, b"done", ex=self.done_ttl)
        return result
