"""What the file name of a ФНС open-data release says: its date and its XSD structure.

Official names look like ``data-10092026-structure-12052026.zip`` (data of 10.09.2026 in the
structure of 12.05.2026). A file renamed by hand still imports; its date and structure are
then unknown.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from pathlib import Path

_NAME = re.compile(r"data-(\d{2})(\d{2})(\d{4})-structure-(\d{8})", re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class ReleaseName:
    file_name: str
    data_date: date | None
    structure: str | None  # "12052026"


def parse_release_name(path: Path | str) -> ReleaseName:
    name = Path(path).name
    match = _NAME.search(name)
    if match is None:
        return ReleaseName(name, None, None)
    day, month, year, structure = match.groups()
    try:
        data_date: date | None = date(int(year), int(month), int(day))
    except ValueError:
        data_date = None
    return ReleaseName(name, data_date, structure)
