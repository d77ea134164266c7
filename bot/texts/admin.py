"""Russian words of the staff commands /reload, /versions and /stats (their reports live in
``bot.texts.reload`` and ``bot.texts.stats``)."""

from __future__ import annotations

import datetime as dt
import html
from collections.abc import Sequence
from typing import Protocol

NOT_ADMIN = "Эта команда — для сотрудников Центра. Если вы сотрудник, попросите добавить ваш id в ADMIN_IDS."
NO_RELOAD = "Перезагрузка в этом процессе не настроена."
NO_VERSIONS = "Принятых версий пока нет: после первого /reload они появятся здесь."


class AcceptedVersion(Protocol):
    """What /versions shows of one accepted catalogue version (a ``db.staff.models.CatalogueVersion``)."""

    @property
    def bundle_version(self) -> str: ...
    @property
    def accepted_at(self) -> dt.datetime: ...
    @property
    def accepted_by(self) -> str: ...
    @property
    def measure_count(self) -> int: ...
    @property
    def alerts_queued(self) -> int | None: ...


def versions_text(rows: Sequence[AcceptedVersion], told: Sequence[tuple[str, int]]) -> str:
    """The accepted versions, newest first, and whom the newest one alerted, per measure."""
    lines = ["Последние принятые версии:"]
    for row in rows:
        alerts = "—" if row.alerts_queued is None else str(row.alerts_queued)
        lines.append(
            f"• <code>{html.escape(row.bundle_version)}</code> — {row.accepted_at:%d.%m.%Y %H:%M} UTC, "
            f"{html.escape(row.accepted_by)}, мер: {row.measure_count}, оповещений: {alerts}"
        )
    if told:
        lines += ["", f"Оповещения о версии <code>{html.escape(rows[0].bundle_version)}</code> по мерам:"]
        lines += [f"• {html.escape(measure_id)}: {count}" for measure_id, count in told[:20]]
    return "\n".join(lines)
