"""Bot benchmark (issue 4): the real dispatcher, middlewares and SQLite database vs a baseline bot.

Workload — a realistic mix per simulated user: /start, consent, the whole questionnaire
(button answers, multi-select, typed numbers), results, three card opens, «Назад к списку»,
two free-text questions. Every update goes through ``Dispatcher.feed_update`` with our
routers, throttle, unit of work (update claim committed with the effects), event isolation
and the SQLite database in WAL mode; the Bot API is a null session that fabricates results.

Baseline, in the same run, with the same updates: a bare aiogram bot that echoes, doing the
same database writes as the navigator's update path for that kind of update (``Journey``), in one
transaction on its own database with the same settings: every update claims its ``update_id``
and loads the user with the profile; an answer appends to the answer history, adds the
``question_answered`` analytics row and rewrites the profile's answers and progress; consent
creates the user, the consent and the profile; a card open and a free-text question add their
analytics row. What remains between the two is the navigator's own work: routing,
middlewares, FSM, the questionnaire engine, verdicts and rendering.

Interleaved: several rounds (5 by default), each with fresh users — the navigator plays the
round's journeys, then the baseline replays exactly those updates. The ratio is the median of
the rounds' ratios (navigator updates/s ÷ baseline updates/s); latencies are pooled.
Prints updates/s (sequential), p50/p99 per update, the p99 of the results-screen update (the
answer that completes the questionnaire and shows the verdicts) and the ratio bot/baseline.
Targets (2 cores): the goal is a ratio ≥ 0.6 (set against a lighter echo baseline, kept when the
baseline started doing the same writes); CI gates on ≥ 0.4 (``GATE``) because this shared machine
scatters single runs 0.45–0.61; ≥ 250 updates/s and p99 < 25 ms are absolute, reported only.

``--backend postgres-redis`` (``both`` by default when the servers answer) runs the same
workload in the scaled configuration: both bots on throw-away PostgreSQL databases
(admin connection ``BENCH_POSTGRES_DSN``, else ``TEST_POSTGRES_DSN``), the navigator with Redis FSM storage, isolation, dedupe and throttle
(``BENCH_REDIS_URL``), the baseline with aiogram's Redis storage and isolation. Its ratio is
against that baseline, not against SQLite; the targets are the SQLite ones. Servers that do not
answer are a failed check, not a skip (``--backend sqlite`` runs the embedded one alone).
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
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bench.result import Check, emit, ru
from bot.config import Settings
from bot.services.domain import Domain
from bot.services.journey import Journey

# The bot modules this benchmark drives, all imported here (they move in the bot/ restructure).
from bot.telegram.dispatcher import build_bot, build_dispatcher
from db.engine import create_engine, create_sessionmaker
from db.migrate import upgrade
from db.models import AnalyticsEvent, AnswerRecord, ProcessedUpdate, Profile
from db.models import User as UserRow
from db.repositories import (
    AnalyticsRepository,
    AnswerHistoryRepository,
    ProfileRepository,
    UserRepository,
)
from db.unit_of_work import DuplicateUpdate, UnitOfWork
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
ANSWERS = frozenset({"button answer", "typed answer", "results"})  # kinds that save an answer
RESULTS = "results"  # the answer that completes the questionnaire: its reply is the results screen


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
            # a number opens the card with that number; a group button «Экспорт · 3» is not card 3
            buttons = [b for b in buttons if (b.text == label if label.isdigit() else label in b.text)]
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
                if self.kinds and self.kinds[-1] in ANSWERS:
                    self.kinds[-1] = RESULTS
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
        async with self.dp["sessions"]() as session:
            step = await Journey(UnitOfWork(session, 0), self.domain, uid).current_step()
        return (step.node.field, step.node.kind) if step.node else None


async def persist(sessions: async_sessionmaker[AsyncSession], update_id: int, user_id: int, kind: str,
                  value: str) -> None:
    """The navigator's database writes for an update of this kind (see ``Journey``), one transaction."""
    async with sessions() as session:
        uow = UnitOfWork(session, update_id)
        try:
            row = (await session.execute(  # the claim goes first, then user and profile in one query
                select(UserRow, Profile).outerjoin(Profile, Profile.user_id == UserRow.telegram_id)
                .where(UserRow.telegram_id == user_id)
            )).first()
        except DuplicateUpdate:
            return
        user, profile = (row[0], row[1]) if row else (None, None)
        if kind == "consent":
            users = UserRepository(session)
            user = await users.ensure(user_id, "bench")
            await users.record_consent(user_id, "bench")
            await ProfileRepository(session).save(user_id, answers={}, progress={"answers": {}}, state={},
                                                   questionnaire_version="bench")
        elif user is not None and profile is not None and kind in ANSWERS:
            field = f"f{len(profile.answers or {})}"
            await AnswerHistoryRepository(session).add(user_id, field, field, value, "bench")
            await AnalyticsRepository(session).question_answered(user_id, user.pseudonym, field, field)
            answers = {**(profile.answers or {}), field: value}
            profile.answers = answers
            profile.progress = {"version": "bench", "answers": answers, "asked": list(answers)}
            profile.state = dict(profile.state or {})
            profile.revision = (profile.revision or 0) + 1
        elif user is not None and kind == "card open":
            await AnalyticsRepository(session).measure_opened(user_id, user.pseudonym, value)
        elif user is not None and kind == "free text":
            await AnalyticsRepository(session).search_query(user_id, user.pseudonym, value, True)
        await uow.commit()


