"""The three «done when» dialogues of issue 3, run through the real `navigator console`, with the
results screen of issue 17 («Под ваш запрос», groups by letter, «Не подходит» as «н»).

Each persona is a profile; the console input (option numbers, «?» for «не знаю») is built from
it by walking the shipped questionnaire, so a reordered questionnaire still gets the right
answers. The expected results are committed facts, never the engine's own ``match()`` run
again: the transcripts in docs/transcripts/ (the whole console output, compared line for line),
the counts in ``EXPECTED_COUNTS`` and the measures each test names. When the catalogue or the
copy changes on purpose, regenerate the transcripts and review their diff:

    .venv/bin/python -m tests.test_transcripts   # rewrites docs/transcripts/*.txt
"""

from __future__ import annotations

import re
import subprocess
import sys
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import pytest

from rules.data import Bundle, load_bundle
from rules.eligibility import Verdict, match
from rules.engine import Progress
from rules.presentation import Arrangement, arrange
from rules.profile import with_checklists
from rules.questionnaire import Node_
from rules.reachability import best_verdict

ROOT = Path(__file__).resolve().parent.parent
TRANSCRIPTS = ROOT / "docs" / "transcripts"

_NO_STATUSES: dict[str, Any] = {
    "registered_in_moscow": True,
    "tax_debt": False,
    "cluster": "none",
    "mik_member": False,
    "technopark_resident": False,
    "sez_resident": False,
    "skolkovo_participant": False,
    "mtk_status": False,
    "it_accredited": False,
    "msp_platform_account": False,
    "has_ip": False,
    "received_fsi_support": False,
}

PERSONAS: dict[str, dict[str, Any]] = {
    # (a) a 3-person Moscow IT startup of 8 months that needs a grant
    "a-it-startup": {
        **_NO_STATUSES,
        "needs": ["grant"],
        "applicant_type": "legal_entity",
        "headcount": 3,
        "income_mln": 2,
        "company_age_months": 8,
        "okved_main": "62.01",
        "sector": "it",
        "stage": "prototype",
        "does_rnd": True,
        "exports": False,
        "plans_export": False,
        "company_name": "ООО «Пример Софт»",
    },
    # (b) a 60-person Zelenograd electronics manufacturer, 400 mln ₽, wants equipment and export
    "b-zelenograd-electronics": {
        **_NO_STATUSES,
        "needs": ["equipment", "export"],
        "applicant_type": "legal_entity",
        "headcount": 60,
        "income_mln": 400,
        "company_age_months": 96,
        "okved_main": "26.51",
        "sector": "electronics",
        "stage": "growth",
        "cluster": "zelenograd",
        "does_rnd": True,
        "exports": False,
        "plans_export": True,
        "company_name": "АО «Пример Электроника»",
    },
    # (c) a 300-person company with 5 bn ₽ income (large by 209-ФЗ)
    "c-large-company": {
        **_NO_STATUSES,
        "needs": ["loan", "subsidy", "equipment"],
        "applicant_type": "legal_entity",
        "headcount": 300,
        "income_mln": 5000,
        "company_age_months": 180,
        "okved_main": "28.41",
        "sector": "machinery",
        "stage": "scaling",
        "does_rnd": False,
        "exports": False,
        "plans_export": False,
        "company_name": "АО «Пример Машиностроение»",
    },
}


def console_answer(node: Node_, value: Any) -> str:
    """How a person types ``value`` into the console for ``node`` («?» when they don't know)."""
    if value is None:
        return "?"
    if node.kind == "yesno":
        return "1" if value else "2"
    if node.kind in ("choice", "multi"):
        values = [value] if node.kind == "choice" else list(value)
        numbers = [str(i) for i, o in enumerate(node.options, 1) if o.value in values]
        return ",".join(numbers) if numbers else ("0" if node.kind == "multi" else "?")  # «0» — none of them
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value)


