"""Russian words of the consultants' working hours: when a user can expect an answer."""

from __future__ import annotations

from bot.services.hours import Availability

WEEKDAYS_ACCUSATIVE = ("понедельник", "вторник", "среду", "четверг", "пятницу", "субботу", "воскресенье")


def expectation(availability: Availability) -> str:
    """One sentence: answered within N hours now, or from which day and hour."""
    if availability.open_now or availability.opens is None:
        return (f"Консультанты работают сейчас: обычно отвечают в течение {availability.answer_hours} ч "
                f"в рабочее время (до {availability.closes:%H:%M} по Москве).")
    opening = availability.opens
    if availability.days_ahead == 0:
        when = f"сегодня с {opening:%H:%M}"
    elif availability.days_ahead == 1:
        when = f"завтра с {opening:%H:%M}"
    else:
        day = WEEKDAYS_ACCUSATIVE[opening.weekday()]
        when = f"{'во' if day == 'вторник' else 'в'} {day}, {opening:%d.%m}, с {opening:%H:%M}"  # «во вторник»
    return f"Сейчас нерабочее время. Консультант ответит {when} по Москве."
