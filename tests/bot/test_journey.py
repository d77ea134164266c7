"""The entrepreneur's journey through the real dispatcher, middlewares and SQLite database."""

from __future__ import annotations

from aiogram.methods import AnswerCallbackQuery, EditMessageText, SendMessage

from db.models import User
from tests.bot.conftest import BotWorld
from tests.bot.helpers import (
    current_question,
    finish_questionnaire,
    history_count,
    progress_of,
    start_and_consent,
)
from tests.support.telegram import ChatClient, texts_of


async def test_whole_journey_from_start_to_a_card_and_back(world: BotWorld, client: ChatClient) -> None:
    replies = await client.send("/start cluster_zelenograd")
    assert "152-ФЗ" in texts_of(replies)[0]
    assert client.buttons() == ["Согласен, начнём", "Как мы обрабатываем данные", "Не сейчас"]

    await client.click("Согласен, начнём")
    assert "Вопрос 1 из ~" in client.screen()
    assert current_question(client) == "Что нужно бизнесу?"

    await client.click("Грант")
    assert "✅ Грант" in client.buttons()
    asked = await finish_questionnaire(client)
    assert asked[0] == "Что нужно бизнесу?" and "Есть долги по налогам?" in asked

    results = client.screen()
    assert "✅ Подходит" in results
    assert "Тестовый грант московским компаниям" in results
    assert "Лучшее по вашим ответам" in results  # the helper answers «Готово» to «Что нужно?»
    first_page_buttons = client.buttons()
    assert first_page_buttons[:1] == ["1"]

    replies = await client.click("1")
    card = client.screen()
    assert "Тестовый грант московским компаниям" in card
    assert "✓" in card and "проверено: 01.11.2026" in card
    assert "&lt;проверяет экранирование&gt; &amp; амперсанд" in card
    assert client.buttons() == ["📌 В план", "Спросить консультанта", "← Назад к списку"]

    await client.click("Спросить консультанта")
    assert "консультант" in client.screen().lower()

    await client.click("← Назад к списку")
    assert "Меры по вашим ответам" in client.screen()

    async with world.sessions() as session:
        user = await session.get(User, client.user.id)
        assert user is not None and user.start_payload == "cluster_zelenograd" and user.has_consent
    progress = await progress_of(world)
    assert progress is not None and progress["answers"]["registered_in_moscow"] is True
    assert progress["answers"]["headcount"] == 12 and progress["answers"]["income_mln"] == 85.5


async def test_results_fit_one_screen_without_pages(world: BotWorld, client: ChatClient) -> None:
    await start_and_consent(client)
    await finish_questionnaire(client)
    # Issue 17: the first screen is «Под ваш запрос» + group buttons; nothing pages.
    assert "Страница" not in client.screen()
    assert "→" not in client.buttons()


async def test_back_returns_to_the_previous_question_and_forgets_its_answer(
    world: BotWorld, client: ChatClient
) -> None:
    await start_and_consent(client)
    await client.click("Готово")  # nothing ticked is a valid answer to a multi-select
    await client.click("Компания")
    assert current_question(client) == "Бизнес зарегистрирован в Москве?"
    assert "Вопрос 3 из" in client.screen()

    await client.click("← Назад")
    assert current_question(client) == "Кто получает поддержку?"
    assert "Вопрос 2 из" in client.screen()
    progress = await progress_of(world)
    assert progress is not None and "applicant_type" not in progress["answers"]

    await client.click("ИП")
    assert current_question(client) == "Бизнес зарегистрирован в Москве?"


async def test_dont_know_moves_on_and_is_stored_as_unknown(world: BotWorld, client: ChatClient) -> None:
    await start_and_consent(client)
    await client.click("Готово")
    await client.click("Компания")
    await client.click("Не знаю")
    assert current_question(client) != "Бизнес зарегистрирован в Москве?"
    progress = await progress_of(world)
    assert progress is not None and progress["answers"]["registered_in_moscow"] is None


async def test_required_question_has_no_dont_know(client: ChatClient) -> None:
    await start_and_consent(client)
    await client.click("Готово")
    assert current_question(client) == "Кто получает поддержку?"
    assert "Не знаю" not in client.buttons()


async def test_restart_in_the_middle_resumes_at_the_same_question(world: BotWorld) -> None:
    client = world.client()
    await start_and_consent(client)
    await client.click("Готово")
    await client.click("Компания")
    await client.click("Да")
    assert current_question(client) == "Сколько сотрудников?"

    world.restart()  # new dispatcher and domain, same database
    client = world.client()
    replies = await client.send("/start")
    assert "С возвращением" in texts_of(replies)[0]
    assert current_question(client) == "Сколько сотрудников?"
    await client.send("7")
    assert current_question(client) == "Доход за прошлый год, млн ₽?"


async def test_a_redelivered_update_changes_nothing(world: BotWorld, client: ChatClient) -> None:
    await start_and_consent(client)
    await client.click("Готово")
    await client.click("Компания")
    await client.click("Да")
    update = client.message_update("12")
    first = await client.feed(update)
    assert first and current_question(client) == "Доход за прошлый год, млн ₽?"
    answers_before = await history_count(world)
    progress_before = await progress_of(world)

    again = await client.feed(update)
    # The copy changes nothing, but shows the current screen again (the first reply may have
    # been lost to a crash): the same question, once.
    assert [type(r).__name__ for r in again] == ["SendMessage"]
    assert current_question(client) == "Доход за прошлый год, млн ₽?"
    assert await history_count(world) == answers_before
    assert await progress_of(world) == progress_before

    callback = client.callback_update(client.latest_with_keyboard().markup.inline_keyboard[-1][0].callback_data)  # type: ignore[union-attr]
    await client.feed(callback)
    count = await history_count(world)
    assert [type(r).__name__ for r in await client.feed(callback)] == ["SendMessage"]
    assert await history_count(world) == count


async def test_the_same_update_delivered_twice_at_once_is_processed_once(world: BotWorld, client: ChatClient) -> None:
    import asyncio

    await start_and_consent(client)
    await client.click("Готово")
    await client.click("Компания")
    await client.click("Да")
    update = client.message_update("12")
    before = await history_count(world)
    await asyncio.gather(client.feed(update), client.feed(update))
    assert await history_count(world) == before + 1


async def test_consent_is_needed_and_nothing_is_stored_before_it(world: BotWorld, client: ChatClient) -> None:
    from sqlalchemy import func, select

    from db.models import AnalyticsEvent, Profile

    await client.send("/start event_2026")
    await client.send("где взять грант на станок?")
    await client.send("/measures")
    await client.click("Все виды")
    await client.click("1")
    await client.click("Не сейчас")
    assert "ничего не сохраняю" in client.screen()
    async with world.sessions() as session:
        for model in (User, Profile, AnalyticsEvent):
            assert await session.scalar(select(func.count()).select_from(model)) == 0, model


async def test_policy_button_shows_the_policy_text(client: ChatClient) -> None:
    await client.send("/start")
    replies = await client.click("Как мы обрабатываем данные")
    text = texts_of([r for r in replies if isinstance(r, SendMessage)])[0]
    assert "152-ФЗ" in text and "Telegram" in text


async def test_callback_buttons_edit_in_place(client: ChatClient) -> None:
    await start_and_consent(client)
    replies = await client.click("Готово")
    kinds = {type(r) for r in replies}
    assert EditMessageText in kinds and AnswerCallbackQuery in kinds
