"""Issue 17 through the real dispatcher: the results screen by request, its groups, «Не подходит»,
«Мой план» (add, one-tap status, «получил» → used_measures, reminders, stale buttons, a measure
that stopped fitting, /forget) and «Сравнить» — on the shipped catalogue for the personas."""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from bot.services.domain import Domain
from bot.services.journey import PRIVACY_POLICY_VERSION
from bot.services.plan import PlanView, fingerprint, queue_plan_reminders
from bot.telegram.callbacks import PlanCb, ResultsCb
from bot.telegram.dispatcher import build_dispatcher
from bot.telegram.outbox.messages import TelegramOutboxMessages
from bot.texts.ticket_card import ticket_card
from db.models import OutboxMessage, PlanItem, Profile
from db.repositories import ProfileRepository, UserRepository
from rules.catalogue import Catalogue, Window
from rules.data import load_bundle
from rules.eligibility import Verdict, match
from rules.engine import Progress
from tests.bot.conftest import BotWorld, settings_for_tests
from tests.bot.telegram import ChatClient, texts_of
from tests.test_transcripts import PERSONAS, answered

ROOT = Path(__file__).resolve().parents[2]
USER = 1701
LINE = re.compile(r"^(\d+)\. (✅|🟡|⛔) (.+)$", re.MULTILINE)


@pytest.fixture
async def shipped(world: BotWorld) -> AsyncIterator[BotWorld]:
    """The test world on the shipped catalogue and questionnaire."""
    world.domain = Domain(load_bundle(ROOT / "measures.yaml", ROOT / "rules" / "questionnaire.yaml"))
    world.dp = build_dispatcher(world.domain, world.sessions, settings_for_tests(
        measures_path=ROOT / "measures.yaml", questionnaire_path=ROOT / "rules" / "questionnaire.yaml"))
    yield world


async def seed(world: BotWorld, persona: dict[str, Any], user_id: int = USER) -> ChatClient:
    """A user with consent who finished the questionnaire as ``persona`` (answers saved as the bot saves them)."""
    bundle = world.domain.bundle
    profile = answered(bundle, persona)
    progress = Progress(version=bundle.questionnaire.version)
    while (node := bundle.engine.current(progress)) is not None:
        value = profile.get(node.field)
        progress = bundle.engine.skip(progress, node.id) if value is None else bundle.engine.answer(progress, node.id, value)
    async with world.sessions() as session:
        await UserRepository(session).ensure(user_id)
        await UserRepository(session).record_consent(user_id, PRIVACY_POLICY_VERSION)
        await ProfileRepository(session).save(user_id, answers={}, progress=progress.to_dict(), state={},
                                              questionnaire_version=bundle.questionnaire.version,
                                              completed_at=dt.datetime.now(dt.UTC))
        await session.commit()
    client = world.client(user_id)
    await client.send("/profile")
    await client.press_data(ResultsCb(p=0).pack())
    return client


def not_fitting(world: BotWorld, persona: dict[str, Any]) -> int:
    """How many measures the engine rules out for ``persona`` — what «Не подходит · N» must count."""
    profile = answered(world.domain.bundle, persona)
    return sum(r.verdict is Verdict.INELIGIBLE for r in match(world.domain.catalogue, profile))


def numbered(screen: str) -> list[str]:
    return [m.group(3) for m in LINE.finditer(screen)]


async def test_two_needs_see_at_most_five_serving_them_first(shipped: BotWorld) -> None:
    persona = PERSONAS["b-zelenograd-electronics"]  # needs: equipment, export
    client = await seed(shipped, persona)
    screen = client.screen()
    assert "Под ваш запрос: экспорт, оборудование" in screen
    titles = numbered(screen)
    assert 1 <= len(titles) <= 5
    by_title = {m.title: m for m in shipped.domain.catalogue.measures}
    served = [by_title[t].serves_needs & {"equipment", "export"} for t in titles]
    assert all(served) and {"equipment", "export"} <= set().union(*served)  # both needs answered
    assert "Страница" not in screen and "→" not in client.buttons()
    buttons = client.buttons()
    assert buttons[:len(titles)] == [str(i) for i in range(1, len(titles) + 1)]
    groups = [b for b in buttons if re.search(r" · \d+$", b)]
    assert f"✖️ Не подходит · {not_fitting(shipped, persona)}" in groups and len(groups) <= 8
    assert any(b.startswith("Займы и поручительства · ") for b in groups)


