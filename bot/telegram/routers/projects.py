"""/projects: the entrepreneur's side of the registry — add and edit a project (a guided form),
manage one's projects, browse and search partners' projects, cooperation requests and their
decisions, «Откликнуться» on a large customer's request.

The form lives in the FSM (step data, nothing in the database) until «Отправить на
модерацию», so a user who gives up leaves nothing stored. Every button re-checks what it acts
on: a forged value, a stale card or a decided request gets a short answer and changes nothing.
"""

from __future__ import annotations

from typing import Any

from aiogram import Bot, F, Router
from aiogram.dispatcher.event.bases import SkipHandler
from aiogram.filters import Command, StateFilter
from aiogram.fsm.context import FSMContext
from aiogram.fsm.state import State, StatesGroup
from aiogram.types import CallbackQuery, Message, User
from aiogram.utils.callback_answer import CallbackAnswer

from bot.services.journey import Journey
from bot.services.partner_requests import RequestHolder
from bot.services.projects import ProjectRefusal, Projects
from bot.telegram import projects_keyboards as keyboards
from bot.telegram.callbacks import (
    CooperateCb,
    CooperationCb,
    CustomerRequestCb,
    MyProjectCb,
    PartnerCardCb,
    PartnerCb,
    ProjectFormCb,
    ProjectsCb,
)
from bot.telegram.keyboard_layout import markup
from bot.telegram.replies import send
from bot.telegram.screen import Screen
from bot.texts import projects as texts
from db.unit_of_work import UnitOfWork
from rules.profile import SECTORS
from rules.projects import (
    OFFERS,
    PROJECT_CLUSTERS,
    SEEKS,
    STAGES,
    ProjectFilter,
    ProjectInputError,
    check_choice,
    clean_contact,
    clean_summary,
    clean_title,
    clean_url,
)

FORM_KEY = "project_form"


class ProjectForm(StatesGroup):
    title = State()
    summary = State()
    choosing = State()
    site = State()


class Cooperation(StatesGroup):
    message = State()
    contact = State()


class PartnerSearch(StatesGroup):
    text = State()


def contact_of(user: User) -> str:
    """The Telegram contact of a person who agreed to share it: @username, or a link by id."""
    if user.username:
        return f"@{user.username}"
    return f"id:{user.id}:{(user.full_name or '')[:60]}"


# --- menu ---------------------------------------------------------------------------------


async def projects_command(message: Message, bot: Bot, state: FSMContext) -> None:
    await state.clear()
    await send(bot, message.chat.id, Screen(texts.MENU, keyboards.menu()))


async def on_menu(callback: CallbackQuery, callback_data: ProjectsCb, callback_answer: CallbackAnswer, bot: Bot,
                  uow: UnitOfWork, journey: Journey, projects: Projects, state: FSMContext) -> None:
    user_id = callback.from_user.id
    if callback_data.a == "add":
        if not await journey.consented():
            await send(bot, user_id, Screen(texts.NEED_CONSENT))
            return
        profile = await journey.profile_answers()
        draft = {k: profile[k] for k in ("cluster", "sector", "stage") if isinstance(profile.get(k), str)}
        await _start_form(bot, user_id, state, draft, None)
    elif callback_data.a == "mine":
        await _show_mine(bot, uow, projects, user_id)
    elif callback_data.a == "text":
        await state.set_state(PartnerSearch.text)
        await send(bot, user_id, Screen(texts.ASK_SEARCH))
    else:
        callback_answer.text = texts.UNCHANGED


async def _show_mine(bot: Bot, uow: UnitOfWork, projects: Projects, user_id: int) -> None:
    mine = await projects.mine(uow.session, user_id)
    await uow.commit()
    if not mine:
        await send(bot, user_id, Screen(texts.NO_PROJECTS, keyboards.mine([])))
        return
    rows = [(p.id, texts.my_project_line(p.title, p.status, p.hidden)) for p in mine]
    await send(bot, user_id, Screen(texts.BUTTON_MINE, keyboards.mine(rows)))


# --- the guided form ------------------------------------------------------------------------