def console_input(bundle: Bundle, persona: Mapping[str, Any]) -> list[str]:
    """The lines the persona types, in the order the questionnaire asks."""
    engine = bundle.engine
    persona = with_checklists(persona)  # single facts → the checklist answers they make
    progress = Progress(version=bundle.questionnaire.version)
    lines: list[str] = []
    while (node := engine.current(progress)) is not None:
        value = persona.get(node.field)
        typed = console_answer(node, value)
        lines.append(typed)
        if typed == "?":
            progress = engine.skip(progress, node.id)
        else:
            stored = frozenset(value) if node.kind == "multi" else value
            progress = engine.answer(progress, node.id, stored)
    return [*lines, "а", "н", "q"]  # open the first group and «Не подходит», then quit


def run_console(lines: list[str]) -> str:
    completed = subprocess.run(
        [sys.executable, "-m", "bot.cli", "console"],
        input="\n".join(lines) + "\n",
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=120,
        check=False,
    )
    assert completed.returncode == 0, completed.stderr
    return completed.stdout


MARKS = {"✅": Verdict.ELIGIBLE, "🟡": Verdict.POSSIBLE, "⛔": Verdict.INELIGIBLE}


def results_screen(output: str) -> str:
    """The console's first results screen (up to the card it opens)."""
    return output.split("Готово.", 1)[1].split("—" * 40, 1)[0]


def shown(output: str, bundle: Bundle) -> dict[str, tuple[Verdict, str]]:
    """Measures numbered on the first results screen, «Под ваш запрос» (id → verdict mark, the
    entry's text: its title line and the indented lines under it)."""
    titles = sorted(bundle.catalogue.measures, key=lambda m: -len(m.title))
    out: dict[str, tuple[Verdict, str]] = {}
    current: str | None = None
    for line in results_screen(output).splitlines():
        found = re.match(r"^\d+\. (✅|🟡|⛔) (.*)$", line)
        if found:
            measure = next((m for m in titles if found.group(2) == m.title), None)
            assert measure is not None, f"a results line names no measure of the catalogue: {line}"
            current = measure.id
            out[current] = (MARKS[found.group(1)], line)
        elif current is not None and line.startswith("   "):
            out[current] = (out[current][0], out[current][1] + "\n" + line)
        else:
            current = None
    return out


def group_counts(output: str) -> dict[str, int]:
    """«Ещё подходит вам» as the console lists it: group label → count."""
    return {found.group(1): int(found.group(2))
            for found in re.finditer(r"^  [а-я]\) (.+) · (\d+)$", results_screen(output), re.MULTILINE)}


def offered(output: str, bundle: Bundle) -> dict[str, str]:
    """Measures the console shows as «подходит» or «возможно» (id → line)."""
    return {mid: line for mid, (verdict, line) in shown(output, bundle).items() if verdict is not Verdict.INELIGIBLE}


def answered(bundle: Bundle, persona: Mapping[str, Any]) -> dict[str, Any]:
    """The profile the persona's answers make (what the console and the bot match)."""
    persona = with_checklists(persona)
    progress = Progress(version=bundle.questionnaire.version)
    while (node := bundle.engine.current(progress)) is not None:
        value = persona.get(node.field)
        if value is None:
            progress = bundle.engine.skip(progress, node.id)
        else:
            progress = bundle.engine.answer(progress, node.id, frozenset(value) if node.kind == "multi" else value)
    return progress.profile()


def arranged(bundle: Bundle, persona: Mapping[str, Any]) -> Arrangement:
    profile = answered(bundle, persona)
    return arrange(bundle.catalogue, match(bundle.catalogue, profile), profile.get("needs") or ())


def full_results(bundle: Bundle, persona: Mapping[str, Any]) -> dict[str, Verdict]:
    """Every verdict for the answers the persona gives (the console shows only the top of each group)."""
    persona = with_checklists(persona)
    progress = Progress(version=bundle.questionnaire.version)
    while (node := bundle.engine.current(progress)) is not None:
        value = persona.get(node.field)
        if value is None:
            progress = bundle.engine.skip(progress, node.id)
        else:
            progress = bundle.engine.answer(progress, node.id, frozenset(value) if node.kind == "multi" else value)
    return {r.measure.id: r.verdict for r in match(bundle.catalogue, progress.profile())}


