"""Every measure can become «подходит» through the questionnaire (issue 3), and `navigator check`
warns when one cannot."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from rules.data import Bundle, load_bundle
from rules.eligibility import Verdict
from rules.reachability import answerable, reachability, unreachable_warnings, walk, witnesses_for

from .conftest import MEASURES, QUESTIONNAIRE

CASES_DIR = Path(__file__).parent / "cases"


def case_witnesses() -> dict[str, list[dict[str, Any]]]:
    """Profiles the verdict cases expect to be eligible, per measure id."""
    out: dict[str, list[dict[str, Any]]] = {}
    for path in sorted(CASES_DIR.glob("*.yaml")):
        for case in yaml.safe_load(path.read_text(encoding="utf-8")) or []:
            for measure_id, expected in case["expect"].items():
                if expected == "eligible":
                    out.setdefault(measure_id, []).append(answerable(case["profile"]))
    return out


def test_every_measure_is_reachable_as_eligible(bundle: Bundle) -> None:
    results = reachability(bundle, case_witnesses())
    assert len(results) == len(bundle.catalogue.measures) >= 50
    stuck = [f"{r.measure_id}: best {r.best.verdict.value if r.best else '—'}, "
             f"«не знаю» on {r.best.unknown if r.best else ()}" for r in results if not r.reachable]
    assert not stuck, "\n".join(stuck)


def test_the_generated_witnesses_alone_reach_every_measure(bundle: Bundle) -> None:
    assert unreachable_warnings(bundle) == []


def test_a_witness_is_walked_through_the_real_questions(bundle: Bundle) -> None:
    measure = bundle.catalogue.by_id["fsi-student-startup"]
    result = walk(bundle, measure.id, witnesses_for(bundle.catalogue, measure)[0])
    assert result.verdict is Verdict.ELIGIBLE
    assert result.asked[:2] == ("needs", "applicant_type")
    assert "is_student" in result.asked
    assert "headcount" not in result.asked  # an individual is not asked company questions


def test_a_silent_witness_stays_possible(bundle: Bundle) -> None:
    result = walk(bundle, "fsi-student-startup", {"applicant_type": "individual"})
    assert result.verdict is Verdict.POSSIBLE
    assert "is_student" in result.unknown


def test_a_measure_the_questionnaire_cannot_reach_is_warned_about(tmp_path: Path) -> None:
    # «Студенческий стартап» rewritten for companies: the student question is asked only to
    # individuals and the self-employed, so no company can answer it — the check must say so.
    text = MEASURES.read_text(encoding="utf-8")
    original = '{field: applicant_type, in: [individual, self_employed], label: "Заявитель — студент как физическое лицо"}'
    assert original in text
    broken = tmp_path / "measures.yaml"
    broken.write_text(text.replace(original, "{field: applicant_type, in: [legal_entity]}"), encoding="utf-8")
    bundle = load_bundle(broken, QUESTIONNAIRE)
    warnings = unreachable_warnings(bundle)
    assert [w.severity for w in warnings] == ["warning"]
    assert "fsi-student-startup" in warnings[0].message
    assert warnings[0].file == str(broken)
    assert warnings[0].line == bundle.catalogue.by_id["fsi-student-startup"].line
    assert "is_student" in warnings[0].hint


@pytest.mark.parametrize("profile, category", [
    ({"sme_category": "micro"}, "micro"),
    ({"sme_category": "large", "applicant_type": "legal_entity"}, "large"),
])
def test_derived_fields_become_answers(profile: dict[str, Any], category: str) -> None:
    from rules.profile import derive

    witness = answerable(profile)
    assert "sme_category" not in witness
    assert derive({"applicant_type": "legal_entity", **witness})["sme_category"] == category


def test_navigator_check_prints_the_warning_and_still_passes(tmp_path: Path) -> None:
    import subprocess
    import sys

    text = MEASURES.read_text(encoding="utf-8")
    original = '{field: applicant_type, in: [individual, self_employed], label: "Заявитель — студент как физическое лицо"}'
    broken = tmp_path / "measures.yaml"
    broken.write_text(text.replace(original, "{field: applicant_type, in: [legal_entity]}"), encoding="utf-8")
    root = MEASURES.parent
    completed = subprocess.run([sys.executable, "-m", "bot.cli", "check", str(broken), str(QUESTIONNAIRE)],
                               capture_output=True, text=True, cwd=root, timeout=120, check=False)
    assert completed.returncode == 0, completed.stdout + completed.stderr
    line = next(x for x in completed.stdout.splitlines() if "fsi-student-startup" in x and "questionnaire" in x)
    assert line.startswith(f"{broken}:") and "warning:" in line and "is_student" in line