async def _start_form(bot: Bot, user_id: int, state: FSMContext, draft: dict[str, Any], project_id: int | None) -> None:
    await state.set_state(ProjectForm.title)
    await state.update_data({FORM_KEY: {"draft": draft, "project": project_id, "ticks": []}})
    editing = project_id is not None
    await send(bot, user_id, Screen(texts.ASK_TITLE, markup(keyboards.cancel_row(editing, "title"))))


async def _form(state: FSMContext) -> dict[str, Any] | None:
    form = (await state.get_data()).get(FORM_KEY)
    return form if isinstance(form, dict) else None


async def _save(state: FSMContext, form: dict[str, Any]) -> None:
    await state.update_data({FORM_KEY: form})


async def _ask(bot: Bot, user_id: int, state: FSMContext, form: dict[str, Any], step: str) -> None:
    """Show the form's step ``step`` (buttons or a typed answer)."""
    draft, editing = form["draft"], form["project"] is not None
    form["step"] = step
    await _save(state, form)
    if step == "summary":
        await state.set_state(ProjectForm.summary)
        await send(bot, user_id, Screen(texts.ASK_SUMMARY, markup(keyboards.cancel_row(editing, "summary"))))
        return
    if step == "site":
        await state.set_state(ProjectForm.site)
        await send(bot, user_id, Screen(texts.ASK_SITE, keyboards.skip("site", editing and bool(draft.get("site")))))
        return
    await state.set_state(ProjectForm.choosing)
    if step == "cluster":
        screen = Screen(texts.ASK_CLUSTER, keyboards.clusters(draft.get("cluster", ""), editing))
    elif step == "sector":
        screen = Screen(texts.ASK_SECTOR, keyboards.sectors(draft.get("sector", ""), editing))
    elif step == "stage":
        screen = Screen(texts.ASK_STAGE, keyboards.stages(draft.get("stage", ""), editing))
    elif step == "seeks":
        form["ticks"] = list(draft.get("seeks", []))
        await _save(state, form)
        screen = Screen(texts.ASK_SEEKS, keyboards.multi("seeks", SEEKS, form["ticks"], skippable=False))
    elif step == "offers":
        form["ticks"] = list(draft.get("offers", []))
        await _save(state, form)
        screen = Screen(texts.ASK_OFFERS, keyboards.multi("offers", OFFERS, form["ticks"], skippable=True))
    else:
        screen = Screen(texts.draft_preview(draft), keyboards.confirm())
    await send(bot, user_id, screen)


NEXT = {"title": "summary", "summary": "cluster", "cluster": "sector", "sector": "stage", "stage": "seeks",
        "seeks": "offers", "offers": "site", "site": "confirm"}
CHOICES = {"cluster": (PROJECT_CLUSTERS, "unknown_cluster"), "sector": (tuple(SECTORS), "unknown_sector"),
           "stage": (tuple(STAGES), "unknown_stage")}
MULTI = {"seeks": (SEEKS, "unknown_seeks"), "offers": (OFFERS, "unknown_offers")}


async def on_text_step(message: Message, bot: Bot, state: FSMContext) -> None:
    form = await _form(state)
    current = await state.get_state()
    if form is None:
        await state.clear()
        raise SkipHandler
    if message.text is None:
        await send(bot, message.chat.id, Screen(texts.ONLY_TEXT))
        return
    step = {ProjectForm.title.state: "title", ProjectForm.summary.state: "summary", ProjectForm.site.state: "site"}
    name = step.get(current or "", "")
    cleaner = {"title": clean_title, "summary": clean_summary, "site": clean_url}[name]
    try:
        form["draft"][name] = cleaner(message.text)
    except ProjectInputError as exc:
        await send(bot, message.chat.id, Screen(texts.input_error(exc)))
        return
    await _ask(bot, message.chat.id, state, form, NEXT[name])