@pytest.fixture(scope="module")
def shipped() -> Bundle:
    return load_bundle(ROOT / "measures.yaml", ROOT / "rules" / "questionnaire.yaml")


@pytest.fixture(scope="module")
def outputs(shipped: Bundle) -> dict[str, str]:
    return {name: run_console(console_input(shipped, persona)) for name, persona in PERSONAS.items()}


# (подходит, возможно, не подходит) per persona, as reviewed in docs/transcripts/.
EXPECTED_COUNTS = {
    "a-it-startup": (12, 12, 32),
    "b-zelenograd-electronics": (18, 27, 11),
    "c-large-company": (8, 12, 36),
}


def committed_transcript(name: str) -> tuple[str, str]:
    """The committed transcript's header (``#`` lines) and the console output below it."""
    text = (TRANSCRIPTS / f"{name}.txt").read_text(encoding="utf-8")
    header, _, body = text.partition("\n\n")
    assert all(line.startswith("#") for line in header.splitlines()), name
    return header, body


def test_the_console_prints_the_committed_transcripts(outputs: dict[str, str], shipped: Bundle) -> None:
    for name, persona in PERSONAS.items():
        header, expected = committed_transcript(name)
        assert f"printf '{_printf(console_input(shipped, persona))}'" in header, f"{name}: the persona types other answers"
        assert outputs[name] == expected, (
            f"{name}: the console no longer prints docs/transcripts/{name}.txt; if the change is intended, "
            "regenerate with `python -m tests.test_transcripts` and review the diff"
        )


def test_the_screen_accounts_for_every_measure(outputs: dict[str, str], shipped: Bundle) -> None:
    for name, persona in PERSONAS.items():
        verdicts = list(full_results(shipped, persona).values())
        counts = {v: verdicts.count(v) for v in Verdict}
        assert (f"✅ Подходит: {counts[Verdict.ELIGIBLE]} · 🟡 Возможно: {counts[Verdict.POSSIBLE]} · "
                f"✖️ Не подходит: {counts[Verdict.INELIGIBLE]}") in outputs[name], name
        # Every offered measure is on the screen once: an entry of «Под ваш запрос» (with what is
        # shown under it) or a group of «Ещё подходит вам»; «Не подходит» is one letter away.
        groups = group_counts(outputs[name])
        assert groups.pop("✖️ Не подходит", 0) == counts[Verdict.INELIGIBLE], name
        arrangement = arranged(shipped, persona)
        assert [e.lead.measure.id for e in arrangement.top] == list(shown(outputs[name], shipped)), name
        on_screen = sum(e.size for e in arrangement.top) + sum(groups.values())
        assert on_screen == counts[Verdict.ELIGIBLE] + counts[Verdict.POSSIBLE], name


def test_the_first_screen_serves_the_request(outputs: dict[str, str], shipped: Bundle) -> None:
    """Issue 17: at most five measures first, every one serving a need the persona chose, and no
    screen pages (the console prints the first screen whole; the bot has no page buttons on it)."""
    for name, persona in PERSONAS.items():
        top = shown(outputs[name], shipped)
        assert 1 <= len(top) <= 5, name
        needs = set(persona["needs"])
        for measure_id in top:
            assert shipped.catalogue.by_id[measure_id].serves_needs & needs, (name, measure_id)
        assert "Страница" not in results_screen(outputs[name])
        assert "ЕЩЁ ПОДХОДИТ ВАМ" in results_screen(outputs[name])
    b_top = [shipped.catalogue.by_id[m] for m in shown(outputs["b-zelenograd-electronics"], shipped)]
    assert any("equipment" in m.serves_needs for m in b_top) and any("export" in m.serves_needs for m in b_top)


def test_the_console_counts_are_the_expected_ones(outputs: dict[str, str]) -> None:
    assert set(EXPECTED_COUNTS) == set(PERSONAS)
    for name, (eligible, possible, ineligible) in EXPECTED_COUNTS.items():
        assert f"✅ Подходит: {eligible} · 🟡 Возможно: {possible} · ✖️ Не подходит: {ineligible}" in outputs[name], name


