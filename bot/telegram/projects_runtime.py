"""Wiring the project registry into the running bot: the service and the live ``requests.yaml``
in the dispatcher's data (``projects``, ``partner_requests``), and the watcher beside polling
(customer-request alerts on every change of the file, the registry's expiry sweep)."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator
from pathlib import Path

from aiogram import Dispatcher
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.config import Settings
from bot.services import partner_requests
from bot.services.handoff import Handoff
from bot.services.projects import Projects
from bot.telegram.outbox.project_messages import TelegramProjectMessages


def install(dp: Dispatcher, settings: Settings) -> Projects:
    """After the handoff is installed: ``projects`` and ``partner_requests`` for the handlers."""
    handoff: Handoff = dp["handoff"]
    messages = TelegramProjectMessages()
    projects = Projects(handoff, messages)
    dp["projects"] = projects
    dp["project_messages"] = messages
    dp["partner_requests"] = partner_requests.holder_for(Path(settings.measures_path).resolve().parent)
    return projects


@contextlib.asynccontextmanager
async def running(sessions: async_sessionmaker[AsyncSession], dp: Dispatcher) -> AsyncIterator[None]:
    async with partner_requests.running(sessions, dp["partner_requests"], dp["project_messages"], dp["projects"]):
        yield
