"""Small helpers for bot flow tests: walk the questionnaire, look into the database."""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select

from db.models import AnswerRecord, Profile
from tests.bot.conftest import BotWorld
from tests.support.telegram import ChatClient

# What a typical small Moscow manufacturer answers, by question text of the test questionnaire.
COMPANY_ANSWERS: dict[str, tuple[str, ...]] = {
    "Что нужно бизнесу?": ("click", "Грант", "click", "Готово"),
    "Кто получает поддержку?": ("click", "Компания"),
    "Бизнес зарегистрирован в Москве?": ("click", "Да"),
    "Сколько сотрудников?": ("send", "12"),
    "Доход за прошлый год, млн ₽?": ("send", "85,5"),
    "Сколько месяцев компании?": ("send", "24"),
    "Есть долги по налогам?": ("click", "Нет"),
}


def current_question(client: ChatClient) -> str | None:
    text = client.screen()
    for question in COMPANY_ANSWERS:
        if f"<b>{question}</b>" in text:
            return question
    return None


async def answer_current(client: ChatClient, answers: dict[str, tuple[str, ...]] = COMPANY_ANSWERS) -> str:
    question = current_question(client)
    assert question is not None, f"not at a question: {client.screen()[:300]}"
    actions = answers[question]
    for verb, arg in zip(actions[::2], actions[1::2], strict=True):
        if verb == "click":
            await client.click(arg)
        else:
            await client.send(arg)
    return question


async def start_and_consent(client: ChatClient, payload: str = "") -> None:
    await client.send(f"/start {payload}".strip())
    await client.click("Согласен, начнём")


async def finish_questionnaire(client: ChatClient) -> list[str]:
    asked = []
    for _ in range(20):
        if "Меры по вашим ответам" in client.screen():
            return asked
        asked.append(await answer_current(client))
    raise AssertionError("questionnaire did not finish")


async def progress_of(world: BotWorld, user_id: int = 1001) -> dict[str, Any] | None:
    async with world.sessions() as session:
        profile = await session.get(Profile, user_id)
        return dict(profile.progress) if profile else None


async def history_count(world: BotWorld, user_id: int = 1001) -> int:
    async with world.sessions() as session:
        total = await session.scalar(
            select(func.count()).select_from(AnswerRecord).where(AnswerRecord.user_id == user_id)
        )
        return int(total or 0)
