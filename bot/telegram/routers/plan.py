"""«Мой план» (/plan, «📌 В план» on a card, one-tap statuses) and «Сравнить» for loans and leasing.

Every plan button names the plan item and the measure's fingerprint at drawing time: a button
for an item that is gone, or drawn before a catalogue reload, is answered with what changed and
the current plan — never an exception, never a silent no-op.
"""

from __future__ import annotations

from aiogram import Bot, F, Router
from aiogram.filters import Command
from aiogram.types import CallbackQuery, Message
from aiogram.utils.callback_answer import CallbackAnswer

from bot.config import Settings
from bot.services.domain import Domain
from bot.services.journey import Journey
from bot.services.plan import Plan
from bot.telegram import result_keyboards, result_screens
from bot.telegram.callbacks import PLAN_STATUS_CODES, CompareCb, PlanAddCb, PlanCb
from bot.telegram.filters import Consented, QuestionnaireFinished
from bot.telegram.flow import consent_screen
from bot.telegram.replies import replace, send
from bot.telegram.routers.questionnaire import stale
from bot.telegram.screen import Screen
from bot.texts import bot as texts
from bot.texts import plan as plan_texts
from db.unit_of_work import UnitOfWork


async def plan_screen(journey: Journey, lead: str = "") -> Screen:
    return result_screens.plan(await Plan(journey).views(), lead=lead)


async def plan_command(message: Message, bot: Bot, uow: UnitOfWork, settings: Settings, journey: Journey) -> None:
    if not await journey.consented():
        await send(bot, message.chat.id, consent_screen("", settings.privacy_policy_url, lead=texts.CONSENT_NEEDED))
        return
    screen = await plan_screen(journey)
    await uow.commit()
    await send(bot, message.chat.id, screen)


async def on_add(
    callback: CallbackQuery,
    callback_data: PlanAddCb,
    callback_answer: CallbackAnswer,
    bot: Bot,
    uow: UnitOfWork,
    domain: Domain,
    settings: Settings,
    journey: Journey,
) -> None:
    measure = domain.measure(callback_data.id)
    if measure is None:
        await stale(callback, callback_answer, bot, journey, domain, settings)
        return
    result = await Plan(journey).add(measure)
    await uow.commit()
    if result.full:
        callback_answer.text = plan_texts.FULL
        callback_answer.show_alert = True
        return
    if not result.added:
        callback_answer.text = plan_texts.ALREADY
        return
    callback_answer.text = plan_texts.ADDED_TOAST
    text = plan_texts.added(measure.title, measure.how_to_apply, measure.documents, measure.window.until)
    await send(bot, callback.from_user.id, Screen(text, result_keyboards.added(measure.id)))


async def on_plan(
    callback: CallbackQuery,
    callback_data: PlanCb,
    callback_answer: CallbackAnswer,
    bot: Bot,
    uow: UnitOfWork,
    journey: Journey,
) -> None:
    plan = Plan(journey)
    lead = ""
    if callback_data.a == "s":
        status = PLAN_STATUS_CODES.get(callback_data.s, "")
        outcome = await plan.set_status(callback_data.i, status, callback_data.f)
        if outcome.outcome == "ok":
            callback_answer.text = plan_texts.status_toast(status)
            if outcome.changes:
                item = next((v for v in await plan.views() if v.item_id == callback_data.i), None)
                lead = plan_texts.changes_text(item.title if item else "", outcome.changes)
        elif outcome.outcome == "removed":
            row = await plan.repo.get(journey.user_id, callback_data.i)
            lead = plan_texts.removed_text(row.title if row else "")
        else:
            callback_answer.text = plan_texts.GONE
            lead = plan_texts.GONE
    elif callback_data.a == "rm":
        if await plan.remove(callback_data.i):
            callback_answer.text = plan_texts.REMOVED_TOAST
        else:
            callback_answer.text = plan_texts.GONE
    screen = await plan_screen(journey, lead)
    await uow.commit()
    if callback_data.a == "show":
        await send(bot, callback.from_user.id, screen)
    else:
        await replace(callback, bot, screen)


async def on_compare(
    callback: CallbackQuery,
    bot: Bot,
    uow: UnitOfWork,
    journey: Journey,
) -> None:
    found, _ = await journey.arranged()
    await uow.commit()
    await send(bot, callback.from_user.id, result_screens.compare(found))


def make_router() -> Router:
    router = Router(name="plan")
    router.message.filter(F.chat.type == "private")
    router.callback_query.filter(F.message.chat.type == "private")
    router.message.register(plan_command, Command("plan"))
    router.callback_query.register(on_add, PlanAddCb.filter(), Consented())
    router.callback_query.register(on_plan, PlanCb.filter(), Consented())
    router.callback_query.register(on_compare, CompareCb.filter(), QuestionnaireFinished())
    return router
