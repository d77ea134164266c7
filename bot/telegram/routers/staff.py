"""The consultants' side, in the staff supergroup: buttons, relaying answers, notes, /tickets.

Only consultants (CONSULTANT_IDS, ADMIN_IDS or — if so configured — the group's administrators)
may take, transfer or close a ticket, have their messages relayed, or run /tickets, /ticket N,
/outbox and /note (they show questions with ИНН and phone); anyone else gets a short refusal.
Answers in a topic that was deleted go to the group's general thread instead. A message in a ticket's
topic — or, in a group without topics, a reply to the card or a relayed message — goes to the
user as a copy; ``/note …`` stays in the group. The first answer on an untaken ticket takes it.
Every change is one conditional UPDATE, so two consultants pressing «Взять» at once get one
winner and one «уже взял другой консультант».
"""

from __future__ import annotations

import contextlib
import datetime as dt
from html import escape
from typing import Any

from aiogram import Bot, Router
from aiogram.dispatcher.event.bases import SkipHandler
from aiogram.exceptions import TelegramBadRequest
from aiogram.filters import Command, CommandObject
from aiogram.types import CallbackQuery, Message
from aiogram.utils.callback_answer import CallbackAnswer

from bot.services.handoff import Handoff
from bot.telegram.callbacks import TicketCb
from bot.telegram.handoff.consultants import ConsultantCheck
from bot.telegram.handoff.keyboards import staff_keyboard
from bot.telegram.handoff.messages import incoming, person_name, relayable
from bot.telegram.outbox.worker import is_thread_missing
from bot.telegram.split import split_html
from bot.texts import handoff as texts
from bot.texts import staff as staff_texts
from db.handoff import outbox_queue
from db.handoff.models import Ticket
from db.handoff.tickets import TicketRepository, as_utc
from db.models import utcnow
from db.unit_of_work import UnitOfWork


def _thread(message: Message) -> int | None:
    """Answer in the same topic; a reply thread of a group without topics is not a topic."""
    return message.message_thread_id if message.is_topic_message else None


def in_staff_chat(event: Any, handoff: Handoff | None = None) -> bool:
    if handoff is None or handoff.staff_chat_id is None:
        return False
    chat = event.chat if isinstance(event, Message) else (event.message.chat if event.message else None)
    return chat is not None and chat.id == handoff.staff_chat_id


MAX_TICKET_NUMBER = 2**63 - 1  # BIGINT; a longer number is no ticket (and no OverflowError)


async def _answer(bot: Bot, message: Message, text: str) -> None:
    """Send to the command's topic, split with balanced tags; a deleted topic → the general thread."""
    thread = _thread(message)
    for part in split_html(text):
        try:
            await bot.send_message(message.chat.id, part, message_thread_id=thread)
        except TelegramBadRequest as exc:
            if thread is None or not is_thread_missing(exc):
                raise
            thread = None
            await bot.send_message(message.chat.id, part)


async def _staff_only(message: Message, bot: Bot, consultants: ConsultantCheck) -> bool:
    """True for a consultant; anyone else is told no (the command shows personal data)."""
    if message.from_user is not None and await consultants.is_consultant(bot, message.from_user.id):
        return True
    await _answer(bot, message, texts.COMMAND_ONLY_CONSULTANTS)
    return False


def ticket_number(args: str | None) -> int | None:
    number = (args or "").strip().lstrip("№#")
    if not number.isdigit() or len(number) > 19 or int(number) > MAX_TICKET_NUMBER:
        return None
    return int(number)


async def _ticket_of(message: Message, uow: UnitOfWork) -> Ticket | None:
    repo = TicketRepository(uow.session)
    if message.is_topic_message and message.message_thread_id is not None:
        return await repo.by_thread(message.chat.id, message.message_thread_id)
    if message.reply_to_message is not None:
        return await repo.by_staff_message(message.chat.id, message.reply_to_message.message_id)
    return None


