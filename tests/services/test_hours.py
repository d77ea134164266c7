"""Consultants' working hours (bot/services/hours.py): Moscow time, the Labour Code's holidays."""

from __future__ import annotations

import datetime as dt

import pytest

from bot.services.hours import MOSCOW, WorkingHours, parse_span, parse_weekdays
from bot.texts.hours import expectation

HOURS = WorkingHours.from_config("09:00-18:00", "1-5", "2026-11-30", answer_hours=4)


def moscow(day: str, time: str) -> dt.datetime:
    return dt.datetime.combine(dt.date.fromisoformat(day), dt.time.fromisoformat(time), MOSCOW)


@pytest.mark.parametrize(("moment", "is_open"), [
    (moscow("2026-11-27", "09:00"), True),  # a Friday, at opening
    (moscow("2026-11-27", "18:00"), False),  # closing time itself is closed
    (moscow("2026-11-28", "12:00"), False),  # Saturday
    (moscow("2026-11-30", "12:00"), False),  # a configured day off
    (moscow("2026-11-04", "12:00"), False),  # National Unity Day (Labour Code, art. 112)
    (dt.datetime(2026, 11, 27, 6, 30, tzinfo=dt.UTC), True),  # 09:30 in Moscow
])
def test_open_hours_are_moscow_working_time(moment: dt.datetime, is_open: bool) -> None:
    assert HOURS.is_open(moment) is is_open


def test_the_expectation_names_the_next_opening() -> None:
    assert "в течение 4 ч" in expectation(HOURS.availability(moscow("2026-11-27", "10:00")))
    assert expectation(HOURS.availability(moscow("2026-11-27", "07:00"))).endswith("сегодня с 09:00 по Москве.")
    assert expectation(HOURS.availability(moscow("2026-11-26", "19:00"))).endswith("завтра с 09:00 по Москве.")
    # Friday evening → Saturday, Sunday and the configured Monday off are skipped
    assert expectation(HOURS.availability(moscow("2026-11-27", "19:00"))).endswith("ответит во вторник, 01.12, с 09:00 по Москве.")


def test_bad_configuration_is_refused() -> None:
    with pytest.raises(ValueError, match="end after they start"):
        parse_span("18:00-09:00")
    with pytest.raises(ValueError, match=r"out of 1\.\.7"):
        parse_weekdays("1-8")
    assert parse_weekdays("1,3-4") == frozenset({0, 2, 3})
