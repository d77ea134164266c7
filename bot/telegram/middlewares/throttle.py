"""Per-user throttle: a token bucket per Telegram user, so one flooding user cannot starve others.

In-process (embedded mode); ``bot.telegram.scale.redis_throttle`` is the shared one with an async
``allow``, which this middleware awaits. A user over the limit has updates dropped before they reach the
database; a callback gets a short toast so the button does not spin.
"""

from __future__ import annotations

import inspect
import logging
import time
from collections import OrderedDict
from collections.abc import Awaitable, Callable
from typing import Any

from aiogram import BaseMiddleware
from aiogram.types import TelegramObject, Update

from bot.texts import bot as texts

log = logging.getLogger(__name__)


class TokenBuckets:
    """``burst`` tokens per key, refilled at ``rate`` per second; the least recent keys are evicted."""

    def __init__(
        self, burst: int, rate: float, clock: Callable[[], float] = time.monotonic, max_keys: int = 100_000
    ) -> None:
        self.burst = burst
        self.rate = rate
        self.clock = clock
        self.max_keys = max_keys
        self._buckets: OrderedDict[int, tuple[float, float]] = OrderedDict()

    def allow(self, key: int) -> bool:
        now = self.clock()
        tokens, last = self._buckets.pop(key, (float(self.burst), now))
        tokens = min(float(self.burst), tokens + (now - last) * self.rate)
        allowed = tokens >= 1.0
        self._buckets[key] = (tokens - 1.0 if allowed else tokens, now)
        if len(self._buckets) > self.max_keys:
            self._buckets.popitem(last=False)
        return allowed


class ThrottleMiddleware(BaseMiddleware):
    def __init__(self, buckets: Any) -> None:
        self.buckets = buckets  # ``TokenBuckets`` or anything with an (async) ``allow(user_id)``

    async def __call__(
        self,
        handler: Callable[[TelegramObject, dict[str, Any]], Awaitable[Any]],
        event: TelegramObject,
        data: dict[str, Any],
    ) -> Any:
        user = data.get("event_from_user")
        allowed = True if user is None else self.buckets.allow(user.id)
        if inspect.isawaitable(allowed):
            allowed = await allowed
        if allowed or user is None:
            return await handler(event, data)
        log.info("update %s throttled for user %s", getattr(event, "update_id", "?"), user.id)
        if isinstance(event, Update) and event.callback_query is not None:
            await event.callback_query.answer(texts.THROTTLED)
        return None