async def _refresh_card(bot: Bot, ticket: Ticket) -> None:
    """Show the new status on the card's buttons (a direct answer to the consultant's press)."""
    if ticket.card_message_id is None:
        return
    # "not modified", or the card went with a deleted topic: nothing to fix here.
    with contextlib.suppress(TelegramBadRequest):
        await bot.edit_message_reply_markup(
            chat_id=ticket.staff_chat_id, message_id=ticket.card_message_id,
            reply_markup=staff_keyboard(ticket.id, ticket.status, ticket.claimed_by_name),
        )


async def on_button(callback: CallbackQuery, callback_data: TicketCb, callback_answer: CallbackAnswer, bot: Bot,
                    uow: UnitOfWork, handoff: Handoff, consultants: ConsultantCheck) -> None:
    if not await consultants.is_consultant(bot, callback.from_user.id):
        callback_answer.text = texts.NOT_A_CONSULTANT
        callback_answer.show_alert = True
        return
    repo = TicketRepository(uow.session)
    ticket = await repo.get(callback_data.t)
    if ticket is None:
        callback_answer.text = texts.TICKET_GONE
        return
    name = callback.from_user.full_name or str(callback.from_user.id)
    action = callback_data.a
    if action == "take":
        ok = await handoff.claim(uow.session, ticket, callback.from_user.id, name)
        reply = texts.TAKEN_BY_YOU if ok else (texts.ALREADY_CLOSED if ticket.status == "closed" else texts.ALREADY_TAKEN)
    elif action == "transfer":
        ok = await handoff.transfer(uow.session, ticket, callback.from_user.id, name)
        reply = texts.TRANSFERRED if ok else texts.NOT_CLAIMED
    elif action == "close":
        ok = await handoff.close(uow.session, ticket, callback.from_user.id, name)
        reply = texts.CLOSED_OK if ok else texts.ALREADY_CLOSED
    else:
        ok = False
        reply = staff_texts.ticket_status(ticket.id, ticket.status, ticket.claimed_by_name)
    await uow.commit()
    callback_answer.text = reply
    if ok:
        handoff.wake()
        fresh = await repo.get(ticket.id)
        if fresh is not None:
            await _refresh_card(bot, fresh)


async def on_note(message: Message, bot: Bot, uow: UnitOfWork, handoff: Handoff, consultants: ConsultantCheck) -> None:
    if not await _staff_only(message, bot, consultants):
        return
    ticket = await _ticket_of(message, uow)
    if ticket is None:
        return
    await handoff.note(uow.session, ticket, incoming(message))
    await uow.commit()


async def on_close_command(message: Message, bot: Bot, uow: UnitOfWork, handoff: Handoff, consultants: ConsultantCheck) -> None:
    ticket = await _ticket_of(message, uow)
    if ticket is None or message.from_user is None or not await consultants.is_consultant(bot, message.from_user.id):
        return
    ok = await handoff.close(uow.session, ticket, message.from_user.id, person_name(message))
    await uow.commit()
    if ok:
        handoff.wake()
        fresh = await TicketRepository(uow.session).get(ticket.id)
        if fresh is not None:
            await _refresh_card(bot, fresh)


async def on_tickets(message: Message, bot: Bot, uow: UnitOfWork, handoff: Handoff, consultants: ConsultantCheck) -> None:
    """Open tickets: status, who has it, age; ⏰ marks the ones waiting longer than the ping time."""
    if not await _staff_only(message, bot, consultants):
        return
    tickets = await TicketRepository(uow.session).list_open()
    await uow.commit()
    now = utcnow()
    if not tickets:
        text = staff_texts.NO_OPEN_TICKETS
    else:
        lines = [staff_texts.open_tickets_header(len(tickets))]
        for ticket in tickets:
            age = now - as_utc(ticket.created_at)
            overdue = ticket.status in ("new", "transferred") and age >= handoff.ping_after
            lines.append(staff_texts.open_ticket_line(ticket.id, ticket.status, ticket.claimed_by_name,
                                                      ticket.company, ticket.subject, age, overdue))
        text = "\n".join(lines)
    await _answer(bot, message, text)


