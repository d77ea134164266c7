"""A whole bot on a real database, the recording session, and people to act in it.

``World`` builds the real dispatcher (``bot.telegram.dispatcher.build_dispatcher``, every router and middleware),
an outbox worker with the handoff hooks on a simulated clock, and update factories for an
entrepreneur in a private chat and consultants in the staff forum group.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from aiogram import Bot, Dispatcher
from aiogram.types import Update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.config import Settings
from bot.services.domain import Domain
from bot.services.handoff import Handoff
from bot.telegram.dispatcher import build_dispatcher
from bot.telegram.handoff.delivery import TicketDelivery
from bot.telegram.outbox.pacer import Pacer
from bot.telegram.outbox.worker import OutboxWorker, RoundReport, WorkerConfig
from db.models import OutboxMessage
from db.repositories import ProfileRepository, UserRepository
from tests.support.clock import SimClock
from tests.support.settings import settings_for_tests
from tests.support.telegram import RecordingSession

STAFF = -1001234567890
CONSULTANTS = (501, 502)
STRANGER = 777
USER = 1001

_update_ids = itertools.count(1)
_message_ids = itertools.count(1)

PROFILE = {
    "applicant_type": "legal_entity",
    "company_name": "ООО «Станкопром»",
    "registered_in_moscow": True,
    "headcount": 40,
    "income_mln": 300,
    "company_age_months": 30,
    "tax_debt": False,
}


def settings(**overrides: Any) -> Settings:
    values: dict[str, Any] = {
        "staff_chat_id": STAFF,
        "consultant_ids": frozenset(CONSULTANTS),
        "consultant_hours": "00:00-23:59",
        "consultant_workdays": "1-7",
        **overrides,
    }
    return settings_for_tests(None, **values)  # the shipped catalogue paths


def person(user_id: int, name: str = "Анна") -> dict[str, Any]:
    return {"id": user_id, "is_bot": False, "first_name": name}


@dataclass
class World:
    sessions: async_sessionmaker[AsyncSession]
    telegram: RecordingSession
    bot: Bot
    domain: Domain
    clock: SimClock
    config: Settings = field(default_factory=settings)
    dp: Dispatcher = field(init=False)
    worker: OutboxWorker = field(init=False)

    def __post_init__(self) -> None:
        self.restart()

    @property
    def handoff(self) -> Handoff:
        handoff: Handoff = self.dp["handoff"]
        return handoff

    def restart(self) -> None:
        """A new process: fresh dispatcher, service and worker on the same database."""
        self.dp = build_dispatcher(self.domain, self.sessions, self.config)
        self.worker = self.new_worker()
        self.handoff.on_enqueue(lambda: None)

    def new_worker(self) -> OutboxWorker:
        return OutboxWorker(bot=self.bot, sessions=self.sessions, pacer=Pacer(clock=self.clock.monotonic),
                            hooks=TicketDelivery(self.handoff), config=WorkerConfig(jitter=0.0), now=self.clock.now)

    # --- people -------------------------------------------------------------------------

    async def consenting_user(self, user_id: int = USER, profile: dict[str, Any] | None = None) -> None:
        async with self.sessions() as session:
            await UserRepository(session).ensure(user_id)
            await UserRepository(session).record_consent(user_id, "test")
            answers = dict(PROFILE if profile is None else profile)
            await ProfileRepository(session).save(
                user_id, answers=answers, progress={"answers": answers, "path": [], "version": self.domain.version},
                state={}, questionnaire_version=self.domain.version,
            )
            await session.commit()

    async def feed(self, update: dict[str, Any]) -> None:
        await self.dp.feed_update(self.bot, Update.model_validate({"update_id": next(_update_ids), **update},
                                                                   context={"bot": self.bot}))

    def user_message(self, text: str | None = None, user_id: int = USER, **extra: Any) -> dict[str, Any]:
        message: dict[str, Any] = {
            "message_id": next(_message_ids), "date": int(datetime.now(UTC).timestamp()),
            "chat": {"id": user_id, "type": "private"}, "from": person(user_id, "Иван"), **extra,
        }
        if text is not None:
            message["text"] = text
            if text.startswith("/"):
                message["entities"] = [{"type": "bot_command", "offset": 0, "length": len(text.split()[0])}]
        return {"message": message}

    def user_photo(self, user_id: int = USER, caption: str | None = None) -> dict[str, Any]:
        photo = [{"file_id": "AgAD", "file_unique_id": "u1", "width": 10, "height": 10}]
        extra: dict[str, Any] = {"photo": photo}
        if caption:
            extra["caption"] = caption
        return self.user_message(None, user_id, **extra)

    def user_press(self, data: str, user_id: int = USER) -> dict[str, Any]:
        return {"callback_query": {
            "id": f"cb{next(_update_ids)}", "from": person(user_id, "Иван"), "chat_instance": "ci", "data": data,
            "message": {"message_id": next(_message_ids), "date": 1_800_000_000,
                        "chat": {"id": user_id, "type": "private"}, "text": "…"},
        }}

    def staff_message(self, text: str | None, author: int = CONSULTANTS[0], thread: int | None = None,
                      reply_to: int | None = None, name: str = "Анна", **extra: Any) -> dict[str, Any]:
        message: dict[str, Any] = {
            "message_id": next(_message_ids), "date": 1_800_000_000,
            "chat": {"id": STAFF, "type": "supergroup", "title": "ЦКР", "is_forum": thread is not None},
            "from": person(author, name), **extra,
        }
        if text is not None:
            message["text"] = text
            if text.startswith("/"):
                message["entities"] = [{"type": "bot_command", "offset": 0, "length": len(text.split()[0])}]
        if thread is not None:
            message["message_thread_id"] = thread
            message["is_topic_message"] = True
            message["reply_to_message"] = {"message_id": reply_to or thread, "date": 1_800_000_000,
                                           "chat": message["chat"], "message_thread_id": thread}
        elif reply_to is not None:
            message["reply_to_message"] = {"message_id": reply_to, "date": 1_800_000_000, "chat": message["chat"]}
        return {"message": message}

    def staff_press(self, data: str, author: int = CONSULTANTS[0], name: str = "Анна",
                    card_message_id: int = 1) -> dict[str, Any]:
        return {"callback_query": {
            "id": f"cb{next(_update_ids)}", "from": person(author, name), "chat_instance": "staff", "data": data,
            "message": {"message_id": card_message_id, "date": 1_800_000_000,
                        "chat": {"id": STAFF, "type": "supergroup", "title": "ЦКР"}, "text": "Заявка"},
        }}

    # --- time and delivery --------------------------------------------------------------

    async def deliver(self, limit: float = 3600.0, worker: OutboxWorker | None = None) -> RoundReport:
        """Run the worker on the simulated clock until nothing pending is due within ``limit`` s."""
        from sqlalchemy import select

        worker = worker or self.worker
        report = RoundReport()
        start = self.clock.elapsed
        while self.clock.elapsed - start < limit:
            delay = await worker.run_once(report)
            async with self.sessions() as session:
                pending = await session.scalar(
                    select(OutboxMessage.id).where(OutboxMessage.status == "pending").limit(1)
                )
            if pending is None:
                break
            self.clock.advance(max(delay, 0.001))
        return report
