"""Fault benchmark (issue 14): 50 simulated users complete the questionnaire through the real
dispatcher while Telegram misbehaves — on SQLite, and on PostgreSQL with Redis.

Scenarios, each on each database:
- clean: a Bot API that always answers;
- 429: 20 % of Bot API calls are answered 429 ``retry_after 1`` (seeded, so reproducible);
- kill: one kill -9 mid-run. From a moment nothing the process sends reaches the Bot API (its
  own session hangs for good), its tasks are cancelled and never waited for, its PostgreSQL
  connections are terminated (the server rolls back, as on a dropped TCP connection); its Redis
  keys stay until they expire. A new process — its own bot, session, engine, Redis client —
  starts on the same database and Redis. Delivery has webhook semantics: an update counts as
  acknowledged only when ``feed_update`` returned without error and the ``Delivery`` is neither
  ``busy`` (503) nor ``failed``; anything else is redelivered with backoff, within a deadline.

Each user sends /start, consents and answers every question of the test questionnaire
(``tests/bot/data``), waiting for the next question before answering. Counted:
- completed journeys (the results screen reached);
- updates failed (the error handler ran);
- replies lost (a step whose next screen never came within ``STEP_TIMEOUT``);
- replies duplicated (the same question delivered to a chat more than once), *beyond* what
  at-least-once delivery allows: one repeat in a chat whose update was in flight at the kill
  (the process may have died after Telegram accepted the reply and before the claim recorded
  it — the redelivery re-renders the screen). Every other repeat counts;
- time from an update to its reply, p50 and p99 (real time; 429 waits included).

Targets (the issue's): 50/50 completed, 0 failed, 0 lost, 0 duplicated in every scenario on
both databases. The checks are report-style ratios (completed/users ≥ 1, faults ≤ 0).
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import datetime as dt
import itertools
import logging
import os
import random
import statistics
import sys
import tempfile
import time
import uuid
from collections.abc import AsyncGenerator, AsyncIterator, Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from aiogram import Bot, Dispatcher
from aiogram.client.session.base import BaseSession
from aiogram.exceptions import TelegramRetryAfter
from aiogram.fsm.storage.redis import RedisEventIsolation
from aiogram.methods import (
    AnswerCallbackQuery,
    EditMessageReplyMarkup,
    EditMessageText,
    GetMe,
    SendMessage,
    TelegramMethod,
)
from aiogram.types import CallbackQuery, Chat, InlineKeyboardMarkup, Message, Update, User
from sqlalchemy import event, text
from sqlalchemy.ext.asyncio import AsyncEngine

from bench.bot_bench import POSTGRES_DSN, REDIS_URL, postgres_databases, scaled_servers_answer
from bench.result import Check, emit, ru
from bot.config import Settings
from bot.services.domain import Domain
from bot.telegram.dispatcher import build_bot, build_dispatcher
from bot.telegram.outbox.worker import OutboxWorker
from bot.telegram.scale.backends import choose
from bot.telegram.scale.dedupe import Delivery, RedisDedupeMiddleware
from db.engine import create_engine, create_sessionmaker, is_sqlite
from db.migrate import upgrade
from rules.data import load_bundle

DATA = Path(__file__).resolve().parent.parent / "tests" / "bot" / "data"
STEP_TIMEOUT = 40.0  # seconds a user waits for the next screen before counting the reply lost
DELIVERY_DEADLINE = 60.0  # seconds Telegram keeps redelivering an unacknowledged update (bench bound)
RETRY_FIRST, RETRY_CAP = 0.25, 2.0  # redelivery backoff, seconds
# The Redis dedupe's ``busy`` key and the per-user lock of a killed process outlive it until they
# expire (60 s in production). The kill scenario scales that to a few seconds so a run stays
# short; the recovery path (503 busy → redelivered until the key expires) is the same.
KILL_REDIS_TTL = 5
BOT_USER = User(id=42, is_bot=True, first_name="Навигатор", username="navigator_bench_bot")
ANSWERS: dict[str, tuple[str, str]] = {
    "Что нужно бизнесу?": ("click", "Грант"),
    "Кто получает поддержку?": ("click", "Компания"),
    "Бизнес зарегистрирован в Москве?": ("click", "Да"),
    "Сколько сотрудников?": ("send", "12"),
    "Доход за прошлый год, млн ₽?": ("send", "85,5"),
    "Сколько месяцев компании?": ("send", "24"),
    "Есть долги по налогам?": ("click", "Нет"),
}
RESULTS = "Меры по вашим ответам"


@dataclass
class Shown:
    text: str
    markup: InlineKeyboardMarkup | None


@dataclass
class FaultyTelegram(BaseSession):
    """A Bot API: keeps each chat's messages, answers a share of calls 429, can 'die' (hang)."""

    flood_share: float = 0.0
    rng: random.Random = field(default_factory=lambda: random.Random(14))
    messages: dict[tuple[int, int], Shown] = field(default_factory=dict)
    delivered: dict[int, list[str]] = field(default_factory=dict)  # chat → texts sent or edited in
    changed: dict[int, asyncio.Event] = field(default_factory=dict)
    floods: int = 0
    interrupted: set[int] = field(default_factory=set)  # chats with an update in flight at the kill

    def __post_init__(self) -> None:
        super().__init__()
        self._ids = itertools.count(1000)

    def event(self, chat_id: int) -> asyncio.Event:
        return self.changed.setdefault(chat_id, asyncio.Event())

    async def close(self) -> None:
        return None

    async def stream_content(self, *args: Any, **kwargs: Any) -> AsyncGenerator[bytes, None]:
        raise NotImplementedError
        yield b""  # pragma: no cover

    def _shown(self, chat_id: int, message_id: int, text: str, markup: Any) -> Message:
        keyboard = markup if isinstance(markup, InlineKeyboardMarkup) else None
        self.messages[(chat_id, message_id)] = Shown(text, keyboard)
        self.delivered.setdefault(chat_id, []).append(text)
        if os.environ.get("FAULT_BENCH_DEBUG"):
            print(f"{time.perf_counter():.3f} shown chat {chat_id} msg {message_id}: {text[:60]!r}", flush=True)
        self.event(chat_id).set()
        return Message(message_id=message_id, date=dt.datetime.now(dt.UTC), chat=Chat(id=chat_id, type="private"),
                       from_user=BOT_USER, text=text, reply_markup=keyboard)

    async def make_request(self, bot: Bot, method: TelegramMethod[Any], timeout: int | None = None) -> Any:
        if self.flood_share and not isinstance(method, GetMe) and self.rng.random() < self.flood_share:
            self.floods += 1
            raise TelegramRetryAfter(method, "Too Many Requests: retry after 1", 1)
        await asyncio.sleep(0)
        if isinstance(method, SendMessage):
            return self._shown(int(method.chat_id), next(self._ids), method.text, method.reply_markup)
        if isinstance(method, EditMessageText):
            return self._shown(int(method.chat_id or 0), int(method.message_id or 0), method.text, method.reply_markup)
        if isinstance(method, EditMessageReplyMarkup):
            key = (int(method.chat_id or 0), int(method.message_id or 0))
            old = self.messages.get(key, Shown("", None))
            markup = method.reply_markup if isinstance(method.reply_markup, InlineKeyboardMarkup) else None
            self.messages[key] = Shown(old.text, markup)
            self.event(key[0]).set()
            return True
        if isinstance(method, AnswerCallbackQuery):
            return True
        if isinstance(method, GetMe):
            return BOT_USER
        return True


