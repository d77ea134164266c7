"""Issue 13: formal and expert criteria, official lists, and verdict = trace = card at exact limits.

DESIGN 3.3: a formal criterion left as text caps the verdict at «Возможно» and shows as «?»;
an expert one never lowers it and shows as «решает экспертиза»; a condition on an unverified
official list never passes (nor fails). Whatever decides, the verdict, the trace (`match --json`)
and the card must say the same thing — checked here right at the limits.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest

from bot.texts.cards import card_text
from rules.catalogue import Catalogue, load_catalogue
from rules.conditions import Status
from rules.criteria import encodable_words, machine_criteria
from rules.eligibility import Verdict, explain, match, trace_json, verdicts
from rules.errors import DataError
from rules.official_lists import OfficialList, expand, list_warnings
from rules.profile import derive
from rules.profile_file import load_profile

TODAY = dt.date(2026, 11, 27)
HEAD = """measures:
"""
MEASURE = """  - id: {id}
    title: Мера {id}
    operator: Фонд
    level: federal
    kind: grant
    serves_needs: [grant]
    summary: Текст.
    window: {{status: open}}
    how_to_apply: Подайте заявку.
    apply_via: https://example.org/
    source_url: https://example.org/
    last_verified: 2026-11-01
    provenance: verified
{extra}"""


def _list(list_id: str, codes: tuple[str, ...], verified: bool = True) -> OfficialList:
    return OfficialList(id=list_id, title=f"Перечень {list_id}", source_url="https://example.org/", legal_basis="ПП",
                        last_verified=dt.date(2026, 11, 1), provenance="verified" if verified else "unverified",
                        codes=codes, patterns=expand(codes), file=f"{list_id}.yaml")


LISTS = {"tech": _list("tech", ("26.5", "62", "10-12")), "guess": _list("guess", ("62",), verified=False)}


def _catalogue(tmp_path: Path, **measures: str) -> Catalogue:
    text = HEAD + "".join(MEASURE.format(id=mid, extra=extra) for mid, extra in measures.items())
    path = tmp_path / "measures.yaml"
    path.write_text(text, encoding="utf-8")
    return load_catalogue(path, lists=LISTS)


def _all(catalogue: Catalogue, measure_id: str, profile: dict[str, Any]) -> tuple[Verdict, list[dict[str, Any]], str]:
    explanation = explain(catalogue, measure_id, profile, TODAY)
    assert explanation.result.verdict is verdicts(catalogue, profile)[measure_id]
    return explanation.result.verdict, trace_json(explanation), card_text(explanation, today=TODAY)


# --- verdict, trace and card agree at exact limits -------------------------------------------


LIMITS = """    eligibility:
      all:
        - {field: headcount, max: 100, margin: 5, label: "Не больше 100 человек"}
        - {field: income_mln, min: 25, margin: 0, label: "Доход не меньше 25 млн ₽"}
"""


@pytest.mark.parametrize(("headcount", "income", "expected"), [
    (100, 25, Verdict.ELIGIBLE),      # both exactly at their limit: inclusive
    (100, 25.0, Verdict.ELIGIBLE),
    (0, 1000, Verdict.ELIGIBLE),
    (103, 25, Verdict.POSSIBLE),      # over the max within the margin
    (106, 25, Verdict.INELIGIBLE),    # over the max outside the margin
    (100, 24.9, Verdict.INELIGIBLE),  # under the min, no margin
])
def test_verdict_trace_and_card_agree_at_the_limits(tmp_path: Path, headcount: int, income: float,
                                                     expected: Verdict) -> None:
    catalogue = _catalogue(tmp_path, limits=LIMITS)
    verdict, trace, card = _all(catalogue, "limits", {"headcount": headcount, "income_mln": income})
    assert verdict is expected
    results = {item["expected"]: item["result"] for item in trace}
    people = "pass" if headcount <= 100 else "fail"
    money = "pass" if income >= 25 else "fail"
    assert results == {"Не больше 100 человек": people, "Доход не меньше 25 млн ₽": money}
    marks = {"pass": "✓", "fail": "✗"}
    near = 100 < headcount <= 105
    assert f"{'≈' if near else marks[people]} Не больше 100 человек" in card
    assert f"{marks[money]} Доход не меньше 25 млн ₽" in card
    if expected is Verdict.ELIGIBLE:
        assert all(item["result"] == "pass" for item in trace)
        assert "ПОДХОДИТ" in card.upper().split("\n\n")[-1] or "Подходит" in card
    else:
        assert any(item.get("deciding") for item in trace)


# --- formal and expert criteria ----------------------------------------------------------------


FORMAL = """    eligibility:
      all:
        - {field: headcount, max: 100}
    criteria_formal:
      - Численность не снизилась больше чем на 20 % за год
    criteria_expert:
      - Научная новизна проекта
