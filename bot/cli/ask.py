"""`navigator ask "TEXT" [--json] [--profile FILE]`: the free-text search from the command line.

Same index and ranking as the bot. With a profile, eligible measures come first among the
relevant hits and an ineligible hit says why. JSON: ``{"hits": [{"id", "kind", "score", …}],
"confident": bool, "alternatives": [...]}``.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Mapping
from typing import Any

from bot.cli.data_files import add_data_arguments, load_or_report
from bot.texts import console as texts
from rules.errors import DataError
from rules.profile_file import load_profile
from rules.search import Hit, SearchResult, build_index, load_faq, load_synonyms, search
from rules.search.catalogue_index import DEFAULT_MORPHOLOGY
from rules.search.faq import DEFAULT_PATH as FAQ_PATH
from rules.search.fits import profile_fits, with_reasons
from rules.search.morphology import shared
from rules.search.synonyms import DEFAULT_PATH as SYNONYMS_PATH


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = sub.add_parser("ask", help="найти меры и ответы по вопросу в свободной форме")
    parser.add_argument("text", help="вопрос, как его написал бы предприниматель")
    parser.add_argument("--json", action="store_true", help="machine-readable output")
    parser.add_argument("--profile", help="YAML/JSON profile file: rank eligible measures first")
    parser.add_argument("--limit", type=int, default=5, help="how many hits (default 5)")
    add_data_arguments(parser)
    parser.add_argument("--faq", default=str(FAQ_PATH), help="FAQ file")
    parser.add_argument("--synonyms", default=str(SYNONYMS_PATH), help="synonyms file")
    parser.add_argument("--database-url", help="registry of projects to search too (default: DATABASE_URL)")
    parser.add_argument("--no-projects", action="store_true", help="search measures and FAQ only")
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    bundle = load_or_report(args.measures, args.questionnaire)
    if bundle is None:
        return 1
    catalogue = bundle.catalogue
    try:
        entries = load_faq(args.faq, measure_ids=catalogue.by_id.keys())
        index = build_index(catalogue.measures, entries, load_synonyms(args.synonyms), shared(DEFAULT_MORPHOLOGY))
        profile: Mapping[str, Any] | None = load_profile(args.profile, catalogue) if args.profile else None
    except DataError as exc:
        for problem in exc.problems:
            print(problem, file=sys.stderr)
        return 1
    fits = profile_fits(catalogue, profile) if profile is not None else None
    result = search(index, args.text, fits=fits, limit=max(1, args.limit))
    if profile is not None:
        result = with_reasons(result, catalogue, profile)
    if not args.no_projects:  # published projects are hits of their own kind, «project»
        from dataclasses import replace

        from bot.cli.ask_projects import project_hits
        from bot.config import Settings

        url = args.database_url or Settings().database_url
        extra = project_hits(args.text, url, args.synonyms, max(1, args.limit))
        if extra:
            merged = sorted([*result.hits, *extra], key=lambda h: -h.score)[: max(1, args.limit)]
            result = replace(result, hits=tuple(merged), confident=True)
    if args.json:
        json.dump(to_json(result), sys.stdout, ensure_ascii=False, indent=2)
        print()
    else:
        print(to_text(result, {e.id: e.answer for e in entries}))
    return 0


def _hit_json(hit: Hit) -> dict[str, Any]:
    out: dict[str, Any] = {"id": hit.id, "kind": hit.kind, "score": hit.score, "title": hit.title}
    if hit.verdict is not None:
        out["verdict"] = hit.verdict
    if hit.reason:
        out["reason"] = hit.reason
    return out


def to_json(result: SearchResult) -> dict[str, Any]:
    return {
        "hits": [_hit_json(h) for h in result.hits],
        "confident": result.confident,
        "alternatives": [_hit_json(h) for h in result.alternatives],
    }


def _hit_line(number: int, hit: Hit, answers: Mapping[str, str]) -> str:
    if hit.kind == "faq":
        answer = answers.get(hit.id, "")
        return texts.faq_line(number, hit.title, answer)
    if hit.kind == "project":
        return texts.project_line(number, hit.id, hit.title)
    line = f"{number}. {hit.title}"
    if hit.verdict is not None:
        line += f" — {texts.VERDICT_WORDS.get(hit.verdict, hit.verdict)}"
        if hit.reason:
            line += f": {hit.reason}"
    return line


def to_text(result: SearchResult, answers: Mapping[str, str]) -> str:
    """Russian text as the bot would say it (without buttons)."""
    if not result.hits:
        return texts.NOTHING_FOUND
    lines: list[str] = []
    if result.confident:
        lines.append(texts.found_header(result.query))
        lines.extend(_hit_line(i, h, answers) for i, h in enumerate(result.hits, 1))
    else:
        lines.append(texts.unsure_header(result.query))
        shown = result.alternatives or result.hits[:3]
        lines.extend(_hit_line(i, h, answers) for i, h in enumerate(shown, 1))
        lines.append(texts.NOT_IT)
    return "\n".join(lines)
