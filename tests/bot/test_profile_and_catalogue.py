"""/profile (see, change one answer and re-match, reset), /measures, /help, /consultant."""

from __future__ import annotations

import re

from tests.bot.conftest import BotWorld
from tests.bot.helpers import current_question, finish_questionnaire, start_and_consent
from tests.support.telegram import ChatClient, texts_of


def eligible_count(screen: str) -> int:
    match = re.search(r"✅ Подходит: (\d+)", screen)
    assert match, screen
    return int(match.group(1))


async def test_change_one_answer_and_rematch(world: BotWorld, client: ChatClient) -> None:
    await start_and_consent(client)
    await finish_questionnaire(client)
    before = eligible_count(client.screen())
    assert before >= 1 and "1. ✅ Тестовый грант московским компаниям" in client.screen()

    replies = await client.send("/profile")
    profile = texts_of(replies)[0]
    assert "Зарегистрированы в Москве: <b>да</b>" in profile and "Возраст компании: <b>24 мес.</b>" in profile

    await client.click("Изменить ответ")
    await client.click("Зарегистрированы в Москве")
    assert current_question(client) == "Бизнес зарегистрирован в Москве?"
    await client.click("Нет")
    screen = client.screen()
    assert screen.startswith(f"Ответ изменён. Теперь подходит: {before - 1}")
    assert "Тестовый грант московским компаниям" not in screen  # «не подходит» is one button away
    await client.click("Не подходит")
    assert "⛔ Тестовый грант московским компаниям" in client.screen()
    assert "не выполнено условие" in client.screen()  # with the deciding reason


async def test_reset_starts_over(client: ChatClient) -> None:
    await start_and_consent(client)
    await finish_questionnaire(client)
    await client.send("/profile")
    await client.click("Начать заново")
    await client.click("Да, заново")
    assert "Ответы стёрты" in client.screen() and current_question(client) == "Что нужно бизнесу?"


async def test_profile_needs_consent(client: ChatClient) -> None:
    replies = await client.send("/profile")
    assert "согласие" in texts_of(replies)[0]


async def test_browse_the_catalogue_by_kind_and_level(client: ChatClient) -> None:
    await client.send("/measures")
    assert "Грант (2)" in client.buttons()
    await client.click("Москва")
    assert "Грант (1)" in client.buttons() and "Заём или кредит (1)" not in client.buttons()
    await client.click("Грант (1)")
    assert "Тестовый грант московским компаниям" in client.screen()
    await client.click("1")
    assert "Условия:" in client.screen() and "нет данных" in client.screen()  # no profile → «?»
    await client.click("← Назад к списку")
    assert "Каталог мер" in client.screen()


async def test_browse_back_to_list_returns_to_the_filtered_page(client: ChatClient) -> None:
    await start_and_consent(client)
    await client.send("/measures")
    await client.click("Обучение (1)")
    await client.click("1")
    await client.click("← Назад к списку")
    assert "Обучение · Все уровни" in client.screen()


async def test_help_and_consultant(client: ChatClient) -> None:
    assert "/forget" in texts_of(await client.send("/help"))[0]
    assert "консультант" in texts_of(await client.send("/consultant"))[0]
