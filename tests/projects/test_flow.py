"""The registry end to end through the real dispatcher, the outbox worker and the recording Bot API:
add → moderation card → a stranger cannot publish → a consultant publishes → another user finds
it by browsing and by free text → cooperation declined (nothing more) / accepted (both get the
contact) → archived → gone from search; a customer request reaches a fitting user once; /forget."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from aiogram.methods import AnswerCallbackQuery, CreateForumTopic, SendMessage
from sqlalchemy import select

from bot.services.partner_requests import sync_once
from bot.telegram.callbacks import (
    CooperateCb,
    CustomerRequestCb,
    ForgetCb,
    ModerationCb,
    MyProjectCb,
    PartnerCb,
    ProjectFormCb,
    ProjectsCb,
)
from bot.telegram.projects_keyboards import FILTERS
from bot.texts import projects as texts
from db.projects.models import Project, ProjectDecision, RequestAlert
from rules.partner_requests import load_requests
from tests.handoff.world import CONSULTANTS, STAFF, STRANGER, USER
from tests.projects.conftest import OWNER_PROFILE, PROJECT, ProjectWorld

PARTNER = 2002
OUTSIDER = 3003
PARTNER_PROFILE = {"applicant_type": "legal_entity", "company_name": "АО «Авиазавод»", "cluster": "aerospace",
                   "sector": "aerospace", "okved_main": "30.30"}


def texts_to(world: ProjectWorld, chat_id: int) -> list[str]:
    return [m.text for m in world.telegram.to_chat(chat_id) if isinstance(m, SendMessage)]


def answers(world: ProjectWorld) -> list[str]:
    return [m.text or "" for m in world.telegram.requests if isinstance(m, AnswerCallbackQuery)]


def buttons(world: ProjectWorld, chat_id: int) -> list[str]:
    out = []
    for m in world.telegram.to_chat(chat_id):
        if isinstance(m, SendMessage) and m.reply_markup is not None:
            out += [b.text for row in m.reply_markup.inline_keyboard for b in row]  # type: ignore[union-attr]
    return out


def callbacks_to(world: ProjectWorld, chat_id: int, label: str) -> str:
    for m in reversed(world.telegram.to_chat(chat_id)):
        if isinstance(m, SendMessage) and m.reply_markup is not None:
            for row in m.reply_markup.inline_keyboard:  # type: ignore[union-attr]
                for b in row:
                    if b.text == label:
                        return str(b.callback_data)
    raise AssertionError(f"no button {label!r} sent to {chat_id}")


async def project(world: ProjectWorld, project_id: int = 1) -> Project:
    async with world.sessions() as session:
        found = await session.get(Project, project_id)
    assert found is not None
    return found


async def fill_form(world: ProjectWorld, user: int = USER) -> None:
    await world.feed(world.user_message("/projects", user))
    assert texts_to(world, user)[-1] == texts.MENU
    await world.feed(world.user_press(ProjectsCb(a="add").pack(), user))
    assert texts_to(world, user)[-1] == texts.ASK_TITLE
    await world.feed(world.user_message(PROJECT["title"], user))
    await world.feed(world.user_message(PROJECT["summary"], user))
    assert texts_to(world, user)[-1] == texts.ASK_CLUSTER
    for step, value in (("cluster", "composites"), ("sector", "composites"), ("stage", "prototype"),
                        ("seeks", "manufacturing"), ("seeks", "customer"), ("seeks", "=done"),
                        ("offers", "product"), ("offers", "=done"), ("site", "=skip")):
        await world.feed(world.user_press(ProjectFormCb(s=step, v=value).pack(), user))
    assert texts_to(world, user)[-1].startswith("<b>Проверьте проект")
    await world.feed(world.user_press(ProjectFormCb(s="submit").pack(), user))
    assert texts_to(world, user)[-1] == texts.SUBMITTED


async def test_the_whole_registry_flow(world: ProjectWorld, tmp_path: Path) -> None:
    await world.consenting_user(USER, OWNER_PROFILE)
    await world.consenting_user(PARTNER, PARTNER_PROFILE)
    await fill_form(world)
    assert (await project(world)).status == "moderation"

    # the moderation card goes to the standing topic «Модерация проектов», with the owner's profile
    await world.deliver()
    [topic] = world.telegram.sent(CreateForumTopic)
    assert topic.chat_id == STAFF and topic.name == "Модерация проектов"
    [card] = [m for m in world.telegram.to_chat(STAFF) if isinstance(m, SendMessage)]
    assert card.message_thread_id is not None and PROJECT["title"] in card.text
    assert "Профиль владельца" in card.text and "ООО «Композит-Лаб»" in card.text
    assert (await project(world)).card_message_id is not None

    # a non-consultant cannot publish; a consultant can, once
    await world.feed(world.staff_press(ModerationCb(id=1, v=1, a="publish").pack(), author=STRANGER))
    assert answers(world)[-1] == texts.NOT_A_CONSULTANT
    assert (await project(world)).status == "moderation"
    await world.feed(world.staff_press(ModerationCb(id=1, v=1, a="publish").pack(), author=CONSULTANTS[0]))
    assert (await project(world)).status == "published"
    await world.feed(world.staff_press(ModerationCb(id=1, v=1, a="publish").pack(), author=CONSULTANTS[1]))
    assert answers(world)[-1] == texts.REFUSALS["already_published"]
    async with world.sessions() as session:
        log = list(await session.scalars(select(ProjectDecision).order_by(ProjectDecision.id)))
    assert [(d.action, d.actor_id) for d in log] == [("submitted", USER), ("published", CONSULTANTS[0])]
    await world.deliver()
    assert "опубликован" in texts_to(world, USER)[-1]

    # another user finds it by browsing (cluster filter) and by free text; the card has no contacts
    composites = FILTERS["c"][1].index("composites")
    await world.feed(world.user_press(PartnerCb(c=composites).pack(), PARTNER))
    assert PROJECT["title"] in buttons(world, PARTNER)
    await world.feed(world.user_press(ProjectsCb(a="text").pack(), PARTNER))
    await world.feed(world.user_message("ищем лопасти из композитов для дронов", PARTNER))
    assert texts_to(world, PARTNER)[-1].startswith("По запросу")
    await world.feed(world.user_press(callbacks_to(world, PARTNER, PROJECT["title"]), PARTNER))
    card_text = texts_to(world, PARTNER)[-1]
    assert PROJECT["title"] in card_text and "Композит-Лаб" not in card_text and "@" not in card_text

    # cooperation: the owner declines — the requester learns nothing more
    await world.feed(world.user_press(CooperateCb(id=1).pack(), PARTNER))
    assert texts_to(world, PARTNER)[-1] == texts.ASK_MESSAGE
    await world.feed(world.user_message("Готовы изготовить опытную партию лопастей на нашем заводе.", PARTNER))
    assert texts_to(world, PARTNER)[-1] == texts.SENT
    await world.feed(world.user_press(CooperateCb(id=1).pack(), PARTNER))
    assert answers(world)[-1] == texts.REFUSALS["pending"]
    await world.deliver()
    offer = texts_to(world, USER)[-1]
    assert "Предложение о сотрудничестве" in offer and "АО «Авиазавод»" in offer and "tg://" not in offer
    await world.feed(world.user_press(callbacks_to(world, USER, texts.BUTTON_DECLINE), USER))
    await world.deliver()
    declined = texts_to(world, PARTNER)[-1]
    assert "пока не готов" in declined and "tg://" not in declined and "+7" not in declined

    # … a second request, accepted: both get the other's contact
    await world.feed(world.user_press(CooperateCb(id=1).pack(), PARTNER))
    await world.feed(world.user_message("Можем стать заказчиком пилотной партии для наших БПЛА.", PARTNER))
    await world.deliver()
    await world.feed(world.user_press(callbacks_to(world, USER, texts.BUTTON_ACCEPT), USER))
    assert texts_to(world, USER)[-1] == texts.ASK_CONTACT
    await world.feed(world.user_message("+7 900 000-00-00", USER))
    assert texts_to(world, USER)[-1] == texts.ACCEPTED_OWNER
    await world.deliver()
    assert "+7 900 000-00-00" in texts_to(world, PARTNER)[-1]
    assert f"tg://user?id={PARTNER}" in texts_to(world, USER)[-1]

    # the owner archives: it disappears from browsing and from free text
    await world.feed(world.user_press(MyProjectCb(id=1, a="archive").pack(), USER))
    assert texts_to(world, USER)[-1] == texts.ARCHIVED
    await world.feed(world.user_press(PartnerCb(c=composites).pack(), PARTNER))
    assert texts.NOTHING_FOUND in texts_to(world, PARTNER)[-1]
    await world.feed(world.user_press(ProjectsCb(a="text").pack(), PARTNER))
    await world.feed(world.user_message("композитные лопасти", PARTNER))
    assert texts_to(world, PARTNER)[-1] == texts.NOTHING_FOUND_TEXT
    await world.feed(world.user_press(CooperateCb(id=1).pack(), PARTNER))
    assert answers(world)[-1] == texts.REFUSALS["not_published"]


REQUESTS = """
requests:
  - id: example-aerospace-composites
    customer: {name: Пример авиастроительной корпорации}
    title: Композитные детали интерьера салона
    need: Ищем поставщиков лёгких композитных панелей для опытной партии.
    clusters: [aerospace]
    okved: ["30.30"]
    deadline: 2099-12-31
    respond: {how: Через консультанта ЦКР}
    example: true
    source_url: https://example.org/
    last_verified: 2026-11-27
    provenance: unverified
    provenance_note: пример формата, заказчик такой запрос не публиковал