class Link(BaseSession):
    """One process's connection to the Bot API: its own session (and direct-reply middleware).

    After the kill the process is gone: whatever its leftover tasks call never reaches Telegram.
    """

    def __init__(self, telegram: FaultyTelegram) -> None:
        super().__init__()
        self.telegram = telegram
        self.dead = False

    async def close(self) -> None:
        return None

    async def stream_content(self, *args: Any, **kwargs: Any) -> AsyncGenerator[bytes, None]:
        raise NotImplementedError
        yield b""  # pragma: no cover

    async def make_request(self, bot: Bot, method: TelegramMethod[Any], timeout: int | None = None) -> Any:
        if self.dead:
            await asyncio.Event().wait()  # a killed process never hears back
        return await self.telegram.make_request(bot, method, timeout)


@dataclass
class Stats:
    completed: int = 0
    lost: int = 0
    reply_times: list[float] = field(default_factory=list)


class Process:
    """One bot process: engine, dispatcher, outbox worker; ``kill`` stops it the hard way."""

    def __init__(self, url: str, settings: Settings, telegram: FaultyTelegram, redis_ttl: int | None = None) -> None:
        self.url = url
        self.settings = settings
        self.link = Link(telegram)  # its own Bot API session: nothing shared with a killed process
        self.engine: AsyncEngine = create_engine(url)
        self.server_pids: set[int] = set()
        if not is_sqlite(url):
            @event.listens_for(self.engine.sync_engine, "connect")
            def _remember(dbapi_connection: Any, _record: Any) -> None:
                self.server_pids.add(int(dbapi_connection.driver_connection.get_server_pid()))
        self.sessions = create_sessionmaker(self.engine)
        self.bot = build_bot("42:TEST", session=self.link)
        domain = Domain(load_bundle(DATA / "measures.yaml", DATA / "questionnaire.yaml"))
        self.backends = choose(settings)  # its own Redis client, when there is Redis
        if redis_ttl is not None and isinstance(self.backends.dedupe, RedisDedupeMiddleware):
            self.backends.dedupe.busy_ttl = redis_ttl
        if redis_ttl is not None and isinstance(self.backends.isolation, RedisEventIsolation):
            self.backends.isolation.lock_kwargs = dict(self.backends.isolation.lock_kwargs, timeout=redis_ttl)
        self.dp: Dispatcher = build_dispatcher(domain, self.sessions, settings, backends=self.backends)
        self.worker = OutboxWorker(bot=self.bot, sessions=self.sessions)
        self.worker_task = asyncio.create_task(self.worker.run())
        self.in_flight: set[asyncio.Task[Any]] = set()
        self.killed = False
        self.gone = asyncio.Event()

    def tasks(self) -> set[asyncio.Task[Any]]:
        return {*self.in_flight, self.worker_task}

    async def kill(self, survivor_engine: AsyncEngine) -> None:
        """kill -9: nothing of this process reaches Telegram again, its tasks stop where they are,
        and its database connections drop (PostgreSQL rolls their transactions back). Its Redis
        keys (the dedupe's ``busy``, the per-user locks) stay until they expire, as they would."""
        self.killed = True
        self.gone.set()
        self.link.dead = True
        for task in self.tasks():
            task.cancel()
        # A cancelled task may still run cleanup up to its next Bot API call (where it hangs for
        # good); give that a moment, bounded, and never wait for the task itself.
        await asyncio.wait(self.tasks(), timeout=1.0)
        if self.server_pids:
            async with survivor_engine.connect() as connection:
                for pid in sorted(self.server_pids):
                    await connection.execute(text("SELECT pg_terminate_backend(:pid)"), {"pid": pid})
                await connection.commit()

    async def bury(self) -> None:
        """End of the run: the leftovers of a killed process are cancelled and dropped, bounded."""
        for task in self.tasks():
            task.cancel()
        await asyncio.wait(self.tasks(), timeout=2.0)
        with contextlib.suppress(Exception):
            await asyncio.wait_for(self.backends.close(), 5)
        with contextlib.suppress(Exception):
            await asyncio.wait_for(self.engine.dispose(close=False), 5)

    async def stop(self) -> None:
        self.worker.stop()
        with contextlib.suppress(Exception):
            await asyncio.wait_for(self.worker_task, 5)
        with contextlib.suppress(Exception):
            await asyncio.wait_for(self.backends.close(), 5)
        with contextlib.suppress(Exception):
            await asyncio.wait_for(self.engine.dispose(), 5)


