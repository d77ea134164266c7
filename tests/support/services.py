"""The real PostgreSQL and Redis the database and scale tests run on, and the check that stops
a run at its start, in one line, when one of them is down.

``TEST_POSTGRES_DSN`` is an admin connection to an existing database (tests create and drop
throw-away databases through it); ``TEST_REDIS_URL`` names the Redis database the tests use
(each test keeps to a key prefix of its own).
"""

from __future__ import annotations

import asyncio
import os
from dataclasses import dataclass

POSTGRES_DSN = os.environ.get("TEST_POSTGRES_DSN", "postgresql://postgres@127.0.0.1:5432/test")
REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/15")
CONNECT_TIMEOUT = 3.0


@dataclass(frozen=True)
class Service:
    marker: str
    name: str
    variable: str
    address: str
    how_to_start: str


POSTGRES = Service(
    "postgres", "PostgreSQL", "TEST_POSTGRES_DSN", POSTGRES_DSN,
    "start it (`pg_ctlcluster <version> main start`; `.ci/run` starts it and creates the `test` database)",
)
REDIS = Service(
    "redis", "Redis", "TEST_REDIS_URL", REDIS_URL,
    "start it (`redis-server --daemonize yes --port 6379`; `.ci/run` starts it)",
)
SERVICES = (POSTGRES, REDIS)


async def _postgres_problem() -> str | None:
    import asyncpg

    try:
        conn = await asyncio.wait_for(asyncpg.connect(POSTGRES_DSN), CONNECT_TIMEOUT)
    except asyncpg.InvalidCatalogNameError as exc:
        return f"{exc} (create it: `createdb -h <host> -U postgres <name>`)"
    except (OSError, TimeoutError, asyncpg.PostgresError) as exc:
        return f"{type(exc).__name__}: {exc}".rstrip(": ")
    await conn.close()
    return None


async def _redis_problem() -> str | None:
    from redis.asyncio import Redis
    from redis.exceptions import RedisError

    client = Redis.from_url(REDIS_URL, socket_connect_timeout=CONNECT_TIMEOUT, socket_timeout=CONNECT_TIMEOUT)
    try:
        await client.ping()
    except (OSError, TimeoutError, RedisError) as exc:
        return f"{type(exc).__name__}: {exc}".rstrip(": ")
    finally:
        await client.aclose()
    return None


def problem(service: Service) -> str | None:
    """Why ``service`` cannot be used right now, or ``None`` when it answers."""
    probe = _postgres_problem if service is POSTGRES else _redis_problem
    return asyncio.run(probe())


def down_message(service: Service, needed_by: int, reason: str) -> str:
    """The one line a run ends with when a service its tests need is down."""
    return (
        f"{service.name} is not reachable at {service.address} ({reason}); {needed_by} collected tests need it "
        f"(marked `{service.marker}`). {service.how_to_start.capitalize()}, point {service.variable} at a running "
        f"server, or leave them out with -m 'not {service.marker}'."
    )
