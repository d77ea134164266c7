"""The profile side of search: verdicts for ranking, and one-line reasons for ineligible hits.

Verdicts come from the eligibility engine (``rules.eligibility.verdicts``, the cheap call for the
whole catalogue). The reason — which condition or gateway decided «не подходит» — needs a trace,
so it is built only for the ineligible hits actually shown.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from typing import Any

from rules.catalogue import Catalogue
from rules.eligibility import Verdict, explain, verdicts
from rules.search.engine import Fit, Hit, SearchResult


def profile_fits(catalogue: Catalogue, profile: Mapping[str, Any]) -> dict[str, Fit]:
    """Measure id → Fit (verdict only) for the whole catalogue."""
    return {measure_id: Fit(verdict.value) for measure_id, verdict in verdicts(catalogue, profile).items()}


def ineligible_reason(catalogue: Catalogue, measure_id: str, profile: Mapping[str, Any]) -> str:
    """Why a measure does not fit, in one Russian line."""
    explanation = explain(catalogue, measure_id, profile)
    deciding = explanation.deciding
    if deciding is not None:
        return f"не выполнено условие «{deciding.text}» (у вас: {deciding.actual})"
    gateway = explanation.deciding_gateway
    if gateway is not None and gateway.verdict is Verdict.INELIGIBLE:
        return f"нужен статус «{gateway.measure.title}», а он вам сейчас недоступен"
    return "не выполнены условия меры"


def with_reasons(result: SearchResult, catalogue: Catalogue, profile: Mapping[str, Any]) -> SearchResult:
    """The same result with a reason on every ineligible measure hit it shows."""

    def explain_hit(hit: Hit) -> Hit:
        if hit.kind == "measure" and hit.verdict == Verdict.INELIGIBLE.value and hit.id in catalogue.by_id:
            return dataclasses.replace(hit, reason=ineligible_reason(catalogue, hit.id, profile))
        return hit

    return dataclasses.replace(
        result,
        hits=tuple(explain_hit(h) for h in result.hits),
        alternatives=tuple(explain_hit(h) for h in result.alternatives),
    )
