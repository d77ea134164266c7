"""Russian report of a catalogue reload for the admins (/reload, SIGHUP): the diff or the errors."""

from __future__ import annotations

import html

from bot.services.reload import ReloadResult

MAX_PROBLEMS_SHOWN = 25
SIGHUP_LEAD = "Перезагрузка по сигналу SIGHUP.\n"


def reload_report(result: ReloadResult) -> str:
    """The Russian reply to the admin, HTML-escaped; every line balances its own tags.

    Not cut here: the sender splits a long report on line boundaries (``bot.telegram.split``),
    so no part ends inside a ``<code>``.
    """
    if not result.ok:
        shown = [f"• <code>{html.escape(str(p))}</code>" for p in result.problems[:MAX_PROBLEMS_SHOWN]]
        more = len(result.problems) - len(shown)
        tail = [f"… и ещё {more}." ] if more > 0 else []
        return "\n".join([
            f"❌ Файлы не загружены: ошибок — {len(result.problems)}. "
            f"Работает прежняя версия <code>{html.escape(result.version)}</code>.",
            "",
            *shown,
            *tail,
            "",
            "Исправьте и проверьте: <code>navigator check</code>, затем /reload.",
        ])
    if not result.changed:
        return f"Файлы не изменились: работает версия <code>{html.escape(result.version)}</code>."
    lines = [f"✅ Загружена версия <code>{html.escape(result.version)}</code> "
             f"(была <code>{html.escape(result.previous)}</code>)."]
    if result.questionnaire_changed:
        lines.append("Анкета изменилась: кто на середине, продолжит с ближайшего вопроса.")
    if result.diff is not None:
        lines += ["", html.escape(result.diff.summary(limit=3000))]
    lines += ["", f"Оповещений поставлено в очередь: {result.alerts}."]
    if result.warnings:
        lines.append(f"Предупреждений о свежести данных: {result.warnings} — список покажет "
                     "<code>navigator check</code>.")
    return "\n".join(lines)
