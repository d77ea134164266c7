"""Fault benchmark (issue 14): 50 simulated users complete the questionnaire through the real
dispatcher while Telegram misbehaves — on SQLite, and on PostgreSQL with Redis.

Scenarios, each on each database:
- clean: a Bot API that always answers;
- 429: 20 % of Bot API calls are answered 429 ``retry_after 1`` (seeded, so reproducible);
- kill: one kill -9 mid-run. From a moment on every Bot API call hangs (the process is dead);
  then every update in flight is cancelled, a new dispatcher, engine and bot start on the same
  database, and the updates that were never acknowledged are delivered again (webhook
  semantics: an update is acknowledged when ``feed_update`` returns).

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
from aiogram.methods import (
    AnswerCallbackQuery,
    EditMessageReplyMarkup,
    EditMessageText,
    GetMe,
    SendMessage,
    TelegramMethod,
)
from aiogram.types import CallbackQuery, Chat, InlineKeyboardMarkup, Message, Update, User
from sqlalchemy.ext.asyncio import AsyncEngine

from bench.bot_bench import POSTGRES_DSN, REDIS_URL, postgres_databases, scaled_servers_answer
from bench.result import Check, emit, ru
from bot.config import Settings
from bot.services.domain import Domain
from bot.telegram.dispatcher import build_bot, build_dispatcher
from bot.telegram.outbox.worker import OutboxWorker
from db.engine import create_engine, create_sessionmaker
from db.migrate import upgrade
from rules.data import load_bundle

DATA = Path(__file__).resolve().parent.parent / "tests" / "bot" / "data"
STEP_TIMEOUT = 40.0  # seconds a user waits for the next screen before counting the reply lost
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
    dead: bool = False
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
        if self.dead:
            await asyncio.Event().wait()  # a killed process never hears back
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


@dataclass
class Stats:
    completed: int = 0
    lost: int = 0
    reply_times: list[float] = field(default_factory=list)


class Process:
    """One bot process: engine, dispatcher, outbox worker; ``kill`` stops it the hard way."""

    def __init__(self, url: str, settings: Settings, telegram: FaultyTelegram) -> None:
        self.url = url
        self.settings = settings
        self.telegram = telegram
        self.engine: AsyncEngine = create_engine(url)
        self.sessions = create_sessionmaker(self.engine)
        self.bot = build_bot("42:TEST", session=telegram)
        domain = Domain(load_bundle(DATA / "measures.yaml", DATA / "questionnaire.yaml"))
        self.dp: Dispatcher = build_dispatcher(domain, self.sessions, settings)
        self.worker = OutboxWorker(bot=self.bot, sessions=self.sessions)
        self.worker_task = asyncio.create_task(self.worker.run())
        self.in_flight: set[asyncio.Task[Any]] = set()

    async def stop(self) -> None:
        self.worker.stop()
        with contextlib.suppress(Exception):
            await asyncio.wait_for(self.worker_task, 5)
        with contextlib.suppress(Exception):
            await self.dp["backends"].close()
        with contextlib.suppress(Exception):
            await asyncio.wait_for(self.engine.dispose(), 5)


class Scenario:
    def __init__(self, name: str, url: str, settings: Settings, users: int, kill: bool, flood: float) -> None:
        self.name = name
        self.url = url
        self.settings = settings
        self.users = users
        self.kill_planned = kill
        self.telegram = FaultyTelegram(flood_share=flood)
        self.process = Process(url, settings, self.telegram)
        self.restarted = asyncio.Event()
        self.updates_fed = 0
        self.failed = 0
        self.stats = Stats()
        self._update_ids = itertools.count(1)
        self.in_flight_chats: dict[asyncio.Task[Any], int] = {}

    async def feed(self, update: Update) -> None:
        """Deliver until acknowledged: a copy cancelled by the kill is delivered again after restart."""
        while True:
            process = self.process
            if os.environ.get("FAULT_BENCH_DEBUG"):
                print(f"{time.perf_counter():.3f} feed {update.update_id} user {_chat_of(update)} gen {id(process) % 1000} "
                      f"dead {self.telegram.dead}", flush=True)
            task = asyncio.create_task(process.dp.feed_update(process.bot, update))
            process.in_flight.add(task)
            self.in_flight_chats[task] = _chat_of(update)
            try:
                await asyncio.shield(task)
                return
            except asyncio.CancelledError:
                if not task.cancelled():
                    raise
                await self.restarted.wait()
            finally:
                process.in_flight.discard(task)
                self.in_flight_chats.pop(task, None)

    async def kill(self) -> None:
        """kill -9: Telegram is unreachable from now; in-flight updates die; a new process starts."""
        old = self.process
        if os.environ.get("FAULT_BENCH_DEBUG"):
            print(f"{time.perf_counter():.3f} KILL", flush=True)
        self.telegram.dead = True
        await asyncio.sleep(0.3)  # handlers reach their Bot API calls and hang there
        self.telegram.interrupted.update(self.in_flight_chats.values())
        for task in list(old.in_flight):
            task.cancel()
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(asyncio.gather(*old.in_flight, return_exceptions=True), 10)
        old.worker_task.cancel()
        with contextlib.suppress(BaseException):
            await asyncio.wait_for(old.worker_task, 5)
        with contextlib.suppress(Exception):
            await asyncio.wait_for(old.engine.dispose(), 5)
        self.telegram.dead = False
        self.process = Process(self.url, self.settings, self.telegram)
        if os.environ.get("FAULT_BENCH_DEBUG"):
            print(f"{time.perf_counter():.3f} RESTARTED", flush=True)
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

    async def run(self) -> dict[str, Any]:
        errors = ErrorCounter()
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
        times = sorted(self.stats.reply_times) or [0.0]
        return {
            "scenario": self.name, "users": self.users, "completed": self.stats.completed, "failed": errors.count,
            "lost": self.stats.lost, "duplicated": self.duplicated(), "floods": self.telegram.floods,
            "p50": statistics.median(times), "p99": times[min(len(times) - 1, int(len(times) * 0.99))],
        }


def _chat_of(update: Update) -> int:
    if update.message is not None:
        return update.message.chat.id
    assert update.callback_query is not None
    return update.callback_query.from_user.id


class ErrorCounter(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.ERROR)
        self.count = 0

    def emit(self, record: logging.LogRecord) -> None:
        self.count += 1


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


async def run_backend(backend: str, users: int) -> list[dict[str, Any]]:
    opener = sqlite_urls if backend == "sqlite" else postgres_databases
    redis_url = REDIS_URL if backend != "sqlite" else None
    rows = []
    async with opener(len(SCENARIOS)) as urls:
        for url, (name, kill, flood) in zip(urls, SCENARIOS, strict=True):
            await asyncio.to_thread(upgrade, url)
            row = await Scenario(name, url, settings_for(url, redis_url), users, kill, flood).run()
            row["backend"] = backend
            print(f"  {backend:15} {name:6} completed {row['completed']}/{users}, failed {row['failed']}, "
                  f"lost {row['lost']}, duplicated {row['duplicated']}, 429s {row['floods']}, "
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


async def main_async(users: int, backends: list[str]) -> int:
    rows: list[dict[str, Any]] = []
    for backend in backends:
        if backend != "sqlite":
            why_not = await scaled_servers_answer()
            if why_not:
                print(f"fault_bench [{backend}]: servers do not answer — {why_not}")
                continue
        rows += await run_backend(backend, users)
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
    args = parser.parse_args(argv)
    if args.quick and args.users == 50:
        args.users = 20
    logging.basicConfig(level=logging.CRITICAL)
    backends = ["sqlite", "postgres-redis"] if args.backend == "both" else [args.backend]
    print(f"fault_bench: {args.users} users, backends {backends}; PostgreSQL {POSTGRES_DSN.rsplit('@')[-1]}, "
          f"Redis {REDIS_URL}; python {sys.version.split()[0]}, pid {os.getpid()}", flush=True)
    return asyncio.run(main_async(args.users, backends))


if __name__ == "__main__":
    raise SystemExit(main())
