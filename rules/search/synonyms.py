"""Synonyms and abbreviations (``rules/synonyms.yaml``), compiled into concept terms.

A group says «these phrases mean the same thing»: a canonical phrase and the variants people
type («фси», «фонд бортника» → «фонд содействия инновациям»). We do not rewrite text; instead
every phrase of a group, wherever it occurs — in a query or in catalogue text — adds one extra
*concept term* for the group. So «ФСИ» in a query meets «Фонд содействия инновациям» in a title,
and the concept is weighed once by its own rarity, however long the canonical phrase is.
Phrases are matched on morphology terms, so inflection does not matter («станков» = «станок»).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from rules.errors import DataError
from rules.schema import Key, ListOf, Record, Str, join_path, node_at
from rules.search.morphology import Morphology, terms
from rules.search.yaml_list import read_record_list

DEFAULT_PATH = Path(__file__).resolve().parent.parent / "synonyms.yaml"
CONCEPT_PREFIX = "~"  # tokenisation never produces it, so concept terms cannot collide with words

GROUP = Record(
    {
        "canonical": Key(Str(), required=True, description="the phrase as the catalogue writes it"),
        "variants": Key(ListOf(Str(), min_items=1, unique=True), required=True,
                        description="abbreviations and colloquial forms people type"),
    },
    name="synonym group",
)


@dataclass(frozen=True, slots=True)
class SynonymGroup:
    canonical: str
    variants: tuple[str, ...]
    line: int = 0

    @property
    def phrases(self) -> tuple[str, ...]:
        return (self.canonical, *self.variants)


@dataclass(frozen=True)
class SynonymTable:
    """Compiled groups for one morphology: phrase terms → concept term."""

    groups: tuple[SynonymGroup, ...]
    morphology_name: str
    by_first: dict[str, tuple[tuple[tuple[str, ...], str], ...]]
    max_len: int

    @classmethod
    def compile(cls, groups: Sequence[SynonymGroup], morphology: Morphology) -> SynonymTable:
        by_first: dict[str, list[tuple[tuple[str, ...], str]]] = {}
        max_len = 1
        for group in groups:
            concept = CONCEPT_PREFIX + "_".join(terms(group.canonical, morphology))
            seen: set[tuple[str, ...]] = set()
            for phrase in group.phrases:
                key = tuple(terms(phrase, morphology))
                if not key or key in seen:
                    continue
                seen.add(key)
                by_first.setdefault(key[0], []).append((key, concept))
                max_len = max(max_len, len(key))
        frozen = {
            first: tuple(sorted(options, key=lambda option: -len(option[0])))
            for first, options in by_first.items()
        }
        return cls(tuple(groups), morphology.name, frozen, max_len)

    def concepts(self, sequence: Sequence[str]) -> list[str]:
        """Concept terms of every group phrase found in ``sequence`` (a text's terms, in order)."""
        out: list[str] = []
        for start, first in enumerate(sequence):
            options = self.by_first.get(first)
            if not options:
                continue
            for phrase, concept in options:
                if tuple(sequence[start:start + len(phrase)]) == phrase:
                    out.append(concept)
        return out

    def covered(self, sequence: Sequence[str]) -> set[int]:
        """Positions of ``sequence`` that belong to some group phrase."""
        out: set[int] = set()
        for start, first in enumerate(sequence):
            for phrase, _ in self.by_first.get(first, ()):
                if tuple(sequence[start:start + len(phrase)]) == phrase:
                    out.update(range(start, start + len(phrase)))
        return out

    def phrase_terms(self) -> Iterable[str]:
        """Every term that occurs in some phrase: the typo corrector's extra vocabulary."""
        for options in self.by_first.values():
            for phrase, _ in options:
                yield from phrase


def load_synonyms(path: str | Path = DEFAULT_PATH) -> tuple[SynonymGroup, ...]:
    """Read ``synonyms.yaml``; unknown keys, duplicate keys and a phrase claimed by two groups are
    ``file:line`` errors (a phrase with two meanings would make search results depend on order)."""
    records, reader = read_record_list(path, "synonyms", GROUP)
    groups: list[SynonymGroup] = []
    owner: dict[str, int] = {}
    for index, (record, node) in enumerate(records):
        group = SynonymGroup(record["canonical"], tuple(record["variants"]), node.start_mark.line + 1)
        for position, phrase in enumerate(group.phrases):
            key = " ".join(phrase.lower().replace("ё", "е").split())
            first = owner.setdefault(key, group.line)
            if first != group.line:
                where = node_at(node, "variants", position - 1) if position else node_at(node, "canonical")
                reader.error(where, f"phrase {phrase!r} is already in the group at line {first}",
                             join_path(f"synonyms[{index}]", "variants" if position else "canonical"),
                             hint="a phrase may belong to one group only")
        groups.append(group)
    reader.raise_if_errors()
    if not groups:  # pragma: no cover - read_record_list rejects an empty list
        raise DataError(reader.problems)
    return tuple(groups)