class Scenario:
    def __init__(self, name: str, url: str, settings: Settings, users: int, kill: bool, flood: float) -> None:
        self.name = name
        self.url = url
        self.settings = settings
        self.users = users
        self.kill_planned = kill
        self.redis_ttl = KILL_REDIS_TTL if kill else None
        self.telegram = FaultyTelegram(flood_share=flood)
        self.process = Process(url, settings, self.telegram, self.redis_ttl)
        self.killed: list[Process] = []
        self.restarted = asyncio.Event()
        self.updates_fed = 0
        self.redelivered = 0
        self.undelivered = 0
        self.stats = Stats()
        self._update_ids = itertools.count(1)
        self.in_flight_chats: dict[asyncio.Task[Any], int] = {}

    async def feed(self, update: Update) -> None:
        """Telegram's webhook delivery: the update is sent again until a process acknowledges it.

        Not acknowledged: the process died with it (kill), the handler raised (HTTP 500), the
        unit of work marked it ``failed``, or the Redis dedupe saw a copy ``busy`` elsewhere (503).
        Retries back off up to ``RETRY_CAP``; after ``DELIVERY_DEADLINE`` the update is given up
        (counted undelivered — its reply is then lost too). Nothing here waits unbounded."""
        deadline = time.perf_counter() + DELIVERY_DEADLINE
        backoff = RETRY_FIRST
        while True:
            process = self.process
            delivery = Delivery()
            _debug(f"feed {update.update_id} user {_chat_of(update)} gen {id(process) % 1000}")
            task = asyncio.create_task(process.dp.feed_update(process.bot, update, delivery=delivery))
            process.in_flight.add(task)
            self.in_flight_chats[task] = _chat_of(update)
            gone = asyncio.create_task(process.gone.wait())
            try:
                await asyncio.wait({task, gone}, timeout=max(0.0, deadline - time.perf_counter()),
                                   return_when=asyncio.FIRST_COMPLETED)
            finally:
                gone.cancel()
                if task.done():
                    process.in_flight.discard(task)
                    self.in_flight_chats.pop(task, None)
            if task.done() and not task.cancelled() and not process.killed:
                error = task.exception()
                if error is None and not delivery.busy and not delivery.failed:
                    return
                reason = "busy" if delivery.busy else "failed" if delivery.failed else f"raised {error!r}"
            elif process.killed:
                reason = "killed"
                await asyncio.wait_for(self.restarted.wait(), max(0.0, deadline - time.perf_counter()))
            else:
                reason = "timed out"
            if time.perf_counter() + backoff > deadline:
                self.undelivered += 1
                _debug(f"UNDELIVERED {update.update_id} user {_chat_of(update)}: {reason}")
                return
            _debug(f"redeliver {update.update_id} user {_chat_of(update)} in {backoff:.1f}s: {reason}")
            self.redelivered += 1
            await asyncio.sleep(backoff)
            backoff = min(backoff * 2, RETRY_CAP)

    async def kill(self) -> None:
        """kill -9 and a restart: a new process (bot, session, engine, Redis client) takes over."""
        old = self.process
        _debug("KILL")
        old.link.dead = True
        await asyncio.sleep(0.3)  # handlers reach their Bot API calls and hang there
        self.telegram.interrupted.update(chat for task, chat in self.in_flight_chats.items() if not task.done())
        new = Process(self.url, self.settings, self.telegram, self.redis_ttl)
        await old.kill(new.engine)
        self.killed.append(old)
        self.process = new
        _debug("RESTARTED")
        self.restarted.set()

    # --- one user ---------------------------------------------------------------------

    def _message(self, user: User, text: str) -> Update:
        message = Message(message_id=next(self._update_ids), date=dt.datetime.now(dt.UTC),
                          chat=Chat(id=user.id, type="private"), from_user=user, text=text,
                          entities=[{"type": "bot_command", "offset": 0, "length": len(text.split()[0])}]
                          if text.startswith("/") else None)
        return Update(update_id=next(self._update_ids), message=message)

    def _press(self, user: User, label: str) -> Update | None:
        chat = user.id
        for (chat_id, message_id), shown in sorted(self.telegram.messages.items(), reverse=True):
            if chat_id != chat or shown.markup is None:
                continue
            for row in shown.markup.inline_keyboard:
                for button in row:
                    if label in button.text and button.callback_data:
                        carrier = Message(message_id=message_id, date=dt.datetime.now(dt.UTC),
                                          chat=Chat(id=chat, type="private"), from_user=BOT_USER,
                                          text=shown.text, reply_markup=shown.markup)
                        query = CallbackQuery(id=str(next(self._update_ids)), from_user=user, chat_instance="ci",
                                              data=button.callback_data, message=carrier)
                        return Update(update_id=next(self._update_ids), callback_query=query)
        return None

    def _screen(self, chat: int) -> str:
        texts = self.telegram.delivered.get(chat, [])
        return texts[-1] if texts else ""

    async def _step(self, user: User, update: Update | None, wanted: str | Callable[[str], bool]) -> bool:
        """Feed ``update``; wait until the chat shows a screen containing ``wanted`` (or satisfying it)."""
        shows = wanted if callable(wanted) else (lambda screen: wanted in screen)
        if update is None:
            return False
        event = self.telegram.event(user.id)
        start = time.perf_counter()
        await self.feed(update)
        self.updates_fed += 1
        deadline = start + STEP_TIMEOUT
        while not shows(self._screen(user.id)):
            event.clear()
            remaining = deadline - time.perf_counter()
            if remaining <= 0:
                return False
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(event.wait(), min(remaining, 0.5))
        self.stats.reply_times.append(time.perf_counter() - start)
        return True

    async def user(self, index: int) -> None:
        user = User(id=900_000 + index, is_bot=False, first_name="Пользователь", language_code="ru")
        if not await self._step(user, self._message(user, "/start"), "152-ФЗ"):
            self.stats.lost += 1
            return
        if not await self._step(user, self._press(user, "Согласен"), "Что нужно бизнесу?"):
            self.stats.lost += 1
            return
        for _ in range(20):
            screen = self._screen(user.id)
            if RESULTS in screen:
                self.stats.completed += 1
                return
            question = next((q for q in ANSWERS if f"<b>{q}</b>" in screen), None)
            if question is None:
                self.stats.lost += 1
                return
            verb, arg = ANSWERS[question]
            if question == "Что нужно бизнесу?":
                toggle = self._press(user, arg)  # only the keyboard changes: wait for its tick
                if toggle is not None:
                    await self.feed(toggle)
                    self.updates_fed += 1
                    await self._ticked(user.id, arg)
                update = self._press(user, "Готово")
            else:
                update = self._press(user, arg) if verb == "click" else self._message(user, arg)
            def moved_on(screen: str, asked: str = question) -> bool:
                return RESULTS in screen or any(f"<b>{q}</b>" in screen for q in ANSWERS if q != asked)

            if not await self._step(user, update, moved_on):
                self.stats.lost += 1
                if os.environ.get("FAULT_BENCH_DEBUG"):
                    print("lost after", question, "user", user.id, "delivered:",
                          [t.split("<b>")[-1][:30] for t in self.telegram.delivered.get(user.id, [])], flush=True)
                return
        self.stats.lost += 1

    async def _ticked(self, chat: int, label: str) -> None:
        deadline = time.perf_counter() + STEP_TIMEOUT
        while time.perf_counter() < deadline:
            for (chat_id, _), shown in self.telegram.messages.items():
                if chat_id == chat and shown.markup is not None and any(
                        label in b.text and "✅" in b.text for row in shown.markup.inline_keyboard for b in row):
                    return
            event = self.telegram.event(chat)
            event.clear()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(event.wait(), 0.5)

    def duplicated(self) -> int:
        """Repeats of a question in a chat, less the one at-least-once allows an interrupted chat."""
        count = 0
        for chat, texts in self.telegram.delivered.items():
            questions = [q for text in texts for q in ANSWERS if f"<b>{q}</b>" in text and "✅" not in text]
            repeats = len(questions) - len(set(questions))
            count += max(0, repeats - (1 if chat in self.telegram.interrupted else 0))
        return count

    def _from_killed(self) -> bool:
        task = asyncio.current_task()
        return task is not None and any(task in process.tasks() for process in self.killed)

    async def run(self) -> dict[str, Any]:
        errors = ErrorCounter(self._from_killed)
        logging.getLogger("bot.telegram.errors").addHandler(errors)
        try:
            users = [asyncio.create_task(self.user(i)) for i in range(self.users)]
            if self.kill_planned:
                while self.updates_fed < self.users * 4 and not all(u.done() for u in users):
                    await asyncio.sleep(0.05)
                await self.kill()
            await asyncio.gather(*users)
        finally:
            logging.getLogger("bot.telegram.errors").removeHandler(errors)
            await self.process.stop()
            for process in self.killed:
                await process.bury()
        times = sorted(self.stats.reply_times) or [0.0]
        return {
            "scenario": self.name, "users": self.users, "completed": self.stats.completed, "failed": errors.count,
            "lost": self.stats.lost, "undelivered": self.undelivered, "redelivered": self.redelivered,
            "duplicated": self.duplicated(), "floods": self.telegram.floods,
            "p50": statistics.median(times), "p99": times[min(len(times) - 1, int(len(times) * 0.99))],
        }


