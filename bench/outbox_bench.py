"""Outbox benchmark (issue 5) — A SIMULATION: a burst of 200 handoff messages into one staff group.

Simulated clock, simulated Telegram: no real time passes and no real Bot API is called, so the
figures are the pacer's decisions, not network measurements, and they do not depend on the
machine's load (the run is deterministic). The real outbox worker, pacer and SQLite database
run on that simulated clock; the Bot API is a simulated session that enforces Telegram's group limit the way the bot FAQ states it (at most 20
messages a minute to one group, as a sliding window) and answers 429 with ``retry_after``
when it is exceeded — so pacing mistakes show up as 429s, not as a pretty number.

Scenarios, same burst, same run:
- paced: our worker with the token-bucket pacer (group 19/min, burst 1; chat 1/s; 25/s overall);
- baseline: the same worker with the pacer switched off, relying on ``retry_after`` alone;
- merged: 200 messages from 20 users (10 each, written before the worker runs) relayed through
  the handoff, which merges a user's burst into one post.

Prints the send times, the largest number of messages in any 60-second window, the achieved
rate and its ratio to the 20/min limit, the 429s, and the simulated time to drain the burst.

Targets (issue 5: stay under the group limit without 429s; the ratios are chosen here): paced,
the most messages in any 60 s ≤ 1.0× the limit and no 429 at all; the achieved rate ≥ 0.9× the
limit, so the pacer does not buy safety by wasting the budget (it paces at 19/min by design).
The paced/baseline drain time and the merged posts are reported only.
"""

from __future__ import annotations

import argparse
import asyncio
import bisect
import json
import logging
import tempfile
import time
from collections.abc import AsyncGenerator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from aiogram import Bot
from aiogram.client.session.base import BaseSession
from aiogram.methods import CopyMessage, CreateForumTopic, SendMessage, TelegramMethod
from aiogram.types import Message
from sqlalchemy import select

from bench.result import Check, emit, ru

# The bot modules this benchmark drives, all imported here (they move in the bot/ restructure).
from bot.services.handoff import Handoff
from bot.services.outbox import enqueue
from bot.telegram.handoff.messages import incoming
from bot.telegram.handoff.presenter import TelegramHandoffPresenter
from bot.telegram.outbox.clock import SimClock
from bot.telegram.outbox.pacer import Pacer, Rate
from bot.telegram.outbox.worker import OutboxWorker, RoundReport, WorkerConfig
from db.engine import create_engine, create_sessionmaker
from db.handoff.tickets import TicketRepository
from db.migrate import upgrade
from db.models import OutboxMessage

GROUP = -1001234567890
LIMIT_PER_MINUTE = 20
UNLIMITED = Rate(capacity=10**9, per_second=10.0**9)


@dataclass
class LimitedTelegram(BaseSession):
    """Accepts a group message only if fewer than 20 went to the group in the last 60 s."""

    clock: SimClock = field(default_factory=SimClock)
    sent_at: list[float] = field(default_factory=list)
    too_many: int = 0

    def __post_init__(self) -> None:
        super().__init__()
        self._next_id = 1

    async def make_request(self, bot: Bot, method: TelegramMethod[Any], timeout: int | None = None) -> Any:
        now = self.clock.monotonic()
        chat_id = getattr(method, "chat_id", 0)
        if isinstance(chat_id, int) and chat_id < 0:
            window = [t for t in self.sent_at if t > now - 60]
            if len(window) >= LIMIT_PER_MINUTE:
                self.too_many += 1
                retry = max(1, int(window[0] + 60 - now + 0.999))
                body = {"ok": False, "error_code": 429, "description": f"Too Many Requests: retry after {retry}",
                        "parameters": {"retry_after": retry}}
                self.check_response(bot, method, 429, json.dumps(body))
            self.sent_at.append(now)
        self._next_id += 1
        if isinstance(method, CreateForumTopic):
            result: Any = {"message_thread_id": self._next_id, "name": method.name, "icon_color": 0}
        elif isinstance(method, CopyMessage):
            result = {"message_id": self._next_id}
        elif isinstance(method, SendMessage):
            result = {"message_id": self._next_id, "date": 0, "chat": {"id": method.chat_id, "type": "supergroup"},
                      "text": method.text}
        else:
            result = True
        return self.check_response(bot, method, 200, json.dumps({"ok": True, "result": result})).result

    async def stream_content(self, *args: Any, **kwargs: Any) -> AsyncGenerator[bytes, None]:
        yield b""  # pragma: no cover

    async def close(self) -> None:
        pass


def max_in_window(times: list[float], window: float = 60.0) -> int:
    """The most sends in any window of ``window`` seconds (closed at both ends)."""
    ordered = sorted(times)
    return max((bisect.bisect_right(ordered, t + window) - i for i, t in enumerate(ordered)), default=0)


async def _drain(worker: OutboxWorker, clock: SimClock, sessions: Any, limit: float = 7200) -> RoundReport:
    report = RoundReport()
    while clock.elapsed < limit:
        delay = await worker.run_once(report)
        async with sessions() as session:
            pending = await session.scalar(select(OutboxMessage.id).where(OutboxMessage.status == "pending").limit(1))
        if pending is None:
            break
        clock.advance(max(delay, 0.001))
    return report


