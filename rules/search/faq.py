"""Frequently asked questions (``rules/faq.yaml``): short answers that point to measures.

An FAQ entry is searched like a measure (question, keywords, answer) and shown as a short answer
with buttons to the measures it names. Measure ids are checked against the loaded catalogue when
one is given, so a renamed measure is a ``file:line`` error, not a dead button.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from pathlib import Path

from rules.catalogue import ID_PATTERN
from rules.schema import Key, ListOf, Record, Str, join_path, node_at
from rules.search.yaml_list import read_record_list

DEFAULT_PATH = Path(__file__).resolve().parent.parent / "faq.yaml"

ENTRY = Record(
    {
        "id": Key(Str(pattern=ID_PATTERN, hint="kebab-case latin, e.g. mik-how-to-join"), required=True),
        "question": Key(Str(max_length=200), required=True, description="the question as people ask it"),
        "answer": Key(Str(max_length=700), required=True, description="two to four sentences, facts only"),
        "measures": Key(ListOf(Str(pattern=ID_PATTERN), unique=True), required=True,
                        description="ids of the measures the answer points to"),
        "keywords": Key(ListOf(Str(), unique=True), description="words people search with"),
    },
    name="FAQ entry",
)


@dataclass(frozen=True, slots=True)
class FaqEntry:
    id: str
    question: str
    answer: str
    measures: tuple[str, ...]
    keywords: tuple[str, ...] = ()
    line: int = 0


def load_faq(path: str | Path = DEFAULT_PATH, measure_ids: Collection[str] | None = None) -> tuple[FaqEntry, ...]:
    """Read ``faq.yaml``. With ``measure_ids`` (the catalogue's ids) every linked id must exist.

    Raises ``DataError`` listing every problem: unknown or duplicate keys, duplicate entry ids,
    links to measures that the catalogue does not have.
    """
    records, reader = read_record_list(path, "faq", ENTRY)
    entries: list[FaqEntry] = []
    first_line: dict[str, int] = {}
    for index, (record, node) in enumerate(records):
        line = node.start_mark.line + 1
        where = f"faq[{index}]"
        if record["id"] in first_line:
            reader.error(node_at(node, "id"), f"duplicate FAQ id {record['id']!r} (first at line "
                         f"{first_line[record['id']]})", join_path(where, "id"))
            continue
        first_line[record["id"]] = line
        if measure_ids is not None:
            for position, measure in enumerate(record["measures"]):
                if measure not in measure_ids:
                    reader.error(node_at(node, "measures", position), f"unknown measure {measure!r}",
                                 join_path(where, f"measures[{position}]"),
                                 hint="use the id of a measure in the catalogue")
        entries.append(FaqEntry(
            id=record["id"],
            question=record["question"],
            answer=" ".join(record["answer"].split()),
            measures=tuple(record["measures"]),
            keywords=tuple(record.get("keywords", ())),
            line=line,
        ))
    reader.raise_if_errors()
    return tuple(entries)