def _chat_of(update: Update) -> int:
    if update.message is not None:
        return update.message.chat.id
    assert update.callback_query is not None
    return update.callback_query.from_user.id


class ErrorCounter(logging.Handler):
    """Counts the error handler's reports — not those of a killed process (it reports nothing)."""

    def __init__(self, ignore: Callable[[], bool]) -> None:
        super().__init__(logging.ERROR)
        self.ignore = ignore
        self.count = 0

    def emit(self, record: logging.LogRecord) -> None:
        if not self.ignore():
            self.count += 1


def _debug(message: str) -> None:
    if os.environ.get("FAULT_BENCH_DEBUG"):
        print(f"{time.perf_counter():.3f} {message}", flush=True)


def settings_for(url: str, redis_url: str | None) -> Settings:
    values: dict[str, Any] = {
        "bot_token": "42:TEST", "database_url": url,
        "measures_path": DATA / "measures.yaml", "questionnaire_path": DATA / "questionnaire.yaml",
        "throttle_burst": 1000, "throttle_rate": 1000.0, "privacy_policy_url": None,
    }
    if redis_url:
        values.update(redis_url=redis_url, redis_prefix=f"faultbench{uuid.uuid4().hex[:8]}")
    return Settings(_env_file=None, **values)  # type: ignore[call-arg]


