"""Keeping the outbox in step with ``requests.yaml``: large customers' requests reach the SMEs they fit.

Decisions:
- The file is re-read when its text changes (checked every ``CHECK_INTERVAL`` seconds), never
  from a user's update; a bad file keeps the last good one live and is logged with every
  located problem (``navigator check`` shows the same list to staff). That is the hot reload.
- Who hears: users who opted in to alerts («Сообщать о новых мерах»), consented and did not
  block the bot, whose saved profile fits the request or who own a published project that does.
- Once per user and request *version*: ``request_alerts`` has a unique key, written in the same
  transaction as the outbox row, so a reload, a restart or a second instance sends nothing twice;
  an edited request (a new version) is news again.
- «Откликнуться» opens a consultant handoff with the request attached (``Projects.respond_to_request``).
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import logging
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.services.outbox import enqueue
from bot.services.projects import Projects
from db.models import utcnow
from db.projects.repository import ProjectRepository
from db.staff.repository import subscribed_profiles
from rules.errors import DataError
from rules.partner_requests import FILE_NAME, CustomerRequest, RequestBook, alert_pairs, load_requests

log = logging.getLogger(__name__)
CHECK_INTERVAL = 30.0
SWEEP_INTERVAL = 3600.0
KIND_ALERT = "customer_request_alert"


class RequestMessages(Protocol):
    """The port the Telegram wing implements: what a customer-request alert says."""

    def request_alert(self, user_id: int, request: CustomerRequest) -> dict[str, Any]: ...


@dataclass
class RequestHolder:
    """The live ``requests.yaml`` (the last good version), shared with the handlers."""

    path: Path
    book: RequestBook | None = None
    problems: int = 0

    def load(self, today: dt.date) -> tuple[RequestBook | None, bool]:
        """(live book, changed?) — a broken file keeps the previous book live."""
        if not self.path.exists():
            return self.book, False
        try:
            book = load_requests(self.path, today)
        except DataError as exc:
            if self.problems != len(exc.problems):
                for problem in exc.problems:
                    log.error("requests.yaml: %s", problem)
            self.problems = len(exc.problems)
            return self.book, False
        self.problems = 0
        changed = self.book is None or self.book.version != book.version
        self.book = book
        return book, changed

    def get(self, request_id: str) -> CustomerRequest | None:
        return self.book.by_id.get(request_id) if self.book else None


def holder_for(folder: Path) -> RequestHolder:
    holder = RequestHolder(folder / FILE_NAME)
    holder.load(dt.date.today())
    return holder


async def sync_once(session: AsyncSession, book: RequestBook, messages: RequestMessages,
                    today: dt.date, now: dt.datetime | None = None) -> int:
    """Alert every fitting, opted-in user about every open request version they have not heard of."""
    now = now or utcnow()
    repo = ProjectRepository(session)
    profiles = await subscribed_profiles(session)
    projects = await repo.owners_of_published()
    queued = 0
    for user_id, request in alert_pairs(book.requests, profiles, projects, today):
        if not await repo.record_alert(user_id, request.id, request.version, now):
            continue
        await enqueue(session, user_id, "sendMessage", messages.request_alert(user_id, request), kind=KIND_ALERT,
                      dedupe_key=f"customer-request:{user_id}:{request.id}:{request.version}"[:128])
        queued += 1
    return queued


async def watch(sessions: async_sessionmaker[AsyncSession], holder: RequestHolder, messages: RequestMessages,
                projects: Projects, clock: Callable[[], dt.datetime] = utcnow,
                interval: float = CHECK_INTERVAL) -> None:
    """Forever: alerts when requests.yaml changes; the registry's expiry sweep every hour."""
    last_sweep: dt.datetime | None = None
    pending_first = True
    while True:
        try:
            now = clock()
            book, changed = holder.load(now.date())
            if book is not None and (changed or pending_first):
                async with sessions() as session:
                    queued = await sync_once(session, book, messages, now.date(), now)
                    await session.commit()
                log.info("requests.yaml %s: %s alert(s) queued", book.version, queued)
                pending_first = False
                if queued:
                    projects.wake()
            if last_sweep is None or (now - last_sweep).total_seconds() >= SWEEP_INTERVAL:
                async with sessions() as session:
                    reminded, archived = await projects.sweep(session, now)
                    await session.commit()
                if reminded or archived:
                    log.info("projects: %s reminder(s), %s archived", reminded, archived)
                    projects.wake()
                last_sweep = now
        except Exception:
            log.exception("syncing requests.yaml or the project registry failed; retrying later")
        await asyncio.sleep(interval)


@contextlib.asynccontextmanager
async def running(sessions: async_sessionmaker[AsyncSession], holder: RequestHolder, messages: RequestMessages,
                  projects: Projects) -> AsyncIterator[None]:
    task = asyncio.create_task(watch(sessions, holder, messages, projects), name="partner-requests")
    try:
        yield
    finally:
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task