"""


def test_an_unchecked_formal_criterion_caps_at_possible_and_shows_as_a_question(tmp_path: Path) -> None:
    catalogue = _catalogue(tmp_path, capped=FORMAL)
    verdict, trace, card = _all(catalogue, "capped", {"headcount": 10})
    assert verdict is Verdict.POSSIBLE
    formal = [item for item in trace if item.get("criterion") == "formal"]
    assert formal == [{"criterion": "formal", "expected": "Численность не снизилась больше чем на 20 % за год",
                       "actual": "подтвердит консультант по документам", "result": "unknown", "deciding": True}]
    assert "? Численность не снизилась больше чем на 20 % за год" in card
    assert "нужно подтвердить документами — «Численность не снизилась" in card
    assert not catalogue.by_id["capped"].can_be_eligible


def test_a_failed_machine_condition_still_decides_a_capped_measure(tmp_path: Path) -> None:
    catalogue = _catalogue(tmp_path, capped=FORMAL)
    verdict, trace, card = _all(catalogue, "capped", {"headcount": 500})
    assert verdict is Verdict.INELIGIBLE
    assert [item["field"] for item in trace if item.get("deciding")] == ["headcount"]
    assert "не выполнено условие" in card


def test_expert_criteria_never_lower_the_verdict(tmp_path: Path) -> None:
    expert_only = FORMAL.replace("    criteria_formal:\n      - Численность не снизилась больше чем на 20 % за год\n", "")
    catalogue = _catalogue(tmp_path, expert=expert_only)
    verdict, trace, card = _all(catalogue, "expert", {"headcount": 10})
    assert verdict is Verdict.ELIGIBLE
    assert {"criterion": "expert", "expected": "Научная новизна проекта", "actual": "решает экспертиза",
            "result": "expert"} in trace
    assert "• Научная новизна проекта (решает экспертиза)" in card


def test_a_measure_of_formal_text_alone_is_possible_not_eligible(tmp_path: Path) -> None:
    catalogue = _catalogue(tmp_path, **{"text-only": "    criteria_formal: [Есть договор аренды]\n"})
    assert verdicts(catalogue, {})["text-only"] is Verdict.POSSIBLE


# --- official lists ----------------------------------------------------------------------------


def _list_measure(op: str, list_id: str) -> str:
    return f"""    eligibility:
      all:
        - {{field: okved_main, {op}: {list_id}}}
