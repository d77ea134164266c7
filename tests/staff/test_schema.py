"""The committed JSON Schemas equal the generated ones, and the shipped YAML files satisfy them."""

from __future__ import annotations

import argparse
import datetime as dt
import json
import re
from pathlib import Path
from typing import Any

import pytest
import yaml

from bot.cli import schema as schema_command
from tests.conftest import MEASURES, QUESTIONNAIRE, ROOT

SCHEMA_DIR = ROOT / "docs" / "schema"


def _plain(value: Any) -> Any:
    """YAML dates as the ISO text an editor's YAML 1.2 parser sees."""
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    return value


def _load(path: Path) -> Any:
    return _plain(yaml.safe_load(path.read_text(encoding="utf-8")))


@pytest.mark.parametrize("filename", sorted(schema_command.FILES))
def test_committed_schema_is_the_generated_one(filename: str) -> None:
    which = schema_command.FILES[filename][1]
    committed = (SCHEMA_DIR / filename).read_text(encoding="utf-8")
    assert committed == schema_command.render(which), "run `navigator schema` and commit docs/schema"


def test_check_flag_detects_drift(tmp_path: Path) -> None:
    args = argparse.Namespace(out=tmp_path, check=False)
    assert schema_command.run(args) == 0
    assert schema_command.run(argparse.Namespace(out=tmp_path, check=True)) == 0
    target = tmp_path / "measures.schema.json"
    target.write_text(target.read_text(encoding="utf-8").replace('"minLength": 1', '"minLength": 2', 1))
    assert schema_command.run(argparse.Namespace(out=tmp_path, check=True)) == 1


def _count_condition_copies(value: Any, condition: dict[str, Any]) -> int:
    if value == condition:
        return 1
    if isinstance(value, dict):
        return sum(_count_condition_copies(v, condition) for v in value.values())
    if isinstance(value, list):
        return sum(_count_condition_copies(v, condition) for v in value)
    return 0


def test_conditions_are_one_shared_definition() -> None:
    from rules.condition_reader import ConditionSpec

    condition = ConditionSpec().json()
    for which in ("measures", "questionnaire"):
        schema = schema_command.build_schema(which)
        assert schema["$defs"]["condition"] == condition
        assert _count_condition_copies(schema, condition) == 1  # only the one in $defs
        assert '"$ref": "#/$defs/condition"' in schema_command.render(which)


@pytest.mark.parametrize("data_file, filename", [(MEASURES, "measures.schema.json"),
                                                 (QUESTIONNAIRE, "questionnaire.schema.json")])
def test_modeline_points_at_the_committed_schema(data_file: Path, filename: str) -> None:
    first = data_file.read_text(encoding="utf-8").splitlines()[0]
    found = re.fullmatch(r"# yaml-language-server: \$schema=(\S+)", first)
    assert found, first
    assert (data_file.parent / found[1]).resolve() == (SCHEMA_DIR / filename).resolve()


jsonschema = pytest.importorskip("jsonschema")


def _validator(filename: str) -> Any:
    schema = json.loads((SCHEMA_DIR / filename).read_text(encoding="utf-8"))
    jsonschema.Draft202012Validator.check_schema(schema)
    return jsonschema.Draft202012Validator(schema)


@pytest.mark.parametrize("data_file, filename", [(MEASURES, "measures.schema.json"),
                                                 (QUESTIONNAIRE, "questionnaire.schema.json")])
def test_shipped_yaml_satisfies_its_schema(data_file: Path, filename: str) -> None:
    errors = [f"{list(e.absolute_path)}: {e.message}" for e in _validator(filename).iter_errors(_load(data_file))]
    assert errors == []


def test_schema_underlines_what_the_loader_rejects() -> None:
    validator = _validator("measures.schema.json")
    data = _load(MEASURES)
    measure = data["measures"][0]
    broken = [
        {**measure, "amonut": {"display": "x"}},                      # a typo in a key
        {**measure, "level": "regional"},                             # a value outside the list
        {**measure, "eligibility": {"field": "headcount", "mni": 5}},  # a typo inside a condition
        {k: v for k, v in measure.items() if k != "source_url"},      # a required key missing
    ]
    for item in broken:
        assert list(validator.iter_errors({**data, "measures": [item]})), item
