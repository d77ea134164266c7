"""Russian words of the consultants' commands in the staff group: /tickets, /ticket N, /outbox and
the status shown when a ticket button is pressed (the buttons and notices are in ``handoff``)."""

from __future__ import annotations

import datetime as dt
from html import escape

STATUS_WORDS = {"new": "новая", "claimed": "в работе", "transferred": "передана", "closed": "закрыта"}
EVENT_WORDS = {"opened": "открыта", "claimed": "взята", "transferred": "передана", "closed": "закрыта",
               "reopened": "открыта снова"}
DIRECTION_WORDS = {"in": "👤", "out": "💬", "note": "📝"}
NO_OPEN_TICKETS = "Открытых заявок нет."
NO_COMPANY = "без названия"


def ticket_status(number: int, status: str, claimed_by: str | None) -> str:
    """A button's answer when the ticket's state is only reported (a callback alert: plain text)."""
    claimed = f", взял {claimed_by}" if claimed_by else ""
    return f"Заявка №{number}: {STATUS_WORDS[status]}{claimed}."


def open_tickets_header(count: int) -> str:
    return f"<b>Открытые заявки: {count}</b>"


def open_ticket_line(number: int, status: str, claimed_by: str | None, company: str | None, subject: str,
                     age: dt.timedelta, overdue: bool) -> str:
    """One /tickets line; ⏰ marks a ticket waiting longer than the ping time."""
    who = f" · {escape(claimed_by)}" if claimed_by else ""
    return (f"{'⏰ ' if overdue else ''}№{number} · {STATUS_WORDS[status]}{who} · "
            f"{escape(company or NO_COMPANY)} · {escape(subject)} · {age_words(age)}")


def ticket_header(number: int, status: str, subject: str) -> str:
    return f"<b>Заявка №{number}</b> · {STATUS_WORDS[status]} · {escape(subject)}"


def event_line(kind: str, actor: str | None) -> str:
    who = f" ({escape(actor)})" if actor else ""
    return f"{EVENT_WORDS.get(kind, kind)}{who}"


def message_line(direction: str, body: str) -> str:
    return f"{DIRECTION_WORDS[direction]} {escape(body)}"


def rating_line(score: int, comment: str | None) -> str:
    return f"⭐ {score}/5" + (f" — {escape(comment[:200])}" if comment else "")


def outbox_header(counts: dict[str, int]) -> str:
    return "<b>Очередь отправки</b>: " + ", ".join(f"{k} — {v}" for k, v in sorted(counts.items()))


def age_words(delta: dt.timedelta) -> str:
    minutes = int(delta.total_seconds() // 60)
    if minutes < 60:
        return f"{minutes} мин"
    if minutes < 60 * 24:
        return f"{minutes // 60} ч {minutes % 60} мин"
    return f"{minutes // (60 * 24)} дн"
