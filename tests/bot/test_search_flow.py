"""Free text outside the questionnaire: search hits as buttons to cards, honest «не уверен»."""

from __future__ import annotations

from tests.bot.conftest import BotWorld
from tests.bot.helpers import finish_questionnaire, start_and_consent
from tests.support.telegram import ChatClient


async def test_free_text_lists_hits_as_buttons_to_cards(client: ChatClient) -> None:
    await client.send("нужен займ для мсп")
    screen = client.screen()
    assert "Вот что нашлось" in screen and "Тестовый заём для МСП" in screen
    buttons = client.buttons()
    loan = next(b for b in buttons if "Тестовый заём для МСП" in b)
    assert buttons[-1] == "Спросить консультанта"
    await client.click(loan)
    assert "Тестовый заём для МСП" in client.screen() and "проверено:" in client.screen()


async def test_misspelled_inflected_question_still_finds_the_measure(client: ChatClient) -> None:
    await client.send("грантов для студентав")
    assert "Тестовый грант студентам" in client.screen()


async def test_garbage_gets_an_honest_answer_and_a_consultant(client: ChatClient) -> None:
    await client.send("ыва ололо 😀😀 qwerty")
    screen = client.screen()
    assert "Не уверен" in screen or "Не нашёл" in screen
    assert client.buttons()[-1] == "Спросить консультанта"


async def test_with_a_profile_an_ineligible_hit_says_why(world: BotWorld, client: ChatClient) -> None:
    await start_and_consent(client)
    await finish_questionnaire(client)
    await client.send("грант студентам")
    screen = client.screen()
    line = next(li for li in screen.splitlines() if "Тестовый грант студентам" in li)
    assert "⛔" in line and " — " in line  # ineligible for a company, with a one-line reason
