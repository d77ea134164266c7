"""«Сообщать о новых мерах»: /alerts shows and toggles the subscription; «Отписаться» under
every alert turns it off in one tap. Only users who gave consent can subscribe."""

from __future__ import annotations

from aiogram import Bot, F, Router
from aiogram.filters import Command
from aiogram.types import CallbackQuery, InlineKeyboardMarkup, Message
from aiogram.utils.callback_answer import CallbackAnswer

from bot.telegram.callbacks import AlertsCb
from bot.telegram.keyboards import subscription_button
from bot.telegram.replies import replace, send
from bot.telegram.screen import Screen
from bot.texts.alerts import NEED_CONSENT, OFFER, SUBSCRIBED, TOAST_SUBSCRIBED, UNSUBSCRIBED
from db.repositories import UserRepository
from db.unit_of_work import UnitOfWork


def _screen(subscribed: bool, text: str) -> Screen:
    return Screen(text, InlineKeyboardMarkup(inline_keyboard=[[subscription_button(subscribed)]]))


async def alerts_command(message: Message, bot: Bot, uow: UnitOfWork) -> None:
    assert message.from_user is not None
    user = await UserRepository(uow.session).get(message.from_user.id)
    if user is None or not user.has_consent:
        await send(bot, message.chat.id, Screen(NEED_CONSENT))
        return
    await send(bot, message.chat.id, _screen(user.alerts_opt_in, SUBSCRIBED if user.alerts_opt_in else OFFER))


async def alerts_toggle(callback: CallbackQuery, callback_data: AlertsCb, callback_answer: CallbackAnswer,
                        bot: Bot, uow: UnitOfWork) -> None:
    users = UserRepository(uow.session)
    user = await users.get(callback.from_user.id)
    if user is None or not user.has_consent:
        await replace(callback, bot, Screen(NEED_CONSENT))
        return
    await users.set_alerts(callback.from_user.id, callback_data.on)
    await uow.commit()
    if callback_data.t:  # under the results or the profile: keep that screen, confirm in a toast
        callback_answer.text = TOAST_SUBSCRIBED if callback_data.on else UNSUBSCRIBED
        callback_answer.show_alert = False
        return
    await replace(callback, bot, _screen(callback_data.on, SUBSCRIBED if callback_data.on else UNSUBSCRIBED))


def make_router() -> Router:
    """A fresh router with this module's handlers (one per dispatcher)."""
    router = Router(name="alerts")
    router.message.filter(F.chat.type == "private")
    router.message.register(alerts_command, Command("alerts"))
    router.callback_query.register(alerts_toggle, AlertsCb.filter())
    return router
