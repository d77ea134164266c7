"""The entrepreneur's side of the handoff: ask, open the ticket, write while it is open, rate.

«Спросить консультанта» (results, every card, search fallbacks) and /consultant ask for the
question; from a card the measure itself can be sent as the subject. The ticket is opened when
the question arrives (or «Отправить без вопроса» is pressed): one per user, so a double tap
returns the open ticket instead of a second one. While it is open, whatever the user writes
goes to the consultants through the outbox (``make_relay_router``, placed before the search).

The «writing the question» step lives in the FSM: if a restart loses it, the user's text goes
to the search, whose answer offers the consultant again — nothing is stored that is lost.
"""

from __future__ import annotations

import contextlib
from datetime import timedelta

from aiogram import Bot, F, Router
from aiogram.dispatcher.event.bases import SkipHandler
from aiogram.exceptions import TelegramBadRequest
from aiogram.filters import Command, StateFilter
from aiogram.fsm.context import FSMContext
from aiogram.fsm.state import State, StatesGroup
from aiogram.types import CallbackQuery, ChatMemberUpdated, Message
from aiogram.utils.callback_answer import CallbackAnswer

from bot.services.handoff import Handoff
from bot.services.journey import Journey
from bot.telegram.callbacks import AskCancelCb, AskCb, AskSendCb, RateCb
from bot.telegram.handoff import keyboards
from bot.telegram.handoff.messages import incoming, relayable
from bot.telegram.replies import send
from bot.telegram.screen import Screen
from bot.texts import handoff as texts
from db.handoff.tickets import TicketRepository, as_utc
from db.models import utcnow
from db.repositories import ProfileRepository, UserRepository
from db.unit_of_work import UnitOfWork

MAX_QUESTION = 3500
QUESTION_WAIT = timedelta(minutes=30)  # a prompt older than this is forgotten


class Asking(StatesGroup):
    question = State()
    comment = State()


async def _start(user_id: int, bot: Bot, uow: UnitOfWork, journey: Journey, handoff: Handoff,
                 state: FSMContext, measure_id: str | None) -> None:
    if not handoff.enabled:
        await send(bot, user_id, Screen(texts.UNAVAILABLE))
        return
    if not await journey.consented():
        await send(bot, user_id, Screen(texts.NEED_CONSENT))
        return
    ticket = await TicketRepository(uow.session).open_for_user(user_id)
    await uow.commit()
    if ticket is not None:
        await send(bot, user_id, Screen(texts.already_open(ticket.id)))
        return
    measure = journey.domain.measure(measure_id) if measure_id else None
    await state.set_state(Asking.question)
    await state.update_data(measure=measure.id if measure else "", asked_at=utcnow().timestamp())
    text = texts.ask_about(measure.title) if measure else texts.ASK_QUESTION
    await send(bot, user_id, Screen(text, keyboards.ask(measure.id if measure else None)))


async def _open(user_id: int, bot: Bot, uow: UnitOfWork, journey: Journey, handoff: Handoff, state: FSMContext,
                question: str | None, measure_id: str | None, source_message_id: int | None) -> None:
    if not handoff.enabled or not await journey.consented():
        await state.clear()
        await send(bot, user_id, Screen(texts.UNAVAILABLE if not handoff.enabled else texts.NEED_CONSENT))
        return
    user, _ = await journey.load()
    profile = await journey.profile_answers()
    opened = await handoff.open_ticket(
        uow.session, journey.domain, user_id=user_id, pseudonym=user.pseudonym if user else None, profile=profile,
        question=question, measure_id=measure_id, source_message_id=source_message_id,
    )
    await uow.commit()
    handoff.wake()
    await state.clear()
    if opened.created:
        await send(bot, user_id, Screen(texts.ticket_opened(opened.ticket.id, handoff.expectation(),
                                                            ask_company=not opened.ticket.company)))
    else:
        await send(bot, user_id, Screen(texts.already_open(opened.ticket.id)))


async def consultant_command(message: Message, bot: Bot, uow: UnitOfWork, journey: Journey, handoff: Handoff,
                             state: FSMContext) -> None:
    await _start(message.chat.id, bot, uow, journey, handoff, state, None)


async def ask(callback: CallbackQuery, callback_data: AskCb, bot: Bot, uow: UnitOfWork, journey: Journey,
              handoff: Handoff, state: FSMContext) -> None:
    await _start(callback.from_user.id, bot, uow, journey, handoff, state, callback_data.id or None)


async def send_as_is(callback: CallbackQuery, callback_data: AskSendCb, bot: Bot, uow: UnitOfWork, journey: Journey,
                     handoff: Handoff, state: FSMContext) -> None:
    await _open(callback.from_user.id, bot, uow, journey, handoff, state, None, callback_data.id or None, None)


async def cancel(callback: CallbackQuery, bot: Bot, state: FSMContext) -> None:
    await state.clear()
    await send(bot, callback.from_user.id, Screen(texts.CANCELLED))


async def _moved_on(uow: UnitOfWork, user_id: int, asked_at: float) -> bool:
    """The user left the question prompt: too long ago, or the profile changed since (/start, answers)."""
    if utcnow().timestamp() - asked_at > QUESTION_WAIT.total_seconds():
        return True
    profile = await ProfileRepository(uow.session).get(user_id)
    return profile is not None and as_utc(profile.updated_at).timestamp() > asked_at


async def on_question(message: Message, bot: Bot, uow: UnitOfWork, journey: Journey, handoff: Handoff,
                      state: FSMContext) -> None:
    data = await state.get_data()
    if await _moved_on(uow, message.chat.id, float(data.get("asked_at", 0))):
        await state.clear()
        raise SkipHandler  # the text is for whatever the user went on to do
    if message.text is None:
        await send(bot, message.chat.id, Screen(texts.ONLY_TEXT_QUESTION))
        return
    measure_id = data.get("measure") or None
    await _open(message.chat.id, bot, uow, journey, handoff, state, message.text[:MAX_QUESTION],
                measure_id, message.message_id)


