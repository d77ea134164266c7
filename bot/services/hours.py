"""Consultants' working hours in Moscow time: when a user can expect an answer.

Non-working holidays of the Labour Code (art. 112: 1–8 January, 23 February, 8 March, 1 and
9 May, 12 June, 4 November) are built in; the government's yearly transfers of days off differ
every year, so they are configuration (``CONSULTANT_HOLIDAYS``), never guessed here.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

MOSCOW = ZoneInfo("Europe/Moscow")
LABOUR_CODE_HOLIDAYS = ((1, 1), (1, 2), (1, 3), (1, 4), (1, 5), (1, 6), (1, 7), (1, 8),
                        (2, 23), (3, 8), (5, 1), (5, 9), (6, 12), (11, 4))


def parse_span(text: str) -> tuple[dt.time, dt.time]:
    """``"09:00-18:00"`` → (09:00, 18:00)."""
    start, end = (dt.time.fromisoformat(part.strip()) for part in text.split("-", 1))
    if end <= start:
        raise ValueError(f"working hours must end after they start: {text!r}")
    return start, end


def parse_weekdays(text: str) -> frozenset[int]:
    """``"1-5"`` or ``"1,2,3"`` (ISO: 1 = Monday) → {0, …} as Python weekdays."""
    days: set[int] = set()
    for part in text.replace(" ", "").split(","):
        if not part:
            continue
        low, _, high = part.partition("-")
        for day in range(int(low), int(high or low) + 1):
            if not 1 <= day <= 7:
                raise ValueError(f"weekday out of 1..7: {day}")
            days.add(day - 1)
    return frozenset(days)


def parse_dates(text: str) -> frozenset[dt.date]:
    return frozenset(dt.date.fromisoformat(part) for part in text.replace(",", " ").split())


@dataclass(frozen=True, slots=True)
class Availability:
    """Open now (an answer within ``answer_hours``, work ends at ``closes``), or opening at ``opens``,
    ``days_ahead`` Moscow days after the asking moment (0 = today)."""

    open_now: bool
    answer_hours: int
    closes: dt.time
    opens: dt.datetime | None = None
    days_ahead: int = 0


@dataclass(frozen=True)
class WorkingHours:
    start: dt.time = dt.time(9)
    end: dt.time = dt.time(18)
    workdays: frozenset[int] = frozenset(range(5))
    holidays: frozenset[dt.date] = field(default_factory=frozenset)
    answer_hours: int = 4

    @classmethod
    def from_config(cls, hours: str, workdays: str, holidays: str, answer_hours: int) -> WorkingHours:
        start, end = parse_span(hours)
        return cls(start, end, parse_weekdays(workdays), parse_dates(holidays), answer_hours)

    def is_working_day(self, day: dt.date) -> bool:
        if day.weekday() not in self.workdays or day in self.holidays:
            return False
        return (day.month, day.day) not in LABOUR_CODE_HOLIDAYS

    def is_open(self, moment: dt.datetime) -> bool:
        local = moment.astimezone(MOSCOW)
        return self.is_working_day(local.date()) and self.start <= local.time() < self.end

    def next_opening(self, moment: dt.datetime) -> dt.datetime:
        """The next moment consultants start work (Moscow time), strictly after ``moment``."""
        local = moment.astimezone(MOSCOW)
        day = local.date()
        for _ in range(60):
            opening = dt.datetime.combine(day, self.start, MOSCOW)
            if opening > local and self.is_working_day(day):
                return opening
            day += dt.timedelta(days=1)
        raise ValueError("no working day within 60 days: check CONSULTANT_WORKDAYS and CONSULTANT_HOLIDAYS")

    def availability(self, moment: dt.datetime) -> Availability:
        """When a user asking at ``moment`` can expect an answer (``bot.texts.hours`` says it in words)."""
        if self.is_open(moment):
            return Availability(True, self.answer_hours, self.end)
        opening = self.next_opening(moment)
        days_ahead = (opening.date() - moment.astimezone(MOSCOW).date()).days
        return Availability(False, self.answer_hours, self.end, opening, days_ahead)
