"""The bot's «Знаете ИНН?» step through the real dispatcher, a recording Bot API and SQLite
with a synthetic SME registry release imported."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, or_, select

from db.models import AnalyticsEvent, AnswerRecord, Profile
from tests.bot.conftest import BotWorld
from tests.bot.helpers import finish_questionnaire, progress_of, start_and_consent
from tests.prefill.registry_seed import MOSCOW_LLC, NOT_IN_REGISTRY, OUTSIDE_IP, seed_registry
from tests.support.telegram import ChatClient

PROMPT = "Знаете ИНН? Введите — заполним анкету сами."
MOSCOW_Q = "Бизнес зарегистрирован в Москве?"
HEADCOUNT_Q = "Сколько сотрудников?"
INCOME_Q = "Доход за прошлый год, млн ₽?"


@pytest.fixture
async def seeded(world: BotWorld, tmp_path: Path) -> BotWorld:
    await seed_registry(world.engine, tmp_path)
    return world


async def _to_inn_step(client: ChatClient, who: str = "Компания") -> None:
    await start_and_consent(client)
    await client.click("Грант")
    await client.click("Заём")  # the loan needs the SME category: headcount and income are asked
    await client.click("Готово")
    await client.click(who)


async def _answers(world: BotWorld) -> dict[str, Any]:
    progress = await progress_of(world)
    assert progress is not None
    return dict(progress["answers"])


async def test_without_a_loaded_registry_there_is_no_inn_step(world: BotWorld, client: ChatClient) -> None:
    await _to_inn_step(client)
    assert PROMPT not in client.screen()
    assert f"<b>{MOSCOW_Q}</b>" in client.screen()


async def test_found_confirmed_values_are_prefilled_and_their_questions_skipped(
    seeded: BotWorld, client: ChatClient
) -> None:
    baseline_client = seeded.client(2002)
    await _to_inn_step(baseline_client)
    await baseline_client.click("Пропустить")
    baseline = await finish_questionnaire(baseline_client)
    assert {MOSCOW_Q, HEADCOUNT_Q, INCOME_Q} <= set(baseline)

    await _to_inn_step(client)
    assert PROMPT in client.screen()
    assert client.buttons() == ["Пропустить"]

    await client.send("7700000017")  # one digit off: the check digit does not match
    assert "контрольная цифра" in client.screen() and PROMPT in client.screen()
    await client.send("77000")
    assert "у компании 10 цифр" in client.screen()

    await client.send("77 0000 0016")  # spaces between groups are fine
    screen = client.screen()
    assert (
        "По данным реестра МСП на 10.09.2026: малое предприятие, ОКВЭД 62.01, Москва, "
        "численность 42 чел. (на 31.12.2025)." in screen
    )
    assert client.buttons() == ["Всё верно", "Исправить"]

    await client.click("Всё верно")
    answers = await _answers(seeded)
    assert answers["inn"] == MOSCOW_LLC
    assert answers["registered_in_moscow"] is True and answers["headcount"] == 42
    assert answers["sme_category"] == "small" and answers["okved_main"] == "62.01"
    assert "company_name" not in answers  # not needed by any verdict, not kept

    asked = await finish_questionnaire(client)
    # Moscow and headcount are known; income is no longer needed once the category is.
    assert asked == [q for q in baseline if q not in {MOSCOW_Q, HEADCOUNT_Q, INCOME_Q}]
    assert len(asked) == len(baseline) - 3


async def test_correcting_one_value_asks_just_that_question(seeded: BotWorld, client: ChatClient) -> None:
    await _to_inn_step(client)
    await client.send(MOSCOW_LLC)
    await client.click("Исправить")
    assert "Отметьте, что неверно" in client.screen()
    assert client.buttons()[-1] == "Готово"
    await client.click("численность 42 чел.")
    await client.click("малое предприятие")
    assert "❌ численность 42 чел. (на 31.12.2025)" in client.buttons()
    assert "❌ малое предприятие" in client.buttons()
    assert "✅ Москва" in client.buttons()
    await client.click("Готово")

    answers = await _answers(seeded)
    assert "headcount" not in answers and "sme_category" not in answers
    assert answers["registered_in_moscow"] is True and answers["okved_main"] == "62.01"
    assert answers["inn"] == MOSCOW_LLC
    asked = await finish_questionnaire(client)
    assert HEADCOUNT_Q in asked and MOSCOW_Q not in asked


async def test_not_found_explains_and_assumes_nothing(seeded: BotWorld, client: ChatClient) -> None:
    await _to_inn_step(client)
    await client.send(NOT_IN_REGISTRY)
    screen = client.screen()
    assert f"ИНН {NOT_IN_REGISTRY} не найден" in screen and "10.09.2026" in screen
    assert "зарегистрированы недавно" in screen and "не относится к МСП" in screen
    assert f"<b>{MOSCOW_Q}</b>" in screen  # the questions go on
    answers = await _answers(seeded)
    assert answers["inn"] == NOT_IN_REGISTRY
    assert not {"sme_category", "headcount", "registered_in_moscow"} & set(answers)


async def test_skip_moves_on_without_an_inn(seeded: BotWorld, client: ChatClient) -> None:
    await _to_inn_step(client, "ИП")
    assert PROMPT in client.screen()
    await client.click("Пропустить")
    assert f"<b>{MOSCOW_Q}</b>" in client.screen()
    assert "inn" not in await _answers(seeded)
    await client.send("/start")  # the step is done: it is not offered again
    assert PROMPT not in client.screen()


async def test_region_outside_moscow_is_asked_not_assumed(seeded: BotWorld, client: ChatClient) -> None:
    await _to_inn_step(client, "ИП")
    await client.send(OUTSIDE_IP)
    screen = client.screen()
    assert "микропредприятие" in screen and "ОКВЭД 47.91" in screen
    assert "в регионе 50" in screen and "спросим отдельно" in screen
    assert not any("Москва" in b for b in client.buttons())
    await client.click("Всё верно")
    answers = await _answers(seeded)
    assert "registered_in_moscow" not in answers and answers["sme_category"] == "micro"
    assert f"<b>{MOSCOW_Q}</b>" in client.screen()


async def test_the_step_survives_a_restart(seeded: BotWorld, client: ChatClient) -> None:
    await _to_inn_step(client)
    await client.send(MOSCOW_LLC)
    seeded.restart()
    restarted = seeded.client()
    await restarted.send("/start")
    assert "По данным реестра МСП на 10.09.2026" in restarted.screen()
    await restarted.send("что-то")
    assert "«Всё верно» или «Исправить»" in restarted.screen()


async def test_forget_removes_the_inn(seeded: BotWorld, client: ChatClient) -> None:
    await _to_inn_step(client)
    await client.send(MOSCOW_LLC)
    await client.click("Всё верно")
    assert (await _answers(seeded))["inn"] == MOSCOW_LLC
    await client.send("/forget")
    await client.click("Да, удалить всё")
    uid = client.user.id
    async with seeded.sessions() as session:
        assert await session.get(Profile, uid) is None
        assert await session.scalar(select(func.count()).where(AnswerRecord.user_id == uid)) == 0
        left = await session.scalar(
            select(func.count()).where(
                or_(AnalyticsEvent.text.contains(MOSCOW_LLC), AnalyticsEvent.field == "inn")
            )
        )
        assert left == 0
        everywhere = await session.scalar(
            select(func.count()).select_from(Profile).where(Profile.answers.is_not(None))
        )
        assert everywhere == 0


async def test_an_inn_of_the_other_kind_is_pointed_out_not_changed(seeded: BotWorld, client: ChatClient) -> None:
    await _to_inn_step(client, "Компания")
    await client.send(OUTSIDE_IP)  # the registry says: an ИП
    assert "По реестру это ИП, а вы выбрали «компания»" in client.screen()
    await client.click("Всё верно")
    assert (await _answers(seeded))["applicant_type"] == "legal_entity"  # the user's answer stays


async def test_the_inn_survives_a_questionnaire_reload(seeded: BotWorld, client: ChatClient) -> None:
    await _to_inn_step(client)
    await client.send(MOSCOW_LLC)
    await client.click("Всё верно")
    seeded.domain.questionnaire.__dict__["version"] = "reloaded"  # what a reload of an edited tree does
    await client.send("/start")
    await finish_questionnaire(client)
    answers = await _answers(seeded)
    assert answers["inn"] == MOSCOW_LLC and answers["headcount"] == 42
