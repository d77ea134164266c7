"""The handoff end to end: the real dispatcher, the outbox worker, the recording Bot API."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import pytest
from aiogram import Bot
from aiogram.methods import (
    AnswerCallbackQuery,
    CloseForumTopic,
    CopyMessage,
    CreateForumTopic,
    EditMessageReplyMarkup,
    SendMessage,
)
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.services.domain import Domain
from bot.telegram.callbacks import AskSendCb, RateCb, TicketCb
from bot.texts import handoff as texts
from db.handoff.models import Ticket, TicketMessage
from db.handoff.tickets import TicketRepository
from db.models import OutboxMessage, User
from rules.data import Bundle
from tests.handoff.world import CONSULTANTS, STAFF, STRANGER, USER, World
from tests.support.clock import SimClock
from tests.support.telegram import RecordingSession

MEASURE = "moscow-credit-guarantee-fund"


@pytest.fixture
async def world(sessions: async_sessionmaker[AsyncSession], telegram: RecordingSession, bot: Bot,
                clock: SimClock, bundle: Bundle) -> AsyncIterator[World]:
    yield World(sessions, telegram, bot, Domain(bundle), clock)


def texts_to(telegram: RecordingSession, chat_id: int) -> list[str]:
    return [m.text for m in telegram.to_chat(chat_id) if isinstance(m, SendMessage)]


def answers(telegram: RecordingSession) -> list[str | None]:
    return [m.text for m in telegram.requests if isinstance(m, AnswerCallbackQuery)]


async def ticket(world: World, number: int = 1) -> Ticket:
    async with world.sessions() as session:
        found = await TicketRepository(session).get(number)
    assert found is not None
    return found


async def open_ticket(world: World, question: str = "Подходит ли нам грант на оборудование?") -> Ticket:
    await world.consenting_user()
    await world.feed(world.user_message("/consultant"))
    await world.feed(world.user_message(question))
    await world.deliver()
    return await ticket(world)


async def test_full_round_trip(world: World) -> None:
    telegram = world.telegram
    await world.consenting_user()
    await world.feed(world.user_message("/consultant"))
    assert texts_to(telegram, USER)[-1] == texts.ASK_QUESTION
    await world.feed(world.user_message("Подходит ли нам грант на оборудование?"))
    confirmation = texts_to(telegram, USER)[-1]
    assert confirmation.startswith("Заявка №1 передана консультанту.") and "Консультанты работают" in confirmation

    await world.deliver()
    [topic] = telegram.sent(CreateForumTopic)
    assert topic.chat_id == STAFF and topic.name == "№1 · ООО «Станкопром» · Подходит ли нам грант на оборудование?"
    t = await ticket(world)
    [card] = [m for m in telegram.to_chat(STAFF) if isinstance(m, SendMessage)]
    assert card.message_thread_id == t.thread_id and t.card_message_id is not None
    assert "Подходит ли нам грант на оборудование?" in card.text and "<b>Профиль</b>" in card.text
    assert [b.text for b in card.reply_markup.inline_keyboard[1]] == ["Взять", "Закрыть"]

    await world.feed(world.staff_press(TicketCb(a="take", t=1).pack(), card_message_id=t.card_message_id))
    assert answers(telegram)[-1] == texts.TAKEN_BY_YOU
    assert telegram.sent(EditMessageReplyMarkup)[-1].reply_markup.inline_keyboard[0][0].text == "🟢 Взял: Анна"
    await world.feed(world.staff_message("Да, подходит. Пришлите выписку.", thread=t.thread_id))
    await world.feed(world.staff_message("/note проверить ИНН в реестре", thread=t.thread_id))
    await world.deliver()
    assert texts_to(telegram, USER)[-1] == texts.claimed(1, "Анна")
    [copy] = [m for m in telegram.to_chat(USER) if isinstance(m, CopyMessage)]
    assert copy.from_chat_id == STAFF  # the answer, not the note

    await world.feed(world.user_message("Спасибо! А какие ещё документы?"))
    await world.feed(world.user_photo(caption="выписка"))
    await world.deliver()
    staff_texts = [m for m in telegram.to_chat(STAFF) if isinstance(m, SendMessage)]
    assert staff_texts[-1].text == "Спасибо! А какие ещё документы?" and staff_texts[-1].message_thread_id == t.thread_id
    [photo] = [m for m in telegram.to_chat(STAFF) if isinstance(m, CopyMessage)]
    assert photo.from_chat_id == USER and photo.message_thread_id == t.thread_id

    await world.feed(world.staff_press(TicketCb(a="close", t=1).pack(), card_message_id=t.card_message_id))
    await world.deliver()
    closing = [m for m in telegram.to_chat(USER) if isinstance(m, SendMessage)][-1]
    assert closing.text == texts.closed(1) and len(closing.reply_markup.inline_keyboard[0]) == 5
    assert [m.message_thread_id for m in telegram.sent(CloseForumTopic)] == [t.thread_id]

    await world.feed(world.user_press(RateCb(t=1, s=5).pack()))
    assert telegram.sent(EditMessageReplyMarkup)[-1].chat_id == USER  # the score buttons go away
    await world.feed(world.user_message("Быстро и по делу"))
    await world.deliver()
    assert texts.rating_notice(1, 5) in [m.text for m in telegram.to_chat(STAFF) if isinstance(m, SendMessage)]
    async with world.sessions() as session:
        repo = TicketRepository(session)
        rating = await repo.rating(1)
        assert rating is not None and rating.score == 5 and rating.comment == "Быстро и по делу"
        done = await repo.get(1)
        assert done is not None and done.status == "closed" and done.claimed_by == CONSULTANTS[0]
        kinds = [e.kind for e in await repo.events(1)]
        assert kinds == ["opened", "claimed", "closed"]
        directions = [m.direction for m in await repo.messages(1)]
        assert directions == ["in", "out", "note", "in", "in"]
        assert all(m.target_message_id for m in await repo.messages(1) if m.direction != "note")

    await world.feed(world.staff_message("/ticket 1", thread=t.thread_id))
    history = [m for m in telegram.to_chat(STAFF) if isinstance(m, SendMessage)][-1].text
    assert "Заявка №1" in history and "📝 /note проверить ИНН" in history and "⭐ 5/5" in history


async def test_note_is_not_relayed(world: World) -> None:
    t = await open_ticket(world)
    await world.feed(world.staff_message("/note клиент уже получал субсидию", thread=t.thread_id))
    await world.deliver()
    assert not [m for m in world.telegram.to_chat(USER) if isinstance(m, CopyMessage)]
    async with world.sessions() as session:
        [_, note] = await TicketRepository(session).messages(1)
    assert note.direction == "note" and note.target_message_id is None


async def test_two_consultants_press_take_at_once_one_wins(world: World) -> None:
    t = await open_ticket(world)
    press = [world.staff_press(TicketCb(a="take", t=t.id).pack(), author=author, name=name)
             for author, name in zip(CONSULTANTS, ("Анна", "Борис"), strict=True)]
    await asyncio.gather(*(world.feed(p) for p in press))
    assert sorted(answers(world.telegram)) == sorted([texts.TAKEN_BY_YOU, texts.ALREADY_TAKEN])
    async with world.sessions() as session:
        events = [e.kind for e in await TicketRepository(session).events(t.id)]
    assert events.count("claimed") == 1


async def test_a_double_tap_opens_one_ticket_and_one_topic(world: World) -> None:
    await world.consenting_user()
    tap = AskSendCb(id=MEASURE).pack()
    await asyncio.gather(world.feed(world.user_press(tap)), world.feed(world.user_press(tap)))
    await world.deliver()
    async with world.sessions() as session:
        assert await session.scalar(select(func.count()).select_from(Ticket)) == 1
    assert len(world.telegram.sent(CreateForumTopic)) == 1
    replies = texts_to(world.telegram, USER)
    assert sum(r.startswith("Заявка №1 передана") for r in replies) == 1
    assert texts.already_open(1) in replies


async def test_the_card_shows_the_measure_with_its_trace(world: World) -> None:
    await world.consenting_user()
    await world.feed(world.user_press(AskSendCb(id=MEASURE).pack()))
    await world.deliver()
    [card] = [m for m in world.telegram.to_chat(STAFF) if isinstance(m, SendMessage)]
    title = world.domain.measure(MEASURE).title  # type: ignore[union-attr]
    assert "Мера, о которой спрашивают" in card.text and title in card.text
    assert "✓" in card.text  # condition lines of the trace
    [topic] = world.telegram.sent(CreateForumTopic)
    assert topic.name.startswith("№1 · ООО «Станкопром» · ") and len(topic.name) <= 128


async def test_429_on_a_relay_is_paced_and_delivered_once(world: World) -> None:
    t = await open_ticket(world)
    world.telegram.fail(lambda m: isinstance(m, CopyMessage) and m.chat_id == USER, 429,
                        "Too Many Requests: retry after 5", retry_after=5)
    await world.feed(world.staff_message("Ответ консультанта", thread=t.thread_id))
    before = world.clock.elapsed
    await world.deliver()
    copies = [m for m in world.telegram.requests if isinstance(m, CopyMessage) and m.chat_id == USER]
    assert len(copies) == 2 and len(world.telegram.sent(CopyMessage)) == 1
    assert world.clock.elapsed - before >= 5


async def test_a_user_who_blocked_the_bot_is_marked_and_consultants_told(world: World) -> None:
    t = await open_ticket(world)
    world.telegram.blocked_users.add(USER)
    await world.feed(world.staff_message("Ответ", thread=t.thread_id))
    await world.deliver()
    async with world.sessions() as session:
        user = await session.get(User, USER)
        blocked = await TicketRepository(session).get(t.id)
        dead = await session.scalar(select(func.count()).select_from(OutboxMessage).where(OutboxMessage.status == "dead"))
    assert user is not None and user.blocked and blocked is not None and blocked.user_blocked_at is not None
    assert dead >= 1
    notices = [m for m in world.telegram.to_chat(STAFF) if isinstance(m, SendMessage) and "заблокировал" in m.text]
    assert len(notices) == 1 and notices[0].message_thread_id == t.thread_id


async def test_a_deleted_topic_is_recreated_and_the_message_delivered_there(world: World) -> None:
    t = await open_ticket(world)
    world.telegram.deleted_threads.add(t.thread_id)  # type: ignore[arg-type]
    await world.feed(world.user_message("Я ещё здесь"))
    await world.deliver()
    fresh = await ticket(world)
    assert fresh.thread_id is not None and fresh.thread_id != t.thread_id
    assert len(world.telegram.sent(CreateForumTopic)) == 2
    in_new = [m for m in world.telegram.to_chat(STAFF) if getattr(m, "message_thread_id", None) == fresh.thread_id]
    assert [m.text for m in in_new if isinstance(m, SendMessage)][-1] == "Я ещё здесь"
    assert any("Заявка №1" in (m.text or "") for m in in_new if isinstance(m, SendMessage))  # the card again
    assert fresh.card_message_id != t.card_message_id


async def test_messages_in_the_outbox_survive_a_restart(world: World) -> None:
    t = await open_ticket(world)
    await world.feed(world.staff_message("Первый ответ", thread=t.thread_id))
    await world.feed(world.staff_message("Второй ответ", thread=t.thread_id))
    # The process dies before the worker ran; a new process starts on the same database.
    world.restart()
    await world.deliver()
    copies = [m for m in world.telegram.to_chat(USER) if isinstance(m, CopyMessage)]
    assert len(copies) == 2


async def test_a_stranger_cannot_press_staff_buttons_or_answer(world: World) -> None:
    t = await open_ticket(world)
    await world.feed(world.staff_press(TicketCb(a="take", t=t.id).pack(), author=STRANGER, name="Гость"))
    await world.feed(world.staff_press(TicketCb(a="close", t=t.id).pack(), author=STRANGER, name="Гость"))
    assert answers(world.telegram)[-2:] == [texts.NOT_A_CONSULTANT, texts.NOT_A_CONSULTANT]
    await world.feed(world.staff_message("Я не консультант", author=STRANGER, thread=t.thread_id))
    await world.deliver()
    assert (await ticket(world)).status == "new"
    assert not [m for m in world.telegram.to_chat(USER) if isinstance(m, CopyMessage)]
    assert texts.RELAY_ONLY_CONSULTANTS in texts_to(world.telegram, STAFF)


async def test_a_group_administrator_counts_as_a_consultant(world: World) -> None:
    t = await open_ticket(world)
    world.telegram.admins.add(STRANGER)
    await world.feed(world.staff_press(TicketCb(a="take", t=t.id).pack(), author=STRANGER, name="Админ"))
    assert answers(world.telegram)[-1] == texts.TAKEN_BY_YOU


async def test_a_burst_from_the_user_becomes_one_post(world: World) -> None:
    t = await open_ticket(world)
    for text in ("Добрый день.", "Забыл сказать:", "у нас 40 сотрудников."):
        await world.feed(world.user_message(text))
    await world.deliver()
    posts = [m for m in world.telegram.to_chat(STAFF) if isinstance(m, SendMessage) and m.message_thread_id == t.thread_id]
    assert posts[-1].text == "Добрый день.\n\nЗабыл сказать:\n\nу нас 40 сотрудников."
    async with world.sessions() as session:
        pairs = {m.target_message_id for m in await TicketRepository(session).messages(t.id) if m.direction == "in"}
    assert len(pairs) == 2  # the question (with the card) and the one merged post


async def test_replies_are_mirrored_through_the_message_pairs(world: World) -> None:
    t = await open_ticket(world)
    await world.feed(world.user_message("Какой срок?"))
    await world.deliver()
    async with world.sessions() as session:
        question = (await TicketRepository(session).messages(t.id))[-1]
    assert question.target_message_id is not None
    await world.feed(world.staff_message("До конца года", thread=t.thread_id, reply_to=question.target_message_id))
    await world.deliver()
    [copy] = [m for m in world.telegram.to_chat(USER) if isinstance(m, CopyMessage)]
    assert copy.reply_parameters is not None and copy.reply_parameters.message_id == question.source_message_id


async def test_a_group_without_topics_gets_cards_and_replies(world: World) -> None:
    world.handoff.forum = False
    t = await open_ticket(world)
    assert t.thread_id is None and world.telegram.sent(CreateForumTopic) == []
    await world.feed(world.staff_message("Ответ на карточку", reply_to=t.card_message_id))
    await world.feed(world.user_message("Спасибо"))
    await world.deliver()
    assert len([m for m in world.telegram.to_chat(USER) if isinstance(m, CopyMessage)]) == 1
    relayed = [m for m in world.telegram.to_chat(STAFF) if isinstance(m, SendMessage)][-1]
    assert relayed.text == "Спасибо" and relayed.reply_parameters.message_id == t.card_message_id


async def test_an_unclaimed_ticket_pings_the_group_once(world: World) -> None:
    from datetime import timedelta

    t = await open_ticket(world)
    async with world.sessions() as session:
        assert await world.handoff.ping_unclaimed(session, world.clock.now() + timedelta(minutes=5)) == 0
        assert await world.handoff.ping_unclaimed(session, world.clock.now() + timedelta(minutes=31)) == 1
        assert await world.handoff.ping_unclaimed(session, world.clock.now() + timedelta(minutes=62)) == 0
        await session.commit()
    await world.deliver()
    pings = [m for m in world.telegram.to_chat(STAFF) if isinstance(m, SendMessage) and m.text.startswith("⏰")]
    assert len(pings) == 1 and pings[0].message_thread_id == t.thread_id


async def test_a_message_soon_after_closing_reopens_the_ticket(world: World) -> None:
    t = await open_ticket(world)
    await world.feed(world.staff_press(TicketCb(a="close", t=t.id).pack()))
    await world.feed(world.user_message("Ещё вопрос по той же теме"))
    await world.deliver()
    assert (await ticket(world)).status == "new"
    assert texts.reopened(t.id) in texts_to(world.telegram, USER)


async def test_forget_keeps_the_ticket_for_reports_without_personal_data(world: World) -> None:
    t = await open_ticket(world)
    await world.feed(world.user_message("Мой ИНН 7707083893"))
    from db.forget import forget_user

    async with world.sessions() as session:
        await forget_user(session, USER)
        await session.commit()
    async with world.sessions() as session:
        kept = await TicketRepository(session).get(t.id)
        texts_left = [m.text for m in await TicketRepository(session).messages(t.id)]
        pending = await session.scalar(select(func.count()).select_from(OutboxMessage).where(
            OutboxMessage.status == "pending"))
        sources = list(await session.scalars(select(TicketMessage.source_chat_id)))
    assert kept is not None and kept.user_id is None and kept.question is None and kept.status == "closed"
    assert kept.user_pseudonym and texts_left == [None, None] and USER not in sources
    assert pending == 0


async def test_export_tickets_csv_is_pseudonymised(world: World, tmp_path: object) -> None:
    import csv
    from pathlib import Path

    from bot.cli.export import rows

    t = await open_ticket(world, "Вопрос с личными подробностями")
    await world.feed(world.staff_press(TicketCb(a="take", t=t.id).pack()))
    await world.feed(world.staff_press(TicketCb(a="close", t=t.id).pack()))
    await world.feed(world.user_press(RateCb(t=t.id, s=4).pack()))
    url = str(world.sessions.kw["bind"].url)
    [row] = await rows(url)
    assert row["ticket"] == "1" and row["status"] == "closed" and row["rating"] == "4"
    assert row["consultant"] == "Анна" and row["minutes_to_claim"] != "" and row["minutes_to_close"] != ""
    assert row["user"] and str(USER) not in ",".join(row.values())
    assert "личными" not in ",".join(row.values())
    out = Path(str(tmp_path)) / "tickets.csv"
    from bot.cli import main as cli

    assert await asyncio.to_thread(cli, ["export", "tickets", "--csv", str(out), "--database-url", url]) == 0
    assert next(csv.DictReader(out.open(encoding="utf-8")))["rating"] == "4"


def edited(update: dict[str, object], text: str) -> dict[str, object]:
    message = dict(update["message"])  # type: ignore[call-overload]
    message.update(text=text, edit_date=1_800_000_100)
    return {"edited_message": message}


async def test_edits_are_mirrored_both_ways(world: World) -> None:
    from aiogram.methods import EditMessageText

    t = await open_ticket(world)
    answer = world.staff_message("Срок — до 1 марта", thread=t.thread_id)
    await world.feed(answer)
    await world.deliver()
    await world.feed(edited(answer, "Срок — до 1 апреля"))
    question = world.user_message("Сколько стоит?")
    await world.feed(question)
    await world.deliver()
    await world.feed(edited(question, "Сколько стоит участие?"))
    await world.deliver()
    [copy] = world.telegram.sent(CopyMessage)
    async with world.sessions() as session:
        pairs = {m.source_message_id: m for m in await TicketRepository(session).messages(t.id)}
    edits = world.telegram.sent(EditMessageText)
    assert [(e.chat_id, e.text) for e in edits] == [(USER, "Срок — до 1 апреля"), (STAFF, "Сколько стоит участие?")]
    assert edits[0].message_id == pairs[answer["message"]["message_id"]].target_message_id  # type: ignore[index]
    assert edits[1].message_id == pairs[question["message"]["message_id"]].target_message_id  # type: ignore[index]
    assert copy.chat_id == USER


async def test_service_messages_in_the_topic_are_not_relayed(world: World) -> None:
    t = await open_ticket(world)
    await world.feed(world.staff_message(None, thread=t.thread_id, forum_topic_closed={}))
    await world.feed(world.staff_message(None, thread=t.thread_id, pinned_message={
        "message_id": 5, "date": 0, "chat": {"id": STAFF, "type": "supergroup"}}))
    await world.deliver()
    assert not [m for m in world.telegram.to_chat(USER) if isinstance(m, CopyMessage)]
    assert (await ticket(world)).status == "new"  # and nobody claimed it by closing the topic


async def test_blocking_the_bot_is_noticed_without_waiting_for_a_failed_send(world: World) -> None:
    t = await open_ticket(world)
    member = {"user": {"id": USER, "is_bot": False, "first_name": "Иван"}}
    bot_user = {"id": 42, "is_bot": True, "first_name": "Навигатор"}
    await world.feed({"my_chat_member": {
        "chat": {"id": USER, "type": "private"}, "from": member["user"], "date": 1_800_000_000,
        "old_chat_member": {"status": "member", "user": bot_user},
        "new_chat_member": {"status": "kicked", "user": bot_user, "until_date": 0},
    }})
    await world.deliver()
    async with world.sessions() as session:
        user = await session.get(User, USER)
    assert user is not None and user.blocked
    notices = [m for m in world.telegram.to_chat(STAFF) if isinstance(m, SendMessage) and "заблокировал" in m.text]
    assert [n.message_thread_id for n in notices] == [t.thread_id]


async def test_a_user_who_went_back_to_the_questionnaire_does_not_open_a_ticket_by_answering(world: World) -> None:
    from db.repositories import ProfileRepository

    await world.consenting_user()
    await world.feed(world.user_message("/consultant"))
    async with world.sessions() as session:  # … then answers a question (any profile save)
        profile = await ProfileRepository(session).get(USER)
        assert profile is not None
        await ProfileRepository(session).save(USER, answers=dict(profile.answers), progress=dict(profile.progress),
                                              state={}, questionnaire_version=profile.questionnaire_version)
        await session.commit()
    await world.feed(world.user_message("40"))
    async with world.sessions() as session:
        assert await session.scalar(select(func.count()).select_from(Ticket)) == 0


async def test_without_a_company_in_the_profile_the_user_is_invited_to_name_it(world: World) -> None:
    await world.consenting_user(profile={"applicant_type": "legal_entity", "registered_in_moscow": True})
    await world.feed(world.user_message("/consultant"))
    await world.feed(world.user_message("Есть ли льготы по аренде?"))
    assert "напишите название компании" in texts_to(world.telegram, USER)[-1]
    await world.deliver()
    assert world.telegram.sent(CreateForumTopic)[0].name == "№1 · без названия · Есть ли льготы по аренде?"
