"""Hot reload through the real dispatcher: /reload, broken files, the diff, repeated reloads,
a user mid-questionnaire, non-admins, SIGHUP and a second instance following the first."""

from __future__ import annotations

import asyncio
import os
import signal
from pathlib import Path

from aiogram.methods import SendMessage
from sqlalchemy import func, select

from bot.services.reload import Reloader
from bot.texts.admin import NOT_ADMIN
from db.models import OutboxMessage
from db.staff.models import CatalogueVersion
from tests.bot.helpers import answer_current, current_question, finish_questionnaire, start_and_consent
from tests.staff.conftest import ADMIN_ID, StaffWorld, copy_data
from tests.support.telegram import ChatClient, texts_of

AMOUNT = 'amount: {display: "до 1 млн ₽", max_rub: 1000000, per: project}'


async def count(world: StaffWorld, model: type) -> int:
    async with world.sessions() as session:
        return int(await session.scalar(select(func.count()).select_from(model)) or 0)


async def test_reload_with_a_broken_file_keeps_the_last_good_version(staff: StaffWorld) -> None:
    good = staff.live.bundle.version
    staff.edit(staff.measures, "max_rub: 1000000", "max_rub: миллион")
    replies = await staff.client(ADMIN_ID).send("/reload")
    [reply] = texts_of(replies)
    assert "Файлы не загружены" in reply
    assert f"{staff.measures}:16:" in reply  # file:line of the broken value
    assert "миллион" in reply
    assert f"Работает прежняя версия <code>{good}</code>" in reply
    assert staff.live.bundle.version == good
    assert staff.live.measure("test-moscow-grant") is not None
    assert await count(staff, CatalogueVersion) == 0

    # users are served by the last good version meanwhile
    user = staff.client()
    await start_and_consent(user)
    await finish_questionnaire(user)
    assert "Тестовый грант московским компаниям" in user.screen()


async def test_reload_replies_with_the_diff_and_a_second_reload_changes_nothing(staff: StaffWorld) -> None:
    before = staff.live.bundle.version
    staff.edit(staff.measures, AMOUNT, AMOUNT.replace("1000000", "2000000").replace("до 1 млн", "до 2 млн"))
    admin = staff.client(ADMIN_ID)
    [reply] = texts_of(await admin.send("/reload"))
    assert "✅ Загружена версия" in reply
    assert "Тестовый грант московским компаниям (test-moscow-grant)" in reply
    assert "максимум, ₽: 1 000 000 → 2 000 000" in reply
    assert "размер (как показан): до 1 млн ₽ → до 2 млн ₽" in reply
    live = staff.live
    assert live.bundle.version != before
    grant = live.measure("test-moscow-grant")
    assert grant is not None and grant.amount is not None and grant.amount.max_rub == 2_000_000
    async with staff.sessions() as session:
        [row] = (await session.scalars(select(CatalogueVersion))).all()
    assert row.bundle_version == live.bundle.version
    assert row.accepted_by == f"admin:{ADMIN_ID}"
    assert row.summary is not None and "2 000 000" in row.summary

    requests_before = len(staff.session.requests)
    outbox_before = await count(staff, OutboxMessage)
    [again] = texts_of(await admin.send("/reload"))
    assert again.startswith("Файлы не изменились")
    assert staff.live is live  # not even swapped
    assert await count(staff, CatalogueVersion) == 1
    assert await count(staff, OutboxMessage) == outbox_before
    assert len(staff.session.requests) == requests_before + 1  # just the reply to the admin

    # the card shows the new amount at once
    user = staff.client()
    await start_and_consent(user)
    await finish_questionnaire(user)
    assert "до 2 млн ₽" in user.screen()  # the results list shows the amount
    await user.click("1")
    assert "Тестовый грант московским компаниям" in user.screen() and "до 2 млн ₽" in user.screen()


async def test_a_non_admin_reload_is_refused(staff: StaffWorld) -> None:
    before = staff.live
    staff.edit(staff.measures, "max_rub: 1000000", "max_rub: 3000000")
    [reply] = texts_of(await staff.client(1001).send("/reload"))
    assert reply == NOT_ADMIN
    assert staff.live is before
    assert await count(staff, CatalogueVersion) == 0
    [reply] = texts_of(await staff.client(1001).send("/versions"))
    assert reply == NOT_ADMIN