async def on_form_button(callback: CallbackQuery, callback_data: ProjectFormCb, callback_answer: CallbackAnswer,
                         bot: Bot, uow: UnitOfWork, projects: Projects, state: FSMContext) -> None:
    user_id = callback.from_user.id
    form = await _form(state)
    step, value = callback_data.s, callback_data.v
    if step == "cancel":
        await state.clear()
        await send(bot, user_id, Screen(texts.CANCELLED))
        return
    if form is None:
        callback_answer.text = texts.REFUSALS["stale"]
        return
    draft = form["draft"]
    if value == "=keep" and step in NEXT and draft.get(step):
        await _ask(bot, user_id, state, form, NEXT[step])
        return
    if step == "site" and value == "=skip":
        draft.pop("site", None)
        await _ask(bot, user_id, state, form, "confirm")
        return
    if step in CHOICES:
        allowed, code = CHOICES[step]
        try:
            draft[step] = check_choice(value, allowed, code)
        except ProjectInputError as exc:
            callback_answer.text = texts.input_error(exc)
            return
        await _ask(bot, user_id, state, form, NEXT[step])
        return
    if step in MULTI:
        vocabulary, code = MULTI[step]
        if value == "=done":
            if step == "seeks" and not form["ticks"]:
                callback_answer.text = texts.REFUSALS["choose_one"]
                return
            draft[step] = [v for v in vocabulary if v in form["ticks"]]
            await _ask(bot, user_id, state, form, NEXT[step])
            return
        if value not in vocabulary:
            callback_answer.text = texts.REFUSALS[code]
            return
        ticks = set(form["ticks"]) ^ {value}
        form["ticks"] = [v for v in vocabulary if v in ticks]
        await _save(state, form)
        if isinstance(callback.message, Message):
            await bot.edit_message_reply_markup(chat_id=user_id, message_id=callback.message.message_id,
                                                reply_markup=keyboards.multi(step, vocabulary, form["ticks"],
                                                                             skippable=step == "offers"))
        return
    if step == "submit":
        try:
            project = await projects.submit(uow.session, user_id, draft, form["project"])
        except ProjectInputError as exc:
            callback_answer.text = texts.input_error(exc)
            return
        except ProjectRefusal as exc:
            callback_answer.text = texts.refusal(exc.code)
            return
        await uow.commit()
        projects.wake()
        await state.clear()
        await send(bot, user_id, Screen(texts.SUBMITTED, keyboards.mine(
            [(project.id, texts.my_project_line(project.title, project.status, project.hidden))])))
        return
    callback_answer.text = texts.REFUSALS["stale"]


# --- my projects --------------------------------------------------------------------------


async def on_my_project(callback: CallbackQuery, callback_data: MyProjectCb, callback_answer: CallbackAnswer,
                        bot: Bot, uow: UnitOfWork, projects: Projects, state: FSMContext) -> None:
    user_id = callback.from_user.id
    try:
        project = await projects.owned(uow.session, user_id, callback_data.id)
        action = callback_data.a
        if action == "edit":
            draft = {k: getattr(project, k) for k in ("title", "summary", "cluster", "sector", "stage")}
            draft.update(seeks=list(project.seeks or []), offers=list(project.offers or []))
            if project.site:
                draft["site"] = project.site
            if project.offer_text:
                draft["offer_text"] = project.offer_text
            await uow.commit()
            await _start_form(bot, user_id, state, draft, project.id)
            return
        if action in ("hide", "show"):
            done = await projects.set_hidden(uow.session, user_id, project.id, action == "hide")
            reply = (texts.HIDDEN if action == "hide" else texts.SHOWN) if done else texts.UNCHANGED
        elif action == "archive":
            reply = texts.ARCHIVED if await projects.archive(uow.session, user_id, project.id) else texts.UNCHANGED
        elif action == "current":
            done = await projects.confirm_current(uow.session, user_id, project.id)
            reply = texts.CONFIRMED if done else texts.REFUSALS["not_published"]
        else:
            await uow.commit()
            status = project.status
            text = texts.card_text(_card(project), status=status if not project.hidden else "hidden")
            if project.status == "draft" and project.return_reason:
                text += texts.return_note(project.return_reason)
            await send(bot, user_id, Screen(text, keyboards.my_project(project.id, status, project.hidden,
                                                                       project.reminded_at is not None)))
            return
    except ProjectRefusal as exc:
        callback_answer.text = texts.refusal(exc.code)
        return
    await uow.commit()
    projects.wake()
    await send(bot, user_id, Screen(reply))


def _card(project: Any) -> Any:
    from db.projects.repository import card_of

    return card_of(project)