def baseline_dispatcher(sessions: async_sessionmaker[AsyncSession], redis_url: str | None = None,
                        prefix: str = "bench") -> Dispatcher:
    """Bare aiogram echo plus the navigator's writes; ``kinds`` (workflow data) maps update → kind."""
    router = Router(name="baseline")

    @router.message(F.text)
    async def echo(message: Message, event_update: Update, bot: Bot, kinds: dict[int, str]) -> None:
        kind = kinds.get(event_update.update_id, "other")
        await persist(sessions, event_update.update_id, message.chat.id, kind, message.text or "")
        await bot.send_message(message.chat.id, message.text or "…")

    @router.callback_query()
    async def echo_button(callback: CallbackQuery, event_update: Update, bot: Bot, kinds: dict[int, str]) -> None:
        kind = kinds.get(event_update.update_id, "other")
        await persist(sessions, event_update.update_id, callback.from_user.id, kind, callback.data or "")
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


# The goal (issue 4/14) is 0.6 against the same-writes baseline; measured 0.45–0.61 on this shared
# 2-core machine, so CI gates on 0.4 — a floor that a 1.5× slowdown of the update path crosses —
# and the table says whether the goal was reached.
GOAL = 0.6
GATE = 0.4
POSTGRES_DSN = os.environ.get(
    "BENCH_POSTGRES_DSN", os.environ.get("TEST_POSTGRES_DSN", "postgresql://postgres@127.0.0.1:5432/test"))
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


async def row_counts(sessions: async_sessionmaker[AsyncSession]) -> tuple[int, ...]:
    """Claims, answer history, analytics and profile revisions: what an update path writes."""
    async with sessions() as session:
        return tuple([
            int(await session.scalar(select(func.count()).select_from(model)) or 0)
            for model in (ProcessedUpdate, AnswerRecord, AnalyticsEvent)
        ] + [int(await session.scalar(select(func.coalesce(func.sum(Profile.revision), 0))) or 0)])


def summary(latencies: list[float]) -> tuple[float, float, float]:
    ordered = sorted(latencies)
    p50 = statistics.median(ordered) * 1000
    p99 = ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))] * 1000
    return len(ordered) / sum(ordered), p50, p99


