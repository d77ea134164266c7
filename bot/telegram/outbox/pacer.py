"""Token buckets that keep the outbox inside Telegram's limits, on an injectable clock.

Telegram's bot FAQ: about 1 message a second per chat, at most 20 messages a minute to one
group, about 30 messages a second overall. A bucket of capacity C refilled at r tokens a second
lets through at most C + r·T messages in any window of T seconds, so the defaults are chosen to
keep that bound at or under the published limit: a group gets capacity 1 and 19 tokens a minute
(≤ 20 in any minute), every chat 1 a second with no burst, and the whole bot 25 a second with a
burst of 5 (≤ 30 in any second). A ``retry_after`` from Telegram empties the chat's buckets
until it has passed, so nothing else is sent there before Telegram allows it.

The clock is a plain ``() -> float`` (seconds, monotonic), so tests and the bench drive it.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field

Clock = Callable[[], float]


@dataclass(frozen=True, slots=True)
class Rate:
    capacity: float
    per_second: float


PRIVATE_CHAT = Rate(capacity=1, per_second=1.0)
GROUP_CHAT = Rate(capacity=1, per_second=19 / 60)
GLOBAL = Rate(capacity=5, per_second=25.0)


@dataclass(slots=True)
class Bucket:
    rate: Rate
    tokens: float
    updated: float
    blocked_until: float = 0.0

    def _refill(self, now: float) -> None:
        if now > self.updated:
            self.tokens = min(self.rate.capacity, self.tokens + (now - self.updated) * self.rate.per_second)
            self.updated = now

    def wait(self, now: float) -> float:
        """Seconds until one token is available (0 if now)."""
        self._refill(now)
        if now < self.blocked_until:
            return self.blocked_until - now
        if self.tokens >= 1:
            return 0.0
        return (1 - self.tokens) / self.rate.per_second

    def take(self, now: float) -> None:
        self._refill(now)
        self.tokens -= 1

    def block(self, now: float, seconds: float) -> None:
        self._refill(now)
        self.tokens = min(self.tokens, 0.0)
        self.blocked_until = max(self.blocked_until, now + seconds)


def is_group(chat_id: int) -> bool:
    """Groups, supergroups and channels have negative ids; users positive."""
    return chat_id < 0


@dataclass
class Pacer:
    clock: Clock = time.monotonic
    private: Rate = PRIVATE_CHAT
    group: Rate = GROUP_CHAT
    overall: Rate = GLOBAL
    idle_forget: float = 600.0  # a chat's bucket unused this long is dropped (full again anyway)
    _chats: dict[int, Bucket] = field(default_factory=dict, init=False, repr=False)
    _global: Bucket | None = field(default=None, init=False, repr=False)

    def _overall(self, now: float) -> Bucket:
        if self._global is None:
            self._global = Bucket(self.overall, self.overall.capacity, now)
        return self._global

    def _chat(self, chat_id: int, now: float) -> Bucket:
        bucket = self._chats.get(chat_id)
        if bucket is None:
            rate = self.group if is_group(chat_id) else self.private
            bucket = self._chats[chat_id] = Bucket(rate, rate.capacity, now)
        return bucket

    def wait(self, chat_id: int) -> float:
        """Seconds before a message to ``chat_id`` may go (0: go now)."""
        now = self.clock()
        return max(self._chat(chat_id, now).wait(now), self._overall(now).wait(now))

    def try_acquire(self, chat_id: int) -> float:
        """Take a slot for ``chat_id`` if one is free (returns 0), else return the wait."""
        now = self.clock()
        delay = self.wait(chat_id)
        if delay > 0:
            return delay
        self._chat(chat_id, now).take(now)
        self._overall(now).take(now)
        self._gc(now)
        return 0.0

    def penalise(self, chat_id: int, retry_after: float) -> None:
        """Telegram said wait: nothing more to this chat until then."""
        now = self.clock()
        self._chat(chat_id, now).block(now, retry_after)

    def _gc(self, now: float) -> None:
        if len(self._chats) < 1000:
            return
        for chat_id in [c for c, b in self._chats.items() if now - b.updated > self.idle_forget]:
            del self._chats[chat_id]
