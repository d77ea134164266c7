"""The editors' JSON Schemas for events.yaml and places.yaml accept the shipped files and
underline what the loaders reject."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest

from bot.cli import schema as schema_command
from tests.events.test_loading import ROOT

jsonschema = pytest.importorskip("jsonschema")
SCHEMA_DIR = ROOT / "docs" / "schema"
FILES = [(ROOT / "events.yaml", "events.schema.json"), (ROOT / "places.yaml", "places.schema.json")]


def _load(path: Path) -> Any:
    from tests.staff.test_schema import _load as load_plain  # YAML dates as an editor sees them

    return load_plain(path)


def _validator(filename: str) -> Any:
    schema = json.loads((SCHEMA_DIR / filename).read_text(encoding="utf-8"))
    jsonschema.Draft202012Validator.check_schema(schema)
    return jsonschema.Draft202012Validator(schema)


@pytest.mark.parametrize(("data_file", "filename"), FILES)
def test_modeline_points_at_the_committed_schema(data_file: Path, filename: str) -> None:
    first = data_file.read_text(encoding="utf-8").splitlines()[0]
    found = re.fullmatch(r"# yaml-language-server: \$schema=(\S+)", first)
    assert found, first
    assert (data_file.parent / found[1]).resolve() == (SCHEMA_DIR / filename).resolve()
    assert (SCHEMA_DIR / filename).read_text("utf-8") == schema_command.render(schema_command.FILES[filename][1])


@pytest.mark.parametrize(("data_file", "filename"), FILES)
def test_shipped_file_satisfies_its_schema(data_file: Path, filename: str) -> None:
    errors = [f"{list(e.absolute_path)}: {e.message}" for e in _validator(filename).iter_errors(_load(data_file))]
    assert errors == []


def test_schema_underlines_what_the_loader_rejects() -> None:
    events, places = _load(ROOT / "events.yaml"), _load(ROOT / "places.yaml")
    event, place = events["events"][0], places["places"][0]
    for item in ({**event, "speaker": "x"}, {**event, "starts_at": "3 декабря"}, {**event, "clusters": ["robotics"]},
                 {k: v for k, v in event.items() if k != "source_url"}):
        assert list(_validator("events.schema.json").iter_errors({"events": [item]})), item
    for item in ({**place, "okrug": "Зеленоград"}, {**place, "services": ["parking"]}):
        assert list(_validator("places.schema.json").iter_errors({"places": [item]})), item
