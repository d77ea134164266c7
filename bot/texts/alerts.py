"""Russian words of measure alerts and deadline reminders (sent through the outbox)."""

from __future__ import annotations

import html

from rules.eligibility import Verdict
from rules.rematch import AlertCandidate

BUTTON_SUBSCRIBE = "🔔 Сообщать о новых мерах"
BUTTON_UNSUBSCRIBE_LONG = "Отписаться от новых мер"
BUTTON_UNSUBSCRIBE = "Отписаться"
BUTTON_DETAILS = "Подробнее"


def alert_text(candidate: AlertCandidate) -> str:
    measure = candidate.measure
    if candidate.closes is not None:
        lines = [f"⏰ Приём заявок закрывается {candidate.closes:%d.%m.%Y} — по вашим ответам мера подходит:",
                 "", f"<b>{html.escape(measure.title)}</b>"]
    else:
        lead = "🔔 Новая мера поддержки" if candidate.new else "🔔 Мера поддержки обновилась"
        verdict = ("по вашим ответам подходит" if candidate.verdict is Verdict.ELIGIBLE
                   else "может подойти — уточните условия в карточке")
        lines = [f"{lead} — {verdict}:", "", f"<b>{html.escape(measure.title)}</b>"]
    if measure.amount is not None:
        lines.append(html.escape(measure.amount.display))
    lines += ["", html.escape(measure.summary[:600])]
    return "\n".join(lines)


# ───────────────────────────── /alerts: the subscription ─────────────────────────────

SUBSCRIBED = ("🔔 Вы подписаны: когда появится мера, которая подходит по вашим ответам, мы напишем. "
              "Не чаще одного сообщения об одной мере.")
UNSUBSCRIBED = "Сообщения о новых мерах отключены. Включить снова можно командой /alerts."
OFFER = ("Можем написать, когда появится новая мера поддержки, которая подходит по вашим ответам. "
         "Одно сообщение об одной мере, отписаться — одной кнопкой.")
TOAST_SUBSCRIBED = "Готово: напишем, когда появится подходящая мера. Отписаться — /alerts."
NEED_CONSENT = "Сначала ответьте на несколько вопросов: нажмите /start."
