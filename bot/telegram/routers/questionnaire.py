"""The questionnaire: button answers, multi-select ticks, «Назад», «Не знаю», typed answers.

Every button names the questionnaire version and the question; a button that is not for the
current question (old message, double tap, reloaded tree, forged data) gets «Эта кнопка
устарела» and the current step, never an exception. The engine decides what is asked next.
"""

from __future__ import annotations

from typing import Any

from aiogram import Bot, F, Router
from aiogram.dispatcher.event.bases import SkipHandler
from aiogram.types import CallbackQuery, Message
from aiogram.utils.callback_answer import CallbackAnswer

from bot.config import Settings
from bot.services.domain import Domain
from bot.services.journey import Journey, Step
from bot.telegram import result_screens, screens
from bot.telegram.callbacks import AnswerCb, BackCb, DoneCb, SkipCb, ToggleCb
from bot.telegram.flow import current_screen
from bot.telegram.replies import replace, replace_markup, send
from bot.telegram.screen import Screen
from bot.texts import bot as texts
from db.unit_of_work import UnitOfWork
from rules.engine import Progress, StaleStep, parse_answer
from rules.errors import AnswerError
from rules.questionnaire import Node_

MAX_TYPED_ANSWER = 1000  # characters; longer texts are not answers


async def _current_node(
    journey: Journey, domain: Domain, version: str, index: int
) -> tuple[Progress, Node_] | None:
    """The progress and node if the button is for the user's current question, else None."""
    node = domain.node_at(version, index)
    if node is None or not await journey.consented():
        return None
    progress = await journey.progress()
    current = journey.step(progress).node
    if current is None or current.id != node.id:
        return None
    return progress, node


async def stale(
    callback: CallbackQuery,
    callback_answer: CallbackAnswer,
    bot: Bot,
    journey: Journey,
    domain: Domain,
    settings: Settings,
) -> None:
    callback_answer.text = texts.STALE_BUTTON
    screen = await current_screen(journey, domain, settings.privacy_policy_url, lead=texts.STALE_BUTTON_LONG)
    await journey.commit()
    await send(bot, callback.from_user.id, screen)


async def after_answer(journey: Journey, domain: Domain, progress: Progress, was_editing: bool) -> Screen:
    """The next question, or — when the questionnaire is done — the results."""
    step = journey.step(progress)
    if step.node is not None:
        return screens.question(domain, step)
    found, arrangement = await journey.arranged()
    await journey.remember_list({"src": "results", "p": 0})
    lead = texts.rematched(arrangement.counts) if was_editing else ""
    return result_screens.results(arrangement, found, lead=lead)


async def _apply(
    journey: Journey, domain: Domain, progress: Progress, node: Node_, value: Any
) -> Screen | None:
    was_editing = await journey.editing()
    try:
        new = await journey.answer(progress, node, value)
    except StaleStep:
        return None
    screen = await after_answer(journey, domain, new, was_editing)
    await journey.commit()
    return screen


async def on_answer(
    callback: CallbackQuery,
    callback_data: AnswerCb,
    callback_answer: CallbackAnswer,
    bot: Bot,
    domain: Domain,
    settings: Settings,
    journey: Journey,
) -> None:
    found = await _current_node(journey, domain, callback_data.v, callback_data.n)
    value: Any = None
    if found is not None:
        node = found[1]
        if node.kind == "yesno" and callback_data.o in (0, 1):
            value = bool(callback_data.o)
        elif node.kind == "choice" and 0 <= callback_data.o < len(node.options):
            value = node.options[callback_data.o].value
        else:
            found = None
    screen = await _apply(journey, domain, found[0], found[1], value) if found else None
    if screen is None:
        await stale(callback, callback_answer, bot, journey, domain, settings)
        return
    await replace(callback, bot, screen)


async def on_toggle(
    callback: CallbackQuery,
    callback_data: ToggleCb,
    callback_answer: CallbackAnswer,
    bot: Bot,
    uow: UnitOfWork,
    domain: Domain,
    settings: Settings,
    journey: Journey,
) -> None:
    found = await _current_node(journey, domain, callback_data.v, callback_data.n)
    if (
        found is None
        or found[1].kind != "multi"
        or not 0 <= callback_data.o < len(found[1].options)
        or not 0 <= callback_data.m < 1 << len(found[1].options)
    ):
        await stale(callback, callback_answer, bot, journey, domain, settings)
        return
    progress, _node = found
    mask = callback_data.m ^ (1 << callback_data.o)
    screen = screens.question(domain, journey.step(progress), mask=mask)
    await uow.commit()
    await replace_markup(callback, bot, screen)