async def on_ticket(message: Message, command: CommandObject, bot: Bot, uow: UnitOfWork,
                    consultants: ConsultantCheck) -> None:
    """One ticket's history: lifecycle and every message, in order."""
    if not await _staff_only(message, bot, consultants):
        return
    repo = TicketRepository(uow.session)
    number = ticket_number(command.args)
    ticket = await repo.get(number) if number is not None else None
    if ticket is None:
        await uow.commit()
        await _answer(bot, message, texts.TICKET_NUMBER_HINT)
        return
    events = await repo.events(ticket.id)
    messages = await repo.messages(ticket.id)
    rating = await repo.rating(ticket.id)
    await uow.commit()
    lines = [staff_texts.ticket_header(ticket.id, ticket.status, ticket.subject)]
    timeline: list[tuple[dt.datetime, str]] = []
    for event in events:
        timeline.append((as_utc(event.at), staff_texts.event_line(event.kind, event.actor_name)))
    for item in messages:
        body = (item.text or f"[{item.kind}]")[:120]
        timeline.append((as_utc(item.created_at), staff_texts.message_line(item.direction, body)))
    for at, line in sorted(timeline, key=lambda pair: pair[0]):
        lines.append(f"{at.astimezone(dt.timezone(dt.timedelta(hours=3))):%d.%m %H:%M} {line}")
    if rating is not None:
        lines.append(staff_texts.rating_line(rating.score, rating.comment))
    await _answer(bot, message, "\n".join(lines))


async def on_outbox(message: Message, bot: Bot, uow: UnitOfWork, consultants: ConsultantCheck) -> None:
    """Admins' view of the outbox: counts and the latest dead letters with their errors."""
    if not await _staff_only(message, bot, consultants):
        return
    counts = await outbox_queue.counts(uow.session)
    dead = await outbox_queue.dead_letters(uow.session)
    await uow.commit()
    lines = [staff_texts.outbox_header(counts)]
    for row in dead:
        lines.append(f"✗ #{row.id} {escape(row.method)} → {row.chat_id}: {escape((row.last_error or '')[:150])}")
    await _answer(bot, message, "\n".join(lines))


async def on_message(message: Message, bot: Bot, uow: UnitOfWork, handoff: Handoff, consultants: ConsultantCheck) -> None:
    """A consultant's message in a ticket's topic (or a reply in a group without topics)."""
    if message.from_user is None or message.from_user.is_bot or (message.text or "").startswith("/") \
            or not relayable(message):
        raise SkipHandler  # other commands (/reload, …) belong to other routers; service messages stay
    ticket = await _ticket_of(message, uow)
    if ticket is None:
        raise SkipHandler
    if not await consultants.is_consultant(bot, message.from_user.id):
        await uow.commit()
        await message.reply(texts.RELAY_ONLY_CONSULTANTS)
        return
    if ticket.status == "closed":
        await uow.commit()
        await message.reply(texts.RELAY_CLOSED)
        return
    if ticket.status in ("new", "transferred"):
        await handoff.claim(uow.session, ticket, message.from_user.id, person_name(message))
    await handoff.relay_to_user(uow.session, ticket, incoming(message))
    await uow.commit()
    handoff.wake()


async def on_edit(message: Message, bot: Bot, uow: UnitOfWork, handoff: Handoff, consultants: ConsultantCheck) -> None:
    """A consultant corrected an answer: the user's copy is corrected too."""
    if message.from_user is None or (message.text or "").startswith("/"):
        return
    ticket = await _ticket_of(message, uow)
    if ticket is None or not await consultants.is_consultant(bot, message.from_user.id):
        return
    if await handoff.mirror_edit(uow.session, ticket, incoming(message)):
        await uow.commit()
        handoff.wake()


def make_router() -> Router:
    """Everything in the staff group (placed first; it only sees STAFF_CHAT_ID)."""
    router = Router(name="staff")
    router.message.filter(in_staff_chat)
    router.callback_query.filter(in_staff_chat)
    router.edited_message.filter(in_staff_chat)
    router.edited_message.register(on_edit)
    router.callback_query.register(on_button, TicketCb.filter())
    router.message.register(on_note, Command("note"))
    router.message.register(on_close_command, Command("close"))
    router.message.register(on_tickets, Command("tickets"))
    router.message.register(on_ticket, Command("ticket"))
    router.message.register(on_outbox, Command("outbox"))
    router.message.register(on_message)
    return router

