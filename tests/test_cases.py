"""OpenFisca-style verdict cases: every ``tests/cases/*.yaml`` profile → expected verdicts.

Staff write these next to every new measure (docs/staff-guide.md). The case files themselves
are validated strictly: an unknown key, field or measure id fails loudly instead of testing
nothing.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest

from rules.data import Bundle
from rules.eligibility import VERDICT_LABELS, Verdict, explain, verdicts
from rules.errors import DataError
from rules.profile_file import read_profile_node
from rules.schema import INVALID, Date, Key, Reader, Record, Str, compose_file

from .conftest import MEASURES, QUESTIONNAIRE

CASES_DIR = Path(__file__).parent / "cases"


def _load_cases() -> list[Any]:
    from rules.data import load_bundle

    try:
        catalogue = load_bundle(MEASURES, QUESTIONNAIRE).catalogue
    except DataError:
        return [pytest.param(None, id="catalogue-does-not-load")]
    params = []
    for path in sorted(CASES_DIR.glob("*.yaml")):
        root, problems = compose_file(str(path))
        reader = Reader(str(path), problems)
        if root is None:
            params.append(pytest.param(DataError(problems), id=path.name))
            continue
        for index, node in enumerate(getattr(root, "value", [])):
            where = f"[{index}]"
            spec = Record({
                "name": Key(Str(), required=True),
                "profile": Key(_ProfileSpec(catalogue), required=True),
                "expect": Key(_ExpectSpec(catalogue), required=True),
                "today": Key(Date()),
            }, name="case")
            case = spec.read(node, reader, where)
            label = f"{path.stem}:{node.start_mark.line + 1}"
            if case is INVALID:
                params.append(pytest.param(DataError(reader.errors[-3:]), id=label))
            else:
                params.append(pytest.param(case, id=f"{label} {case['name']}"))
    return params


class _ProfileSpec(Str):
    def __init__(self, catalogue: Any) -> None:
        super().__init__()
        self.catalogue = catalogue

    def read(self, node: Any, reader: Reader, path: str) -> Any:
        return read_profile_node(node, reader, path, self.catalogue)


class _ExpectSpec(Str):
    def __init__(self, catalogue: Any) -> None:
        super().__init__()
        self.catalogue = catalogue

    def read(self, node: Any, reader: Reader, path: str) -> Any:
        spec = Record({mid: Key(Str(pattern="eligible|possible|ineligible")) for mid in self.catalogue.by_id},
                      name="expectations (measure ids)")
        return spec.read(node, reader, path)


@pytest.mark.parametrize("case", _load_cases())
def test_case(case: Any, bundle: Bundle) -> None:
    if case is None or isinstance(case, DataError):
        pytest.fail(f"case file is invalid:\n{case}")
    today = case.get("today", dt.date(2026, 11, 27))
    got = verdicts(bundle.catalogue, case["profile"])
    wrong = []
    for measure_id, expected in case["expect"].items():
        if got[measure_id] is not Verdict(expected):
            explanation = explain(bundle.catalogue, measure_id, case["profile"], today)
            why = explanation.deciding.text if explanation.deciding else (
                explanation.deciding_gateway.measure.id if explanation.deciding_gateway else "—")
            wrong.append(f"{measure_id}: expected {expected}, got {got[measure_id].value} "
                         f"({VERDICT_LABELS[got[measure_id]]}; deciding: {why})")
    assert not wrong, "\n".join(wrong)


def test_there_are_enough_cases() -> None:
    cases = [c for c in _load_cases() if c.values and isinstance(c.values[0], dict)]
    assert len(cases) >= 30
