"""The .ics file: parses with an independent reader, keeps Moscow wall-clock time, folds lines."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import icalendar

from rules.events import Calendar
from rules.ics import EXAMPLE_MARK, event_ics, fold
from tests.events.conftest import NOW


def _parse(data: bytes) -> icalendar.Event:
    calendar = icalendar.Calendar.from_ical(data)
    (event,) = calendar.walk("VEVENT")
    return event


def test_ics_parses_and_carries_the_moscow_time_zone(calendar: Calendar) -> None:
    data = event_ics(calendar.by_id["conf-zelenograd"], NOW)
    text = data.decode("utf-8")
    assert "DTSTART;TZID=Europe/Moscow:20261203T110000\r\n" in text
    assert "BEGIN:VTIMEZONE\r\nTZID:Europe/Moscow" in text
    event = _parse(data)
    start, end = event.decoded("DTSTART"), event.decoded("DTEND")
    assert start == dt.datetime(2026, 12, 3, 11, 0, tzinfo=ZoneInfo("Europe/Moscow"))
    assert start.astimezone(dt.UTC) == dt.datetime(2026, 12, 3, 8, 0, tzinfo=dt.UTC)
    assert end - start == dt.timedelta(hours=4)
    assert str(event["UID"]) == "conf-zelenograd@cluster-navigator.moscow"
    assert str(event["STATUS"]) == "CONFIRMED"
    assert str(event["SUMMARY"]) == "Конференция поставщиков электроники"
    assert str(event["LOCATION"]) == "Технопарк «Один», Москва, ул. Тестовая, 1"
    assert "Регистрация: https://example.org/reg" in str(event["DESCRIPTION"])
    assert event.decoded("DTSTAMP") == dt.datetime(2026, 11, 27, 9, 0, tzinfo=dt.UTC)


def test_utc_written_event_is_exported_in_moscow_time(calendar: Calendar) -> None:
    # the fixture says 2026-12-02T08:00:00Z; the file must say 11:00 Moscow, the same instant
    event = _parse(event_ics(calendar.by_id["seminar-troitsk"], NOW))
    assert event.decoded("DTSTART").astimezone(dt.UTC).hour == 8
    assert event.decoded("DTSTART").hour == 11


def test_example_event_is_tentative_and_says_so(calendar: Calendar) -> None:
    event = _parse(event_ics(calendar.by_id["seminar-troitsk"], NOW))
    assert str(event["STATUS"]) == "TENTATIVE"
    assert EXAMPLE_MARK in str(event["SUMMARY"])
    assert str(event["DESCRIPTION"]).startswith("Внимание: пример")


def test_cancelled_event_is_cancelled(calendar: Calendar) -> None:
    assert str(_parse(event_ics(calendar.by_id["cancelled-conf"], NOW))["STATUS"]) == "CANCELLED"


def test_lines_are_crlf_and_at_most_75_octets(calendar: Calendar) -> None:
    data = event_ics(calendar.by_id["conf-zelenograd"], NOW)
    assert data.endswith(b"\r\n") and b"\n" not in data.replace(b"\r\n", b"")
    assert max(len(line) for line in data.split(b"\r\n")) <= 75


def test_fold_never_splits_a_cyrillic_letter() -> None:
    line = "SUMMARY:" + "ж" * 100
    pieces = fold(line).split("\r\n ")
    assert "".join(pieces) == line
    assert all(len(p.encode("utf-8")) <= 75 for p in pieces)


def test_special_characters_round_trip(calendar: Calendar) -> None:
    event = _parse(event_ics(calendar.by_id["webinar-general"], NOW))
    assert str(event["SUMMARY"]) == "Вебинар для всех"
    assert str(event["LOCATION"]) == "онлайн"
    assert "Открытый вебинар, без кластера." in str(event["DESCRIPTION"])  # the comma survives
