"""The per-user token bucket in Redis, so every instance draws on the same bucket.

One Lua script reads, refills and takes a token atomically; Redis's own clock (``TIME``) is the
time base, so instances with skewed clocks agree. A bucket key expires once it would be full
again, so idle users cost nothing. The interface is ``TokenBuckets``'s, made async.
"""

from __future__ import annotations

import math

from redis.asyncio import Redis

TOKEN_BUCKET = """
local burst = tonumber(ARGV[1])
local rate = tonumber(ARGV[2])
local now = tonumber(ARGV[3])
if not now then
  local t = redis.call('TIME')
  now = tonumber(t[1]) + tonumber(t[2]) / 1000000
end
local state = redis.call('HMGET', KEYS[1], 'tokens', 'ts')
local tokens = tonumber(state[1]) or burst
local ts = tonumber(state[2]) or now
tokens = math.min(burst, tokens + math.max(0, now - ts) * rate)
local allowed = 0
if tokens >= 1 then
  tokens = tokens - 1
  allowed = 1
end
redis.call('HSET', KEYS[1], 'tokens', tostring(tokens), 'ts', tostring(now))
redis.call('EXPIRE', KEYS[1], tonumber(ARGV[4]))
return allowed
"""


class RedisTokenBuckets:
    """``burst`` tokens per user, refilled at ``rate`` per second, shared by all instances.

    ``clock`` is for tests only (a fixed time base); production uses Redis ``TIME``.
    """

    def __init__(self, redis: Redis, burst: int, rate: float, prefix: str = "navigator",
                 clock: object | None = None) -> None:
        self.redis = redis
        self.burst = burst
        self.rate = rate
        self.prefix = prefix
        self.clock = clock
        self.ttl = max(1, math.ceil(burst / rate) + 1)
        self._script = redis.register_script(TOKEN_BUCKET)

    async def allow(self, key: int) -> bool:
        now = "" if self.clock is None else repr(float(self.clock()))  # type: ignore[operator]
        result = await self._script(
            keys=[f"{self.prefix}:throttle:{key}"], args=[self.burst, self.rate, now, self.ttl]
        )
        return bool(int(result))