SCENARIOS = (("clean", False, 0.0), ("429", False, 0.2), ("kill", True, 0.0))


@contextlib.asynccontextmanager
async def sqlite_urls(count: int) -> AsyncIterator[list[str]]:
    with tempfile.TemporaryDirectory() as directory:
        yield [f"sqlite+aiosqlite:///{Path(directory) / f'fault{i}.db'}" for i in range(count)]


async def run_backend(backend: str, users: int, scenarios: list[str] | None = None) -> list[dict[str, Any]]:
    opener = sqlite_urls if backend == "sqlite" else postgres_databases
    redis_url = REDIS_URL if backend != "sqlite" else None
    chosen = [s for s in SCENARIOS if scenarios is None or s[0] in scenarios]
    rows = []
    async with opener(len(chosen)) as urls:
        for url, (name, kill, flood) in zip(urls, chosen, strict=True):
            await asyncio.to_thread(upgrade, url)
            row = await Scenario(name, url, settings_for(url, redis_url), users, kill, flood).run()
            row["backend"] = backend
            print(f"  {backend:15} {name:6} completed {row['completed']}/{users}, failed {row['failed']}, "
                  f"lost {row['lost']}, undelivered {row['undelivered']}, redelivered {row['redelivered']}, duplicated {row['duplicated']}, 429s {row['floods']}, "
                  f"reply p50 {row['p50'] * 1000:.0f} ms, p99 {row['p99'] * 1000:.0f} ms", flush=True)
            rows.append(row)
    return rows