async def test_groups_open_short_lists_and_no_list_pages_past_two(shipped: BotWorld) -> None:
    client = await seed(shipped, PERSONAS["b-zelenograd-electronics"])
    ruled_out = not_fitting(shipped, PERSONAS["b-zelenograd-electronics"])
    groups = [b for b in client.buttons() if re.search(r" · \d+$", b)]
    for label in groups:
        await client.press_data(ResultsCb(p=0).pack())
        await client.click(label)
        screen = client.screen()
        name = label.removeprefix("✖️ ")
        assert screen.startswith(f"<b>{name}</b>"), screen[:80]
        assert "из 3" not in screen  # a typical profile: at most two pages per list
        assert numbered(screen)
    await client.press_data(ResultsCb(p=0).pack())
    await client.click("Не подходит")
    screen = client.screen()
    shown = numbered(screen)
    assert 0 < len(shown) <= ruled_out and screen.count("⛔") == len(shown)  # a page of them, each marked
    assert screen.count("\n   ") >= len(shown)  # a deciding reason under every measure
    await client.click("1")
    await client.click("← Назад к списку")
    assert client.screen().startswith(f"<b>Не подходит · {ruled_out}</b>")  # back to the list it came from
    await client.click("← К результатам")
    assert "Под ваш запрос" in client.screen()


async def test_alternatives_are_one_entry_not_two_offers(shipped: BotWorld) -> None:
    # «Старт» fits; the other ФСИ grants still open to a prototype-stage startup are its alternatives
    # («Развитие» and «Бизнес-Старт» need sales or a product: ruled out, so not offered as a path)
    client = await seed(shipped, PERSONAS["a-it-startup"])
    screen = client.screen()
    start = "«Старт» — гранты ФСИ на НИОКР для новых компаний"
    other = "«Интернационализация» — грант ФСИ на совместные НИОКР с зарубежным партнёром"
    assert start in numbered(screen)
    assert f"или вместо неё: {other}" in screen
    assert other not in numbered(screen)
    await client.click("Гранты и субсидии")
    assert other not in numbered(client.screen())  # not offered again
    await client.press_data(ResultsCb(p=0).pack())
    await client.click(str(numbered(screen).index(start) + 1))
    card = client.screen()
    assert "Вместе с этой мерой не дают — выберите одно:" in card
    assert any(b.startswith("↔ «Интернационализация»") for b in client.buttons())


async def plan_items(world: BotWorld, user_id: int = USER) -> list[PlanItem]:
    async with world.sessions() as session:
        return list(await session.scalars(select(PlanItem).where(PlanItem.user_id == user_id)))


async def used_measures(world: BotWorld, user_id: int = USER) -> list[str]:
    async with world.sessions() as session:
        profile = await session.get(Profile, user_id)
        assert profile is not None
        return list(profile.progress["answers"].get("used_measures") or [])