def test_a_it_startup_sees_fsi_start_and_the_mik_path(outputs: dict[str, str], shipped: Bundle) -> None:
    lines = offered(outputs["a-it-startup"], shipped)
    # «Старт» keeps a formal criterion as text (the leaders are in no other ФСИ project), so its
    # best verdict is «Возможно» (DESIGN 3.3); the startup gets exactly that best.
    assert shown(outputs["a-it-startup"], shipped)["fsi-start"][0] is best_verdict(shipped.catalogue.by_id["fsi-start"])
    mik_path = [line for mid, line in lines.items()
                if "mik-participation" in shipped.catalogue.by_id[mid].requires]
    assert mik_path, "no МИК grant among the measures shown"
    assert all("сначала — Участие в Московском инновационном кластере" in line for line in mik_path)
    full = full_results(shipped, PERSONAS["a-it-startup"])
    assert full["mik-participation"] is Verdict.ELIGIBLE


def test_b_zelenograd_manufacturer_sees_frp_mfppip_leasing_and_export(outputs: dict[str, str], shipped: Bundle) -> None:
    measures = [shipped.catalogue.by_id[mid] for mid in offered(outputs["b-zelenograd-electronics"], shipped)]
    assert any("ФРП" in m.operator for m in measures)
    assert any("Московский фонд поддержки промышленности" in m.operator for m in measures)
    assert any("leasing" in m.serves_needs for m in measures)
    assert any("export" in m.serves_needs for m in measures)
    full = full_results(shipped, PERSONAS["b-zelenograd-electronics"])
    for measure_id in ("frp-development-projects", "frp-leasing-projects", "mfppp-leasing-subsidy",
                       "mfppp-export-loan", "mosprom-export-support", "rec-export-credit-support"):
        # each at its best: «Подходит», or «Возможно» where a formal criterion is still text
        assert full[measure_id] is best_verdict(shipped.catalogue.by_id[measure_id]), measure_id
    assert full["mik-equipment-grant"] is not Verdict.INELIGIBLE  # via МИК membership


def test_c_large_company_sees_no_sme_only_measure(outputs: dict[str, str], shipped: Bundle) -> None:
    sme_only = sme_only_measures(shipped)
    assert {"lending-1764-psk", "msp-corp-guarantee", "moscow-my-business-center"} <= sme_only
    on_screen = offered(outputs["c-large-company"], shipped)
    assert on_screen, "a large manufacturer should still see measures open to it"
    assert not sme_only & set(on_screen)
    full = full_results(shipped, PERSONAS["c-large-company"])
    offered_anywhere = {mid for mid, verdict in full.items() if verdict is not Verdict.INELIGIBLE}
    assert not sme_only & offered_anywhere, sorted(sme_only & offered_anywhere)


def sme_only_measures(bundle: Bundle) -> set[str]:
    """Measures only for SMEs: their conditions read the SME category, or the operator is the SME
    Corporation or its bank (all of whose products are for SMEs)."""
    return {m.id for m in bundle.catalogue.measures
            if "sme_category" in m.fields or "МСП»" in m.operator or "МСП Банк" in m.operator}


def write_transcripts() -> None:
    bundle = load_bundle(ROOT / "measures.yaml", ROOT / "rules" / "questionnaire.yaml")
    TRANSCRIPTS.mkdir(parents=True, exist_ok=True)
    for name, persona in PERSONAS.items():
        lines = console_input(bundle, persona)
        output = run_console(lines)
        header = (
            f"# {name}: navigator console transcript (issues 3 and 17)\n"
            f"# Input, one answer per line (numbers of options, «?» = не знаю):\n"
            f"#   printf '{_printf(lines)}' | navigator console\n"
            f"# Persona: {dict(persona)}\n\n"
        )
        (TRANSCRIPTS / f"{name}.txt").write_text(header + output, encoding="utf-8")


def _printf(lines: list[str]) -> str:
    return "\\n".join(lines) + "\\n"


if __name__ == "__main__":
    write_transcripts()