async def test_a_user_mid_questionnaire_continues_after_their_question_is_removed(staff: StaffWorld) -> None:
    user = staff.client()
    await start_and_consent(user)
    for _ in range(6):
        if current_question(user) == "Сколько месяцев компании?":
            break
        await answer_current(user)
    assert current_question(user) == "Сколько месяцев компании?"

    # staff remove the question the user is looking at: its field moves to a new question at the end
    text = staff.questionnaire.read_text(encoding="utf-8")
    start, end = text.index("  - id: company_age"), text.index("  - id: tax_debt")
    moved = text[start:end].replace("id: company_age", "id: age_of_company").replace("next: tax_debt", "next: end")
    text = text[:start] + text[end:].replace("    text: Есть долги по налогам?\n    next: end",
                                             "    text: Есть долги по налогам?\n    next: age_of_company")
    text = text.replace("next: company_age", "next: tax_debt") + "\n" + moved
    staff.questionnaire.write_text(text, encoding="utf-8")
    [reply] = texts_of(await staff.client(ADMIN_ID).send("/reload"))
    assert "✅ Загружена версия" in reply and "Анкета изменилась" in reply

    # the user types the answer to the question that no longer exists: no error, the walk
    # resumes at the nearest valid step, and every earlier answer is kept
    replies = await user.send("24")
    assert replies and "ошибка" not in user.screen().lower()
    assert current_question(user) in ("Есть долги по налогам?", "Сколько месяцев компании?")
    asked = await finish_questionnaire(user)
    assert "Бизнес зарегистрирован в Москве?" not in asked and "Кто получает поддержку?" not in asked
    assert "Меры по вашим ответам" in user.screen()
    assert "Тестовый грант московским компаниям" in user.screen()


async def test_an_old_button_after_a_reload_leads_to_the_current_question(staff: StaffWorld) -> None:
    user = staff.client()
    await start_and_consent(user)
    await answer_current(user)  # needs
    assert current_question(user) == "Кто получает поддержку?"
    staff.edit(staff.questionnaire, "    text: Кто получает поддержку?", "    text: Кто получает поддержку (заявитель)?")
    await staff.client(ADMIN_ID).send("/reload")
    replies = await user.click("Компания")  # a button of the previous questionnaire version
    assert replies, "the old button got no answer at all"
    assert "Кто получает поддержку (заявитель)?" in user.screen()
    await user.click("Компания")
    assert current_question(user) == "Бизнес зарегистрирован в Москве?"


async def test_sighup_reloads(staff: StaffWorld) -> None:
    staff.edit(staff.measures, "max_rub: 1000000", "max_rub: 4000000")
    reloader = staff.reloader
    async with reloader.running():
        os.kill(os.getpid(), signal.SIGHUP)
        for _ in range(100):
            await asyncio.sleep(0.02)
            grant = staff.live.measure("test-moscow-grant")
            if grant and grant.amount and grant.amount.max_rub == 4_000_000:
                break
        else:
            raise AssertionError("SIGHUP did not reload")
    async with staff.sessions() as session:
        [row] = (await session.scalars(select(CatalogueVersion))).all()
        [told] = (await session.scalars(select(OutboxMessage).where(OutboxMessage.kind == "staff"))).all()
    assert row.accepted_by == "SIGHUP"
    assert told.chat_id == ADMIN_ID and "SIGHUP" in told.payload["text"] and "4 000 000" in told.payload["text"]


async def test_sighup_with_a_broken_file_tells_the_admins_where(staff: StaffWorld) -> None:
    good = staff.live
    staff.edit(staff.questionnaire, "    kind: yesno\n    text: Есть долги по налогам?",
               "    kind: yes_no\n    text: Есть долги по налогам?")
    result = await staff.reloader.on_signal()
    assert not result.ok and staff.live is good
    async with staff.sessions() as session:
        [told] = (await session.scalars(select(OutboxMessage).where(OutboxMessage.kind == "staff"))).all()
    text = told.payload["text"]
    assert told.chat_id == ADMIN_ID and "Файлы не загружены" in text
    assert f"{staff.questionnaire}:" in text and "yes_no" in text
    await staff.bot(SendMessage(**told.payload))  # Telegram would accept it


async def test_another_instance_follows_the_accepted_version(staff: StaffWorld, tmp_path: Path) -> None:
    second = staff.another_instance()
    follower = second["reloader"]
    assert isinstance(follower, Reloader)
    lagging_files = copy_data(tmp_path / "lagging")
    lagging = staff.another_instance(lagging_files)["reloader"]
    assert isinstance(lagging, Reloader)
    assert await follower.poll_once() is None  # nothing accepted yet

    staff.edit(staff.measures, "max_rub: 1000000", "max_rub: 5000000")
    await staff.client(ADMIN_ID).send("/reload")
    accepted = staff.live.bundle.version

    result = await follower.poll_once()
    assert result is not None and result.version == accepted
    assert follower.holder.current.bundle.version == accepted
    assert await follower.poll_once() is None  # already following

    # an instance whose files were not deployed yet keeps what it has rather than guess
    old = lagging.holder.current.bundle.version
    assert await lagging.poll_once() is None
    assert lagging.holder.current.bundle.version == old
    # once its files arrive, it follows on the next poll
    (lagging_files / "measures.yaml").write_text(staff.measures.read_text(encoding="utf-8"), encoding="utf-8")
    result = await lagging.poll_once()
    assert result is not None and lagging.holder.current.bundle.version == accepted