async def on_done(
    callback: CallbackQuery,
    callback_data: DoneCb,
    callback_answer: CallbackAnswer,
    bot: Bot,
    domain: Domain,
    settings: Settings,
    journey: Journey,
) -> None:
    found = await _current_node(journey, domain, callback_data.v, callback_data.n)
    if found is None or found[1].kind != "multi" or not 0 <= callback_data.m < 1 << len(found[1].options):
        await stale(callback, callback_answer, bot, journey, domain, settings)
        return
    progress, node = found
    values = frozenset(o.value for i, o in enumerate(node.options) if callback_data.m >> i & 1)
    screen = await _apply(journey, domain, progress, node, values)
    if screen is None:
        await stale(callback, callback_answer, bot, journey, domain, settings)
        return
    await replace(callback, bot, screen)


async def on_skip(
    callback: CallbackQuery,
    callback_data: SkipCb,
    callback_answer: CallbackAnswer,
    bot: Bot,
    uow: UnitOfWork,
    domain: Domain,
    settings: Settings,
    journey: Journey,
) -> None:
    found = await _current_node(journey, domain, callback_data.v, callback_data.n)
    if found is None:
        await stale(callback, callback_answer, bot, journey, domain, settings)
        return
    progress, node = found
    was_editing = await journey.editing()
    try:
        new = await journey.skip(progress, node)
    except AnswerError as exc:
        callback_answer.text = str(exc)[:200]
        callback_answer.show_alert = True
        return
    screen = await after_answer(journey, domain, new, was_editing)
    await uow.commit()
    await replace(callback, bot, screen)


async def on_back(
    callback: CallbackQuery,
    callback_data: BackCb,
    callback_answer: CallbackAnswer,
    bot: Bot,
    uow: UnitOfWork,
    domain: Domain,
    settings: Settings,
    journey: Journey,
) -> None:
    found = await _current_node(journey, domain, callback_data.v, callback_data.n)
    if found is None:
        await stale(callback, callback_answer, bot, journey, domain, settings)
        return
    progress, _ = found
    if not progress.path:
        callback_answer.text = texts.NOTHING_TO_GO_BACK
        return
    new = await journey.back(progress)
    screen = screens.question(domain, journey.step(new))
    await uow.commit()
    await replace(callback, bot, screen)


def _match_option(node: Node_, text: str) -> Any:
    """A typed answer to a button question: an option label or да/нет, else None."""
    wanted = text.strip().lower().rstrip(".!")
    if node.kind == "yesno":
        return texts.TYPED_YES_NO.get(wanted)
    if node.kind == "choice":
        return next((o.value for o in node.options if o.label.lower() == wanted), None)
    return None


async def on_typed(message: Message, bot: Bot, uow: UnitOfWork, domain: Domain, journey: Journey) -> None:
    """A typed answer if the user is in the questionnaire; otherwise free text goes on to search."""
    if not await journey.consented():
        raise SkipHandler
    progress = await journey.progress()
    step: Step = journey.step(progress)
    node = step.node
    if node is None:
        raise SkipHandler
    text = message.text or ""
    lead = ""
    screen: Screen | None = None
    if node.kind in ("choice", "yesno", "multi"):
        value = _match_option(node, text)
        if value is not None:
            screen = await _apply(journey, domain, progress, node, value)
        else:
            lead = texts.USE_BUTTONS
    elif len(text) > MAX_TYPED_ANSWER:
        lead = texts.TOO_LONG_ANSWER
    else:
        try:
            value = parse_answer(node, text)
        except AnswerError as exc:
            lead = str(exc)
        else:
            screen = await _apply(journey, domain, progress, node, value)
    if screen is None:
        screen = screens.question(domain, step, lead=texts.reask(lead or texts.TYPE_TEXT))
    await uow.commit()
    await send(bot, message.chat.id, screen)


async def on_non_text(message: Message, bot: Bot, uow: UnitOfWork, domain: Domain, journey: Journey) -> None:
    """A photo, sticker, voice… where an answer was expected: say so and ask again."""
    if not await journey.consented():
        raise SkipHandler
    step = await journey.current_step()
    if step.node is None:
        raise SkipHandler
    await uow.commit()
    await send(bot, message.chat.id, screens.question(domain, step, lead=texts.ONLY_TEXT))


def make_router() -> Router:
    """A fresh router with this module's handlers (one per dispatcher)."""
    router = Router(name="questionnaire")
    router.message.filter(F.chat.type == "private")
    router.callback_query.register(on_answer, AnswerCb.filter())
    router.callback_query.register(on_toggle, ToggleCb.filter())
    router.callback_query.register(on_done, DoneCb.filter())
    router.callback_query.register(on_skip, SkipCb.filter())
    router.callback_query.register(on_back, BackCb.filter())
    router.message.register(on_typed, F.text & ~F.text.startswith("/"))
    router.message.register(on_non_text, ~F.text)
    return router
