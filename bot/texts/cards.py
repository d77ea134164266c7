"""Russian text of results and measure cards — for Telegram (HTML, escaped) and the console (plain).

Pure functions of domain objects (STYLE habit 2): the bot, the console and the consultant's ticket
show the same words. Everything user-facing about verdicts is worded here.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from html import escape

from rules.catalogue import KINDS, LEVELS, WINDOW_STATUSES, Measure
from rules.conditions import Status
from rules.eligibility import VERDICT_LABELS, Explanation, MeasureResult, TraceLine, Verdict

MARKS = {Status.PASS: "✓", Status.FAIL: "✗", Status.UNKNOWN: "?", Status.NEAR: "≈"}
VERDICT_ICONS = {Verdict.ELIGIBLE: "✅", Verdict.POSSIBLE: "🟡", Verdict.INELIGIBLE: "⛔"}


class Fmt:
    """Tiny markup switch: HTML for Telegram, plain text for a terminal."""

    def __init__(self, html: bool) -> None:
        self.html = html

    def text(self, value: str) -> str:
        return escape(value, quote=False) if self.html else value

    def bold(self, value: str) -> str:
        return f"<b>{self.text(value)}</b>" if self.html else value.upper() if len(value) < 40 else value

    def link(self, url: str, label: str | None = None) -> str:
        if self.html:
            return f'<a href="{escape(url)}">{self.text(label or url)}</a>'
        return url if not label else f"{label}: {url}"

    def italic(self, value: str) -> str:
        return f"<i>{self.text(value)}</i>" if self.html else value


def date_ru(value: dt.date) -> str:
    return value.strftime("%d.%m.%Y")


def dates_line(measure: Measure) -> str:
    """«проверено 15.11.2026 · источник от 12.03.2024»: when we re-read the facts and how old the
    newest source itself is — a recent check of an old document must not look like fresh news."""
    line = f"проверено: {date_ru(measure.last_verified)}"
    if measure.source_date is not None:
        line += f" · источник от {date_ru(measure.source_date)}"
    return line


def window_line(measure: Measure, today: dt.date) -> str:
    window = measure.window
    status = window.effective_status(today)
    parts = [WINDOW_STATUSES[status]]
    if window.opens and window.opens > today:
        parts.append(f"откроется {date_ru(window.opens)}")
    if window.until and status in ("open", "rolling"):
        parts.append(f"до {date_ru(window.until)}")
    line = ", ".join(parts)
    return f"{line}. {window.note}" if window.note else line


def result_line(result: MeasureResult, number: int | None = None, html: bool = False) -> str:
    f = Fmt(html)
    measure = result.measure
    prefix = f"{number}. " if number is not None else ""
    amount = f" — {measure.amount.display}" if measure.amount else ""
    tags = []
    if result.already_used:
        tags.append("уже получали")
    if result.path and result.verdict is Verdict.POSSIBLE:
        tags.append(f"сначала — {result.path[0].measure.title}")
    if not result.window_open:
        tags.append(WINDOW_STATUSES[measure.window.effective_status(dt.date.today())])
    tail = f" ({'; '.join(tags)})" if tags else ""
    return f"{prefix}{VERDICT_ICONS[result.verdict]} {f.text(measure.title + amount + tail)}"


def results_text(results: Sequence[MeasureResult], html: bool = False, per_group: int | None = 5) -> str:
    """Results grouped «Подходит / Возможно / Не подходит», best first (already ranked)."""
    f = Fmt(html)
    blocks: list[str] = []
    number = 0
    for verdict in Verdict:
        group = [r for r in results if r.verdict is verdict]
        if not group:
            continue
        shown = group if per_group is None else group[:per_group]
        lines = [f.bold(f"{VERDICT_LABELS[verdict]} — {len(group)}")]
        for result in shown:
            number += 1
            lines.append(result_line(result, number, html))
        if len(group) > len(shown):
            lines.append(f.text(f"… и ещё {len(group) - len(shown)}"))
        blocks.append("\n".join(lines))
    return "\n\n".join(blocks) if blocks else "Подходящих мер не нашлось."


def trace_line(line: TraceLine, html: bool = False) -> str:
    f = Fmt(html)
    indent = "    " * line.depth
    if line.group:
        return f"{indent}{MARKS[line.status]} {f.text(line.text)}"
    if line.kind == "expert":
        return f"{indent}• {f.text(line.text)} ({f.text(line.actual)})"
    if line.kind == "formal":
        return f"{indent}{MARKS[line.status]} {f.text(line.text)} ({f.text(line.actual)})"
    note = {
        Status.PASS: f"у вас: {line.actual}",
        Status.FAIL: f"у вас: {line.actual}",
        Status.UNKNOWN: "нет данных",
        Status.NEAR: f"у вас: {line.actual} — близко к порогу, уточните",
    }[line.status]
    return f"{indent}{MARKS[line.status]} {f.text(line.text)} ({f.text(note)})"


def verdict_sentence(explanation: Explanation) -> str:
    result = explanation.result
    label = VERDICT_LABELS[result.verdict]
    if result.verdict is Verdict.ELIGIBLE:
        return f"{label}: все проверяемые условия выполнены."
    if explanation.deciding_gateway is not None and explanation.deciding is None:
        gateway = explanation.deciding_gateway
        if gateway.verdict is Verdict.INELIGIBLE:
            return f"{label}: нужен статус «{gateway.measure.title}», а он вам сейчас недоступен."
        return f"{label}: сначала — {gateway.measure.title}."
    deciding = explanation.deciding
    if deciding is None:
        return f"{label}."
    if result.verdict is Verdict.INELIGIBLE:
        return f"{label}: не выполнено условие «{deciding.text}» (у вас: {deciding.actual})."
    if deciding.kind == "formal":
        return f"{label}: нужно подтвердить документами — «{deciding.text}»."
    if deciding.status is Status.NEAR:
        return f"{label}: вы близко к порогу «{deciding.text}» (у вас: {deciding.actual}) — уточните у консультанта."
    return f"{label}: не хватает данных — «{deciding.text}»."


def card_text(explanation: Explanation, html: bool = False, today: dt.date | None = None) -> str:
    """The measure card: what it gives, verdict with every condition, path, documents, next step."""
    today = today or dt.date.today()
    f = Fmt(html)
    result = explanation.result
    m = result.measure
    out = [f.bold(m.title), f.text(f"{m.operator} · {LEVELS[m.level]} мера · {KINDS[m.kind]}"), "", f.text(m.summary)]
    out.append("")
    if m.amount:
        amount = m.amount.display
        if m.amount.cofinancing_share:
            amount += f"; собственные средства — от {m.amount.cofinancing_share * 100:g} %"
        out.append(f"💰 {f.text(amount)}")
    out.append(f"📅 {f.text(window_line(m, today))}")
    if result.already_used:
        out.append(f.text("ℹ️ Вы отметили, что уже получали эту меру."))
    out.append("")
    out.append(f"{VERDICT_ICONS[result.verdict]} {f.bold(verdict_sentence(explanation))}")
    if explanation.lines:
        out.append(f.text("Условия:"))
        out.extend(trace_line(line, html) for line in explanation.lines)
    if result.path:
        out.append("")
        out.append(f.text("Путь к мере:"))
        for step_number, step in enumerate(result.path, 1):
            out.append(f.text(f"{step_number}) {step.measure.title} — {VERDICT_LABELS[step.verdict].lower()}"))
        out.append(f.text(f"{len(result.path) + 1}) {m.title}"))
    if m.documents:
        out.append("")
        out.append(f.text("Документы:"))
        out.extend(f"• {f.text(doc)}" for doc in m.documents)
    out.append("")
    out.append(f"👉 {f.text(m.how_to_apply)}")
    out.append(f.link(m.apply_via, "Подать заявку"))
    if m.legal_basis:
        out.append(f.text(f"Основание: {m.legal_basis}"))
    out.append(f"{f.link(m.source_url, 'Источник')} · {f.text(dates_line(m))}")
    if not m.verified:
        out.append(f.text(f"⚠️ Не всё подтверждено: {m.provenance_note} Уточните у консультанта."))
    return "\n".join(out)