"""


@pytest.mark.parametrize(("code", "expected"), [
    ("26.51", Verdict.ELIGIBLE),    # under subclass 26.5
    ("26.51.1", Verdict.ELIGIBLE),
    ("62.01", Verdict.ELIGIBLE),    # under class 62
    ("11.07", Verdict.ELIGIBLE),    # in the range 10-12
    ("26.40", Verdict.INELIGIBLE),
    ("47.91", Verdict.INELIGIBLE),
])
def test_okved_in_a_verified_list(tmp_path: Path, code: str, expected: Verdict) -> None:
    catalogue = _catalogue(tmp_path, inside=_list_measure("okved_in", "tech"), outside=_list_measure("okved_not_in", "tech"))
    got = verdicts(catalogue, {"okved_main": code})
    assert got["inside"] is expected
    assert got["outside"] is (Verdict.INELIGIBLE if expected is Verdict.ELIGIBLE else Verdict.ELIGIBLE)


@pytest.mark.parametrize("code", ["62.01", "47.91"])
def test_an_unverified_list_never_decides(tmp_path: Path, code: str) -> None:
    catalogue = _catalogue(tmp_path, guessed=_list_measure("okved_in", "guess"))
    verdict, trace, card = _all(catalogue, "guessed", {"okved_main": code})
    assert verdict is Verdict.POSSIBLE
    assert trace[0]["result"] == "unknown" and "перечень не подтверждён" in trace[0]["expected"]
    assert "? Основной ОКВЭД: из перечня «Перечень guess» (перечень не подтверждён" in card
    assert not catalogue.by_id["guessed"].can_be_eligible
    assert catalogue.referenced_lists == frozenset({"guess"})


def test_an_unknown_list_is_a_located_error_with_a_suggestion(tmp_path: Path) -> None:
    with pytest.raises(DataError) as caught:
        _catalogue(tmp_path, typo=_list_measure("okved_in", "tehc"))
    problem = caught.value.problems[0]
    assert (problem.line, problem.path) == (17, "measures[0].eligibility.all[0].okved_in")
    assert "unknown list 'tehc'" in problem.message and problem.hint == "did you mean 'tech'?"


def test_a_list_no_measure_uses_is_a_warning() -> None:
    warnings = list_warnings(LISTS, {"tech"})
    assert [w.severity for w in warnings] == ["warning", "warning"]
    assert "'guess' is referenced by no measure" in warnings[0].message
    assert "unverified list" in warnings[1].message


def test_the_shipped_lists_load_and_are_all_referenced() -> None:
    from rules.data import load_bundle

    from ..conftest import MEASURES, QUESTIONNAIRE

    catalogue = load_bundle(MEASURES, QUESTIONNAIRE).catalogue
    assert set(catalogue.lists) == catalogue.referenced_lists
    assert catalogue.lists["mfppip-export-exclusions"].verified
    for item in catalogue.lists.values():
        assert item.source_url.startswith("https://") and item.legal_basis and item.last_verified
        assert item.verified or item.provenance_note


# --- one result builder: the list and the card show the same path ----------------------------


def test_match_and_explain_build_the_same_result(tmp_path: Path) -> None:
    gate = "    status_field: mik_member\n    eligibility:\n      all:\n        - {field: registered_in_moscow, is: true}\n"
    catalogue = _catalogue(tmp_path, gate=gate, grant="    requires: [gate]\n")
    profile = {"registered_in_moscow": False}  # the gateway is out of reach
    listed = next(r for r in match(catalogue, profile, TODAY) if r.measure.id == "grant")
    shown = explain(catalogue, "grant", profile, TODAY).result
    assert listed == shown
    assert listed.verdict is Verdict.INELIGIBLE and [s.measure.id for s in listed.path] == ["gate"]


# --- vocabulary --------------------------------------------------------------------------------


def test_ownership_over_the_209fz_limits_makes_a_company_no_sme() -> None:
    assert derive({"applicant_type": "legal_entity", "headcount": 60, "income_mln": 400,
                   "ownership_over_209fz_limits": True})["sme_category"] == "none"
    assert derive({"applicant_type": "legal_entity", "headcount": 60, "income_mln": 400})["sme_category"] == "small"
    assert derive({"applicant_type": "legal_entity", "headcount": 60, "income_mln": 400,
                   "activity": frozenset()})["sme_category"] == "small"


def test_patents_grants_and_exports_derive_what_programmes_test() -> None:
    profile = derive({"activity": frozenset({"patent_recent"}), "used_measures": frozenset({"fsi-umnik"})})
    assert profile["patent_granted"] is True and profile["has_ip"] is True and profile["patent_application"] is False
    assert profile["fsi_grants_received"] == frozenset({"umnik_founder"})
    assert profile["received_fsi_support"] is False  # a founder's УМНИК is not the company's grant
    assert derive({"used_measures": ["fsi-start"]})["received_fsi_support"] is True
    assert derive({"exports": False})["export_share_pct"] == 0
    assert derive({"has_ip": False})["patent_recent"] is False
    applicant = derive({"has_ip": True, "patent_granted": False, "patent_application": True})
    assert applicant["patent_recent"] is False  # an application alone is no granted patent


@pytest.mark.parametrize(("text", "allowed"), [
    ("it_income_share_pct: 150\n", "allowed: 0..100"),
    ("fsi_grants_received: [start, unicorn]\n", "allowed: umnik_founder, student_startup, start"),
    ("manages_production_site: maybe\n", "allowed: true, false"),
])
def test_a_value_outside_a_new_fields_domain_is_located_with_the_allowed_values(tmp_path: Path, text: str,
                                                                                 allowed: str) -> None:
    path = tmp_path / "profile.yaml"
    path.write_text("applicant_type: legal_entity\n" + text, encoding="utf-8")
    with pytest.raises(DataError) as caught:
        load_profile(path)
    assert any(p.line == 2 and allowed in str(p) for p in caught.value.problems), caught.value


def test_encodable_words_are_found_by_stem() -> None:
    assert encodable_words("Доля доходов от ИТ больше 30 %") == ["доля"]
    assert encodable_words("Основной ОКВЭД из перечня; выручка за 3 года") == ["оквэд", "выручк"]
    assert encodable_words("Стартапы не старше 3 лет") == ["лет"]
    assert encodable_words("Есть согласованная площадка для тестирования") == []


def test_machine_criteria_are_counted_per_leaf(tmp_path: Path) -> None:
    catalogue = _catalogue(tmp_path, limits=LIMITS)
    assert machine_criteria(catalogue.by_id["limits"].eligibility) == 2
    assert Status.PASS is catalogue.by_id["limits"].evaluate({"headcount": 1, "income_mln": 30})


def test_the_flat_hot_path_agrees_with_the_ranked_results() -> None:
    """``verdicts`` (one flat loop over ``catalogue.plan``) and ``match`` (memoised evaluation with
    paths) are two implementations of DESIGN 3.3; they must never disagree."""
    import yaml

    from rules.data import load_bundle

    from ..conftest import MEASURES, QUESTIONNAIRE

    catalogue = load_bundle(MEASURES, QUESTIONNAIRE).catalogue
    cases = Path(__file__).resolve().parents[1] / "cases"
    profiles = [case["profile"] for path in sorted(cases.glob("*.yaml"))
                for case in yaml.safe_load(path.read_text(encoding="utf-8"))]
    assert len(profiles) > 30
    for profile in profiles:
        ranked = {r.measure.id: r.verdict for r in match(catalogue, profile, TODAY)}
        assert verdicts(catalogue, profile) == ranked, profile


def test_editing_a_list_alone_is_a_new_catalogue_version(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Hot reload compares versions computed from bytes (``bot.services.reload.file_versions``): a list edit
    must change the version, or a reload would keep the old list as «файлы не изменились»."""
    from bot.services.reload import file_versions
    from rules import official_lists

    from ..conftest import MEASURES, QUESTIONNAIRE

    folder = tmp_path / "lists"
    folder.mkdir()
    for path in official_lists.LISTS_DIR.glob("*.yaml"):
        (folder / path.name).write_text(path.read_text(encoding="utf-8"), encoding="utf-8")
    monkeypatch.setattr(official_lists, "LISTS_DIR", folder)
    before = load_catalogue(MEASURES).version
    assert file_versions(MEASURES, QUESTIONNAIRE)[0] == before
    target = folder / "mfppip-export-exclusions.yaml"
    target.write_text(target.read_text(encoding="utf-8").replace('  - "11" ', '  - "11.01" '), encoding="utf-8")
    after = load_catalogue(MEASURES).version
    assert after != before and file_versions(MEASURES, QUESTIONNAIRE)[0] == after