"""


async def test_a_customer_request_reaches_a_fitting_user_once(world: ProjectWorld, tmp_path: Path) -> None:
    await world.consenting_user(PARTNER, PARTNER_PROFILE)  # aerospace: fits
    await world.consenting_user(OUTSIDER, {**OWNER_PROFILE, "cluster": "food", "sector": "food"})  # does not
    for user in (PARTNER, OUTSIDER):
        await world.feed(world.user_press(_alerts_on(), user))
    path = tmp_path / "requests.yaml"
    path.write_text(REQUESTS, encoding="utf-8")
    book = load_requests(path, dt.date(2026, 12, 1))
    messages = world.dp["project_messages"]
    for _ in range(2):  # a second reload (or instance) sends nothing new
        async with world.sessions() as session:
            await sync_once(session, book, messages, dt.date(2026, 12, 1))
            await session.commit()
    await world.deliver()
    alerts = [t for t in texts_to(world, PARTNER) if "Запрос крупного заказчика" in t]
    assert len(alerts) == 1 and "Пример формата" in alerts[0]
    assert not [t for t in texts_to(world, OUTSIDER) if "Запрос крупного заказчика" in t]
    async with world.sessions() as session:
        assert len(list(await session.scalars(select(RequestAlert)))) == 1

    # «Откликнуться» opens a consultant handoff with the request attached
    world.dp["partner_requests"].book = book
    request = book.requests[0]
    await world.feed(world.user_press(CustomerRequestCb(id=request.id, v=request.version).pack(), PARTNER))
    assert "передана консультанту" in texts_to(world, PARTNER)[-1]
    await world.deliver()
    staff_cards = [m.text for m in world.telegram.to_chat(STAFF) if isinstance(m, SendMessage)]
    assert any("Композитные детали интерьера салона" in t for t in staff_cards)


def _alerts_on() -> str:
    from bot.telegram.callbacks import AlertsCb

    return AlertsCb(on=True, t=True).pack()


async def test_forget_removes_the_project_from_search_at_once(world: ProjectWorld) -> None:
    await world.consenting_user(USER, OWNER_PROFILE)
    await world.consenting_user(PARTNER, PARTNER_PROFILE)
    project_id = await world.published(USER)
    async with world.sessions() as session:
        assert [c.id for c, _ in await world.projects.find(session, "композитные лопасти")] == [project_id]
    await world.feed(world.user_press(ForgetCb(confirm=True).pack(), USER))
    async with world.sessions() as session:
        assert await world.projects.find(session, "композитные лопасти") == []
        assert await world.projects.browse(session, _any()) == []
    row = await project(world, project_id)
    assert row.owner_id is None and row.status == "archived" and row.summary == ""
    await world.feed(world.user_press(CooperateCb(id=project_id).pack(), PARTNER))
    assert answers(world)[-1] == texts.REFUSALS["not_published"]


def _any() -> Any:
    from rules.projects import ProjectFilter

    return ProjectFilter()
