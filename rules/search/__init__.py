"""Free-text search over measures and FAQ (issue 6): Russian normalisation, morphology with a
per-token cache, staff-editable synonyms, a weighted inverted index built once per catalogue,
typo tolerance, profile-aware re-ranking and an honest confidence flag.

Pure domain code: no framework imports. The bot and the CLI build one ``SearchIndex`` per
catalogue load and call ``search`` for each query.
"""

from rules.search.catalogue_index import index_catalogue
from rules.search.engine import Fit, Hit, SearchResult, search
from rules.search.faq import FaqEntry, load_faq
from rules.search.index import SearchIndex, build_index
from rules.search.morphology import Lemmatizer, Morphology, Stemmer
from rules.search.synonyms import SynonymTable, load_synonyms

__all__ = [
    "FaqEntry",
    "Fit",
    "Hit",
    "Lemmatizer",
    "Morphology",
    "SearchIndex",
    "SearchResult",
    "Stemmer",
    "SynonymTable",
    "build_index",
    "index_catalogue",
    "load_faq",
    "load_synonyms",
    "search",
]
