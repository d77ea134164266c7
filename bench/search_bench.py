"""Search benchmark (issue 6): index build time and query latency, against the baseline.

Run: ``.venv/bin/python bench/search_bench.py [--rounds N] [--generated N]``.

Measured in one run, on the same machine and the same queries (the labelled questions):
* the shipped catalogue: analyser load, index build with an empty token cache, p50/p95 latency
  of ``search`` and of the baseline (``rapidfuzz.process.extract`` + ``WRatio`` over titles);
* a generated catalogue of N measures (default 5 000) made by recombining the shipped
  measures' words: the vocabulary stays the shipped one, so every posting list is ~90 times
  longer — the worst case for our accumulator loop, and 5 000 titles for the baseline.
Ratios are ours / baseline: above 1 means our search is slower than the five-minute baseline.
Targets: p95 < 5 ms shipped, < 30 ms generated; build < 1 s shipped — absolute, so reported only
(the machine is shared). The gating target is a ratio the issue did not state, chosen here: our
p95 ≤ 1.0× the baseline's p95 in every row — the index exists to beat a five-minute fuzzy match
over titles, and being slower than it would make the index pointless. (Today: 0.3 / 0.75 / 0.06.)
The two sides run alternately (ours, baseline, ours, …) so load on the shared machine hits both.
"""

from __future__ import annotations

import argparse
import dataclasses
import random
import statistics
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.result import Check, emit, ru  # noqa: E402
from rules.catalogue import Measure, load_catalogue  # noqa: E402
from rules.eligibility import verdicts  # noqa: E402
from rules.search import build_index, load_faq, load_synonyms, search  # noqa: E402
from rules.search.engine import Fit  # noqa: E402
from rules.search.evaluation import baseline, load_questions  # noqa: E402
from rules.search.morphology import Lemmatizer, _analyzer  # noqa: E402

QUESTIONS = ROOT / "tests" / "data" / "questions.yaml"


def latencies(run: Callable[[str], object], queries: Sequence[str], rounds: int) -> list[float]:
    """Milliseconds per query, every query ``rounds`` times (after one warm-up pass)."""
    for q in queries:
        run(q)
    out = []
    for _ in range(rounds):
        for q in queries:
            start = time.perf_counter()
            run(q)
            out.append((time.perf_counter() - start) * 1000)
    return out


def p95(values: list[float]) -> float:
    return statistics.quantiles(values, n=100)[94]


def generated(measures: Sequence[Measure], count: int, seed: int = 7) -> list[Measure]:
    """``count`` plausible measures: titles and summaries recombined from the shipped ones."""
    rng = random.Random(seed)
    title_words = [w for m in measures for w in m.title.split()]
    summary_words = [w for m in measures for w in m.summary.split()]
    out = []
    for i in range(count):
        base = measures[i % len(measures)]
        title = " ".join(rng.sample(title_words, 7))
        summary = " ".join(rng.sample(summary_words, 40))
        keywords = tuple(rng.sample([k for m in measures for k in m.keywords], 4))
        out.append(dataclasses.replace(base, id=f"generated-{i}", title=title, summary=summary, keywords=keywords))
    return out


def interleaved(ours: Callable[[str], object], base: Callable[[str], object], queries: Sequence[str],
                rounds: int) -> tuple[list[float], list[float]]:
    """Both latency lists, alternating one round of ours with one of the baseline."""
    ours_ms: list[float] = []
    base_ms: list[float] = []
    for _ in range(rounds):
        ours_ms += latencies(ours, queries, 1)
        base_ms += latencies(base, queries, 1)
    return ours_ms, base_ms


def report(name: str, title: str, ours: list[float], base: list[float], target_ms: float) -> Check:
    ours_p95, base_p95 = p95(ours), p95(base)
    print(f"{name}: search p50 {statistics.median(ours):.2f} ms, p95 {ours_p95:.2f} ms (target < {target_ms} ms: "
          f"{'ok' if ours_p95 < target_ms else 'MISSED'}); baseline p50 {statistics.median(base):.2f} ms, "
          f"p95 {base_p95:.2f} ms; ratio ours/baseline p95 = {ours_p95 / base_p95:.2f}")
    return Check(title, f"p95 {ru(ours_p95, 2)} мс", f"rapidfuzz WRatio по названиям, p95 {ru(base_p95, 2)} мс",
                 ours_p95 / base_p95, 1.0, note=f"< {ru(target_ms, 0)} мс: {'да' if ours_p95 < target_ms else 'нет'}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rounds", type=int, default=None)
    parser.add_argument("--generated", type=int, default=5000)
    parser.add_argument("--quick", action="store_true", help="2 rounds instead of 5 (bench/run --quick)")
    args = parser.parse_args(argv)
    args.rounds = args.rounds or (2 if args.quick else 5)

    catalogue = load_catalogue(ROOT / "measures.yaml")
    faq = load_faq(measure_ids=catalogue.by_id.keys())
    synonyms = load_synonyms()
    queries = [q.text for q in load_questions(QUESTIONS)]

    start = time.perf_counter()
    _analyzer()
    analyser_s = time.perf_counter() - start
    start = time.perf_counter()
    index = build_index(catalogue.measures, faq, synonyms, Lemmatizer())  # empty token cache
    build_s = time.perf_counter() - start
    print(f"shipped catalogue: {len(catalogue.measures)} measures + {len(faq)} FAQ, "
          f"{index.vocabulary_size} terms; analyser load {analyser_s:.3f} s (once per process), "
          f"index build {build_s:.3f} s (target < 1 s: {'ok' if build_s < 1 else 'MISSED'})")
    base = baseline(catalogue.measures)
    checks = [report("shipped, no profile", f"Поиск, {len(catalogue.measures)} мер",
                     *interleaved(lambda q: search(index, q), base, queries, args.rounds), 5.0)]
    profile = {"applicant_type": "legal_entity", "registered_in_moscow": True, "okved_main": "62.01",
               "headcount": 8, "income_mln": 30, "company_age_months": 10}

    def with_profile(q: str) -> object:
        fits = {k: Fit(v.value) for k, v in verdicts(catalogue, profile).items()}
        return search(index, q, fits=fits)

    checks.append(report("shipped, with profile verdicts", f"Поиск с вердиктами профиля, {len(catalogue.measures)} мер",
                         *interleaved(with_profile, base, queries, args.rounds), 5.0))

    big = generated(catalogue.measures, args.generated)
    start = time.perf_counter()
    big_index = build_index(big, faq, synonyms, Lemmatizer())
    big_build_s = time.perf_counter() - start
    print(f"generated catalogue: {len(big)} measures, {big_index.vocabulary_size} terms; "
          f"index build {big_build_s:.3f} s")
    big_base = baseline(big)
    rounds = max(1, args.rounds // 2)
    checks.append(report(f"generated {len(big)}", f"Поиск, {ru(len(big), 0)} мер",
                         *interleaved(lambda q: search(big_index, q), big_base, queries, rounds), 30.0))
    return emit("search_bench", checks)


if __name__ == "__main__":
    sys.exit(main())
