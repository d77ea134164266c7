"""The ИНН step: «Знаете ИНН? Введите — заполним анкету сами», right after «кто получает поддержку».

Why a bot step and not a questionnaire node: the engine asks a node only while its field can
change a verdict, and no measure depends on the ИНН itself, so a node would need ``always_ask``
and would then count in every progress line, and its answer would still need a look-up and a
confirmation screen outside the engine. Here the step is a small state in
``profile.state["inn"]`` (``ask`` → ``confirm`` → ``done``), set by ``Journey.answer`` when the
applicant is a company or an ИП; ``screens.question`` shows it instead of the next question
until it is done, so /start, stale buttons and restarts land on it too.

Confirmed values go in through ``QuestionnaireEngine.prefill`` (not in the path, so the walk
skips their questions and «Назад» does not undo them); values marked wrong are simply not
pre-filled, so the questionnaire asks them. The ИНН itself is kept in the profile (the user has
consented before the questionnaire starts) and /forget deletes it with the profile.
"""

from __future__ import annotations

from datetime import date
from html import escape
from typing import Any

from aiogram import Bot, F, Router
from aiogram.dispatcher.event.bases import SkipHandler
from aiogram.types import CallbackQuery, Message
from aiogram.utils.callback_answer import CallbackAnswer

from bot.config import Settings
from bot.services import inn_prefill
from bot.services.dadata import DadataClient, client_for
from bot.services.domain import Domain
from bot.services.journey import Journey
from bot.services.profile_state import InnStep
from bot.telegram import inn_screens
from bot.telegram.callbacks import InnCb
from bot.telegram.replies import replace, replace_markup, send
from bot.telegram.routers.questionnaire import after_answer, stale
from bot.telegram.screen import Screen
from bot.texts import inn as inn_texts
from db.unit_of_work import UnitOfWork
from rules.engine import Progress
from rules.identifiers import check_inn, reask_message


def _dadata(dadata: DadataClient | None, settings: Settings) -> DadataClient | None:
    if dadata is not None:
        return dadata
    key = settings.dadata_api_key.get_secret_value() if settings.dadata_api_key else None
    return client_for(key)


async def _finish(
    journey: Journey, domain: Domain, progress: Progress, values: dict[str, Any], lead: str
) -> Screen:
    """Pre-fill ``values``, close the step and show the next question (or the results)."""
    was_editing = await journey.editing()
    new = domain.engine.prefill(progress, values)
    await journey.save_inn_step(new, InnStep("done"))
    screen = await after_answer(journey, domain, new, was_editing)
    await journey.commit()
    return Screen(f"{lead}\n\n{screen.text}" if lead else screen.text, screen.markup, screen.question)


async def on_button(
    callback: CallbackQuery,
    callback_data: InnCb,
    callback_answer: CallbackAnswer,
    bot: Bot,
    uow: UnitOfWork,
    domain: Domain,
    settings: Settings,
    journey: Journey,
) -> None:
    state = journey.inn_state() if await journey.consented() else None
    stage = state.stage if state else None
    action = callback_data.action
    progress = await journey.progress()
    if stage == "ask" and action == "skip":
        screen = await _finish(journey, domain, progress, {}, inn_texts.SKIPPED)
        await replace(callback, bot, screen)
        return
    if stage == "confirm" and state is not None:
        items = list(state.items)
        inn = {"inn": state.inn} if state.inn else {}
        if action == "ok":
            values = {name: value for name, value, _ in items}
            screen = await _finish(journey, domain, progress, {**inn, **values}, inn_texts.CONFIRMED)
            await replace(callback, bot, screen)
            return
        mask = callback_data.m
        if action == "fix" and 0 <= mask < 1 << len(items) and -1 <= callback_data.o < len(items):
            if callback_data.o >= 0:
                mask ^= 1 << callback_data.o
            await uow.commit()
            screen = inn_screens.fix(state, mask)
            if callback_data.o >= 0:
                await replace_markup(callback, bot, screen)
            else:
                await replace(callback, bot, screen)
            return
        if action == "done" and 0 <= mask < 1 << len(items):
            values = {name: value for i, (name, value, _) in enumerate(items) if not mask >> i & 1}
            screen = await _finish(journey, domain, progress, {**inn, **values}, inn_texts.CONFIRMED)
            await replace(callback, bot, screen)
            return
    await stale(callback, callback_answer, bot, journey, domain, settings)


async def on_text(
    message: Message,
    bot: Bot,
    uow: UnitOfWork,
    domain: Domain,
    settings: Settings,
    journey: Journey,
    dadata: DadataClient | None = None,
) -> None:
    """A typed ИНН (or «пропустить») while the step is open; anything else goes on."""
    if not await journey.consented():
        raise SkipHandler
    state = journey.inn_state()
    step = await journey.current_step()
    if step.inn is None or state is None:
        raise SkipHandler
    text = message.text or ""
    if state.stage == "confirm":
        await uow.commit()
        await send(bot, message.chat.id, inn_screens.confirm(state, escape(inn_texts.USE_CONFIRM_BUTTONS)))
        return
    progress = await journey.progress()
    if text.strip().lower().rstrip(".!") in inn_texts.SKIP_WORDS:
        await send(bot, message.chat.id, await _finish(journey, domain, progress, {}, inn_texts.SKIPPED))
        return
    check = check_inn(text)
    if not check.valid:
        await uow.commit()
        await send(bot, message.chat.id, inn_screens.prompt(escape(reask_message(check))))
        return
    online = _dadata(dadata, settings)
    if online is not None:
        await uow.commit()  # no transaction is held while DaData answers (≤ its timeout)
    found = await inn_prefill.find(uow.session, check.value, online, date.today())
    items = inn_texts.labelled(inn_prefill.offered(found.prefill, progress.answers))
    if not items:
        lead = escape(inn_texts.not_found(found)) if not found.prefill.found else ""
        screen = await _finish(journey, domain, progress, {"inn": check.value}, lead)
        await send(bot, message.chat.id, screen)
        return
    confirm_state = InnStep("confirm", check.value, inn_texts.summary(found, items, progress.answers), tuple(items))
    await journey.save_inn_step(progress, confirm_state)
    await journey.commit()
    await send(bot, message.chat.id, inn_screens.confirm(confirm_state))


def make_router() -> Router:
    """A fresh router with this module's handlers (one per dispatcher)."""
    router = Router(name="inn")
    router.message.filter(F.chat.type == "private")
    router.callback_query.register(on_button, InnCb.filter())
    router.message.register(on_text, F.text & ~F.text.startswith("/"))
    return router
