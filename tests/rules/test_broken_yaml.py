"""Deliberately broken data files: each error names the file, the line and the dotted path.

The fixtures live in ``tests/fixtures/broken``; ``navigator check`` on any of them exits 1 and
prints located messages, never a traceback.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from rules.catalogue import Catalogue, load_catalogue
from rules.errors import DataError
from rules.official_lists import load_lists
from rules.questionnaire import load_questionnaire

BROKEN = Path(__file__).resolve().parents[1] / "fixtures" / "broken"
EMPTY_CATALOGUE = Catalogue((), {}, "none", "")

# file → (line, path fragment ("" where the file has no structure at all), message fragment)
EXPECTED = {
    "bad_indentation.measures.yaml": (3, "measures[0].title", "YAML syntax error"),
    "tab.measures.yaml": (4, "measures", "tabs"),
    "unknown_key.measures.yaml": (15, "measures[0].deadline", "unknown key 'deadline'"),
    "duplicate_key.measures.yaml": (15, "measures[0].kind", "duplicate key 'kind' (first at line 6)"),
    "wrong_type.measures.yaml": (7, "measures[0].serves_needs", "expected a list"),
    "unquoted_okved.measures.yaml": (17, "measures[0].eligibility.all[0].okved[0]", "must be quoted"),
    "unknown_field.measures.yaml": (17, "measures[0].eligibility.all[0].field", "unknown profile field 'turnover'"),
    "duplicate_id.measures.yaml": (15, "measures[1].id", "duplicate measure id 'sample' (first at line 2)"),
    "impossible_date.measures.yaml": (13, "measures[0].last_verified", "not a valid date"),
    "source_after_check.measures.yaml": (14, "measures[0].source_date",
                                         "source_date 2024-03-12 is after last_verified 2024-03-01"),
    "bad_source_date.measures.yaml": (14, "measures[0].source_date", "'12.03.2024' is not a valid date"),
    "empty.measures.yaml": (1, "", "file is empty"),
    "unknown_excludes.measures.yaml": (15, "measures[0].excludes[1]", "excludes unknown measure 'nosuch'"),
    "step_cycle.measures.yaml": (15, "measures[0].step_of", "steps form a cycle: first → second → first"),
    "excluded_step.measures.yaml": (16, "measures[0].excludes[0]", "'second' is both excluded and the measure"),
    "dangling_goto.questionnaire.yaml": (9, "nodes[0].next", "unknown question 'applicnt'"),
    "cycle.questionnaire.yaml": (17, "nodes[1].next", "questions form a cycle: first → second → first"),
    "duplicate_node.questionnaire.yaml": (10, "nodes[1].id", "duplicate question id 'first'"),
    "bad_option.questionnaire.yaml": (8, "nodes[0].options[0].value", "'itt' is not a value of 'sector'"),
    # official lists (rules/lists/*.yaml) and references to them
    "unknown_list.measures.yaml": (17, "measures[0].eligibility.all[0].okved_in",
                                   "unknown list 'pp1792-it-okved' (path: measures[0].eligibility.all[0].okved_in; "
                                   "allowed: insurance-manufacturing-okved"),
    "unquoted_code.list.yaml": (9, "codes[1]", "ОКВЭД code 26.10 must be quoted text"),
    "malformed_code.list.yaml": (9, "codes[1]", "'26-10-1' is not an ОКВЭД code or class range"),
    "unknown_key.list.yaml": (7, "codez", "unknown top-level key 'codez'"),
}


def _problems(path: Path) -> list[str]:
    try:
        if ".questionnaire" in path.name:
            load_questionnaire(path, EMPTY_CATALOGUE)
        elif ".list" in path.name:
            load_lists(BROKEN / "no-lists-here", extra=[path])
        else:
            load_catalogue(path)
    except DataError as exc:
        return [str(p) for p in exc.problems]
    pytest.fail(f"{path.name} loaded without errors")


def test_every_fixture_has_an_expectation() -> None:
    assert sorted(p.name for p in BROKEN.glob("*.yaml")) == sorted(EXPECTED)


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_broken_file_is_located(name: str) -> None:
    line, path_fragment, message = EXPECTED[name]
    problems = _problems(BROKEN / name)
    prefix = f"{BROKEN / name}:{line}:"
    where = f"path: {path_fragment}" if path_fragment else ""
    matching = [p for p in problems if p.startswith(prefix) and message in p and where in p]
    assert matching, f"no problem at line {line} with {message!r}:\n" + "\n".join(problems)


def test_all_problems_are_reported_not_only_the_first(tmp_path: Path) -> None:
    text = (BROKEN / "unknown_key.measures.yaml").read_text(encoding="utf-8")
    text = text.replace("level: federal", "level: city").replace("kind: grant", "kind: money")
    bad = tmp_path / "measures.yaml"
    bad.write_text(text, encoding="utf-8")
    problems = _problems(bad)
    assert len(problems) == 3
    assert any("allowed: federal, moscow" in p for p in problems)


def test_unknown_list_suggests_the_closest_id() -> None:
    problems = _problems(BROKEN / "unknown_list.measures.yaml")
    assert any("did you mean 'pp1729-it-okved'?" in p for p in problems), problems


@pytest.mark.parametrize("name", ["tab.measures.yaml", "unquoted_okved.measures.yaml", "cycle.questionnaire.yaml",
                                  "unknown_list.measures.yaml", "unquoted_code.list.yaml",
                                  "malformed_code.list.yaml", "unknown_key.list.yaml"])
def test_check_command_exits_1_without_traceback(name: str) -> None:
    proc = subprocess.run([sys.executable, "-m", "bot.cli", "check", str(BROKEN / name)],
                          capture_output=True, text=True, timeout=60)
    assert proc.returncode == 1
    assert "Traceback" not in proc.stdout + proc.stderr
    assert f"{BROKEN / name}:" in proc.stdout


def test_one_broken_line_in_the_catalogue_is_one_error_not_the_questionnaires_too(tmp_path: Path) -> None:
    """The shipped questionnaire is untouched: nothing in it may be reported as an error."""
    from bot.config import PACKAGE_QUESTIONNAIRE
    from rules.data import load_bundle

    root = Path(__file__).resolve().parents[2]
    lines = (root / "measures.yaml").read_text(encoding="utf-8").splitlines()
    index = next(i for i, line in enumerate(lines) if line.strip().startswith("kind:"))
    lines[index] = lines[index].replace("kind:", "kind: [unclosed")
    measures = tmp_path / "measures.yaml"
    measures.write_text("\n".join(lines) + "\n", encoding="utf-8")
    with pytest.raises(DataError) as caught:
        load_bundle(measures, PACKAGE_QUESTIONNAIRE)
    files = [p.file for p in caught.value.problems]
    assert files == [str(measures)], [str(p) for p in caught.value.problems]
