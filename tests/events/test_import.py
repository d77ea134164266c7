"""`navigator places import`: data.mos.ru rows become unverified candidates that pass the loader."""

from __future__ import annotations

import datetime as dt
import json
import subprocess
import sys
from pathlib import Path

from rules.places import load_places
from rules.places_import import okrug_of, rows_to_places
from tests.events.conftest import FIXTURES
from tests.events.test_loading import ROOT

ROWS = FIXTURES / "datamos_rows.json"


def test_long_okrug_names_map_to_the_closed_list() -> None:
    assert okrug_of("Восточный административный округ") == "ВАО"
    assert okrug_of("Зеленоградский  административный округ") == "ЗелАО"
    assert okrug_of("Троицкий административный округ") == "ТАО"
    assert okrug_of("СЗАО") == "СЗАО"
    assert okrug_of("Подмосковный административный округ") is None


def test_rows_map_to_candidates_and_bad_rows_are_explained() -> None:
    result = rows_to_places(json.loads(ROWS.read_text("utf-8")), 652, "support_centre", ["consulting"],
                            dt.date(2026, 11, 27))
    assert [p["id"] for p in result.places] == ["mos-652-1001", "mos-652-1002"]
    first, second = result.places
    assert first["okrug"] == "ВАО" and first["geo"] == {"lat": 55.78, "lon": 37.8}  # [lon, lat] in the data
    assert "geo" not in second  # its coordinates are swapped: outside Moscow, dropped
    assert all(p["provenance"] == "unverified" and "набор 652" in p["provenance_note"] for p in result.places)
    assert result.skipped == ["row 3 (global_id 1003): no address",
                              "row 4 (global_id 1004): unknown okrug 'Подмосковный административный округ'"]


def test_command_writes_a_file_the_loader_accepts(tmp_path: Path) -> None:
    out = tmp_path / "candidates.yaml"
    done = subprocess.run(
        [sys.executable, "-m", "bot.cli", "places", "import", str(ROWS), "--dataset", "652",
         "--services", "consulting,training", "--out", str(out)],
        capture_output=True, text=True, cwd=ROOT, check=False,
    )
    assert done.returncode == 0, done.stderr
    assert "wrote 2 candidate place(s)" in done.stdout and "skipped row 3" in done.stderr
    directory = load_places(out)
    assert [p.services for p in directory.places] == [("consulting", "training")] * 2
    assert directory.by_id["mos-652-1001"].district == "район Тестовый"


def test_command_rejects_an_unknown_service(tmp_path: Path) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "bot.cli", "places", "import", str(ROWS), "--dataset", "652",
         "--services", "parking", "--out", str(tmp_path / "x.yaml")],
        capture_output=True, text=True, cwd=ROOT, check=False,
    )
    assert done.returncode == 2 and "unknown services: parking" in done.stderr
