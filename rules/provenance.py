"""Where a record's facts come from: the keys every data record carries, and their one rule.

Measures, events and places all state ``source_url``, ``last_verified`` and ``provenance``
(verified | unverified); an unverified record must say in ``provenance_note`` what is not
confirmed, because that note is what the bot shows next to «уточните у консультанта».
"""

from __future__ import annotations

from typing import Any

from yaml.nodes import MappingNode

from rules.schema import URL, Choice, Date, Key, Reader, Str, join_path, node_at

PROVENANCE = ("verified", "unverified")


def source_keys() -> dict[str, Key]:
    return {
        "source_url": Key(URL, required=True),
        "last_verified": Key(Date(), required=True),
        "provenance": Key(Choice(PROVENANCE), required=True),
        "provenance_note": Key(Str()),
    }


def require_note(value: dict[str, Any], node: MappingNode, reader: Reader, path: str, *, record: str,
                 hint: str, unconfirmed: bool = False, at: str = "provenance") -> None:
    """An unverified record (or one ``unconfirmed`` for another reason) needs ``provenance_note``;
    the error points at the key ``at`` — the one that makes the note necessary."""
    if (unconfirmed or value.get("provenance") == "unverified") and not value.get("provenance_note"):
        reader.error(node_at(node, at), f"{record} needs provenance_note",
                     join_path(path, "provenance_note"), hint=hint)