async def _scenario(name: str, count: int, paced: bool, workdir: Path) -> dict[str, Any]:
    url = f"sqlite+aiosqlite:///{workdir / (name + '.db')}"
    await asyncio.to_thread(upgrade, url)
    engine = create_engine(url)
    sessions = create_sessionmaker(engine)
    clock = SimClock(start=datetime.now(UTC))
    telegram = LimitedTelegram(clock=clock)
    bot = Bot("42:BENCH", session=telegram)
    async with sessions() as session:
        for n in range(count):
            await enqueue(session, GROUP, "sendMessage", {"text": f"Сообщение пользователя №{n + 1}"},
                          kind="ticket_in_text")
        await session.commit()
    pacer = Pacer(clock=clock.monotonic) if paced else Pacer(clock=clock.monotonic, private=UNLIMITED,
                                                             group=UNLIMITED, overall=UNLIMITED)
    worker = OutboxWorker(bot=bot, sessions=sessions, pacer=pacer, config=WorkerConfig(jitter=0.0), now=clock.now)
    clock.advance(1.0)
    started = time.perf_counter()
    report = await _drain(worker, clock, sessions)
    wall = time.perf_counter() - started
    await engine.dispose()
    times = telegram.sent_at  # accepted sends only: a 429 raises before it is recorded
    accepted = len(times)
    span = (times[-1] - times[0]) if len(times) > 1 else 0.0
    rate = (accepted - 1) / span * 60 if span else 0.0
    return {"name": name, "sent": report.sent, "times": times, "too_many": telegram.too_many,
            "max_window": max_in_window(times), "span": span, "rate": rate, "wall": wall}


async def _merged(users: int, per_user: int, workdir: Path) -> dict[str, Any]:
    """200 messages from 20 users, relayed by the handoff before the worker runs: bursts merge."""

    url = f"sqlite+aiosqlite:///{workdir / 'merged.db'}"
    await asyncio.to_thread(upgrade, url)
    engine = create_engine(url)
    sessions = create_sessionmaker(engine)
    handoff = Handoff(staff_chat_id=GROUP, presenter=TelegramHandoffPresenter(), forum=False)
    async with sessions() as session:
        for user in range(users):
            opened = await TicketRepository(session).open(
                user_id=10_000 + user, user_pseudonym=None, staff_chat_id=GROUP, subject="вопрос", question=None,
                company=None, measure_id=None)
            for n in range(per_user):
                message = Message.model_validate({
                    "message_id": n + 1, "date": 0, "chat": {"id": 10_000 + user, "type": "private"},
                    "text": f"Сообщение {n + 1} пользователя {user + 1}"})
                await handoff.relay_from_user(session, opened.ticket, incoming(message))
        await session.commit()
        rows = len(list(await session.scalars(select(OutboxMessage.id))))
    await engine.dispose()
    return {"messages": users * per_user, "posts": rows}


def _print(result: dict[str, Any]) -> None:
    times = result["times"]
    head = ", ".join(f"{t - times[0]:.1f}" for t in times[:8])
    print(f"  {result['name']:<9} sent {result['sent']}, 429s {result['too_many']}, "
          f"max in any 60 s {result['max_window']}, drained in {result['span'] / 60:.1f} min simulated "
          f"({result['wall']:.2f} s real); achieved {result['rate']:.2f}/min = "
          f"{result['rate'] / LIMIT_PER_MINUTE:.3f} × the 20/min limit")
    print(f"            first sends at t = {head} s")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--quick", action="store_true", help="60 messages instead of 200")
    parser.add_argument("--count", type=int, default=None)
    args = parser.parse_args(argv)
    count = args.count or (60 if args.quick else 200)
    logging.getLogger("bot.telegram.outbox").setLevel(logging.ERROR)  # the baseline's 429s are counted, not logged
    with tempfile.TemporaryDirectory() as tmp:
        workdir = Path(tmp)
        paced = asyncio.run(_scenario("paced", count, True, workdir))
        baseline = asyncio.run(_scenario("baseline", count, False, workdir))
        merged = asyncio.run(_merged(count // 10, 10, workdir))
    print(f"outbox (SIMULATION: simulated clock, simulated Telegram): a burst of {count} messages into one "
          f"staff group (Telegram: ≤ 20/min per group)")
    _print(paced)
    _print(baseline)
    print(f"  ratio paced/baseline drain time: {paced['span'] / baseline['span']:.3f}; "
          f"429s {paced['too_many']} vs {baseline['too_many']}")
    print(f"  merged: {merged['messages']} messages from {count // 10} users became {merged['posts']} posts "
          f"({merged['posts'] / merged['messages']:.2f} of the group budget)")
    title = f"Симуляция (часы и Telegram смоделированы): {count} сообщений в группу, лимит 20/мин"
    paced_text = f"{ru(paced['rate'])}/мин, {paced['too_many']} ответов 429, за {ru(paced['span'] / 60)} мин"
    base_text = (f"без темпа: {ru(baseline['rate'])}/мин, {baseline['too_many']} ответов 429, "
                 f"за {ru(baseline['span'] / 60)} мин")
    return emit("outbox_bench", [
        Check(f"{title}; больше всего за 60 с / лимит", f"{paced['max_window']} за 60 с", base_text,
              paced["max_window"] / LIMIT_PER_MINUTE, 1.0),
        Check("Симуляция: ответы 429 с темпом (число, не отношение)", paced_text, base_text, float(paced["too_many"]), 0.0),
        Check("Симуляция: достигнутая скорость / лимит", paced_text, base_text, paced["rate"] / LIMIT_PER_MINUTE, 0.9, ">="),
        Check("Симуляция: время разбора очереди, с темпом / без", paced_text, base_text, paced["span"] / baseline["span"]),
        Check(f"Симуляция: {merged['messages']} сообщений от {count // 10} пользователей через обращения",
              f"{merged['posts']} постов", f"{merged['messages']} постов без склейки",
              merged["posts"] / merged["messages"]),
    ], simulated=True, paced_429=paced["too_many"], baseline_429=baseline["too_many"])


if __name__ == "__main__":
    raise SystemExit(main())