async def rate(callback: CallbackQuery, callback_data: RateCb, callback_answer: CallbackAnswer, bot: Bot,
               uow: UnitOfWork, handoff: Handoff, state: FSMContext) -> None:
    repo = TicketRepository(uow.session)
    ticket = await repo.get(callback_data.t)
    if ticket is None or ticket.user_id != callback.from_user.id or ticket.status != "closed" \
            or not 1 <= callback_data.s <= 5:
        callback_answer.text = texts.RATE_GONE
        return
    first = await repo.rating(ticket.id) is None
    await repo.rate(ticket.id, callback_data.s)
    if first:
        from bot.texts.handoff import rating_notice

        await handoff.notice(uow.session, ticket, rating_notice(ticket.id, callback_data.s))
    await uow.commit()
    handoff.wake()
    await state.set_state(Asking.comment)
    await state.update_data(ticket=ticket.id)
    callback_answer.text = "★" * callback_data.s
    if isinstance(callback.message, Message):  # the score is given: the buttons go
        with contextlib.suppress(TelegramBadRequest):
            await bot.edit_message_reply_markup(chat_id=callback.message.chat.id,
                                                message_id=callback.message.message_id, reply_markup=None)
    await send(bot, callback.from_user.id, Screen(texts.RATE_THANKS))


async def on_comment(message: Message, bot: Bot, uow: UnitOfWork, state: FSMContext) -> None:
    data = await state.get_data()
    await state.clear()
    ticket_id = data.get("ticket")
    if not isinstance(ticket_id, int) or message.text is None or message.text.startswith("/"):
        raise SkipHandler
    await TicketRepository(uow.session).comment(ticket_id, message.text)
    await uow.commit()
    await send(bot, message.chat.id, Screen(texts.COMMENT_THANKS))


TYPED_KINDS = ("number", "text", "inn", "okved")  # questions answered by typing, not buttons


async def relay(message: Message, bot: Bot, uow: UnitOfWork, journey: Journey,
                handoff: Handoff | None = None) -> None:
    """Anything the user writes while a ticket is open goes to the consultants; else on to search.

    Placed before the questionnaire so nothing written to a consultant is taken for an answer —
    except a typed answer the questionnaire is waiting for right now (a number, an ИНН, …).
    """
    if handoff is None or not handoff.enabled or (message.text or "").startswith("/") or not relayable(message):
        raise SkipHandler
    repo = TicketRepository(uow.session)
    ticket = await repo.open_for_user(message.chat.id)
    if ticket is not None and message.text is not None:
        node = journey.step(await journey.progress()).node if await journey.consented() else None
        if node is not None and node.kind in TYPED_KINDS:
            raise SkipHandler
    reopened = False
    if ticket is None:
        ticket = await handoff.reopen_if_recent(uow.session, message.chat.id)
        reopened = ticket is not None
    if ticket is None:
        await uow.rollback()
        raise SkipHandler
    user = await UserRepository(uow.session).get(message.chat.id)
    if user is not None and user.blocked:
        await UserRepository(uow.session).set_blocked(message.chat.id, False)
    await handoff.relay_from_user(uow.session, ticket, incoming(message))
    await uow.commit()
    handoff.wake()
    if reopened:
        await send(bot, message.chat.id, Screen(texts.reopened(ticket.id)))


async def on_edit(message: Message, uow: UnitOfWork, handoff: Handoff) -> None:
    """The user corrected a message already relayed: the consultants' copy is corrected too."""
    ticket = await TicketRepository(uow.session).open_for_user(message.chat.id)
    if ticket is not None and await handoff.mirror_edit(uow.session, ticket, incoming(message)):
        await uow.commit()
        handoff.wake()


async def on_block_change(event: ChatMemberUpdated, uow: UnitOfWork, handoff: Handoff) -> None:
    """The user blocked (or unblocked) the bot: remember it; consultants of an open ticket are told."""
    user_id = event.chat.id
    blocked = event.new_chat_member.status == "kicked"
    await UserRepository(uow.session).set_blocked(user_id, blocked)
    if blocked:
        for ticket_id in await TicketRepository(uow.session).mark_user_blocked(user_id):
            ticket = await TicketRepository(uow.session).get(ticket_id)
            if ticket is not None:
                await handoff.notice(uow.session, ticket, texts.user_blocked(ticket.id))
    await uow.commit()
    handoff.wake()


def make_router() -> Router:
    """/consultant, «Спросить консультанта», the question, rating (replaces the placeholder)."""
    router = Router(name="handoff_user")
    router.message.filter(F.chat.type == "private")
    router.message.register(consultant_command, Command("consultant"))
    router.callback_query.register(ask, AskCb.filter())
    router.callback_query.register(send_as_is, AskSendCb.filter())
    router.callback_query.register(cancel, AskCancelCb.filter())
    router.callback_query.register(rate, RateCb.filter())
    router.message.register(on_question, StateFilter(Asking.question), ~F.text.startswith("/"))
    router.message.register(on_comment, StateFilter(Asking.comment), ~F.text.startswith("/"))
    router.my_chat_member.register(on_block_change, F.chat.type == "private")
    return router


def make_relay_router() -> Router:
    """Messages while a ticket is open (before the questionnaire, which keeps its typed answers)."""
    router = Router(name="handoff_relay")
    router.message.filter(F.chat.type == "private")
    router.message.register(relay)
    router.edited_message.filter(F.chat.type == "private")
    router.edited_message.register(on_edit)
    return router