# --- partner search -----------------------------------------------------------------------


def _filter(data: PartnerCb) -> ProjectFilter:
    values = {}
    for key, (name, options) in keyboards.FILTERS.items():
        index = getattr(data, key)
        values[name] = options[index] if 0 <= index < len(options) else ""
    return ProjectFilter(**values)


async def on_browse(callback: CallbackQuery, callback_data: PartnerCb, bot: Bot, uow: UnitOfWork,
                    projects: Projects) -> None:
    user_id = callback.from_user.id
    if callback_data.v in keyboards.FILTERS:
        await send(bot, user_id, Screen(texts.PICK_FILTER,
                                        keyboards.picker(callback_data, callback_data.v)))
        return
    cards = await projects.browse(uow.session, _filter(callback_data))
    await uow.commit()
    text = texts.browse_header(len(cards)) + ("" if cards else "\n" + texts.NOTHING_FOUND)
    await send(bot, user_id, Screen(text, keyboards.browse(callback_data, cards)))


async def on_search_text(message: Message, bot: Bot, uow: UnitOfWork, projects: Projects, state: FSMContext) -> None:
    await state.clear()
    if not message.text or message.text.startswith("/"):
        raise SkipHandler
    found = await projects.find(uow.session, message.text)
    await uow.commit()
    if not found:
        await send(bot, message.chat.id, Screen(texts.NOTHING_FOUND_TEXT, keyboards.menu()))
        return
    cards = [card for card, _ in found]
    await send(bot, message.chat.id, Screen(texts.search_results(message.text, len(cards)), keyboards.found(cards)))


async def on_partner_card(callback: CallbackQuery, callback_data: PartnerCardCb, callback_answer: CallbackAnswer,
                          bot: Bot, uow: UnitOfWork, projects: Projects) -> None:
    card = await projects.card(uow.session, callback_data.id)
    await uow.commit()
    if card is None:
        callback_answer.text = texts.REFUSALS["not_published"]
        return
    await send(bot, callback.from_user.id, Screen(texts.card_text(card), keyboards.partner_card(card.id)))


# --- cooperation requests -----------------------------------------------------------------


async def on_cooperate(callback: CallbackQuery, callback_data: CooperateCb, callback_answer: CallbackAnswer,
                       bot: Bot, uow: UnitOfWork, journey: Journey, projects: Projects, state: FSMContext) -> None:
    user_id = callback.from_user.id
    if not await journey.consented():
        callback_answer.text = texts.NEED_CONSENT
        return
    try:
        await projects.check_propose(uow.session, user_id, callback_data.id)
    except ProjectRefusal as exc:
        await uow.commit()
        callback_answer.text = texts.refusal(exc.code)
        return
    await uow.commit()
    await state.set_state(Cooperation.message)
    await state.update_data(cooperate=callback_data.id)
    await send(bot, user_id, Screen(texts.ASK_MESSAGE, markup(keyboards.cancel_row())))


async def on_cooperation_message(message: Message, bot: Bot, uow: UnitOfWork, projects: Projects,
                                 state: FSMContext) -> None:
    data = await state.get_data()
    project_id = data.get("cooperate")
    if not isinstance(project_id, int) or message.from_user is None:
        await state.clear()
        raise SkipHandler
    if message.text is None:
        await send(bot, message.chat.id, Screen(texts.ONLY_TEXT))
        return
    try:
        request = await projects.propose(uow.session, message.from_user.id, project_id, message.text,
                                         contact_of(message.from_user))
    except ProjectRefusal as exc:
        await uow.rollback()
        await send(bot, message.chat.id, Screen(texts.refusal(exc.code)))
        if not exc.code.startswith("message_"):
            await state.clear()
        return
    await uow.commit()
    projects.wake()
    await state.clear()
    await send(bot, message.chat.id, Screen(texts.SENT, keyboards.sent(request.id)))


