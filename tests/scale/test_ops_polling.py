"""Polling mode serves /healthz /readyz /metrics on HEALTH_PORT; readiness checks Redis too."""

from __future__ import annotations

import shutil
import socket
from pathlib import Path

import aiohttp
import pytest

from bot.telegram.dispatcher import build_dispatcher
from bot.telegram.webhook import serve_ops
from db.engine import create_engine, create_sessionmaker
from tests.bot.conftest import load_domain, settings_for_tests
from tests.scale.conftest import REDIS_URL
from tests.support.databases import sqlite_url

pytestmark = pytest.mark.redis


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


async def readiness(port: int) -> tuple[int, dict[str, object]]:
    async with aiohttp.ClientSession() as http, http.get(f"http://127.0.0.1:{port}/readyz") as response:
        return response.status, await response.json()


async def test_readyz_reports_redis_down_and_up(tmp_path: Path, migrated_template: Path, redis_prefix: str) -> None:
    shutil.copy(migrated_template, tmp_path / "navigator.db")
    engine = create_engine(sqlite_url(tmp_path))
    sessions = create_sessionmaker(engine)
    try:
        for redis_url, expected in (("redis://127.0.0.1:1/0", 503), (REDIS_URL, 200)):
            port = free_port()
            settings = settings_for_tests(redis_url=redis_url, redis_prefix=redis_prefix,
                                          health_port=port, webhook_host="127.0.0.1")
            dp = build_dispatcher(load_domain(), sessions, settings)
            runner = await serve_ops(settings, sessions, dp)
            assert runner is not None
            try:
                status, body = await readiness(port)
                assert status == expected, body
                if expected == 503:
                    assert any(str(p).startswith("redis") for p in body["problems"])  # type: ignore[union-attr]
            finally:
                await runner.cleanup()
                await dp["backends"].close()
        assert await serve_ops(settings_for_tests(), sessions, dp) is None  # no HEALTH_PORT, no server
    finally:
        await engine.dispose()
