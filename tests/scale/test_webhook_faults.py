"""Webhook: a failed, uncommitted update is not acknowledged; /metrics can require a token.

Before: a handler failure was answered 200, so Telegram never resent the update; /metrics on
the public webhook port had no protection.
"""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

from aiogram import Router
from aiogram.exceptions import TelegramNetworkError
from aiogram.filters import Command
from aiogram.methods import SendMessage
from aiogram.types import Message
from aiohttp.test_utils import TestClient, TestServer
from sqlalchemy import func, select, text

from bot.telegram.dispatcher import build_bot, build_dispatcher
from bot.telegram.observability.ops import OpsState
from bot.telegram.webhook import SECRET_HEADER, build_app
from db.engine import create_engine, create_sessionmaker
from db.models import ProcessedUpdate
from db.unit_of_work import UnitOfWork
from tests.bot.conftest import load_domain, migrated_template, settings_for_tests
from tests.bot.telegram import RecordingSession
from tests.db.databases import sqlite_url

SECRET = "s3cret-token_1"
__all__ = ["migrated_template"]


def start(update_id: int, command: str = "/start") -> dict[str, Any]:
    return {"update_id": update_id, "message": {
        "message_id": 1, "date": 1_800_000_000, "chat": {"id": 1001, "type": "private"},
        "from": {"id": 1001, "is_bot": False, "first_name": "Иван"}, "text": command,
        "entities": [{"type": "bot_command", "offset": 0, "length": len(command)}]}}


async def test_a_failed_update_gets_500_and_its_redelivery_goes_through(tmp_path: Path, migrated_template: Path) -> None:
    shutil.copy(migrated_template, tmp_path / "navigator.db")
    engine = create_engine(sqlite_url(tmp_path))
    sessions = create_sessionmaker(engine)
    settings = settings_for_tests(webhook_url="https://bot.example.org/tg/hook", webhook_secret=SECRET,
                                  metrics_token="m-token")
    recording = RecordingSession()
    bot = build_bot("42:TEST", session=recording)
    dp = build_dispatcher(load_domain(), sessions, settings)
    failures = [RuntimeError("a bug, before anything was committed")]

    async def fragile(message: Message, uow: UnitOfWork) -> None:
        await uow.session.execute(text("SELECT 1"))  # the update is claimed in this transaction …
        if failures:
            raise failures.pop()  # … which the failure rolls back
        await message.answer("ok")

    first_router = Router()
    first_router.message.register(fragile, Command("fragile"))
    dp.sub_routers.insert(0, first_router)
    first_router._parent_router = dp
    app, _ = build_app(bot, dp, settings, OpsState(sessions, metrics_token="m-token"))
    client = TestClient(TestServer(app))
    await client.start_server()
    try:
        first = await client.post("/tg/hook", json=start(77, "/fragile"), headers={SECRET_HEADER: SECRET})
        assert first.status == 500  # not acknowledged: Telegram will resend it
        async with sessions() as session:
            assert await session.scalar(select(func.count()).select_from(ProcessedUpdate)) == 0
        again = await client.post("/tg/hook", json=start(77, "/fragile"), headers={SECRET_HEADER: SECRET})
        assert again.status == 200
        assert [r.text for r in recording.requests if isinstance(r, SendMessage)][-1] == "ok"

        # A send that fails after the effects were committed: acknowledged; the copy re-shows the screen.
        recording.fail_next("sendMessage", TelegramNetworkError(SendMessage(chat_id=1, text="x"), "reset"))
        assert (await client.post("/tg/hook", json=start(78), headers={SECRET_HEADER: SECRET})).status == 200
        assert (await client.post("/tg/hook", json=start(78), headers={SECRET_HEADER: SECRET})).status == 200
        assert "152-ФЗ" in [r.text for r in recording.requests if isinstance(r, SendMessage)][-1]

        assert (await client.get("/metrics")).status == 401
        assert (await client.get("/metrics", headers={"Authorization": "Bearer wrong"})).status == 401
        assert (await client.get("/metrics", headers={"Authorization": "Bearer m-token"})).status == 200
    finally:
        await client.close()
        await engine.dispose()
