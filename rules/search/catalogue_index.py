"""Building the search index for a loaded catalogue: the one call the bot and the CLI make.

The FAQ's measure links are checked against this catalogue, so a FAQ pointing to a removed
measure fails the load with ``file:line`` like any other data error.
"""

from __future__ import annotations

from pathlib import Path

from rules.catalogue import Catalogue
from rules.search import faq as faq_module
from rules.search import synonyms as synonyms_module
from rules.search.index import SearchIndex, build_index
from rules.search.morphology import shared

DEFAULT_MORPHOLOGY = "lemmas"  # chosen by the labelled evaluation, see docs in morphology.py


def index_catalogue(
    catalogue: Catalogue,
    faq_path: str | Path = faq_module.DEFAULT_PATH,
    synonyms_path: str | Path = synonyms_module.DEFAULT_PATH,
    morphology: str = DEFAULT_MORPHOLOGY,
) -> SearchIndex:
    entries = faq_module.load_faq(faq_path, measure_ids=catalogue.by_id.keys())
    groups = synonyms_module.load_synonyms(synonyms_path)
    return build_index(catalogue.measures, entries, groups, shared(morphology))