async def test_plan_add_update_received_and_forget(shipped: BotWorld) -> None:
    client = await seed(shipped, PERSONAS["b-zelenograd-electronics"])
    first = numbered(client.screen())[0]
    await client.click("1")
    replies = await client.click("📌 В план")
    (added,) = [t for t in texts_of(replies) if f"Добавили в план: <b>{first}</b>" in t]
    assert "Добавили в план" in texts_of(replies)  # the toast
    assert "👉" in added and "📄" in added and "📅" in added  # next step, documents, deadline
    (item,) = await plan_items(shipped)
    assert item.status == "collecting" and item.documents
    await client.click("1")
    assert "📋 Уже в плане — открыть" in client.buttons()  # a second add is not offered

    replies = await client.send("/plan")
    plan = client.screen()
    assert f"1. <b>{first}</b> — 📄 собираю документы" in plan
    assert client.buttons()[2:6] == ["• 📄 Собираю", "📨 Подал", "✅ Получил", "✖️ Отказ"]

    replies = await client.click("📨 Подал")
    assert "Статус: подал заявку" in texts_of(replies)
    assert "📨 подал заявку" in client.screen()
    assert (await plan_items(shipped))[0].status == "applied"

    await client.click("✅ Получил")
    measure_id = item.measure_id
    assert measure_id in await used_measures(shipped)  # «получил» → used_measures
    await client.press_data(ResultsCb(p=0).pack())
    assert first not in numbered(client.screen())  # received: not offered as new

    await client.send("/plan")
    await client.click("📨 Подал")  # a mis-tap is undone: it was the plan that marked it received
    assert measure_id not in await used_measures(shipped)

    await client.send("/forget")
    await client.click("Да, удалить всё")
    assert await plan_items(shipped) == []


async def test_reminders_come_from_the_plan_once_per_deadline(shipped: BotWorld) -> None:
    client = await seed(shipped, PERSONAS["b-zelenograd-electronics"])
    await client.click("1")
    await client.click("📌 В план")
    (item,) = await plan_items(shipped)
    today = dt.date(2026, 12, 1)
    catalogue = shipped.domain.catalogue
    measure = dataclasses.replace(catalogue.by_id[item.measure_id], window=Window("open", until=today + dt.timedelta(days=5)))
    moved = Catalogue(tuple(measure if m.id == measure.id else m for m in catalogue.measures),
                      catalogue.margins, catalogue.path, catalogue.version)
    messages = TelegramOutboxMessages()
    for expected in (1, 0):  # the second pass finds the reminder already queued
        async with shipped.sessions() as session:
            assert await queue_plan_reminders(session, moved, 7, payload=messages.plan_reminder, today=today) == expected
            await session.commit()
    async with shipped.sessions() as session:
        rows = list(await session.scalars(select(OutboxMessage).where(OutboxMessage.kind == "plan_reminder")))
    assert len(rows) == 1 and rows[0].chat_id == USER
    assert "06.12.2026" in rows[0].payload["text"] and measure.title in rows[0].payload["text"]
    later = dataclasses.replace(measure, window=Window("open", until=today + dt.timedelta(days=6)))
    moved_again = Catalogue(tuple(later if m.id == later.id else m for m in moved.measures), moved.margins, moved.path, "v2")
    async with shipped.sessions() as session:  # a new deadline is a new reminder
        assert await queue_plan_reminders(session, moved_again, 7, payload=messages.plan_reminder, today=today) == 1
        await session.commit()
    await client.send("/plan")
    await client.click("✅ Получил")
    async with shipped.sessions() as session:  # received: no reminder any more
        later2 = dataclasses.replace(later, window=Window("open", until=today + dt.timedelta(days=4)))
        cat3 = Catalogue(tuple(later2 if m.id == later2.id else m for m in moved.measures), moved.margins, moved.path, "v3")
        assert await queue_plan_reminders(session, cat3, 7, payload=messages.plan_reminder, today=today) == 0


