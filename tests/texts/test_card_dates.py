"""The card shows when the facts were checked and, next to it, the newest source's own date."""

from __future__ import annotations

import dataclasses
import datetime as dt

from bot.texts.cards import dates_line
from rules.catalogue import Measure, Window


def _measure(**changes: object) -> Measure:
    base = Measure(id="sample", title="Образец", operator="Фонд", level="federal", kind="grant",
                   serves_needs=frozenset({"grant"}), summary="Текст.", window=Window(status="open"),
                   how_to_apply="Подайте заявку.", apply_via="https://example.org/",
                   source_url="https://example.org/", last_verified=dt.date(2026, 11, 15), provenance="verified")
    return dataclasses.replace(base, **changes)  # type: ignore[arg-type]


def test_source_date_is_shown_next_to_the_check_date() -> None:
    line = dates_line(_measure(source_date=dt.date(2024, 3, 12)))
    assert line == "проверено: 15.11.2026 · источник от 12.03.2024"


def test_without_source_date_only_the_check_date_is_shown() -> None:
    assert dates_line(_measure()) == "проверено: 15.11.2026"
