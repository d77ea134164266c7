"""``/healthz``, ``/readyz`` and ``/metrics`` on an aiohttp app (the webhook's, or its own port).

- ``/healthz``: the process and its event loop answer — nothing else is checked, so a slow
  database never gets a healthy instance restarted.
- ``/readyz``: the database answers ``SELECT 1``, Redis answers ``PING`` (if configured), and
  the instance is not shutting down. SIGTERM flips it to 503 first, so the load balancer stops
  sending before the listener closes.
- ``/metrics``: Prometheus text; the database gauges are refreshed first (cheap, cached).
"""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass, field

from aiohttp import web
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest
from redis.asyncio import Redis
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.telegram.observability.metrics import REGISTRY, DbGauges

log = logging.getLogger(__name__)
CHECK_TIMEOUT = 2.0  # seconds per dependency in /readyz


@dataclass
class OpsState:
    sessions: async_sessionmaker[AsyncSession]
    redis: Redis | None = None
    shutting_down: bool = False
    gauges: DbGauges = field(init=False)

    def __post_init__(self) -> None:
        self.gauges = DbGauges(self.sessions)

    async def problems(self) -> list[str]:
        found = []
        if self.shutting_down:
            found.append("shutting down")
        try:
            async with asyncio.timeout(CHECK_TIMEOUT), self.sessions() as session:
                await session.execute(text("SELECT 1"))
        except Exception as exc:
            found.append(f"database: {type(exc).__name__}")
        if self.redis is not None:
            try:
                async with asyncio.timeout(CHECK_TIMEOUT):
                    await self.redis.ping()
            except Exception as exc:
                found.append(f"redis: {type(exc).__name__}")
        return found


async def healthz(request: web.Request) -> web.Response:
    return web.json_response({"status": "alive"})


async def readyz(request: web.Request) -> web.Response:
    state: OpsState = request.app[OPS]
    problems = await state.problems()
    if problems:
        return web.json_response({"status": "not ready", "problems": problems}, status=503)
    return web.json_response({"status": "ready"})


async def metrics(request: web.Request) -> web.Response:
    state: OpsState = request.app[OPS]
    await state.gauges.refresh()
    response = web.Response(body=generate_latest(REGISTRY))
    response.content_type = CONTENT_TYPE_LATEST.split(";")[0]
    return response


OPS = web.AppKey("ops", OpsState)


def add_ops_routes(app: web.Application, state: OpsState) -> None:
    app[OPS] = state
    app.router.add_get("/healthz", healthz)
    app.router.add_get("/readyz", readyz)
    app.router.add_get("/metrics", metrics)
