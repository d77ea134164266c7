"""The shipped catalogue stays complete: 50+ real measures, every kind, both levels, and every
measure pinned by at least one eligible and one ineligible verdict case."""

from __future__ import annotations

from pathlib import Path

import yaml

from rules.catalogue import KINDS, LEVELS
from rules.data import Bundle

CASES = Path(__file__).parent / "cases"


def test_at_least_fifty_measures_of_every_kind_and_level(bundle: Bundle) -> None:
    measures = bundle.catalogue.measures
    assert len(measures) >= 50
    assert {m.kind for m in measures} == set(KINDS)
    assert {m.level for m in measures} == set(LEVELS)


def test_every_measure_has_an_eligible_and_an_ineligible_case(bundle: Bundle) -> None:
    seen: dict[str, set[str]] = {}
    for path in CASES.glob("*.yaml"):
        for case in yaml.safe_load(path.read_text(encoding="utf-8")):
            for measure_id, verdict in case["expect"].items():
                seen.setdefault(measure_id, set()).add(verdict)
    # A measure capped by design (a formal criterion left as text, an unverified list) is at best
    # «possible»: its best case is a possible one (DESIGN 3.3).
    best = {m.id: "eligible" if m.can_be_eligible else "possible" for m in bundle.catalogue.measures}
    missing = {m.id: sorted({best[m.id], "ineligible"} - seen.get(m.id, set()))
               for m in bundle.catalogue.measures if not {best[m.id], "ineligible"} <= seen.get(m.id, set())}
    # A measure with no machine conditions excludes nobody; it needs no ineligible case.
    missing = {k: v for k, v in missing.items() if v != ["ineligible"] or bundle.catalogue.by_id[k].eligibility}
    assert not missing, missing


def test_gateways_are_first_class_entries(bundle: Bundle) -> None:
    gateways = {m.id for m in bundle.catalogue.measures if m.status_field}
    assert {"mik-participation", "msp-platform-account", "skolkovo-participant-status", "mtk-status",
            "moscow-technopark-status"} <= gateways
