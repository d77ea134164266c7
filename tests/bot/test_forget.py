"""/forget leaves no personal row behind (checked in the database) and says what went."""

from __future__ import annotations

from sqlalchemy import func, or_, select

from db.models import AnalyticsEvent, AnswerRecord, OutboxMessage, Profile, User
from db.repositories import OutboxRepository
from tests.bot.conftest import BotWorld
from tests.bot.helpers import finish_questionnaire, history_count, start_and_consent
from tests.support.telegram import ChatClient, texts_of


async def test_forget_deletes_everything_personal_and_pseudonymises_analytics(
    world: BotWorld, client: ChatClient
) -> None:
    other = world.client(2002)
    await start_and_consent(other)

    await start_and_consent(client, "cluster_biotech")
    await finish_questionnaire(client)
    await client.click("1")
    await client.send("грант для ООО «Ромашка», ИНН 7707083893")
    async with world.sessions() as session:
        await OutboxRepository(session).enqueue(client.user.id, "sendMessage", {"text": "ответ консультанта"})
        await session.commit()
        pseudonym = (await session.get(User, client.user.id)).pseudonym  # type: ignore[union-attr]

    answers = await history_count(world)
    assert answers >= 5
    await client.send("/forget")
    assert client.buttons() == ["Да, удалить всё", "Отмена"]
    replies = await client.click("Да, удалить всё")
    said = " ".join(texts_of(replies))
    assert "данные удалены" in said and f"история ответов: {answers};" in said and "Обезличено" in said

    uid = client.user.id
    async with world.sessions() as session:
        assert await session.get(User, uid) is None
        assert await session.get(Profile, uid) is None
        assert await session.scalar(select(func.count()).where(AnswerRecord.user_id == uid)) == 0
        assert await session.scalar(select(func.count()).where(OutboxMessage.chat_id == uid)) == 0
        assert await session.scalar(select(func.count()).where(AnalyticsEvent.user_id == uid)) == 0
        kept = list(await session.scalars(select(AnalyticsEvent).where(AnalyticsEvent.subject == pseudonym)))
        assert kept and all(e.user_id is None and e.text is None for e in kept)
        leftovers = await session.scalar(
            select(func.count()).where(
                or_(AnalyticsEvent.text.contains("Ромашка"), AnalyticsEvent.text.contains("7707083893"))
            )
        )
        assert leftovers == 0
        assert await session.get(User, 2002) is not None  # someone else is untouched

    await client.send("/start")
    assert "152-ФЗ" in client.screen()  # a fresh start asks for consent again


async def test_forget_can_be_cancelled_and_is_harmless_for_strangers(world: BotWorld, client: ChatClient) -> None:
    await start_and_consent(client)
    await client.send("/forget")
    await client.click("Отмена")
    async with world.sessions() as session:
        assert await session.get(User, client.user.id) is not None
    stranger = world.client(3003)
    await stranger.send("/forget")
    replies = await stranger.click("Да, удалить всё")
    assert "удалять нечего" in texts_of(replies)[-1]