async def test_an_update_in_flight_keeps_the_domain_it_started_with(staff: StaffWorld) -> None:
    old = staff.live
    old_grant = old.measure("test-moscow-grant")
    staff.edit(staff.measures, "max_rub: 1000000", "max_rub: 6000000")
    result = await staff.reloader.reload("test")
    assert result.ok and result.changed
    assert staff.live is not old
    # the object an in-flight handler holds is untouched: same bundle, same measure
    assert old.measure("test-moscow-grant") is old_grant
    assert old_grant is not None and old_grant.amount is not None and old_grant.amount.max_rub == 1_000_000


async def test_reloads_racing_with_users_break_no_update(staff: StaffWorld) -> None:
    from bot.texts import bot as texts

    amounts = [AMOUNT, AMOUNT.replace("1000000", "1500000")]
    stop = asyncio.Event()
    reloads = 0
    reloaded = asyncio.Condition()

    async def reload_all_the_time() -> None:
        nonlocal reloads
        while not stop.is_set():
            text = staff.measures.read_text(encoding="utf-8")
            current, other = (amounts[0], amounts[1]) if amounts[0] in text else (amounts[1], amounts[0])
            staff.measures.write_text(text.replace(current, other), encoding="utf-8")
            result = await staff.reloader.reload("race")
            assert result.ok
            async with reloaded:
                reloads += 1
                reloaded.notify_all()
            await asyncio.sleep(0)

    async def after_another_reload() -> None:
        """Each user's next step starts only after one more reload: the race is guaranteed."""
        async with reloaded:
            seen = reloads
            await reloaded.wait_for(lambda: reloads > seen)

    reloader = asyncio.create_task(reload_all_the_time())
    try:
        users = [staff.client(uid) for uid in (3001, 3002, 3003)]

        async def journey(user: ChatClient) -> None:
            await start_and_consent(user)
            await after_another_reload()
            await finish_questionnaire(user)
            await after_another_reload()
            await user.click("1")

        await asyncio.gather(*(journey(u) for u in users))
    finally:
        stop.set()
        await reloader
    assert reloads >= 2
    for user in users:
        assert all(m.text != texts.ERROR for m in user.my_messages())
        assert "Тестовый грант московским компаниям" in user.screen()


async def test_the_reply_mentions_freshness_warnings(staff: StaffWorld) -> None:
    import datetime as dt

    from rules.freshness import freshness_warnings

    already = len(freshness_warnings(staff.live.catalogue, dt.date.today()))
    text = staff.measures.read_text(encoding="utf-8")
    staff.measures.write_text(text.replace("last_verified: 2026-11-01", "last_verified: 2020-01-01", 1),
                              encoding="utf-8")
    [reply] = texts_of(await staff.client(ADMIN_ID).send("/reload"))
    assert "✅ Загружена версия" in reply
    assert "дата проверки: 2026-11-01 → 2020-01-01" in reply
    assert f"Предупреждений о свежести данных: {already + 1} " in reply


def _balanced(text: str) -> bool:
    """Every tag closed in order, as Telegram's HTML parser demands."""
    import re
    stack: list[str] = []
    for closing, name in re.findall(r"<(/?)([a-z]+)[^>]*>", text):
        if not closing:
            stack.append(name)
        elif not stack or stack.pop() != name:
            return False
    return not stack


def _long_failure() -> object:
    from bot.services.reload import ReloadResult
    from rules.errors import Problem
    problems = tuple(Problem("data/measures.yaml", n, 1, "неверное значение " + "x" * 300) for n in range(1, 60))
    return ReloadResult(ok=False, changed=False, version="v1", previous="v1", by="SIGHUP", problems=problems)


async def test_a_long_reload_report_is_split_on_lines_with_balanced_tags(staff: StaffWorld) -> None:
    from bot.telegram.split import split_html, visible_length
    from bot.texts.reload import MAX_PROBLEMS_SHOWN, reload_report
    result = _long_failure()
    parts = split_html(reload_report(result))  # type: ignore[arg-type]  # what /reload sends
    assert len(parts) > 1 and all(_balanced(p) and visible_length(p) <= 4096 for p in parts)
    joined = "".join(parts)
    assert all(f"data/measures.yaml:{n}:" in joined for n in range(1, MAX_PROBLEMS_SHOWN + 1))
    assert "navigator check" in parts[-1]


async def test_a_long_sighup_report_reaches_the_admins_in_balanced_parts(staff: StaffWorld) -> None:
    from bot.telegram.split import visible_length
    result = _long_failure()

    async def failing(by: str = "SIGHUP") -> object:
        return result

    staff.reloader.reload = failing  # type: ignore[method-assign,assignment]
    await staff.reloader.on_signal()
    async with staff.sessions() as session:
        told = (await session.scalars(select(OutboxMessage).where(OutboxMessage.kind == "staff")
                                      .order_by(OutboxMessage.id))).all()
    assert len(told) > 1
    for row in told:
        assert row.chat_id == ADMIN_ID and _balanced(row.payload["text"])
        assert visible_length(row.payload["text"]) <= 4096
        await staff.bot(SendMessage(**row.payload))
