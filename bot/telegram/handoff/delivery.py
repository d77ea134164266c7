"""The outbox hooks of the handoff: current topic at send time, message pairs, recreated topics.

- ``prepare``: a ticket's staff-group row is sent into the ticket's *current* topic (looked up
  now, so a recreated topic is used); in a group without topics it replies to the card instead.
  A topic row for a ticket that already has one is dropped (a retry after a crash), and so is a
  row to a user who was forgotten.
- ``delivered``: stores the new topic id, the card's message id, and the message pairs that
  replies and history are found through.
- ``thread_missing``: a consultant deleted the topic — create a new one, post the card again,
  then the row that failed is retried into it.
- ``blocked``: the user blocked the bot — the ticket is stamped and the consultants told once.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from aiogram import Bot
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.services.handoff import KIND_CARD, KIND_CLOSE, KIND_TOPIC, Handoff
from bot.telegram.handoff.keyboards import staff_keyboard
from bot.telegram.outbox.worker import result_id
from bot.texts import handoff as texts
from bot.texts.ticket_card import topic_title
from db.handoff.models import Ticket
from db.handoff.tickets import TicketRepository
from db.models import OutboxMessage

THREADED = {"sendMessage", "copyMessage", "sendPhoto", "sendDocument", "forwardMessage", "sendMediaGroup"}


@dataclass
class TicketDelivery:
    handoff: Handoff

    async def _ticket(self, session: AsyncSession, row: OutboxMessage) -> Ticket | None:
        ticket_id = row.payload.get("_ticket")
        if not isinstance(ticket_id, int):
            return None
        return await TicketRepository(session).get(ticket_id)

    async def prepare(self, session: AsyncSession, row: OutboxMessage, payload: dict[str, Any]) -> dict[str, Any] | None:
        if "_ticket" not in payload:
            return payload
        ticket = await self._ticket(session, row)
        if ticket is None:
            return None
        if row.chat_id != ticket.staff_chat_id:
            return payload if ticket.user_id == row.chat_id else None
        if row.kind == KIND_TOPIC:
            return None if ticket.thread_id is not None else payload
        if row.kind == KIND_CLOSE:
            if ticket.thread_id is None:
                return None
            return {**payload, "message_thread_id": ticket.thread_id}
        if row.method in THREADED:
            if ticket.thread_id is not None:
                payload["message_thread_id"] = ticket.thread_id
            elif row.kind != KIND_CARD and ticket.card_message_id is not None and "reply_parameters" not in payload:
                payload["reply_parameters"] = {"message_id": ticket.card_message_id, "allow_sending_without_reply": True}
        return payload

    async def delivered(self, session: AsyncSession, row: OutboxMessage, result: Any, now: datetime) -> None:
        if "_ticket" not in row.payload:
            return
        repo = TicketRepository(session)
        ticket_id = int(row.payload["_ticket"])
        if row.kind == KIND_TOPIC:
            await repo.set_thread(ticket_id, result_id(result))
        elif row.kind == KIND_CARD:
            message_id = result_id(result)
            if message_id is not None:
                await repo.set_card(ticket_id, message_id)
        sources = row.payload.get("_sources")
        source_chat = row.payload.get("_source_chat")
        target = result_id(result)
        if sources and isinstance(source_chat, int) and target is not None:
            await repo.record_target(source_chat, [int(s) for s in sources], row.chat_id, target, now)

    async def thread_missing(self, bot: Bot, session: AsyncSession, row: OutboxMessage) -> bool:
        ticket = await self._ticket(session, row)
        if ticket is None or row.chat_id != ticket.staff_chat_id or row.kind == KIND_CLOSE:
            return False  # closing or reopening a deleted topic: nothing to recreate it for
        topic = await bot.create_forum_topic(ticket.staff_chat_id, topic_title(ticket.id, ticket.company, ticket.subject))
        await TicketRepository(session).set_thread(ticket.id, topic.message_thread_id)
        await bot.send_message(ticket.staff_chat_id, texts.topic_recreated(ticket.id),
                               message_thread_id=topic.message_thread_id)
        card = await session.scalar(
            select(OutboxMessage)
            .where(OutboxMessage.chat_id == ticket.staff_chat_id, OutboxMessage.kind == KIND_CARD,
                   OutboxMessage.status == "sent")
            .order_by(OutboxMessage.id.desc())
            .limit(1)
            .where(OutboxMessage.payload["_ticket"].as_integer() == ticket.id)
        )
        if card is not None:
            body = {k: v for k, v in card.payload.items() if not k.startswith("_")}
            body.update(chat_id=ticket.staff_chat_id, message_thread_id=topic.message_thread_id)
            if ticket.status != "new":
                body["reply_markup"] = staff_keyboard(ticket.id, ticket.status, ticket.claimed_by_name)
            sent = await bot.send_message(**body)
            await TicketRepository(session).set_card(ticket.id, sent.message_id)
        return True

    async def blocked(self, session: AsyncSession, row: OutboxMessage, now: datetime) -> None:
        for ticket_id in await TicketRepository(session).mark_user_blocked(row.chat_id, now):
            ticket = await TicketRepository(session).get(ticket_id)
            if ticket is not None:
                await self.handoff.notice(session, ticket, texts.user_blocked(ticket.id))