async def test_stale_plan_buttons_explain_what_changed(shipped: BotWorld) -> None:
    client = await seed(shipped, PERSONAS["b-zelenograd-electronics"])
    await client.click("1")
    await client.click("📌 В план")
    (item,) = await plan_items(shipped)
    await client.send("/plan")
    old_plan = client.latest_with_keyboard()
    by_id = shipped.domain.catalogue.by_id
    original = by_id[item.measure_id]
    changed = dataclasses.replace(original, documents=(*original.documents, "Справка об отсутствии долгов"))
    by_id[item.measure_id] = changed  # type: ignore[index]  # as after a catalogue reload
    await client.click("📨 Подал")
    screen = client.screen()
    assert "изменилась в каталоге" in screen and "добавили «Справка об отсутствии долгов»" in screen
    assert (await plan_items(shipped))[0].status == "applied"

    del by_id[item.measure_id]  # type: ignore[attr-defined]  # the measure leaves the catalogue
    assert old_plan is not None
    await client.feed(client.callback_update(PlanCb(a="s", i=item.id, s="r", f=fingerprint(changed)).pack(), old_plan))
    screen = client.screen()
    assert "больше нет в каталоге — статус не изменён" in screen
    assert "❗ Этой меры больше нет в каталоге" in screen  # still in the plan, flagged
    assert (await plan_items(shipped))[0].status == "applied"
    await client.click("🗑 Убрать")
    assert await plan_items(shipped) == []
    await client.feed(client.callback_update(PlanCb(a="s", i=item.id, s="c", f="x").pack(), old_plan))
    assert "Этой меры уже нет в вашем плане" in client.screen()


async def test_a_plan_item_that_stops_fitting_is_flagged_not_dropped(world: BotWorld, client: ChatClient) -> None:
    from tests.bot.helpers import finish_questionnaire, start_and_consent

    await start_and_consent(client)
    await finish_questionnaire(client)
    await client.click("1")
    assert "Тестовый грант московским компаниям" in client.screen()
    await client.click("📌 В план")
    await client.send("/profile")
    await client.click("Изменить ответ")
    await client.click("Зарегистрированы в Москве")
    await client.click("Нет")
    await client.send("/plan")
    plan = client.screen()
    assert "Тестовый грант московским компаниям" in plan
    assert "⚠️ По новым ответам анкеты мера не подходит" in plan


async def test_compare_loans_and_leasing_in_one_message(shipped: BotWorld) -> None:
    client = await seed(shipped, PERSONAS["c-large-company"])
    replies = await client.click("⚖️ Сравнить займы и лизинг")
    (text,) = texts_of(replies)
    assert text.startswith("<b>Сравнение займов и лизинга</b>")
    assert "ставка: 3 % годовых · срок: до 5 лет · сумма: от 100 млн ₽ до 1 млрд ₽" in text  # ФРП «Проекты развития»
    assert "нет данных" in text  # missing values are said so, not guessed
    assert "frprf.ru" in text
    assert "Лизинговые проекты" in text


def test_the_consultant_sees_the_plan_on_the_ticket_card() -> None:
    bundle = load_bundle(ROOT / "measures.yaml", ROOT / "rules" / "questionnaire.yaml")
    measure = bundle.catalogue.by_id["frp-development-projects"]
    plan = [PlanView(1, measure.id, "applied", measure.title, measure, measure.how_to_apply, measure.documents,
                     None, fingerprint(measure)),
            PlanView(2, "gone-measure", "collecting", "Старая мера", None, "", (), dt.date(2026, 12, 20), "x")]
    text = ticket_card(7, bundle.catalogue, {}, company="ООО «Тест»", measure_id=None, question="Вопрос", plan=plan)
    assert "<b>План клиента</b>" in text
    assert f"• {measure.title} — подал заявку" in text.replace("&quot;", '"')
    assert "Старая мера (меры нет в каталоге) — собираю документы; подать до 20.12.2026" in text


def test_plan_buttons_fit_telegram_limits() -> None:
    bundle = load_bundle(ROOT / "measures.yaml", ROOT / "rules" / "questionnaire.yaml")
    longest = max((m.id for m in bundle.catalogue.measures), key=len)
    assert len(PlanCb(a="rm", i=10**12, s="r", f="abcdef12").pack().encode()) <= 64
    from bot.telegram.callbacks import PlanAddCb

    assert len(PlanAddCb(id=longest).pack().encode()) <= 64
