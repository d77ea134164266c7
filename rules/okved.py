"""ОКВЭД 2 codes: parsing and range matching.

A code is always a string ("26.51"): an unquoted ``26.10`` in YAML is the float 26.1 and
would silently lose its zero, so the loaders reject non-strings before we get here.
A catalogue pattern is a class ("26"), a code prefix ("26.51") or a range of classes
("10-33", inclusive), which is how the law and programme rules name industries.
"""

from __future__ import annotations

import re

OKVED_RE = re.compile(r"^\d{2}(\.\d{1,2}){0,3}$")
PATTERN_RE = re.compile(r"^(\d{2})-(\d{2})$|^\d{2}(\.\d{1,2}){0,3}$")

# Section C "Обрабатывающие производства" is classes 10-33.
MANUFACTURING = (10, 33)


def parse_okved(text: str) -> str | None:
    """Normalise a user- or registry-supplied code; ``None`` if it is not an ОКВЭД 2 code."""
    code = text.strip().replace(",", ".")
    return code if OKVED_RE.match(code) else None


def okved_class(code: str) -> int:
    return int(code[:2])


def is_manufacturing_okved(code: str) -> bool:
    low, high = MANUFACTURING
    return low <= okved_class(code) <= high


def matches(code: str, pattern: str) -> bool:
    """True if ``code`` falls under ``pattern`` (class, prefix or inclusive class range)."""
    if "-" in pattern:
        low, high = pattern.split("-")
        return int(low) <= okved_class(code) <= int(high)
    return code == pattern or code.startswith(pattern + ".")
