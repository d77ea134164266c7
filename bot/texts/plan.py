"""Russian text of «Мой план» (issue 17): the plan, its statuses, what changed, reminders, the consultant's view."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from html import escape

from bot.services.plan import Change, PlanReminder, PlanView
from bot.texts.cards import Fmt, date_ru, window_line
from bot.texts.results import reason

STATUS_LABELS = {
    "collecting": "собираю документы",
    "applied": "подал заявку",
    "received": "получил",
    "rejected": "отказ",
}
STATUS_BUTTONS = {"collecting": "📄 Собираю", "applied": "📨 Подал", "received": "✅ Получил", "rejected": "✖️ Отказ"}
STATUS_ICONS = {"collecting": "📄", "applied": "📨", "received": "✅", "rejected": "✖️"}

TITLE = "Мой план"
EMPTY = ("В плане пока пусто. Откройте меру из результатов и нажмите «📌 В план» — "
         "сохраним следующий шаг, документы и срок подачи.")
HINT = "Статус меняется одним нажатием под мерой. О сроке подачи напомним заранее."
BUTTON_ADD = "📌 В план"
BUTTON_IN_PLAN = "📋 Уже в плане — открыть"
BUTTON_OPEN = "📋 Мой план"
BUTTON_REMOVE = "🗑 Убрать"
BUTTON_DETAILS = "Подробнее"
ADDED_TOAST = "Добавили в план"
ALREADY = "Эта мера уже в плане."
FULL = "В плане уже 30 мер — уберите лишние в /plan, чтобы добавить новую."
GONE = "Этой меры уже нет в вашем плане."
REMOVED_TOAST = "Убрали из плана."
UNKNOWN_MEASURE = "Этой меры больше нет в каталоге."


def added(view_title: str, next_step: str, documents: Sequence[str], deadline: dt.date | None) -> str:
    out = [f"📌 Добавили в план: <b>{escape(view_title)}</b>", f"👉 {escape(next_step)}"]
    if documents:
        out.append("📄 " + escape("; ".join(documents)))
    out.append(f"📅 Подать до {date_ru(deadline)}" if deadline else "📅 Срок подачи в каталоге не указан")
    out.append("Весь план и статусы — /plan.")
    return "\n".join(out)


def status_toast(status: str) -> str:
    return f"Статус: {STATUS_LABELS[status]}"


def _deadline_line(view: PlanView, today: dt.date) -> str:
    if view.deadline is not None:
        days = (view.deadline - today).days
        if days < 0:
            return f"📅 Срок подачи прошёл {date_ru(view.deadline)}"
        return f"📅 Подать до {date_ru(view.deadline)} (осталось {days} дн.)"
    if view.measure is not None:
        return f"📅 Срок в каталоге не указан: {window_line(view.measure, today)}"
    return "📅 Срок подачи неизвестен"


def change_text(change: Change) -> str:
    if change.what == "deadline":
        before = change.before or "не был указан"
        after = change.after or "больше не указан"
        return f"срок подачи: был {before}, теперь {after}"
    if change.what == "documents":
        parts = []
        if change.added:
            parts.append("добавили " + "; ".join(f"«{d}»" for d in change.added))
        if change.removed:
            parts.append("убрали " + "; ".join(f"«{d}»" for d in change.removed))
        return "документы: " + (", ".join(parts) if parts else "изменился порядок")
    if change.what == "next_step":
        return f"следующий шаг: теперь «{change.after}»"
    if change.what == "title":
        return f"название: было «{change.before}»"
    return "условия меры обновлены — проверьте карточку"


def changes_text(title: str, changes: Sequence[Change]) -> str:
    return f"ℹ️ Мера «{title}» изменилась в каталоге: " + "; ".join(change_text(c) for c in changes) + "."


def removed_text(title: str) -> str:
    return (f"❗ Меры «{title}» больше нет в каталоге — статус не изменён. "
            "Уберите её из плана или спросите консультанта, что с ней стало.")


def plan_text(views: Sequence[PlanView], today: dt.date | None = None, lead: str = "") -> str:
    today = today or dt.date.today()
    f = Fmt(True)
    if not views:
        return "\n\n".join(p for p in (f.text(lead), f"<b>{TITLE}</b>\n{f.text(EMPTY)}") if p)
    out = [f"<b>{TITLE}</b> · мер: {len(views)}"]
    if lead:
        out = [f.text(lead), "", *out]
    for number, view in enumerate(views, 1):
        out.append("")
        out.append(f"{number}. <b>{f.text(view.title)}</b> — {STATUS_ICONS[view.status]} {STATUS_LABELS[view.status]}")
        if view.measure is None:
            out.append(f.text(f"   ❗ {UNKNOWN_MEASURE} Уберите её из плана или спросите консультанта."))
            continue
        if view.status in ("collecting", "applied"):
            out.append(f"   👉 {f.text(view.next_step)}")
        if view.status == "collecting" and view.documents:
            out.append("   📄 " + f.text("; ".join(view.documents)))
        if view.status == "collecting":
            out.append("   " + f.text(_deadline_line(view, today)))
        if view.explanation is not None:
            out.append("   " + f.text(f"⚠️ По новым ответам анкеты мера не подходит: {reason(view.explanation)} "
                                      "Проверьте условия в карточке."))
        if view.changes:
            out.append("   " + f.text("ℹ️ Изменилось в каталоге: " + "; ".join(change_text(c) for c in view.changes)))
    out += ["", f.text(HINT)]
    return "\n".join(out)


def reminder_text(reminder: PlanReminder, today: dt.date | None = None) -> str:
    today = today or dt.date.today()
    days = (reminder.deadline - today).days
    f = Fmt(True)
    when = "сегодня" if days <= 0 else f"через {days} дн."
    out = [f"⏰ Приём заявок по мере <b>{f.text(reminder.measure.title)}</b> заканчивается {when} — "
           f"{date_ru(reminder.deadline)}.",
           f.text("В вашем плане она в статусе «собираю документы»."),
           f"👉 {f.text(reminder.next_step)}"]
    if reminder.documents:
        out.append("📄 " + f.text("; ".join(reminder.documents)))
    return "\n".join(out)


def ticket_block(views: Sequence[PlanView], limit: int = 10) -> list[str]:
    """The plan in the consultant's ticket card: one line per measure with its status."""
    if not views:
        return []
    out = ["<b>План клиента</b>"]
    for view in views[:limit]:
        deadline = f"; подать до {date_ru(view.deadline)}" if view.deadline and view.status == "collecting" else ""
        gone = " (меры нет в каталоге)" if view.measure is None else ""
        out.append(f"• {escape(view.title)}{gone} — {STATUS_LABELS[view.status]}{deadline}")
    if len(views) > limit:
        out.append(f"… ещё мер: {len(views) - limit}")
    return out