async def run(rounds: int, users: int, warmup: int, verbose: bool = False, backend: str = "sqlite",
              scaled_users: int | None = None) -> list[Check]:
    """``users`` per round; ``scaled_users``: per round on PostgreSQL+Redis in ``both`` (a commit costs more)."""
    if backend == "both":
        checks = await run(rounds, users, warmup, verbose, "sqlite")
        return checks + await run(rounds, scaled_users or users, warmup, verbose, "postgres-redis")
    if backend == "postgres-redis":
        why_not = await scaled_servers_answer()
        if why_not is not None:
            print(f"bot_bench [postgres-redis]: servers do not answer — {why_not}")
            return [Check(f"Бот, PostgreSQL + Redis: серверы недоступны ({why_not})", "—", "—", 0.0, GATE, ">=")]
        prefix = f"navbench{uuid.uuid4().hex[:8]}"
        try:
            async with postgres_databases(2) as (bot_url, base_url):
                return [await measure(rounds, users, warmup, verbose, bot_url, base_url, REDIS_URL, prefix)]
        finally:
            await clear_redis(prefix)
    with tempfile.TemporaryDirectory() as tmp:
        return [await measure(rounds, users, warmup, verbose, f"sqlite+aiosqlite:///{tmp}/bot.db",
                              f"sqlite+aiosqlite:///{tmp}/baseline.db")]


async def replay(dp: Dispatcher, bot: Bot, updates: list[Update], shift: int = 0) -> list[float]:
    latencies = []
    for update in updates:
        if shift:
            update = update.model_copy(update={"update_id": update.update_id + shift})
        start = time.perf_counter()
        await dp.feed_update(bot, update)
        latencies.append(time.perf_counter() - start)
    return latencies