async def on_cooperation_decision(callback: CallbackQuery, callback_data: CooperationCb,
                                  callback_answer: CallbackAnswer, bot: Bot, uow: UnitOfWork, journey: Journey,
                                  projects: Projects, state: FSMContext) -> None:
    user = callback.from_user
    action = callback_data.a
    try:
        if action == "accept" and user.username:
            await projects.accept(uow.session, user.id, callback_data.r, f"@{user.username}")
            reply = texts.ACCEPTED_OWNER
        elif action in ("accept", "contact"):
            await projects._request_for(uow.session, callback_data.r, user.id)  # pending and the owner's?
            await uow.commit()
            await state.set_state(Cooperation.contact)
            await state.update_data(accepting=callback_data.r)
            await send(bot, user.id, Screen(texts.ASK_CONTACT, markup(keyboards.cancel_row())))
            return
        elif action in ("decline", "block"):
            await projects.decline(uow.session, user.id, callback_data.r, block=action == "block")
            reply = texts.BLOCKED_OWNER if action == "block" else texts.DECLINED_OWNER
        elif action == "mediate":
            ticket = await projects.mediate(uow.session, journey.domain, user.id, callback_data.r)
            reply = texts.mediating(ticket)
        else:
            callback_answer.text = texts.REFUSALS["stale"]
            return
    except ProjectRefusal as exc:
        await uow.rollback()
        callback_answer.text = texts.refusal(exc.code)
        return
    await uow.commit()
    projects.wake()
    callback_answer.text = reply[:190]


async def on_contact(message: Message, bot: Bot, uow: UnitOfWork, projects: Projects, state: FSMContext) -> None:
    data = await state.get_data()
    request_id = data.get("accepting")
    if not isinstance(request_id, int) or message.from_user is None:
        await state.clear()
        raise SkipHandler
    try:
        contact = clean_contact(message.text)
        await projects.accept(uow.session, message.from_user.id, request_id, contact)
    except ProjectInputError as exc:
        await send(bot, message.chat.id, Screen(texts.input_error(exc)))
        return
    except ProjectRefusal as exc:
        await uow.rollback()
        await state.clear()
        await send(bot, message.chat.id, Screen(texts.refusal(exc.code)))
        return
    await uow.commit()
    projects.wake()
    await state.clear()
    await send(bot, message.chat.id, Screen(texts.ACCEPTED_OWNER))


# --- large customers' requests --------------------------------------------------------------


async def on_respond(callback: CallbackQuery, callback_data: CustomerRequestCb, callback_answer: CallbackAnswer,
                     bot: Bot, uow: UnitOfWork, journey: Journey, projects: Projects,
                     partner_requests: RequestHolder) -> None:
    request = partner_requests.get(callback_data.id)
    if request is None:
        callback_answer.text = texts.REFUSALS["no_request"]
        return
    if not await journey.consented():
        callback_answer.text = texts.NEED_CONSENT
        return
    try:
        ticket, created = await projects.respond_to_request(uow.session, journey.domain, callback.from_user.id,
                                                            request, texts.request_question(request))
    except ProjectRefusal as exc:
        callback_answer.text = texts.refusal(exc.code)
        return
    await uow.commit()
    projects.wake()
    await send(bot, callback.from_user.id, Screen(texts.responded(ticket, created)))


def make_router() -> Router:
    router = Router(name="projects")
    router.message.filter(F.chat.type == "private")
    router.message.register(projects_command, Command("projects"))
    router.callback_query.register(on_menu, ProjectsCb.filter())
    router.callback_query.register(on_form_button, ProjectFormCb.filter())
    router.callback_query.register(on_my_project, MyProjectCb.filter())
    router.callback_query.register(on_browse, PartnerCb.filter())
    router.callback_query.register(on_partner_card, PartnerCardCb.filter())
    router.callback_query.register(on_cooperate, CooperateCb.filter())
    router.callback_query.register(on_cooperation_decision, CooperationCb.filter())
    router.callback_query.register(on_respond, CustomerRequestCb.filter())
    text_states = StateFilter(ProjectForm.title, ProjectForm.summary, ProjectForm.site)
    router.message.register(on_text_step, text_states, ~F.text.startswith("/"))
    router.message.register(on_search_text, StateFilter(PartnerSearch.text), ~F.text.startswith("/"))
    router.message.register(on_cooperation_message, StateFilter(Cooperation.message), ~F.text.startswith("/"))
    router.message.register(on_contact, StateFilter(Cooperation.contact), ~F.text.startswith("/"))
    return router
