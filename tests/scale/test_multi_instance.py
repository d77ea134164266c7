"""Two ``python -m bot`` processes in webhook mode on the real PostgreSQL and Redis.

One user's questionnaire is posted alternately to both instances and completes; copies of
updates redelivered to the other instance change and send nothing; one instance is killed
(SIGKILL) in the middle of an outbox burst and the other finishes the outbox; a catalogue
reload accepted on one instance is followed by the other.
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import json
import os
import shutil
import signal
import socket
import sys
import time
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import aiohttp
import pytest
from sqlalchemy import func, select, update

from bot.services.outbox import enqueue
from db.engine import create_engine, create_sessionmaker
from db.models import OutboxMessage, ProcessedUpdate
from tests.bot.helpers import COMPANY_ANSWERS
from tests.scale.conftest import REDIS_URL
from tests.scale.fake_api import ScaleFakeApi
from tests.support.databases import postgres_database

pytestmark = [pytest.mark.slow, pytest.mark.postgres, pytest.mark.redis]
DATA = Path(__file__).resolve().parents[1] / "bot" / "data"
SECRET = "multi-instance-secret"
USER = 31337


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass
class Instance:
    name: str
    port: int
    process: asyncio.subprocess.Process
    log: Path

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def output(self) -> str:
        return self.log.read_text(errors="replace") if self.log.exists() else ""


@dataclass
class Cluster:
    api: ScaleFakeApi
    database_url: str
    instances: list[Instance]
    http: aiohttp.ClientSession
    measures: Path
    _ids: itertools.count[int] = field(default_factory=lambda: itertools.count(1000))
    _messages: itertools.count[int] = field(default_factory=lambda: itertools.count(1))

    async def post(self, instance: Instance, update: dict[str, Any]) -> int:
        async with self.http.post(f"{instance.base}/tg/hook", json=update,
                                  headers={"X-Telegram-Bot-Api-Secret-Token": SECRET}) as response:
            return response.status

    def text_update(self, text: str, user: int = USER) -> dict[str, Any]:
        return {"update_id": next(self._ids), "message": {
            "message_id": next(self._messages), "date": int(time.time()), "text": text,
            "chat": {"id": user, "type": "private"},
            "from": {"id": user, "is_bot": False, "first_name": "Иван"}}}

    def click_update(self, label: str) -> dict[str, Any]:
        message, data = self.button(label)
        return {"update_id": next(self._ids), "callback_query": {
            "id": str(next(self._ids)), "chat_instance": "ci", "data": data, "message": message,
            "from": {"id": USER, "is_bot": False, "first_name": "Иван"}}}

    def mine(self) -> list[dict[str, Any]]:
        return [p for name, p in self.api.calls
                if name in ("sendMessage", "editMessageText", "editMessageReplyMarkup")
                and int(p.get("chat_id", 0)) == USER]

    def screen(self) -> str:
        texts = [p["text"] for p in self.mine() if "text" in p]
        return texts[-1] if texts else ""

    def button(self, label: str) -> tuple[dict[str, Any], str]:
        for params in reversed(self.mine()):
            markup = params.get("reply_markup")
            if not markup:
                continue
            buttons = [b for row in markup["inline_keyboard"] for b in row if "callback_data" in b]
            found = [b for b in buttons if b["text"] == label] or [b for b in buttons if label in b["text"]]
            if len(found) == 1:
                return params["_message"], found[0]["callback_data"]
        raise AssertionError(f"no button {label!r} on screen {self.screen()[:200]!r}")


def bot_env(cluster_db: str, api_url: str, measures: Path, port: int, prefix: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("BOT_", "DATABASE_", "REDIS_", "WEBHOOK_"))}
    env.update(
        BOT_TOKEN="42:TEST", TELEGRAM_API_URL=api_url, DATABASE_URL=cluster_db,
        REDIS_URL=REDIS_URL, REDIS_PREFIX=prefix,
        WEBHOOK_URL="https://bot.example.org/tg/hook", WEBHOOK_SECRET=SECRET,
        WEBHOOK_HOST="127.0.0.1", WEBHOOK_PORT=str(port), SHUTDOWN_GRACE="0.2", LOG_FORMAT="json",
        MEASURES_PATH=str(measures), QUESTIONNAIRE_PATH=str(DATA / "questionnaire.yaml"),
        PYTHONUNBUFFERED="1",
    )
    return env


async def wait_ready(cluster: Cluster, instance: Instance, timeout: float = 90) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if instance.process.returncode is not None:
            raise AssertionError(f"{instance.name} exited: {instance.output()[-3000:]}")
        with contextlib.suppress(aiohttp.ClientError):
            async with cluster.http.get(f"{instance.base}/readyz") as response:
                if response.status == 200:
                    return
        await asyncio.sleep(0.3)
    raise AssertionError(f"{instance.name} not ready: {instance.output()[-3000:]}")


@pytest.fixture
async def cluster(tmp_path: Path, redis_prefix: str) -> AsyncIterator[Cluster]:
    api = ScaleFakeApi()
    api_url = await api.start()
    measures = tmp_path / "measures.yaml"
    shutil.copy(DATA / "measures.yaml", measures)
    async with postgres_database() as url:
        # no migration first: both instances start together on the empty database (advisory lock)
        instances = []
        http = aiohttp.ClientSession()
        cluster = Cluster(api, url, instances, http, measures)
        try:
            for name in ("a", "b"):
                port = free_port()
                log = tmp_path / f"{name}.log"
                with log.open("wb") as out:
                    process = await asyncio.create_subprocess_exec(
                        sys.executable, "-m", "bot", cwd=tmp_path,
                        env=bot_env(url, api_url, measures, port, redis_prefix),
                        stdout=out, stderr=asyncio.subprocess.STDOUT,
                    )
                instances.append(Instance(name, port, process, log))
            for instance in instances:
                await wait_ready(cluster, instance)
            yield cluster
        finally:
            for instance in instances:
                if instance.process.returncode is None:
                    instance.process.send_signal(signal.SIGTERM)
            for instance in instances:
                try:
                    await asyncio.wait_for(instance.process.wait(), 30)
                except TimeoutError:
                    instance.process.kill()
                    await instance.process.wait()
            await http.close()
            await api.stop()


async def answer_until_results(cluster: Cluster, redeliver_every: int = 3) -> tuple[int, int]:
    """Answer the questionnaire, each update to the other instance; returns (updates, redeliveries)."""
    a, b = cluster.instances
    turn = itertools.cycle([a, b])
    posted = redelivered = 0

    async def send(update: dict[str, Any]) -> None:
        nonlocal posted, redelivered
        instance = next(turn)
        assert await cluster.post(instance, update) == 200
        posted += 1
        if posted % redeliver_every == 0:  # Telegram's copy reaches the other instance
            calls_before = len(cluster.api.calls)
            other = b if instance is a else a
            assert await cluster.post(other, update) == 200
            assert len(cluster.api.calls) == calls_before, "a redelivered update did something"
            redelivered += 1

    await send(cluster.text_update("/start"))
    await send(cluster.click_update("Согласен, начнём"))
    for _ in range(25):
        screen = cluster.screen()
        if "Меры по вашим ответам" in screen:
            return posted, redelivered
        if "Знаете ИНН" in screen:
            await send(cluster.text_update("пропустить"))
            continue
        question = next((q for q in COMPANY_ANSWERS if f"<b>{q}</b>" in screen), None)
        assert question is not None, f"unexpected screen: {screen[:300]}"
        actions = COMPANY_ANSWERS[question]
        for verb, arg in zip(actions[::2], actions[1::2], strict=True):
            await send(cluster.click_update(arg) if verb == "click" else cluster.text_update(arg))
    raise AssertionError(f"questionnaire did not finish: {cluster.screen()[:300]}")


async def test_two_instances_share_one_user_outbox_and_catalogue(cluster: Cluster) -> None:
    a, b = cluster.instances
    engine = create_engine(cluster.database_url)
    sessions = create_sessionmaker(engine)
    try:
        # 1. One dialogue over both instances, with redeliveries to the other one.
        posted, redelivered = await answer_until_results(cluster)
        assert posted >= 6 and redelivered >= 2
        async with sessions() as session:
            claims = await session.scalar(select(func.count()).select_from(ProcessedUpdate))
        assert claims == posted  # every update claimed exactly once, copies included

        # 2. A catalogue reload accepted on a (SIGHUP) is followed by b within its poll interval.
        text = cluster.measures.read_text(encoding="utf-8")
        cluster.measures.write_text(text.replace("Тестовый грант московским компаниям",
                                                 "Тестовый грант московским компаниям (обновлён)"), encoding="utf-8")
        a.process.send_signal(signal.SIGHUP)
        deadline = time.monotonic() + 30
        while "followed accepted version" not in b.output():
            assert time.monotonic() < deadline, f"b did not follow: {b.output()[-2000:]} / a: {a.output()[-2000:]}"
            await asyncio.sleep(0.2)
        assert "reload by" in a.output()

        # 3. An outbox burst; instance a dies (SIGKILL) while sending it; b finishes.
        chats = list(range(900_001, 900_041))
        async with sessions() as session:
            for chat in chats:
                await enqueue(session, chat, "sendMessage", {"text": f"Новость {chat}"}, kind="test_burst")
            await session.commit()
        deadline = time.monotonic() + 30
        while sum(cluster.api.sends_to(c) for c in chats) < 5:
            assert time.monotonic() < deadline, "the outbox burst did not start"
            await asyncio.sleep(0.05)
        a.process.kill()
        await a.process.wait()
        async with sessions() as session:  # a's leases would run out in two minutes; run them out now
            await session.execute(
                update(OutboxMessage).where(OutboxMessage.status == "pending", OutboxMessage.claimed_at.is_not(None))
                .values(next_attempt_at=func.now(), claimed_at=None)
            )
            await session.commit()
        deadline = time.monotonic() + 60
        while True:
            async with sessions() as session:
                pending = await session.scalar(
                    select(func.count()).select_from(OutboxMessage).where(OutboxMessage.status != "sent")
                )
            if pending == 0:
                break
            assert time.monotonic() < deadline, f"{pending} outbox rows left: {b.output()[-2000:]}"
            await asyncio.sleep(0.2)
        counts = [cluster.api.sends_to(c) for c in chats]
        assert all(n >= 1 for n in counts)  # every message went out
        assert sum(counts) - len(chats) <= 1  # at most the one message in flight when a died

        # The survivor still serves the user.
        assert await cluster.post(b, cluster.text_update("/help")) == 200

        lines = [json.loads(line) for line in b.output().splitlines() if line.startswith("{")]
        assert lines and all("msg" in line for line in lines)  # structured logs
        assert any(line.get("update_id") for line in lines)  # … carrying update ids
        assert not any("Новость" in line["msg"] or "пропустить" in line["msg"] for line in lines)

        # Metrics on PostgreSQL: the outbox gauges read on scrape, updates counted by type.
        async with cluster.http.get(f"{b.base}/metrics") as response:
            body = await response.text()
        assert 'navigator_outbox_messages{status="pending"} 0.0' in body
        assert 'navigator_updates_total{outcome="handled",type="callback_query"}' in body
        assert 'navigator_updates_total{outcome="duplicate",type=' in body  # the redeliveries it got
        assert "navigator_open_tickets 0.0" in body

        # 4. SIGTERM mid-update: readiness off, the update in flight finishes (its 200 arrives
        # after the listener closed), exit 0; the webhook is left in place.
        cluster.api.slow_seconds = 1.5  # the reply to this user takes Telegram 1.5 s
        in_flight = asyncio.create_task(cluster.post(b, cluster.text_update("/start", user=900_100)))
        await asyncio.sleep(0.5)
        b.process.send_signal(signal.SIGTERM)
        assert await in_flight == 200
        assert cluster.api.sends_to(900_100) == 1
        assert await asyncio.wait_for(b.process.wait(), 30) == 0, b.output()[-2000:]
        assert "readiness off" in b.output() and '"stopped"' in b.output()
        assert not any(name == "deleteWebhook" for name, _ in cluster.api.calls)
    finally:
        await engine.dispose()
