"""``navigator check`` warnings about card dates: a verified measure without ``source_date`` and a
source older than two years are warned about (never errors: the card still shows with its dates)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from rules.catalogue import load_catalogue
from rules.freshness import freshness_warnings

TODAY = dt.date(2026, 12, 3)

MEASURE = """\
measures:
  - id: sample
    title: Образец
    operator: Фонд
    level: federal
    kind: grant
    serves_needs: [grant]
    summary: Текст.
    window: {{status: open}}
    how_to_apply: Подайте заявку.
    apply_via: https://example.org/
    source_url: https://example.org/
    last_verified: 2026-11-15
    provenance: {provenance}
    provenance_note: Сумма не подтверждена.
{extra}"""


def _warnings(tmp_path: Path, provenance: str = "verified", extra: str = "") -> list[str]:
    path = tmp_path / "measures.yaml"
    path.write_text(MEASURE.format(provenance=provenance, extra=extra), encoding="utf-8")
    catalogue = load_catalogue(path)
    return [p.message for p in freshness_warnings(catalogue, TODAY) if p.path.endswith("source_date")]


def test_verified_measure_without_source_date_is_warned(tmp_path: Path) -> None:
    assert _warnings(tmp_path) == ["sample: verified but source_date is missing"]


def test_unverified_measure_without_source_date_is_not_warned_about_it(tmp_path: Path) -> None:
    assert _warnings(tmp_path, provenance="unverified") == []


def test_recent_source_is_fine(tmp_path: Path) -> None:
    assert _warnings(tmp_path, extra="    source_date: 2025-02-01\n") == []


def test_source_older_than_two_years_is_warned(tmp_path: Path) -> None:
    warnings = _warnings(tmp_path, extra="    source_date: 2023-11-02\n")
    assert warnings == ["sample: newest source dates from 2023-11-02, more than 2 years ago"]


def test_old_source_on_an_unverified_measure_is_warned_too(tmp_path: Path) -> None:
    warnings = _warnings(tmp_path, provenance="unverified", extra="    source_date: 2020-05-07\n")
    assert warnings == ["sample: newest source dates from 2020-05-07, more than 2 years ago"]
