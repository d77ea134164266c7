"""Bot benchmark (issue 4): the real dispatcher, middlewares and SQLite database vs a baseline bot.

Workload — a realistic mix per simulated user: /start, consent, the whole questionnaire
(button answers, multi-select, typed numbers), results, three card opens, «Назад к списку»,
two free-text questions. Every update goes through ``Dispatcher.feed_update`` with our
routers, throttle, unit of work (update claim committed with the effects), event isolation
and the SQLite database in WAL mode; the Bot API is a null session that fabricates results.

Baseline, in the same run, with the same updates: a bare aiogram bot that echoes, doing the
minimal database work any persistent bot does — claim the update, upsert the user, insert one
event, one transaction — on its own SQLite database with the same settings.

Prints updates/s (sequential), p50/p99 per update and the ratio bot/baseline.
Targets (2 cores): ratio ≥ 0.6, ≥ 250 updates/s, p99 < 25 ms.

``--backend postgres-redis`` (``both`` by default when the servers answer) runs the same
workload in the scaled configuration: both bots on throw-away PostgreSQL databases
(``BENCH_POSTGRES_DSN``), the navigator with Redis FSM storage, isolation, dedupe and throttle
(``BENCH_REDIS_URL``), the baseline with aiogram's Redis storage and isolation. Its ratio is
against that baseline, not against SQLite; the targets are the SQLite ones.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import itertools
import os
import random
import statistics
import tempfile
import time
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

from aiogram import Bot, Dispatcher, F, Router
from aiogram.client.session.base import BaseSession
from aiogram.fsm.storage.memory import MemoryStorage, SimpleEventIsolation
from aiogram.methods import TelegramMethod
from aiogram.types import CallbackQuery, Chat, InlineKeyboardMarkup, Message, Update, User
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.config import Settings
from bot.services.domain import Domain
from bot.telegram.dispatcher import build_bot, build_dispatcher
from db.engine import create_engine, create_sessionmaker
from db.migrate import upgrade
from db.repositories import AnalyticsRepository, UpdateClaimRepository, UserRepository
from rules.data import load_bundle
from rules.errors import DataError

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = ROOT / "tests" / "bot" / "data"
BOT_USER = User(id=42, is_bot=True, first_name="Bench")
NUMBER_RANGES = {
    "headcount": (1, 300),
    "income_mln": (1, 2500),
    "company_age_months": (1, 240),
    "age_years": (18, 60),
}
FREE_TEXT = ("грант на оборудование для производства", "льготный заём для малого бизнеса")


class NullSession(BaseSession):
    """Answers every Bot API call with a valid result at no cost; keeps only the last keyboard."""

    def __init__(self) -> None:
        super().__init__()
        self.ids = itertools.count(1)
        self.calls = 0
        self.last: dict[int, Message] = {}

    async def close(self) -> None:
        return None

    async def stream_content(self, *args: Any, **kwargs: Any) -> Any:  # pragma: no cover
        raise NotImplementedError

    async def make_request(self, bot: Bot, method: TelegramMethod[Any], timeout: int | None = None) -> Any:
        self.calls += 1
        name = method.__api_method__
        if name in ("sendMessage", "editMessageText", "editMessageReplyMarkup"):
            chat_id = int(getattr(method, "chat_id", 0) or 0)
            markup = getattr(method, "reply_markup", None)
            message = Message(
                message_id=int(getattr(method, "message_id", 0) or next(self.ids)),
                date=dt.datetime.now(dt.UTC),
                chat=Chat(id=chat_id, type="private"),
                from_user=BOT_USER,
                text=getattr(method, "text", None) or "…",
                reply_markup=markup if isinstance(markup, InlineKeyboardMarkup) else None,
            )
            if message.reply_markup is not None:
                self.last[chat_id] = message
            return message
        if name == "getMe":
            return BOT_USER
        return True


class Driver:
    """Plays one user at a time against the real bot, choosing each next update from the replies."""

    def __init__(self, dp: Dispatcher, bot: Bot, session: NullSession, domain: Domain) -> None:
        self.dp, self.bot, self.session, self.domain = dp, bot, session, domain
        self.update_ids = itertools.count(1)
        self.message_ids = itertools.count(1)
        self.latencies: list[float] = []
        self.updates: list[Update] = []
        self.kinds: list[str] = []

    async def feed(self, update: Update, kind: str = "other") -> None:
        self.updates.append(update)
        start = time.perf_counter()
        await self.dp.feed_update(self.bot, update)
        self.latencies.append(time.perf_counter() - start)
        self.kinds.append(kind)

    def _mounted(self, update: Update) -> Update:
        """As long polling delivers it: parsed with the bot in context (outside the timing)."""
        return Update.model_validate(update.model_dump(), context={"bot": self.bot})

    def _user(self, uid: int) -> User:
        return User(id=uid, is_bot=False, first_name="Bench")

    async def text(self, uid: int, text: str, kind: str = "typed answer") -> None:
        message = Message(
            message_id=next(self.message_ids),
            date=dt.datetime.now(dt.UTC),
            chat=Chat(id=uid, type="private"),
            from_user=self._user(uid),
            text=text,
        )
        await self.feed(self._mounted(Update(update_id=next(self.update_ids), message=message)), kind)

    async def click(self, uid: int, label: str | None = None, index: int = 0, kind: str = "button") -> bool:
        message = self.session.last.get(uid)
        if message is None or message.reply_markup is None:
            return False
        buttons = [b for row in message.reply_markup.inline_keyboard for b in row if b.callback_data]
        if label is not None:
            buttons = [b for b in buttons if label in b.text]
            if not buttons:
                return False
        data = buttons[min(index, len(buttons) - 1)].callback_data
        query = CallbackQuery(
            id=str(next(self.update_ids)),
            from_user=self._user(uid),
            chat_instance="ci",
            data=data,
            message=message,
        )
        await self.feed(self._mounted(Update(update_id=next(self.update_ids), callback_query=query)), kind)
        return True

    async def journey(self, uid: int) -> None:
        """One user, answering at random (seeded): users share only the answers they happen to."""
        rng = random.Random(uid)
        await self.text(uid, "/start bench", kind="command")
        await self.click(uid, "Согласен", kind="consent")
        for _ in range(40):
            message = self.session.last.get(uid)
            text = message.text if message and message.text else ""
            if "Вопрос" not in text:
                break
            progress = await self._current_field(uid)
            if progress is None:
                break
            field, kind = progress
            if kind == "multi":
                for _ in range(rng.randint(1, 2)):
                    await self.click(uid, "▫️", rng.randint(0, 5), kind="multi tick")
                await self.click(uid, "Готово", kind="button answer")
            elif kind == "number":
                low, high = NUMBER_RANGES.get(field, (1, 100))
                await self.text(uid, str(rng.randint(low, high)))
            elif kind in ("text", "okved", "inn"):
                typed = {"okved": rng.choice(["26.51", "10.71", "62.01", "25.62"]), "inn": "7707083893"}
                await self.text(uid, typed.get(kind, "ООО «Тест»"))
            elif kind == "yesno":
                yes = rng.random() < (0.1 if field == "tax_debt" else 0.6)
                await self.click(uid, "Да" if yes else "Нет", kind="button answer")
            else:
                message = self.session.last[uid]
                options = len(message.reply_markup.inline_keyboard) if message.reply_markup else 1
                await self.click(uid, None, rng.randint(0, max(0, options - 2)), kind="button answer")
        for number in ("1", "2", "3"):
            if await self.click(uid, number, kind="card open"):
                await self.click(uid, "Назад к списку", kind="back to list")
        for question in FREE_TEXT:
            await self.text(uid, question, kind="free text")

    async def _current_field(self, uid: int) -> tuple[str, str] | None:
        from bot.services.journey import Journey
        from db.unit_of_work import UnitOfWork

        async with self.dp["sessions"]() as session:
            step = await Journey(UnitOfWork(session, 0), self.domain, uid).current_step()
        return (step.node.field, step.node.kind) if step.node else None


def baseline_dispatcher(sessions: async_sessionmaker[AsyncSession], redis_url: str | None = None,
                        prefix: str = "bench") -> Dispatcher:
    """Bare aiogram echo plus the minimal persistence: claim, upsert, event, one transaction."""
    router = Router(name="baseline")

    async def persist(update_id: int, user_id: int) -> None:
        async with sessions() as session:
            if not await UpdateClaimRepository(session).claim(update_id):
                return
            user = await UserRepository(session).ensure(user_id)
            await AnalyticsRepository(session).measure_opened(user_id, user.pseudonym, "echo")
            await session.commit()

    @router.message(F.text)
    async def echo(message: Message, event_update: Update, bot: Bot) -> None:
        await persist(event_update.update_id, message.chat.id)
        await bot.send_message(message.chat.id, message.text or "…")

    @router.callback_query()
    async def echo_button(callback: CallbackQuery, event_update: Update, bot: Bot) -> None:
        await persist(event_update.update_id, callback.from_user.id)
        await bot.answer_callback_query(callback.id)
        await bot.send_message(callback.from_user.id, callback.data or "…")

    if redis_url:
        from aiogram.fsm.storage.base import DefaultKeyBuilder
        from aiogram.fsm.storage.redis import RedisEventIsolation, RedisStorage
        from redis.asyncio import Redis

        redis = Redis.from_url(redis_url)
        dp = Dispatcher(
            storage=RedisStorage(redis, key_builder=DefaultKeyBuilder(prefix=f"{prefix}:fsm")),
            events_isolation=RedisEventIsolation(redis, key_builder=DefaultKeyBuilder(prefix=f"{prefix}:lock")),
        )
    else:
        dp = Dispatcher(storage=MemoryStorage(), events_isolation=SimpleEventIsolation())
    dp.include_router(router)
    return dp


POSTGRES_DSN = os.environ.get("BENCH_POSTGRES_DSN", "postgresql://postgres@127.0.0.1:5432/test")
REDIS_URL = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/15")


@asynccontextmanager
async def postgres_databases(count: int) -> AsyncIterator[list[str]]:
    """Throw-away ``navigator_bench_*`` databases on the PostgreSQL server, dropped afterwards."""
    import asyncpg

    names = [f"navigator_bench_{uuid.uuid4().hex[:10]}" for _ in range(count)]
    admin = await asyncpg.connect(POSTGRES_DSN)
    try:
        for name in names:
            await admin.execute(f'CREATE DATABASE "{name}"')
    finally:
        await admin.close()
    base = POSTGRES_DSN.rsplit("/", 1)[0].replace("postgresql://", "postgresql+asyncpg://")
    try:
        yield [f"{base}/{name}" for name in names]
    finally:
        admin = await asyncpg.connect(POSTGRES_DSN)
        try:
            for name in names:
                await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        finally:
            await admin.close()


async def scaled_servers_answer() -> str | None:
    """None if PostgreSQL and Redis answer, else why not."""
    import asyncpg
    from redis.asyncio import Redis

    try:
        connection = await asyncio.wait_for(asyncpg.connect(POSTGRES_DSN), 3)
        await connection.close()
    except Exception as exc:
        return f"PostgreSQL at {POSTGRES_DSN}: {type(exc).__name__}"
    redis = Redis.from_url(REDIS_URL)
    try:
        await asyncio.wait_for(redis.ping(), 3)
    except Exception as exc:
        return f"Redis at {REDIS_URL}: {type(exc).__name__}"
    finally:
        await redis.aclose()
    return None


async def clear_redis(prefix: str) -> None:
    from redis.asyncio import Redis

    redis = Redis.from_url(REDIS_URL)
    try:
        keys = [key async for key in redis.scan_iter(match=f"{prefix}*")]
        for start in range(0, len(keys), 500):
            await redis.delete(*keys[start:start + 500])
    finally:
        await redis.aclose()


def load_domain() -> tuple[Domain, str]:
    try:
        return Domain(
            load_bundle(ROOT / "measures.yaml", ROOT / "rules" / "questionnaire.yaml")
        ), "shipped data"
    except DataError:
        return Domain(
            load_bundle(FIXTURES / "measures.yaml", FIXTURES / "questionnaire.yaml")
        ), "test fixtures"


def summary(latencies: list[float]) -> tuple[float, float, float]:
    ordered = sorted(latencies)
    p50 = statistics.median(ordered) * 1000
    p99 = ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))] * 1000
    return len(ordered) / sum(ordered), p50, p99


async def run(users: int, warmup: int, verbose: bool = False, backend: str = "sqlite",
              scaled_users: int | None = None) -> int:
    """``scaled_users``: users for the PostgreSQL+Redis run in ``both`` (a commit there costs more)."""
    if backend == "both":
        await run(users, warmup, verbose, "sqlite")
        why_not = await scaled_servers_answer()
        if why_not is not None:
            print(f"bot_bench [postgres-redis]: skipped — {why_not}")
            return 0
        return await run(scaled_users or users, warmup, verbose, "postgres-redis")
    if backend == "postgres-redis":
        prefix = f"navbench{uuid.uuid4().hex[:8]}"
        try:
            async with postgres_databases(2) as (bot_url, base_url):
                return await measure(users, warmup, verbose, bot_url, base_url, REDIS_URL, prefix)
        finally:
            await clear_redis(prefix)
    with tempfile.TemporaryDirectory() as tmp:
        return await measure(users, warmup, verbose, f"sqlite+aiosqlite:///{tmp}/bot.db",
                             f"sqlite+aiosqlite:///{tmp}/baseline.db")


async def measure(users: int, warmup: int, verbose: bool, bot_url: str, base_url: str,
                  redis_url: str | None = None, prefix: str = "bench") -> int:
    domain, source = load_domain()
    label = "postgres-redis" if redis_url else "sqlite"
    await asyncio.to_thread(upgrade, bot_url)
    await asyncio.to_thread(upgrade, base_url)
    bot_engine, base_engine = create_engine(bot_url), create_engine(base_url)
    settings = Settings(
        _env_file=None, bot_token="42:BENCH", throttle_burst=10_000, throttle_rate=10_000.0,
        redis_url=redis_url, redis_prefix=f"{prefix}:nav",
    )  # type: ignore[call-arg]
    try:
        null = NullSession()
        bot = build_bot("42:BENCH", session=null)
        dp = build_dispatcher(domain, create_sessionmaker(bot_engine), settings)
        driver = Driver(dp, bot, null, domain)
        for uid in range(1, warmup + 1):
            await driver.journey(uid)
        driver.latencies.clear()
        driver.updates.clear()
        driver.kinds.clear()
        for uid in range(1000, 1000 + users):
            await driver.journey(uid)
        bot_rate, bot_p50, bot_p99 = summary(driver.latencies)

        base_null = NullSession()
        base_bot = build_bot("42:BENCH", session=base_null)
        base_dp = baseline_dispatcher(create_sessionmaker(base_engine), redis_url, f"{prefix}:base")
        for update in driver.updates[: max(1, len(driver.updates) // 20)]:  # warm-up, other ids
            await base_dp.feed_update(
                base_bot, update.model_copy(update={"update_id": update.update_id + 10**9})
            )
        base_latencies = []
        for update in driver.updates:
            start = time.perf_counter()
            await base_dp.feed_update(base_bot, update)
            base_latencies.append(time.perf_counter() - start)
        base_rate, base_p50, base_p99 = summary(base_latencies)
    finally:
        if "dp" in locals():
            await dp["backends"].close()
        if "base_dp" in locals():
            await base_dp.storage.close()
        await bot_engine.dispose()
        await base_engine.dispose()

    ratio = bot_rate / base_rate
    print(
        f"bot_bench [{label}]: {len(driver.latencies)} updates from {users} users ({source}: "
        f"{len(domain.catalogue.measures)} measures, {len(domain.questionnaire.nodes)} questions), sequential"
    )
    print(f"  navigator bot : {bot_rate:7.0f} updates/s  p50 {bot_p50:5.2f} ms  p99 {bot_p99:5.2f} ms")
    print(f"  baseline echo : {base_rate:7.0f} updates/s  p50 {base_p50:5.2f} ms  p99 {base_p99:5.2f} ms")
    if verbose:
        for kind in sorted(set(driver.kinds)):
            values = [lat for lat, k in zip(driver.latencies, driver.kinds, strict=True) if k == kind]
            _, p50, p99 = summary(values)
            print(f"    {kind:14s} ×{len(values):5d}  p50 {p50:6.2f} ms  p99 {p99:6.2f} ms")
    ok = ratio >= 0.6 and bot_rate >= 250 and bot_p99 < 25
    print(
        f"  ratio {ratio:.2f} (target ≥ 0.6); ≥ 250 updates/s: {'yes' if bot_rate >= 250 else 'NO'}; "
        f"p99 < 25 ms: {'yes' if bot_p99 < 25 else 'NO'} → {'OK' if ok else 'BELOW TARGET'}"
    )
    return 0


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--users", type=int, default=None)
    parser.add_argument("--by-kind", action="store_true", help="latency per kind of update")
    parser.add_argument("--backend", choices=("sqlite", "postgres-redis", "both"), default="both",
                        help="embedded (SQLite), scaled (PostgreSQL + Redis), or both (default; the "
                             "scaled run is skipped with a note if its servers do not answer)")
    args = parser.parse_args(argv)
    users = args.users or (20 if args.quick else 100)
    scaled_users = args.users or (4 if args.quick else 50)
    raise SystemExit(asyncio.run(run(users, warmup=1 if args.quick else 3, verbose=args.by_kind,
                                     backend=args.backend, scaled_users=scaled_users)))


if __name__ == "__main__":
    main()
