"""ОКВЭД 2 codes: parsing and range matching.

A code is always a string ("26.51"): an unquoted ``26.10`` in YAML is the float 26.1 and
would silently lose its zero, so the loaders reject non-strings before we get here.
A catalogue pattern is a class ("26"), a subclass ("26.5"), a group ("26.51") or a deeper code, or a
range of classes ("10-33", inclusive), which is how the law and programme rules name industries;
a pattern covers every code below it in the hierarchy.
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
    """True if ``code`` falls under ``pattern`` (class, subclass, group … or inclusive class range).

    ОКВЭД 2 is a hierarchy of character prefixes: class ``26``, subclass ``26.5``, group ``26.51``,
    subgroup ``26.51.1``, type ``26.51.11`` — so ``"20.5"`` covers ``20.59`` and ``20.59.1``.
    """
    if "-" in pattern:
        low, high = pattern.split("-")
        return int(low) <= okved_class(code) <= int(high)
    return code == pattern or (code.startswith(pattern) and len(pattern) in _LEVELS and len(code) > len(pattern))


# Lengths of the hierarchy's levels: class, subclass, group, subgroup (the type is the full code).
_LEVELS = (2, 4, 5, 7)


def in_code_set(code: str, patterns: frozenset[str]) -> bool:
    """True if ``code`` falls under any of ``patterns`` (classes and codes, ranges already
    expanded): each level of the code's hierarchy is one set look-up."""
    if code in patterns:
        return True
    size = len(code)
    for level in _LEVELS:  # a plain loop: this runs per measure on the verdict hot path  # noqa: SIM110
        if level < size and code[:level] in patterns:
            return True
    return False
