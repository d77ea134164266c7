"""One event as an iCalendar file (RFC 5545) for «В календарь».

Decisions:
- Times are written as local Moscow time with ``TZID=Europe/Moscow`` and a ``VTIMEZONE`` block,
  so calendars show the organiser's wall-clock time whatever the phone's zone; Moscow has been
  UTC+3 without daylight saving since 2014, so one STANDARD rule is exact. ``DTSTAMP`` is UTC,
  as the RFC requires.
- ``UID`` is the event id plus a fixed domain: adding the same event twice updates, not
  duplicates. An unconfirmed (example) date is ``STATUS:TENTATIVE`` and says so in the title;
  a cancelled event is ``STATUS:CANCELLED``.
- Text is escaped and lines folded at 75 octets without splitting a UTF-8 character.
"""

from __future__ import annotations

import datetime as dt

from rules.events import FORMATS, MOSCOW, Event

UID_DOMAIN = "cluster-navigator.moscow"
PRODID = "-//Cluster Navigator//Events//RU"
EXAMPLE_MARK = "пример, дата не подтверждена"
_VTIMEZONE = (
    "BEGIN:VTIMEZONE",
    "TZID:Europe/Moscow",
    "BEGIN:STANDARD",
    "DTSTART:19700101T000000",
    "TZOFFSETFROM:+0300",
    "TZOFFSETTO:+0300",
    "TZNAME:MSK",
    "END:STANDARD",
    "END:VTIMEZONE",
)


def escape_text(value: str) -> str:
    """RFC 5545 3.3.11: backslash, semicolon, comma and newlines."""
    return (value.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,")
            .replace("\r\n", "\\n").replace("\n", "\\n"))


def fold(line: str) -> str:
    """Split a content line into 75-octet pieces joined by CRLF + space (RFC 5545 3.1)."""
    out: list[str] = []
    current, size, limit = "", 0, 75
    for char in line:
        width = len(char.encode("utf-8"))
        if size + width > limit:
            out.append(current)
            current, size, limit = "", 0, 74  # continuation lines start with a space
        current += char
        size += width
    out.append(current)
    return "\r\n ".join(out)


def _local(moment: dt.datetime) -> str:
    return moment.astimezone(MOSCOW).strftime("%Y%m%dT%H%M%S")


def _utc(moment: dt.datetime) -> str:
    return moment.astimezone(dt.UTC).strftime("%Y%m%dT%H%M%SZ")


def _location(event: Event) -> str:
    if event.venue is None:
        return "онлайн" if event.format == "online" else ""
    parts = [event.venue.name, event.venue.address]
    if event.format == "hybrid":
        parts.append("также онлайн")
    return ", ".join(p for p in parts if p)


def _description(event: Event) -> str:
    lines = []
    if event.example:
        lines.append(f"Внимание: {EXAMPLE_MARK}. Проверьте дату у организатора.")
    lines.append(event.summary)
    lines.append(f"Организатор: {event.organiser}")
    lines.append(f"Формат: {FORMATS[event.format]}")
    if event.registration_url:
        lines.append(f"Регистрация: {event.registration_url}")
    if event.online_url:
        lines.append(f"Ссылка на трансляцию: {event.online_url}")
    lines.append(f"Источник: {event.source_url}")
    return "\n".join(lines)


def event_ics(event: Event, now: dt.datetime) -> bytes:
    """The ``.ics`` file for one event; ``now`` is the DTSTAMP (when the file was made)."""
    title = f"{event.title} ({EXAMPLE_MARK})" if event.example else event.title
    status = "CANCELLED" if event.status == "cancelled" else "TENTATIVE" if event.example else "CONFIRMED"
    url = event.registration_url or event.source_url
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        f"PRODID:{PRODID}",
        "CALSCALE:GREGORIAN",
        "METHOD:PUBLISH",
        *_VTIMEZONE,
        "BEGIN:VEVENT",
        f"UID:{event.id}@{UID_DOMAIN}",
        f"DTSTAMP:{_utc(now)}",
        f"DTSTART;TZID=Europe/Moscow:{_local(event.starts_at)}",
        f"DTEND;TZID=Europe/Moscow:{_local(event.ends_at)}",
        f"SUMMARY:{escape_text(title)}",
        f"DESCRIPTION:{escape_text(_description(event))}",
        f"STATUS:{status}",
        f"URL:{url}",
    ]
    location = _location(event)
    if location:
        lines.append(f"LOCATION:{escape_text(location)}")
    lines += ["END:VEVENT", "END:VCALENDAR"]
    return ("\r\n".join(fold(line) for line in lines) + "\r\n").encode("utf-8")


def ics_filename(event: Event) -> str:
    return f"{event.id}.ics"
