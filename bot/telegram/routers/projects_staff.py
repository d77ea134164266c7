"""Moderation of projects in the staff group: «Опубликовать», «Вернуть на доработку», «Отклонить».

Only consultants (``consultants: ConsultantCheck`` — CONSULTANT_IDS or the group's admins) decide;
anyone else gets a refusal and nothing changes. A button carries the project's id and version,
so a button of an older version, a forged one or a second press after a decision changes
nothing and says why. Returning and rejecting need a reason: the consultant's next message in the
group (the FSM of that consultant in that chat) is the reason the owner receives. Placed before
the handoff's staff router, which relays every other message of the group.
"""

from __future__ import annotations

import contextlib

from aiogram import Bot, F, Router
from aiogram.dispatcher.event.bases import SkipHandler
from aiogram.exceptions import TelegramBadRequest
from aiogram.filters import StateFilter
from aiogram.fsm.context import FSMContext
from aiogram.fsm.state import State, StatesGroup
from aiogram.types import CallbackQuery, Message
from aiogram.utils.callback_answer import CallbackAnswer

from bot.services.projects import ProjectRefusal, Projects
from bot.telegram import projects_keyboards as keyboards
from bot.telegram.callbacks import ModerationCb
from bot.telegram.handoff.consultants import ConsultantCheck
from bot.telegram.routers.staff import in_staff_chat
from bot.texts import projects as texts
from db.projects.repository import ProjectRepository
from db.unit_of_work import UnitOfWork


class Moderating(StatesGroup):
    reason = State()


def _name(user: object) -> str:
    return str(getattr(user, "full_name", "") or getattr(user, "id", ""))[:128]


async def _mark_card(bot: Bot, chat_id: int, message_id: int | None, label: str) -> None:
    if message_id is None:
        return
    with contextlib.suppress(TelegramBadRequest):
        await bot.edit_message_reply_markup(chat_id=chat_id, message_id=message_id,
                                            reply_markup=keyboards.decided(label))


async def on_decision(callback: CallbackQuery, callback_data: ModerationCb, callback_answer: CallbackAnswer,
                      bot: Bot, uow: UnitOfWork, projects: Projects, consultants: ConsultantCheck,
                      state: FSMContext) -> None:
    if not await consultants.is_consultant(bot, callback.from_user.id):
        callback_answer.text = texts.NOT_A_CONSULTANT
        callback_answer.show_alert = True
        return
    project = await ProjectRepository(uow.session).get(callback_data.id)
    refusal = None
    if project is None:
        refusal = "gone"
    elif project.version != callback_data.v or callback_data.a not in ("publish", "return", "reject"):
        refusal = "stale"
    elif project.status != "moderation":
        refusal = f"already_{project.status}"
    if refusal is not None:
        await uow.commit()
        callback_answer.text = texts.refusal(refusal)
        return
    assert project is not None
    chat_id = callback.message.chat.id if callback.message else None
    card_id = callback.message.message_id if callback.message else None
    if callback_data.a != "publish":
        await uow.commit()
        await state.set_state(Moderating.reason)
        await state.update_data(moderate={"id": project.id, "v": project.version, "a": callback_data.a,
                                          "card": card_id})
        thread = callback.message.message_thread_id if isinstance(callback.message, Message) else None
        if chat_id is not None:
            await bot.send_message(chat_id, texts.ASK_REASON, message_thread_id=thread)
        return
    try:
        await projects.moderate(uow.session, project.id, project.version, "publish", callback.from_user.id,
                                _name(callback.from_user))
    except ProjectRefusal as exc:
        await uow.rollback()
        callback_answer.text = texts.refusal(exc.code)
        return
    await uow.commit()
    projects.wake()
    label = texts.moderation_status("publish", _name(callback.from_user))
    callback_answer.text = label
    if chat_id is not None:
        await _mark_card(bot, chat_id, card_id, label)


async def on_reason(message: Message, bot: Bot, uow: UnitOfWork, projects: Projects, consultants: ConsultantCheck,
                    state: FSMContext) -> None:
    data = (await state.get_data()).get("moderate")
    if not isinstance(data, dict) or message.from_user is None:
        await state.clear()
        raise SkipHandler
    if not message.text or message.text.startswith("/"):
        await message.reply(texts.REFUSALS["reason_needed"])
        return
    await state.clear()
    if not await consultants.is_consultant(bot, message.from_user.id):
        await message.reply(texts.NOT_A_CONSULTANT)
        return
    reason = message.text.strip()[:1000]
    try:
        await projects.moderate(uow.session, int(data["id"]), int(data["v"]), str(data["a"]), message.from_user.id,
                                _name(message.from_user), reason)
    except ProjectRefusal as exc:
        await uow.rollback()
        await message.reply(texts.refusal(exc.code))
        return
    await uow.commit()
    projects.wake()
    label = texts.moderation_status(str(data["a"]), _name(message.from_user))
    await message.reply(label)
    card = data.get("card")
    await _mark_card(bot, message.chat.id, card if isinstance(card, int) else None, label)


def make_router() -> Router:
    """Moderation buttons and reasons, in the staff group only (placed before the handoff's staff router)."""
    router = Router(name="projects_staff")
    router.message.filter(in_staff_chat)
    router.callback_query.filter(in_staff_chat)
    router.callback_query.register(on_decision, ModerationCb.filter())
    router.message.register(on_reason, StateFilter(Moderating.reason), F.from_user)
    return router
