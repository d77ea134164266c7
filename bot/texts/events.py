"""Russian words of the events calendar: dates in Moscow time, places, cards, reminders, alerts."""

from __future__ import annotations

import datetime as dt
from html import escape

from rules.events import MOSCOW, Event

REMINDER_LEADS = {"1d": "завтра", "1h": "через час"}  # by ``bot.services.event_watch.REMINDER_OFFSETS`` name


FORMAT_BUTTON = {"": "Формат: любой", "offline": "Формат: очно", "online": "Формат: онлайн"}


MONTHS = ("января", "февраля", "марта", "апреля", "мая", "июня", "июля", "августа", "сентября", "октября",
          "ноября", "декабря")


WEEKDAYS = ("пн", "вт", "ср", "чт", "пт", "сб", "вс")


EXAMPLE_NOTE = "пример, дата не подтверждена"


NO_CALENDAR = "Календарь мероприятий пока не загружен. Загляните позже или спросите консультанта: /consultant"


EVENT_GONE = "Этого мероприятия больше нет в календаре — посмотрите актуальный список: /events"


def when_short(moment: dt.datetime) -> str:
    local = moment.astimezone(MOSCOW)
    return f"{local.day} {MONTHS[local.month - 1][:3]}, {WEEKDAYS[local.weekday()]}, {local:%H:%M}"


def when_long(event: Event) -> str:
    start, end = event.starts_at.astimezone(MOSCOW), event.ends_at.astimezone(MOSCOW)
    day = f"{start.day} {MONTHS[start.month - 1]} {start.year}, {WEEKDAYS[start.weekday()]}"
    if start.date() == end.date():
        return f"{day}, {start:%H:%M}–{end:%H:%M} (мск)"
    return f"{day}, {start:%H:%M} — {end.day} {MONTHS[end.month - 1]}, {end:%H:%M} (мск)"


def link(url: str, label: str) -> str:
    return f'<a href="{escape(url, quote=True)}">{escape(label)}</a>'


def where(event: Event) -> str:
    if event.venue is None:
        return "онлайн"
    parts = [event.venue.name, event.venue.address]
    place = ", ".join(escape(p) for p in parts if p)
    if event.venue.okrug:
        place += f" ({escape(event.venue.okrug)})"
    return place + (" и онлайн" if event.format == "hybrid" else "")


def reminder_text(event: Event, offset: str) -> str:
    lead = REMINDER_LEADS[offset]
    note = "\n⚠️ Пример, дата не подтверждена — проверьте у организатора." if event.example else ""
    registration = f"\nРегистрация: {link(event.registration_url, 'ссылка')}" if event.registration_url else ""
    return (f"⏰ Напоминание: {lead} — <b>{escape(event.title)}</b>\n"
            f"Когда: {when_long(event)}\nГде: {where(event)}{registration}{note}")


def event_alert(event: Event) -> str:
    lead = "🔔 Новое мероприятие для вашего кластера или отрасли"
    note = "\n⚠️ Пример, дата не подтверждена — проверьте у организатора." if event.example else ""
    return f"{lead}:\n\n<b>{escape(event.title)}</b>\n{when_long(event)}{note}"
