"""Webhook mode in-process: the secret, persisted-before-200, readiness, metrics."""

from __future__ import annotations

import shutil
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from aiogram.methods import SendMessage
from aiohttp.test_utils import TestClient, TestServer
from sqlalchemy import select

from bot.telegram.dispatcher import build_bot, build_dispatcher
from bot.telegram.observability.metrics import instrument_bot
from bot.telegram.observability.ops import OpsState
from bot.telegram.webhook import SECRET_HEADER, WebhookHandler, build_app
from db.engine import create_engine, create_sessionmaker
from db.handoff.models import Ticket, TicketMessage
from db.models import OutboxMessage, ProcessedUpdate
from tests.bot.conftest import load_domain, settings_for_tests
from tests.support.databases import sqlite_url
from tests.support.metrics import MetricsSnapshot
from tests.support.telegram import RecordingSession

SECRET = "s3cret-token_1"


class Served:
    def __init__(self, client: TestClient, handler: WebhookHandler, state: OpsState, sessions: Any,
                 recording: RecordingSession) -> None:
        self.client = client
        self.handler = handler
        self.state = state
        self.sessions = sessions
        self.recording = recording

    async def post(self, update: dict[str, Any], secret: str | None = SECRET) -> int:
        headers = {SECRET_HEADER: secret} if secret is not None else {}
        response = await self.client.post("/tg/hook", json=update, headers=headers)
        return response.status


@pytest.fixture
async def served(tmp_path: Path, migrated_template: Path) -> AsyncIterator[Served]:
    shutil.copy(migrated_template, tmp_path / "navigator.db")
    engine = create_engine(sqlite_url(tmp_path))
    sessions = create_sessionmaker(engine)
    settings = settings_for_tests(webhook_url="https://bot.example.org/tg/hook", webhook_secret=SECRET)
    recording = RecordingSession()
    bot = instrument_bot(build_bot("42:TEST", session=recording))
    dp = build_dispatcher(load_domain(), sessions, settings)
    state = OpsState(sessions)
    app, handler = build_app(bot, dp, settings, state)
    client = TestClient(TestServer(app))
    await client.start_server()
    try:
        yield Served(client, handler, state, sessions, recording)
    finally:
        await client.close()
        await engine.dispose()


def start_update(update_id: int, user_id: int = 4242) -> dict[str, Any]:
    return {
        "update_id": update_id,
        "message": {
            "message_id": update_id, "date": 1_700_000_000, "text": "/start",
            "chat": {"id": user_id, "type": "private"},
            "from": {"id": user_id, "is_bot": False, "first_name": "Иван"},
        },
    }


async def claimed(served: Served, update_id: int) -> bool:
    async with served.sessions() as session:
        return await session.get(ProcessedUpdate, update_id) is not None


async def test_a_wrong_or_missing_secret_is_refused_and_nothing_is_processed(served: Served) -> None:
    assert await served.post(start_update(1), secret=None) == 401
    assert await served.post(start_update(2), secret="guess") == 401
    assert not served.recording.requests and not await claimed(served, 1) and not await claimed(served, 2)


async def test_the_update_is_claimed_and_answered_before_telegram_gets_200(served: Served) -> None:
    assert await served.post(start_update(10)) == 200
    assert await claimed(served, 10)  # already committed when the 200 arrived
    sent = [r for r in served.recording.requests if type(r).__name__ == "SendMessage"]
    assert sent and "152-ФЗ" in sent[0].text
    # a redelivery (Telegram did not see the 200 in time) changes and sends nothing
    before = len(served.recording.requests)
    assert await served.post(start_update(10)) == 200
    assert len(served.recording.requests) == before


async def test_readiness_turns_off_first_on_shutdown_and_updates_are_deferred(served: Served) -> None:
    assert (await served.client.get("/healthz")).status == 200
    ready = await served.client.get("/readyz")
    assert ready.status == 200 and (await ready.json())["status"] == "ready"
    served.state.shutting_down = True
    not_ready = await served.client.get("/readyz")
    assert not_ready.status == 503 and "shutting down" in (await not_ready.json())["problems"]
    assert await served.post(start_update(20)) == 503  # Telegram will redeliver to another instance
    assert not await claimed(served, 20)
    assert (await served.client.get("/healthz")).status == 200  # alive, only not ready
    assert await served.handler.drained(timeout=1)


async def test_metrics_count_updates_bot_api_calls_and_read_the_outbox(served: Served) -> None:
    metrics = MetricsSnapshot()  # the counters are process-wide: this test reads what it added
    assert await served.post(start_update(30)) == 200
    assert metrics.delta("navigator_updates_total", type="message", outcome="handled") == 1
    sent = len(served.recording.sent(SendMessage))
    assert sent >= 1 and metrics.delta("navigator_bot_api_calls_total", method="sendMessage", outcome="ok") == sent
    assert metrics.delta("navigator_handler_seconds_count", type="message") == 1
    async with served.sessions() as session:
        session.add(OutboxMessage(chat_id=1, method="sendMessage", payload={"text": "x"}, kind="test"))
        opened = datetime(2026, 11, 2, 10, 0, tzinfo=UTC)
        for number, wait in enumerate((60, 90, 3600)):  # answered after 1 min, 1.5 min, 1 h
            ticket = Ticket(user_id=700 + number, status="claimed" if number else "closed", subject="s",
                            staff_chat_id=-100, created_at=opened)
            session.add(ticket)
            await session.flush()
            session.add(TicketMessage(ticket_id=ticket.id, direction="out", source_chat_id=-100,
                                      source_message_id=number, created_at=opened + timedelta(seconds=wait)))
        await session.commit()
        assert (await session.scalars(select(OutboxMessage))).first() is not None
    body = await (await served.client.get("/metrics")).text()  # the endpoint serves the same registry
    assert 'navigator_updates_total{outcome="handled",type="message"}' in body
    assert "navigator_handler_seconds_bucket" in body
    assert 'navigator_outbox_messages{status="pending"} 1.0' in body
    assert "navigator_open_tickets 2.0" in body  # the closed one is not counted
    assert 'navigator_first_answer_seconds{quantile="0.5"} 90.0' in body
    assert 'navigator_first_answer_seconds{quantile="0.9"} 3600.0' in body
