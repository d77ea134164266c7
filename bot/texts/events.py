"""Russian words of the events calendar: dates in Moscow time, places, cards, reminders, alerts."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from html import escape

from bot.texts.listing import link, verified_line
from rules.events import AUDIENCES, FORMATS, KINDS, MOSCOW, Event
from rules.profile import CLUSTERS

REMINDER_LEADS = {"1d": "завтра", "1h": "через час"}  # by ``bot.services.event_watch.REMINDER_OFFSETS`` name


FORMAT_BUTTON = {"": "Формат: любой", "offline": "Формат: очно", "online": "Формат: онлайн"}


MONTHS = ("января", "февраля", "марта", "апреля", "мая", "июня", "июля", "августа", "сентября", "октября",
          "ноября", "декабря")


WEEKDAYS = ("пн", "вт", "ср", "чт", "пт", "сб", "вс")


EXAMPLE_NOTE = "пример, дата не подтверждена"


NO_CALENDAR = "Календарь мероприятий пока не загружен. Загляните позже или спросите консультанта: /consultant"


DIRECTORY_HITS_HEADER = "<b>Мероприятия и площадки по вашему вопросу</b>"  # under a free-text answer


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


# ───────────────────────────── /events: the list ─────────────────────────────

RANKED_NOTE = "Сначала — для вашего кластера и отрасли (★ — ваш кластер)."
NOTHING_FOUND = "Подходящих мероприятий нет. Уберите фильтры или посмотрите дальше вперёд."
YOUR_CLUSTER_MARK = " ★"
CONFERENCES_ONLY = "только конференции поставщиков"
CONFERENCES_BUTTON = "Конференции поставщиков"
OKRUG_PROMPT = "Выберите округ, где пройдёт мероприятие (онлайн-мероприятия при этом скрываются):"
CLUSTER_PROMPT = "Выберите кластер:"
ALL_CLUSTERS = "Все кластеры"


def list_title(days: int) -> str:
    return f"<b>Мероприятия на ближайшие {days} дней</b>"


def cluster_filter(cluster: str) -> str:
    return f"кластер: {CLUSTERS[cluster]}" if cluster else ""


def cluster_button(chosen: bool) -> str:
    return "Кластер: выбран" if chosen else "Кластер: любой"


def window_button(days: int) -> str:
    """The button that switches to the other window: «На 14 дней» or «На 60 дней»."""
    return f"На {days} дней"


def event_line(number: int, event: Event) -> str:
    tail = [FORMATS[event.format]]
    if event.okrug:
        tail.append(event.okrug)
    if event.example:
        tail.append(f"⚠️ {EXAMPLE_NOTE}")
    return f"{number}. <b>{when_short(event.starts_at)}</b> — {escape(event.title)}\n    {escape(' · '.join(tail))}"


# ───────────────────────────── /events: the card ─────────────────────────────

TO_CALENDAR_BUTTON = "В календарь"
REMIND_BUTTON = "Напомнить"
REGISTER_BUTTON = "Зарегистрироваться"
BACK_TO_EVENTS_BUTTON = "← К мероприятиям"
STOP_REMINDING_BUTTON = "Не напоминать"


def card_text(event: Event) -> str:
    lines = [f"<b>{escape(event.title)}</b>"]
    if event.status == "cancelled":
        lines.append("❌ Мероприятие отменено.")
    elif event.status == "moved":
        lines.append("↪️ Мероприятие перенесено — проверьте дату у организатора.")
    if event.example:
        lines.append(f"⚠️ Пример, дата не подтверждена: проверьте дату у организатора. {escape(event.provenance_note)}")
    lines += [
        "",
        f"Что: {escape(KINDS[event.kind])}",
        f"Когда: {when_long(event)}",
        f"Где: {where(event)}",
        "Организатор: " + (link(event.organiser_url, event.organiser) if event.organiser_url
                           else escape(event.organiser)),
    ]
    if event.audience:
        lines.append("Для кого: " + escape(", ".join(AUDIENCES[a] for a in event.audience)))
    if event.buyers:
        lines.append("Заказчики: " + escape("; ".join(event.buyers)))
    if event.clusters:
        lines.append("Кластеры: " + escape("; ".join(CLUSTERS[c] for c in sorted(event.clusters))))
    if event.price:
        lines.append(f"Участие: {escape(event.price)}")
    if event.registration_url:
        deadline = event.registration_deadline
        until = f", до {deadline.day} {MONTHS[deadline.month - 1]}" if deadline else ""
        lines.append(f"Регистрация: {link(event.registration_url, 'ссылка')}{until}")
    lines += ["", escape(event.summary), "",
              verified_line(event.source_url, "страница организатора", f"{event.last_verified:%d.%m.%Y}")]
    return "\n".join(lines)


# ───────────────────────────── calendar file and reminders ─────────────────────────────

ICS_SENT = "Файл для календаря отправлен"
REMINDERS_CANCELLED = "Напоминания отменены."
TOO_LATE_TO_REMIND = "Мероприятие вот-вот начнётся — напоминать уже поздно."
WILL_REMIND = "Напомню"
REMINDER_WHEN = {"1d": "за день", "1h": "за час"}  # by ``bot.services.event_watch.REMINDER_OFFSETS`` name


def ics_caption(example: bool) -> str:
    caption = "Откройте файл — событие добавится в календарь (время московское)."
    return caption + ("\n⚠️ Пример, дата не подтверждена." if example else "")


def reminders_set(title: str, queued: Sequence[tuple[str, dt.datetime]]) -> str:
    """«Напомню о «…»:» and a line per queued reminder (offset name, when it is sent)."""
    lines = [f"{REMINDER_WHEN.get(name, REMINDER_WHEN['1h'])} — {when_short(at)}" for name, at in queued]
    return "Напомню о «" + escape(title) + "»:\n" + "\n".join(lines)
