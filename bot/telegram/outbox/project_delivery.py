"""Outbox hooks for the registry's standing staff topic «Модерация проектов», around the handoff's.

Rows with ``_staff_topic`` belong here: the topic is created once (a second creation row is
dropped), every card goes into the topic's current thread (none in a group without topics),
a sent card's message id is kept on the project, and a deleted topic is recreated. Every other
row is the wrapped hooks' business (the handoff's ``TicketDelivery``).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from aiogram import Bot
from sqlalchemy.ext.asyncio import AsyncSession

from bot.telegram.outbox.worker import DeliveryHooks, result_id
from bot.texts import projects as texts
from db.models import OutboxMessage
from db.projects.repository import ProjectRepository


@dataclass
class ProjectDelivery:
    inner: DeliveryHooks

    async def prepare(self, session: AsyncSession, row: OutboxMessage, payload: dict[str, Any]) -> dict[str, Any] | None:
        name = payload.get("_staff_topic")
        if not isinstance(name, str):
            return await self.inner.prepare(session, row, payload)
        topic = await ProjectRepository(session).topic(name, row.chat_id)
        if row.method == "createForumTopic":
            return None if topic is not None and topic.thread_id is not None else payload
        if topic is not None and topic.thread_id is not None:
            payload["message_thread_id"] = topic.thread_id
        return payload

    async def delivered(self, session: AsyncSession, row: OutboxMessage, result: Any, now: datetime) -> None:
        name = row.payload.get("_staff_topic")
        if not isinstance(name, str):
            await self.inner.delivered(session, row, result, now)
            return
        repo = ProjectRepository(session)
        if row.method == "createForumTopic":
            await repo.set_topic(name, row.chat_id, result_id(result))
        elif isinstance(row.payload.get("_project"), int):
            await repo.set_card(int(row.payload["_project"]), result_id(result))

    async def thread_missing(self, bot: Bot, session: AsyncSession, row: OutboxMessage) -> bool:
        name = row.payload.get("_staff_topic")
        if not isinstance(name, str):
            return await self.inner.thread_missing(bot, session, row)
        topic = await bot.create_forum_topic(row.chat_id, texts.TOPIC_TITLE)
        await ProjectRepository(session).set_topic(name, row.chat_id, topic.message_thread_id)
        return True

    async def blocked(self, session: AsyncSession, row: OutboxMessage, now: datetime) -> None:
        await self.inner.blocked(session, row, now)
