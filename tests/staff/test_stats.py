"""/stats and `navigator report`: the same figures, from the real database the bot wrote."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from bot.cli import main as navigator
from bot.cli.report import month_bounds
from bot.texts.admin import NOT_ADMIN
from db.handoff.models import Ticket
from db.models import User
from db.repositories import AnalyticsRepository
from tests.bot.helpers import finish_questionnaire, start_and_consent
from tests.staff.conftest import ADMIN_ID, StaffWorld
from tests.support.telegram import texts_of


async def fill(staff: StaffWorld) -> None:
    for uid in (2001, 2002):
        user = staff.client(uid)
        await start_and_consent(user)
        await finish_questionnaire(user)
    await staff.client(2001).click("1")  # opens the first card of the results
    await staff.client(2003).send("/start")  # started, no consent yet: not stored (DESIGN 8)
    async with staff.sessions() as session:
        analytics = AnalyticsRepository(session)
        for text in ("Лицензия на такси", "лицензия на такси ", "Ипотека для семьи"):
            await analytics.search_query(2001, "p2001", text, answered=False)
        await analytics.search_query(2002, "p2002", "грант", answered=True)
        session.add(Ticket(user_id=2001, status="new", subject="Вопрос о гранте", staff_chat_id=-100500))
        session.add(Ticket(user_id=2002, status="closed", subject="Вопрос о займе", staff_chat_id=-100500))
        user = await session.get(User, 2002)
        assert user is not None
        user.alerts_opt_in = True
        await session.commit()


async def test_stats_for_admins_only(staff: StaffWorld) -> None:
    await fill(staff)
    [refused] = texts_of(await staff.client(2001).send("/stats"))
    assert refused == NOT_ADMIN
    [text] = texts_of(await staff.client(ADMIN_ID).send("/stats"))
    assert "Пользователей: 2, из них дали согласие: 2" in text
    assert "Прошли анкету: 2" in text
    assert "Подписаны на новые меры: 1" in text
    assert "Обращений к консультантам: 2; открыто сейчас: 1" in text
    assert "Поисковых запросов: 4, без ответа: 3" in text
    assert "1. Тестовый грант московским компаниям — 1" in text
    assert "1. «лицензия на такси» — 2" in text  # grouped regardless of case and spaces


async def test_report_writes_the_same_figures_as_html(staff: StaffWorld, tmp_path: Path,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    await fill(staff)
    monkeypatch.setenv("MEASURES_PATH", str(staff.measures))
    monkeypatch.setenv("QUESTIONNAIRE_PATH", str(staff.questionnaire))
    out = tmp_path / "report.html"
    url = str(staff.engine.url)
    assert await _run(["report", "--all", "--out", str(out), "--database-url", url]) == 0
    page = out.read_text(encoding="utf-8")
    assert page.startswith("<!DOCTYPE html>") and '<html lang="ru">' in page
    assert "<td>Прошли анкету за период</td><td class=num>2</td>" in page
    assert page.count("<svg") == 3  # funnel, measures, unanswered queries
    assert "Тестовый грант московским компаниям" in page and "«лицензия на такси»" in page
    assert "<script" not in page and "http://" not in page.replace("http://www.w3.org/2000/svg", "")

    # last month has no activity: the charts say so instead of drawing nothing
    empty = tmp_path / "empty.html"
    assert await _run(["report", "--month", "2020-01", "--out", str(empty), "--database-url", url]) == 0
    assert "данных за период нет" in empty.read_text(encoding="utf-8")
    assert await _run(["report", "--month", "2020-13", "--database-url", url]) == 2


async def _run(argv: list[str]) -> int:
    import asyncio

    return await asyncio.to_thread(navigator, argv)  # the command runs its own event loop


def test_month_bounds() -> None:
    start, end, label = month_bounds(None, dt.date(2026, 1, 15))
    assert (start.date(), end.date(), label) == (dt.date(2025, 12, 1), dt.date(2026, 1, 1), "2025-12")
    start, end, label = month_bounds("2026-02", dt.date(2026, 11, 27))
    assert (start.date(), end.date(), label) == (dt.date(2026, 2, 1), dt.date(2026, 3, 1), "2026-02")
