"""Fixtures for the project registry: the handoff tests' world (real dispatcher, outbox worker,
recording Bot API) with the registry's delivery hooks, and a published project factory."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import pytest
from aiogram import Bot
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.services.domain import Domain
from bot.services.projects import Projects
from bot.telegram.handoff.delivery import TicketDelivery
from bot.telegram.outbox.clock import SimClock
from bot.telegram.outbox.pacer import Pacer
from bot.telegram.outbox.project_delivery import ProjectDelivery
from bot.telegram.outbox.worker import OutboxWorker, WorkerConfig
from rules.data import Bundle
from tests.handoff.conftest import bot, clock, sessions, telegram  # noqa: F401  (shared fixtures)
from tests.handoff.recording import RecordingSession
from tests.handoff.world import World

OWNER_PROFILE = {"applicant_type": "legal_entity", "company_name": "ООО «Композит-Лаб»", "cluster": "composites",
                 "sector": "composites", "registered_in_moscow": True, "headcount": 12}
PROJECT = {
    "title": "Композитные лопасти для беспилотников",
    "summary": "Разрабатываем лёгкие композитные лопасти для беспилотных летательных аппаратов. "
               "Ищем производственного партнёра и заказчика для пилотных испытаний.",
    "cluster": "composites", "sector": "composites", "stage": "prototype", "seeks": ["manufacturing", "customer"],
    "offers": ["product"],
}


class ProjectWorld(World):
    """The handoff world whose outbox worker also knows the registry's staff topic."""

    @property
    def projects(self) -> Projects:
        projects: Projects = self.dp["projects"]
        return projects

    def new_worker(self) -> OutboxWorker:
        return OutboxWorker(bot=self.bot, sessions=self.sessions, pacer=Pacer(clock=self.clock.monotonic),
                            hooks=ProjectDelivery(TicketDelivery(self.handoff)), config=WorkerConfig(jitter=0.0),
                            now=self.clock.now)

    async def published(self, owner: int, data: dict[str, Any] | None = None) -> int:
        """A project submitted by ``owner`` and published by a consultant, through the service."""
        async with self.sessions() as session:
            project = await self.projects.submit(session, owner, dict(data or PROJECT))
            await self.projects.moderate(session, project.id, project.version, "publish", 501, "Анна")
            await session.commit()
        return project.id


@pytest.fixture
async def world(sessions: async_sessionmaker[AsyncSession], telegram: RecordingSession, bot: Bot,  # noqa: F811
                clock: SimClock, bundle: Bundle) -> AsyncIterator[ProjectWorld]:  # noqa: F811
    yield ProjectWorld(sessions, telegram, bot, Domain(bundle), clock)
