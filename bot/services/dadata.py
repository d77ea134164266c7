"""Optional online lookup of an ИНН in DaData ``findById/party`` (only when DADATA_API_KEY is set).

Decisions: one POST per ИНН with ``branch_type=MAIN``; a short total timeout (2 s) so the
dialogue never waits longer; answers (found or empty) are cached in memory for a day, so a
user who goes back and forth costs one request. Anything but a 200 with JSON — quota (403),
a bad key, 5xx, a timeout, no network — is logged and returns None: the caller goes on with
the offline registry as if DaData were not configured. Failures are not cached, so the lookup
resumes by itself once the quota resets.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections import OrderedDict
from typing import Any

import aiohttp

log = logging.getLogger(__name__)

DADATA_PARTY_URL = "https://suggestions.dadata.ru/suggestions/api/4_1/rs/findById/party"
DEFAULT_TIMEOUT = 2.0  # seconds, the whole request
CACHE_TTL = 24 * 3600.0
CACHE_SIZE = 10_000


class DadataClient:
    """Find one party by ИНН; None when DaData cannot answer right now."""

    def __init__(
        self,
        api_key: str,
        *,
        url: str = DADATA_PARTY_URL,
        timeout: float = DEFAULT_TIMEOUT,
        ttl: float = CACHE_TTL,
    ) -> None:
        self.api_key = api_key
        self.url = url
        self.timeout = timeout
        self.ttl = ttl
        self._cache: OrderedDict[str, tuple[float, dict[str, Any]]] = OrderedDict()
        self.requests = 0  # sent to DaData (cache misses), for tests and metrics

    async def find_party(self, inn: str) -> dict[str, Any] | None:
        now = time.monotonic()
        hit = self._cache.get(inn)
        if hit is not None and now - hit[0] < self.ttl:
            self._cache.move_to_end(inn)
            return hit[1]
        answer = await self._request(inn)
        if answer is not None:
            self._cache[inn] = (now, answer)
            self._cache.move_to_end(inn)
            while len(self._cache) > CACHE_SIZE:
                self._cache.popitem(last=False)
        return answer

    async def _request(self, inn: str) -> dict[str, Any] | None:
        self.requests += 1
        headers = {
            "Authorization": f"Token {self.api_key}",
            "Content-Type": "application/json",
            "Accept": "application/json",
        }
        try:
            async with (
                asyncio.timeout(self.timeout),
                aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=self.timeout)) as http,
                http.post(self.url, json={"query": inn, "branch_type": "MAIN"}, headers=headers) as response,
            ):
                if response.status != 200:
                    log.warning("DaData answered %s; using the offline registry", response.status)
                    return None
                body = await response.json(content_type=None)
        except (TimeoutError, aiohttp.ClientError, ValueError) as exc:
            log.warning("DaData lookup failed (%s); using the offline registry", type(exc).__name__)
            return None
        return body if isinstance(body, dict) else None


_clients: dict[str, DadataClient] = {}


def client_for(api_key: str | None) -> DadataClient | None:
    """One shared client per key (its cache lives as long as the process); None without a key."""
    if not api_key:
        return None
    client = _clients.get(api_key)
    if client is None:
        client = _clients[api_key] = DadataClient(api_key)
    return client
