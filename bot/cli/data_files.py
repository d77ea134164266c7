"""Where the data files are, for the command line: explicit arguments win over settings."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from bot.config import Settings
from rules.data import Bundle, load_bundle
from rules.errors import DataError


def add_data_arguments(parser: argparse.ArgumentParser) -> None:
    """``--measures`` and ``--questionnaire`` for every command that loads the data."""
    parser.add_argument("--measures", help="catalogue file (default: MEASURES_PATH or ./measures.yaml)")
    parser.add_argument("--questionnaire", help="questionnaire file (default: QUESTIONNAIRE_PATH or the shipped one)")


def default_paths() -> tuple[Path, Path]:
    settings = Settings()
    return settings.measures_path, settings.questionnaire_path


def load_or_report(measures: str | Path | None = None, questionnaire: str | Path | None = None) -> Bundle | None:
    """Load the bundle, or print every problem to stderr and return None (never a traceback)."""
    default_measures, default_questionnaire = default_paths()
    try:
        return load_bundle(measures or default_measures, questionnaire or default_questionnaire)
    except DataError as exc:
        for problem in exc.problems:
            print(problem, file=sys.stderr)
        print(f"{len(exc.problems)} error(s); nothing was loaded.", file=sys.stderr)
        return None
