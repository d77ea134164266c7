"""Reducing a word to a search term: lemmas (pymorphy3) or stems (Snowball), cached per token.

Both reduce inflected forms to one term («станков», «станки» → «станок» / «станк»). Which one the
search uses was decided by the labelled evaluation (``navigator eval-search --morphology``): see
``DEFAULT_MORPHOLOGY``. Either way every distinct token is analysed once per process; a query
then costs a dictionary lookup per word.
"""

from __future__ import annotations

import threading
from typing import Any, Protocol

from rules.search.normalise import tokens


class Morphology(Protocol):
    name: str

    def term(self, token: str) -> str:
        """The search term for one lower-cased token."""
        ...

    def known(self, token: str) -> bool:
        """Whether ``token`` is a real word; real words are never "corrected" as typos."""
        ...


_ANALYZER: Any = None
_ANALYZER_LOCK = threading.Lock()


def _analyzer() -> Any:
    """The pymorphy3 analyser, loaded once per process (about half a second, ~15 MB)."""
    global _ANALYZER
    if _ANALYZER is None:
        with _ANALYZER_LOCK:
            if _ANALYZER is None:
                import pymorphy3

                _ANALYZER = pymorphy3.MorphAnalyzer()
    return _ANALYZER


CACHE_LIMIT = 200_000  # distinct tokens; arbitrary user text must not grow the cache forever


class Lemmatizer:
    """Dictionary lemmas: the normal form of the most probable parse of the word."""

    name = "lemmas"

    def __init__(self) -> None:
        self._analyzer = _analyzer()
        self._cache: dict[str, str] = {}
        self._known: dict[str, bool] = {}

    def term(self, token: str) -> str:
        cached = self._cache.get(token)
        if cached is not None:
            return cached
        if token.isdigit() or len(token) < 2 or not token.isalpha():
            lemma = token
        else:
            lemma = str(self._analyzer.parse(token)[0].normal_form).replace("ё", "е")
        if len(self._cache) >= CACHE_LIMIT:
            self._cache.clear()
        self._cache[token] = lemma
        return lemma

    def known(self, token: str) -> bool:
        cached = self._known.get(token)
        if cached is None:
            if len(self._known) >= CACHE_LIMIT:
                self._known.clear()
            cached = self._known[token] = bool(self._analyzer.word_is_known(token))
        return cached


class Stemmer:
    """Snowball (Porter) stems: cheaper, no dictionary, but cruder with short and rare words."""

    name = "stems"

    def __init__(self) -> None:
        try:
            import snowballstemmer
        except ImportError as exc:  # a dev dependency: only the lemma/stem comparison needs it
            raise RuntimeError("stems need the 'snowballstemmer' package: pip install -e '.[dev]'") from exc

        self._stemmer = snowballstemmer.stemmer("russian")
        self._cache: dict[str, str] = {}

    def term(self, token: str) -> str:
        cached = self._cache.get(token)
        if cached is not None:
            return cached
        stem = token if token.isdigit() or len(token) < 4 else str(self._stemmer.stemWord(token))
        if len(self._cache) >= CACHE_LIMIT:
            self._cache.clear()
        self._cache[token] = stem
        return stem

    def known(self, token: str) -> bool:
        return False  # no dictionary: any unknown stem may be a typo


def terms(text: str, morphology: Morphology) -> list[str]:
    """All terms of ``text`` in order, stop words included (phrases need them)."""
    return [morphology.term(t) for t in tokens(text)]


_SHARED: dict[str, Morphology] = {}


def shared(name: str = "lemmas") -> Morphology:
    """One morphology per kind per process, so its token cache is shared by every index."""
    if name not in _SHARED:
        _SHARED[name] = Lemmatizer() if name == "lemmas" else Stemmer()
    return _SHARED[name]
