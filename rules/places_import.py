"""Candidate place records from a data.mos.ru data set (``/v1/datasets/{id}/rows`` JSON).

Decisions:
- The output is *candidates* for staff: every record is ``provenance: unverified`` with a note
  naming the data set and row, so nothing imported goes live unreviewed as verified fact.
- Rows keep their ``global_id`` in the record id (``mos-<dataset>-<global_id>``), so a second
  import of the same set produces the same ids and a diff shows what changed.
- A row without a name or an address is skipped with a reason; an unknown okrug name is
  skipped too (the directory's okrug is a closed list). Coordinates outside Moscow are dropped.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from rules.places import OKRUGS

DATA_MOS_URL = "https://data.mos.ru/"
LONG_OKRUG_NAMES = {f"{adjective} административный округ".casefold(): short for short, adjective in OKRUGS.items()}
NAME_CELLS = ("Name", "FullName", "ShortName", "CommonName")


@dataclass
class ImportResult:
    places: list[dict[str, Any]] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)


def okrug_of(adm_area: str) -> str | None:
    """«Восточный административный округ» → «ВАО»; a short name passes as is; else None."""
    text = " ".join(adm_area.split())
    if text in OKRUGS:
        return text
    return LONG_OKRUG_NAMES.get(text.casefold())


def _point(cells: Mapping[str, Any]) -> dict[str, float] | None:
    geo = cells.get("geoData") or cells.get("geodata")
    if not isinstance(geo, Mapping) or geo.get("type") != "Point":
        return None
    coordinates = geo.get("coordinates")
    if not isinstance(coordinates, list) or len(coordinates) != 2:
        return None
    lon, lat = float(coordinates[0]), float(coordinates[1])
    if not (55.0 <= lat <= 56.2 and 36.7 <= lon <= 38.2):
        return None
    return {"lat": round(lat, 6), "lon": round(lon, 6)}


def rows_to_places(
    rows: Iterable[Mapping[str, Any]],
    dataset_id: int,
    place_type: str,
    services: list[str],
    today: dt.date,
) -> ImportResult:
    """Map data.mos.ru rows to place records (dicts in the places.yaml shape)."""
    result = ImportResult()
    for number, row in enumerate(rows, 1):
        cells = row.get("Cells", row)
        global_id = row.get("global_id", cells.get("global_id"))
        where = f"row {number} (global_id {global_id})"
        name = next((str(cells[k]).strip() for k in NAME_CELLS if cells.get(k)), "")
        address = str(cells.get("Address") or "").strip()
        if global_id is None:
            result.skipped.append(f"{where}: no global_id")
            continue
        if not name or not address:
            result.skipped.append(f"{where}: no {'name' if not name else 'address'}")
            continue
        okrug = okrug_of(str(cells.get("AdmArea") or ""))
        if okrug is None:
            result.skipped.append(f"{where}: unknown okrug {cells.get('AdmArea')!r}")
            continue
        record: dict[str, Any] = {
            "id": f"mos-{dataset_id}-{global_id}",
            "name": name,
            "type": place_type,
            "summary": f"{name}. Запись из открытых данных Москвы — проверьте и допишите описание.",
            "address": address,
            "okrug": okrug,
        }
        district = str(cells.get("District") or "").strip()
        if district:
            record["district"] = district
        point = _point(cells)
        if point:
            record["geo"] = point
        record["services"] = list(services)
        record["source_url"] = DATA_MOS_URL
        record["last_verified"] = today
        record["provenance"] = "unverified"
        record["provenance_note"] = (f"импортировано из data.mos.ru, набор {dataset_id}, global_id {global_id}; "
                                     "проверьте адрес, услуги и действует ли площадка")
        result.places.append(record)
    return result
