"""The staff statistics in Russian: a short Telegram message (/stats) and an HTML report with charts.

The HTML is self-contained (inline CSS and SVG bar charts, no scripts, no external requests), so
it opens from a mail attachment or a shared folder and prints cleanly for the monthly review.
"""

from __future__ import annotations

import html
from collections.abc import Mapping, Sequence
from datetime import datetime

from db.staff.models import CatalogueVersion
from db.staff.stats import Stats

BAR_WIDTH = 420
ROW_HEIGHT = 26
LABEL_WIDTH = 330


def period_label(stats: Stats) -> str:
    if stats.since is None and stats.until is None:
        return "за всё время"
    start = f"с {stats.since:%d.%m.%Y}" if stats.since else ""
    end = f"по {stats.until:%d.%m.%Y} (не включая)" if stats.until else "по сегодня"
    return " ".join(part for part in (start, end) if part)


def _title(measure_id: str, titles: Mapping[str, str]) -> str:
    return titles.get(measure_id, f"{measure_id} (нет в каталоге)")


def stats_message(stats: Stats, titles: Mapping[str, str]) -> str:
    """/stats: Telegram HTML, well under one message."""
    lines = [
        f"<b>Статистика {html.escape(period_label(stats))}</b>",
        "",
        f"Пользователей: {stats.users}, из них дали согласие: {stats.consented}",
        f"Прошли анкету: {stats.completed}",
        f"Подписаны на новые меры: {stats.subscribed}; оповещений: {stats.alerts}",
        f"Обращений к консультантам: {stats.tickets_created}; открыто сейчас: {stats.tickets_open}",
        f"Поисковых запросов: {stats.searches}, без ответа: {stats.searches_unanswered}",
    ]
    if stats.top_measures:
        lines += ["", "<b>Чаще всего открывают</b>"]
        lines += [f"{i}. {html.escape(_title(m, titles))} — {n}" for i, (m, n) in enumerate(stats.top_measures, 1)]
    if stats.unanswered:
        lines += ["", "<b>Запросы без ответа</b>"]
        lines += [f"{i}. «{html.escape(q[:80])}» — {n}" for i, (q, n) in enumerate(stats.unanswered, 1)]
    return "\n".join(lines)


def bar_chart(rows: Sequence[tuple[str, int]], caption: str) -> str:
    """A horizontal bar chart as inline SVG; an empty list gives a polite note instead."""
    if not rows:
        return f'<p class="empty">{html.escape(caption)}: данных за период нет.</p>'
    top = max(n for _, n in rows) or 1
    height = ROW_HEIGHT * len(rows) + 8
    width = LABEL_WIDTH + BAR_WIDTH + 60
    parts = [f'<svg role="img" aria-label="{html.escape(caption)}" width="{width}" height="{height}" '
             f'viewBox="0 0 {width} {height}" xmlns="http://www.w3.org/2000/svg">']
    for index, (label, value) in enumerate(rows):
        y = 4 + index * ROW_HEIGHT
        bar = max(2, round(BAR_WIDTH * value / top))
        short = label if len(label) <= 48 else label[:47] + "…"
        parts.append(f'<text x="{LABEL_WIDTH - 8}" y="{y + 17}" text-anchor="end">{html.escape(short)}</text>')
        parts.append(f'<rect x="{LABEL_WIDTH}" y="{y + 4}" width="{bar}" height="{ROW_HEIGHT - 8}" rx="3"/>')
        parts.append(f'<text x="{LABEL_WIDTH + bar + 6}" y="{y + 17}">{value}</text>')
    parts.append("</svg>")
    return f"<figure>{''.join(parts)}<figcaption>{html.escape(caption)}</figcaption></figure>"


_CSS = """
body { font-family: -apple-system, "Segoe UI", Roboto, Arial, sans-serif; margin: 2rem auto; max-width: 60rem;
       color: #1d2733; line-height: 1.45; padding: 0 1rem; }
h1 { font-size: 1.6rem; margin-bottom: .2rem; } h2 { font-size: 1.2rem; margin-top: 2rem; }
.meta { color: #5b6776; } table { border-collapse: collapse; } td, th { padding: .3rem .8rem;
border-bottom: 1px solid #dde3ea; text-align: left; } td.num { text-align: right; }
svg text { font-size: 13px; fill: #1d2733; } svg rect { fill: #2f6fb3; }
figure { margin: 1rem 0; } figcaption { color: #5b6776; font-size: .9rem; } .empty { color: #5b6776; }
@media print { body { margin: 0; } }
"""


def report_html(stats: Stats, titles: Mapping[str, str], versions: Sequence[CatalogueVersion],
                generated: datetime, catalogue_version: str) -> str:
    funnel = [("Пользователи", stats.users), ("Дали согласие", stats.consented),
              ("Прошли анкету", stats.completed), ("Подписаны на новые меры", stats.subscribed)]
    summary_rows = [
        ("Пользователей всего", stats.users),
        ("Дали согласие на обработку данных", stats.consented),
        ("Прошли анкету за период", stats.completed),
        ("Подписаны на новые меры", stats.subscribed),
        ("Оповещений о мерах за период", stats.alerts),
        ("Обращений к консультантам за период", stats.tickets_created),
        ("Обращений открыто сейчас", stats.tickets_open),
        ("Поисковых запросов за период", stats.searches),
        ("Из них без ответа", stats.searches_unanswered),
    ]
    table = "".join(f"<tr><td>{html.escape(k)}</td><td class=num>{v}</td></tr>" for k, v in summary_rows)
    history = "".join(
        f"<tr><td><code>{html.escape(v.bundle_version)}</code></td><td>{v.accepted_at:%d.%m.%Y %H:%M}</td>"
        f"<td>{html.escape(v.accepted_by)}</td><td class=num>{v.measure_count}</td>"
        f"<td class=num>{'—' if v.alerts_queued is None else v.alerts_queued}</td></tr>"
        for v in versions
    ) or '<tr><td colspan="5" class="empty">За период версий не принимали.</td></tr>'
    measures = [(_title(m, titles), n) for m, n in stats.top_measures]
    queries = [(f"«{q}»", n) for q, n in stats.unanswered]
    return f"""<!DOCTYPE html>
<html lang="ru"><head><meta charset="utf-8"><title>Навигатор мер поддержки — отчёт {html.escape(period_label(stats))}</title>
<style>{_CSS}</style></head><body>
<h1>Навигатор мер поддержки МСП — отчёт</h1>
<p class="meta">Период: {html.escape(period_label(stats))}. Сформирован {generated:%d.%m.%Y %H:%M} UTC.
Версия каталога: <code>{html.escape(catalogue_version)}</code>.</p>
<h2>Главное</h2>
<table>{table}</table>
{bar_chart(funnel, "Путь пользователя: от первого сообщения до подписки")}
<h2>Какие меры открывают чаще всего</h2>
{bar_chart(measures, "Открытия карточек мер за период")}
<h2>Что ищут, но не находят</h2>
<p class="meta">Запросы, на которые бот не нашёл уверенного ответа. Это кандидаты в синонимы,
в вопросы-ответы или в новые меры.</p>
{bar_chart(queries, "Запросы без ответа за период")}
<h2>Изменения каталога</h2>
<table><tr><th>Версия</th><th>Принята (UTC)</th><th>Кем</th><th>Мер</th><th>Оповещений</th></tr>{history}</table>
</body></html>
"""
