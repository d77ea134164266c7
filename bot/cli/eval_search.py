"""`navigator eval-search`: top-1, top-3 and MRR of the search on the labelled questions.

Prints the tuning part and the held-out part separately, for our search and — measured in the
same run on the same questions — for the baseline (``rapidfuzz.process.extract`` with ``WRatio``
over measure titles). ``--morphology both`` also compares lemmas with stems, which is how the
default was chosen.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from bot.cli.data_files import add_data_arguments, load_or_report
from rules.errors import DataError
from rules.search import index_catalogue
from rules.search.evaluation import Scores, baseline, evaluate, load_questions, ours
from rules.search.faq import DEFAULT_PATH as FAQ_PATH
from rules.search.synonyms import DEFAULT_PATH as SYNONYMS_PATH

QUESTIONS_PATH = Path(__file__).resolve().parents[2] / "tests" / "data" / "questions.yaml"


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = sub.add_parser("eval-search", help="оценить поиск на размеченных вопросах")
    parser.add_argument("--questions", default=str(QUESTIONS_PATH), help="labelled questions file")
    parser.add_argument("--morphology", choices=("lemmas", "stems", "both"), default="lemmas")
    parser.add_argument("--json", action="store_true", help="machine-readable output")
    add_data_arguments(parser)
    parser.add_argument("--faq", default=str(FAQ_PATH), help="FAQ file")
    parser.add_argument("--synonyms", default=str(SYNONYMS_PATH), help="synonyms file")
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    bundle = load_or_report(args.measures, args.questionnaire)
    if bundle is None:
        return 1
    catalogue = bundle.catalogue
    morphologies = ("lemmas", "stems") if args.morphology == "both" else (args.morphology,)
    try:
        questions = load_questions(args.questions)
        systems = {
            f"search ({name})": ours(index_catalogue(catalogue, args.faq, args.synonyms, name))
            for name in morphologies
        }
    except DataError as exc:
        for problem in exc.problems:
            print(problem, file=sys.stderr)
        return 1
    systems["baseline (WRatio over titles)"] = baseline(catalogue.measures)
    report = {name: evaluate(ranker, questions) for name, ranker in systems.items()}
    if args.json:
        json.dump({name: {part: _as_dict(s) for part, s in parts.items()} for name, parts in report.items()},
                  sys.stdout, indent=2)
        print()
        return 0
    print(format_report(report))
    return 0


def _as_dict(scores: Scores) -> dict[str, Any]:
    return {"count": scores.count, "top1": round(scores.top1, 4), "top3": round(scores.top3, 4),
            "mrr": round(scores.mrr, 4)}


def format_report(report: dict[str, dict[str, Scores]]) -> str:
    lines = [f"{'system':32} {'part':8} {'n':>4} {'top-1':>6} {'top-3':>6} {'MRR':>6}"]
    for name, parts in report.items():
        for part in ("tuning", "holdout", "all"):
            s = parts[part]
            if not s.count:
                continue
            lines.append(f"{name:32} {part:8} {s.count:4d} {s.top1:6.3f} {s.top3:6.3f} {s.mrr:6.3f}")
    ours_names = [n for n in report if not n.startswith("baseline")]
    base = next(p for n, p in report.items() if n.startswith("baseline"))
    part = "holdout" if base["holdout"].count else "all"
    label = "held-out" if part == "holdout" else "whole-set"
    for name in ours_names:
        gain = report[name][part].top3 - base[part].top3
        lines.append(f"{label} top-3 gain over the baseline, {name}: {gain:+.3f}")
    return "\n".join(lines)