async def measure(rounds: int, users: int, warmup: int, verbose: bool, bot_url: str, base_url: str,
                  redis_url: str | None = None, prefix: str = "bench") -> Check:
    domain, source = load_domain()
    label = "postgres-redis" if redis_url else "sqlite"
    await asyncio.to_thread(upgrade, bot_url)
    await asyncio.to_thread(upgrade, base_url)
    bot_engine, base_engine = create_engine(bot_url), create_engine(base_url)
    settings = Settings(
        _env_file=None, bot_token="42:BENCH", throttle_burst=10_000, throttle_rate=10_000.0,
        redis_url=redis_url, redis_prefix=f"{prefix}:nav",
    )  # type: ignore[call-arg]
    kinds: dict[int, str] = {}
    ratios: list[float] = []
    bot_latencies: list[float] = []
    base_latencies: list[float] = []
    all_kinds: list[str] = []
    try:
        null = NullSession()
        bot = build_bot("42:BENCH", session=null)
        dp = build_dispatcher(domain, create_sessionmaker(bot_engine), settings)
        driver = Driver(dp, bot, null, domain)
        base_bot = build_bot("42:BENCH", session=NullSession())
        base_dp = baseline_dispatcher(create_sessionmaker(base_engine), redis_url, f"{prefix}:base")
        base_dp["kinds"] = kinds
        for uid in range(1, warmup + 1):  # warm-up: both sides, not timed
            await driver.journey(uid)
        kinds.update({u.update_id + 10**9: k for u, k in zip(driver.updates, driver.kinds, strict=True)})
        await replay(base_dp, base_bot, driver.updates, shift=10**9)
        for number in range(rounds):
            driver.latencies.clear()
            driver.updates.clear()
            driver.kinds.clear()
            first = 1000 + number * users
            for uid in range(first, first + users):
                await driver.journey(uid)
            kinds.update({u.update_id: k for u, k in zip(driver.updates, driver.kinds, strict=True)})
            base = await replay(base_dp, base_bot, driver.updates)
            ratios.append(summary(driver.latencies)[0] / summary(base)[0])
            bot_latencies += driver.latencies
            base_latencies += base
            all_kinds += driver.kinds
        written = await row_counts(create_sessionmaker(bot_engine)), await row_counts(create_sessionmaker(base_engine))
    finally:
        if "dp" in locals():
            await dp["backends"].close()
        if "base_dp" in locals():
            await base_dp.storage.close()
        await bot_engine.dispose()
        await base_engine.dispose()

    bot_rate, bot_p50, bot_p99 = summary(bot_latencies)
    base_rate, base_p50, base_p99 = summary(base_latencies)
    results = [lat for lat, k in zip(bot_latencies, all_kinds, strict=True) if k == RESULTS]
    results_p99 = summary(results)[2] if results else float("nan")
    ratio = statistics.median(ratios)
    print(
        f"bot_bench [{label}]: {len(bot_latencies)} updates from {rounds} rounds × {users} users ({source}: "
        f"{len(domain.catalogue.measures)} measures, {len(domain.questionnaire.nodes)} questions), sequential"
    )
    print(f"  navigator bot : {bot_rate:7.0f} updates/s  p50 {bot_p50:5.2f} ms  p99 {bot_p99:5.2f} ms  "
          f"results screen p99 {results_p99:5.2f} ms (n={len(results)})")
    print(f"  baseline      : {base_rate:7.0f} updates/s  p50 {base_p50:5.2f} ms  p99 {base_p99:5.2f} ms  "
          f"(echo + the same database writes)")
    if verbose:
        for kind in sorted(set(all_kinds)):
            values = [lat for lat, k in zip(bot_latencies, all_kinds, strict=True) if k == kind]
            _, p50, p99 = summary(values)
            print(f"    {kind:14s} ×{len(values):5d}  p50 {p50:6.2f} ms  p99 {p99:6.2f} ms")
    print("  rows written (claims, answer history, analytics, profile revisions): "
          f"navigator {written[0]}, baseline {written[1]}")
    assert written[0] == written[1], "the baseline no longer writes what the navigator writes: update persist()"
    print(f"  ratio per round {', '.join(f'{r:.2f}' for r in ratios)} → median {ratio:.2f} (gate ≥ {GATE}, goal ≥ {GOAL}); "
          f"absolute, reported only: ≥ 250 updates/s {'yes' if bot_rate >= 250 else 'no'}, "
          f"p99 < 25 ms {'yes' if bot_p99 < 25 else 'no'}")
    where = "PostgreSQL + Redis" if redis_url else "SQLite"
    return Check(
        f"Бот, {where}, {len(bot_latencies)} обновлений, {rounds} раундов по {users} чел. (медиана отношений)",
        f"{ru(bot_rate, 0)}/с, p50 {ru(bot_p50)} мс, p99 {ru(bot_p99)} мс; экран результатов p99 {ru(results_p99)} мс",
        f"эхо-бот с теми же записями в базу {ru(base_rate, 0)}/с, p99 {ru(base_p99)} мс",
        ratio, GATE, ">=", note=f"цель задачи ≥ 0,6: {'да' if ratio >= GOAL else 'нет'}; "
                                 f"≥ 250/с и p99 < 25 мс: {'да' if bot_rate >= 250 and bot_p99 < 25 else 'нет'}",
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--rounds", type=int, default=5, help="alternating navigator/baseline rounds")
    parser.add_argument("--users", type=int, default=None, help="users per round")
    parser.add_argument("--by-kind", action="store_true", help="latency per kind of update")
    parser.add_argument("--backend", choices=("sqlite", "postgres-redis", "both"), default="both",
                        help="embedded (SQLite), scaled (PostgreSQL + Redis), or both (default)")
    args = parser.parse_args(argv)
    users = args.users or (6 if args.quick else 20)
    scaled_users = args.users or (2 if args.quick else 10)
    checks = asyncio.run(run(args.rounds, users, warmup=1 if args.quick else 3, verbose=args.by_kind,
                             backend=args.backend, scaled_users=scaled_users))
    return emit("bot_bench", checks)


if __name__ == "__main__":
    raise SystemExit(main())
