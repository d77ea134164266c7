"""Reading a staff-edited YAML file of the form ``{<top key>: [record, …]}`` with located errors.

Shared by the FAQ and synonym loaders: the lead's schema specs do the checking (unknown keys,
duplicate keys, wrong types — each reported as ``file:line:col``); this module only walks the one
top-level list and keeps each record's node so cross-checks can point at the right line.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from yaml.nodes import Node, SequenceNode

from rules.errors import DataError
from rules.schema import INVALID, Reader, Record, compose_file, read_pairs


def read_record_list(path: str | Path, top_key: str, spec: Record) -> tuple[list[tuple[dict[str, Any], Node]], Reader]:
    """Records under ``top_key`` with their nodes; raises ``DataError`` on a broken file."""
    file = str(path)
    root, problems = compose_file(file)
    reader = Reader(file, problems)
    if root is None:
        raise DataError(problems)
    pairs = read_pairs(root, reader, "", top_key)
    if pairs is INVALID or not isinstance(pairs, list):
        reader.raise_if_errors()
        raise DataError(reader.problems)  # pragma: no cover
    items: Node | None = None
    for key, key_node, value_node in pairs:
        if key == top_key:
            items = value_node
        else:
            reader.error(key_node, f"unknown top-level key {key!r}", key, allowed=top_key)
    if items is None:
        reader.error(root, f"missing {top_key!r} list", top_key)
        reader.raise_if_errors()
    assert items is not None
    if not isinstance(items, SequenceNode) or not items.value:
        reader.error(items, f"{top_key!r} must be a non-empty list", top_key)
        reader.raise_if_errors()
    assert isinstance(items, SequenceNode)
    out: list[tuple[dict[str, Any], Node]] = []
    for index, node in enumerate(items.value):
        value = spec.read(node, reader, f"{top_key}[{index}]")
        if value is not INVALID:
            out.append((value, node))
    return out, reader