def checks_of(rows: list[dict[str, Any]]) -> list[Check]:
    checks = []
    for row in rows:
        title = f"Сбои: {row['backend']}, {row['scenario']}"
        faults = row["failed"] + row["lost"] + row["duplicated"] + (row["users"] - row["completed"])
        checks.append(Check(
            title=title,
            ours=f"{row['completed']}/{row['users']} прошли; сбоев {row['failed']}, потеряно {row['lost']}, "
                 f"дублей {row['duplicated']}",
            baseline="цель: все прошли, 0/0/0",
            ratio=float(faults), target=0.0, op="<=",
            note=f"ответ p50 {ru(row['p50'] * 1000, 0)} мс, p99 {ru(row['p99'] * 1000, 0)} мс; 429: {row['floods']}",
        ))
    return checks


async def main_async(users: int, backends: list[str], scenarios: list[str] | None = None) -> int:
    rows: list[dict[str, Any]] = []
    for backend in backends:
        if backend != "sqlite":
            why_not = await scaled_servers_answer()
            if why_not:
                print(f"fault_bench [{backend}]: servers do not answer — {why_not}")
                continue
        rows += await run_backend(backend, users, scenarios)
    print()
    print("| база | сценарий | прошли | сбои | потеряно | дубли | 429 | p50, мс | p99, мс |")
    print("| --- | --- | --- | --- | --- | --- | --- | --- | --- |")
    for row in rows:
        print(f"| {row['backend']} | {row['scenario']} | {row['completed']}/{row['users']} | {row['failed']} | "
              f"{row['lost']} | {row['duplicated']} | {row['floods']} | {row['p50'] * 1000:.0f} | "
              f"{row['p99'] * 1000:.0f} |")
    return emit("fault_bench", checks_of(rows), rows=rows)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--quick", action="store_true", help="the CI size: 20 users (about a minute)")
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--backend", choices=["sqlite", "postgres-redis", "both"], default="both")
    parser.add_argument("--scenario", choices=[name for name, _, _ in SCENARIOS], action="append",
                        help="run only this scenario (repeatable); all by default")
    args = parser.parse_args(argv)
    if args.quick and args.users == 50:
        args.users = 20
    logging.basicConfig(level=logging.CRITICAL)
    backends = ["sqlite", "postgres-redis"] if args.backend == "both" else [args.backend]
    print(f"fault_bench: {args.users} users, backends {backends}; PostgreSQL {POSTGRES_DSN.rsplit('@')[-1]}, "
          f"Redis {REDIS_URL}; python {sys.version.split()[0]}, pid {os.getpid()}", flush=True)
    return asyncio.run(main_async(args.users, backends, args.scenario))


if __name__ == "__main__":
    raise SystemExit(main())
