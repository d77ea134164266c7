"""Bad input never breaks the bot: forged or stale buttons, garbage, emoji, huge texts, photos."""

from __future__ import annotations

import pytest

from bot.telegram.callbacks import AnswerCb, CardCb, DoneCb, ToggleCb
from tests.bot.conftest import BotWorld
from tests.bot.helpers import current_question, history_count, start_and_consent
from tests.support.telegram import ChatClient, texts_of


async def at_headcount(client: ChatClient) -> None:
    await start_and_consent(client)
    await client.click("Готово")
    await client.click("Компания")
    await client.click("Да")
    assert current_question(client) == "Сколько сотрудников?"


@pytest.mark.parametrize(
    "data",
    [
        "garbage",
        "qa:zzzz",
        "qa:deadbeef:1:0",  # another questionnaire version
        "qa:{v}:999:0",  # no such question
        "qa:{v}:1:99",  # no such option
        "qt:{v}:0:999999:1",  # mask out of range
        "qd:{v}:0:-1",
        "m:no-such-measure",
        "ed:{v}:2",  # editing an answer that was never given (age)
        "mn:self-destruct",
        "x" * 64,
        "🙂",
    ],
)
async def test_forged_buttons_get_stale_notice_and_the_current_step(
    world: BotWorld, client: ChatClient, data: str
) -> None:
    await at_headcount(client)
    before = await history_count(world)
    replies = await client.press_data(data.format(v=world.domain.version))
    said = texts_of(replies)
    assert "Эта кнопка устарела" in said
    assert any("Эта кнопка устарела. Вот где мы сейчас:" in t and "Сколько сотрудников?" in t for t in said)
    assert await history_count(world) == before


async def test_an_old_button_of_an_answered_question_is_stale(world: BotWorld, client: ChatClient) -> None:
    await start_and_consent(client)
    await client.click("Готово")
    old_data = AnswerCb(v=world.domain.version, n=1, o=0).pack()  # «Компания» on the applicant question
    await client.click("Компания")
    await client.click("Да")
    before = await history_count(world)
    replies = await client.press_data(old_data)
    assert "Эта кнопка устарела" in texts_of(replies)
    assert current_question(client) == "Сколько сотрудников?"
    assert await history_count(world) == before


async def test_buttons_from_before_a_questionnaire_reload_are_stale(world: BotWorld, client: ChatClient) -> None:
    await start_and_consent(client)
    old_version = world.domain.version
    done = DoneCb(v=old_version, n=0, m=1).pack()
    world.domain.questionnaire.__dict__["version"] = "reloaded"  # what a reload of an edited tree does
    world.domain.replace(world.domain.bundle)
    replies = await client.press_data(done)
    assert "Эта кнопка устарела" in texts_of(replies)
    assert "Что нужно бизнесу?" in client.screen()  # progress was carried over to the new version
    await client.click("Готово")
    assert current_question(client) == "Кто получает поддержку?"


async def test_multi_select_ticks_travel_in_the_button(world: BotWorld, client: ChatClient) -> None:
    await start_and_consent(client)
    await client.click("Грант")
    await client.click("Обучение")
    await client.click("Грант")  # untick
    assert [b for b in client.buttons() if b.startswith("✅")] == ["✅ Обучение"]
    assert await history_count(world) == 0  # ticking writes nothing
    await client.click("Готово")
    from tests.bot.helpers import progress_of

    progress = await progress_of(world)
    assert progress is not None and progress["answers"]["needs"] == ["training"]


@pytest.mark.parametrize(
    ("typed", "reask"),
    [
        ("абв", "одно число"),
        ("🙂🙂🙂", "одно число"),
        ("-5", "не может быть меньше"),
        ("12.5", "целое число"),
        ("<b>12</b>", "одно число"),
        ("x" * 10_000, "Слишком длинный ответ"),
    ],
)
async def test_bad_numbers_get_a_friendly_reask(world: BotWorld, client: ChatClient, typed: str, reask: str) -> None:
    await at_headcount(client)
    before = await history_count(world)
    replies = await client.send(typed)
    (text,) = texts_of(replies)
    assert reask in text and "Сколько сотрудников?" in text
    assert await history_count(world) == before
    await client.send("12 человек")
    assert current_question(client) == "Доход за прошлый год, млн ₽?"


async def test_a_photo_where_a_number_was_expected(client: ChatClient) -> None:
    await at_headcount(client)
    replies = await client.send_photo()
    (text,) = texts_of(replies)
    assert "только текст и кнопки" in text and "Сколько сотрудников?" in text


async def test_typing_instead_of_pressing_a_button(client: ChatClient) -> None:
    await start_and_consent(client)
    await client.click("Готово")
    replies = await client.send("наверное ООО")
    assert "кнопкой" in texts_of(replies)[0]
    await client.send("ИП")  # the label typed exactly is accepted
    assert current_question(client) == "Бизнес зарегистрирован в Москве?"
    await client.send("да")
    assert current_question(client) == "Сколько сотрудников?"


@pytest.mark.parametrize("text", ["🙂🚀", "x" * 10_000, "<script>alert(1)</script> & <b>", "/unknown_command"])
async def test_free_text_outside_the_questionnaire_never_fails(client: ChatClient, text: str) -> None:
    replies = await client.send(text)
    assert texts_of(replies), "every message gets an answer"


async def test_a_long_card_is_split_at_the_limit(world: BotWorld, client: ChatClient) -> None:
    from dataclasses import replace

    measure = world.domain.catalogue.by_id["test-moscow-grant"]
    long = replace(measure, documents=tuple(f"Документ № {i} — " + "очень длинное название " * 10 for i in range(40)))
    world.domain.catalogue.by_id["test-moscow-grant"] = long  # type: ignore[index]
    await client.send("/measures")
    replies = await client.press_data(CardCb(id="test-moscow-grant").pack())
    sent = texts_of(replies)
    assert len(sent) >= 2 and all(len(t) <= 4096 + 200 for t in sent)
    assert client.buttons() == ["Спросить консультанта", "← Назад к списку"]


def test_toggle_callback_for_the_largest_multi_select_fits_64_bytes() -> None:
    packed = ToggleCb(v="abcdef12", n=999, m=(1 << 20) - 1, o=19).pack()
    assert len(packed.encode()) <= 64


@pytest.mark.parametrize("data", ["rs:0", "rg:grants:0", "cmp"])
async def test_results_buttons_before_the_questionnaire_is_finished_are_stale(
    world: BotWorld, client: ChatClient, data: str
) -> None:
    """Results, their groups and «Сравнить» need a finished questionnaire: pressed too early — an
    old message, forged data — they show the current question and change nothing."""
    await at_headcount(client)
    before = await history_count(world)
    said = texts_of(await client.press_data(data))
    assert any("Эта кнопка устарела. Вот где мы сейчас:" in t and "Сколько сотрудников?" in t for t in said)
    assert await history_count(world) == before
