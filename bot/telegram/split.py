"""Split long HTML texts at Telegram's limit (4096 characters after entity parsing).

We split on paragraph, then line, then word boundaries, never inside a tag or an HTML entity,
and close/re-open the simple formatting tags we use (b, i, u, s, code, a) across the cut so
each part is valid HTML on its own. Lengths are counted on the visible text, as Telegram does.
"""

from __future__ import annotations

import re
from html import unescape

TELEGRAM_LIMIT = 4096
_TOKEN = re.compile(r"<[^>]+>|&[#a-zA-Z0-9]+;|[^<&]+|[<&]")
_OPEN = re.compile(r"<([a-z]+)(\s[^>]*)?>")
_CLOSE = re.compile(r"</([a-z]+)>")


def visible_length(html_text: str) -> int:
    return len(unescape(re.sub(r"<[^>]+>", "", html_text)))


def split_html(text: str, limit: int = TELEGRAM_LIMIT) -> list[str]:
    """Parts of at most ``limit`` visible characters, each with balanced tags."""
    if visible_length(text) <= limit:
        return [text]
    parts: list[str] = []
    for chunk in _chunks(text, limit):
        parts.append(chunk)
    return [p for p in parts if p.strip()]


def first_part(text: str, limit: int = TELEGRAM_LIMIT, tail: str = "\n…") -> str:
    """One message's worth: the text itself if it fits, else its first part (cut on a
    paragraph/line/word boundary, tags closed) followed by ``tail``."""
    if visible_length(text) <= limit:
        return text
    head = split_html(text, limit - visible_length(tail))[0]
    return head.rstrip("\n") + tail


def _units(text: str) -> list[str]:
    """Paragraphs, then lines, then words — the preferred cut points, kept with their separators."""
    return re.findall(r"[^\n]*\n\n|[^\n]*\n|[^\n]+", text)


def _chunks(text: str, limit: int) -> list[str]:
    out: list[str] = []
    current = ""
    open_tags: list[str] = []  # full opening tags in effect at the end of ``current``
    size = 0
    for token in _atoms(text, limit):
        length = visible_length(token)
        if size + length > limit and size > 0:
            out.append(current + "".join(f"</{_tag_name(t)}>" for t in reversed(open_tags)))
            current = "".join(open_tags)
            size = 0
        current += token
        size += length
        _track(token, open_tags)
    if current:
        out.append(current)
    return out


def _atoms(text: str, limit: int) -> list[str]:
    """Pieces no longer than ``limit``: whole paragraphs/lines when they fit, else words, else
    tags/entities/plain runs, and plain runs longer than the limit cut into slices."""
    atoms: list[str] = []
    for unit in _units(text):
        if visible_length(unit) <= limit:
            atoms.append(unit)
            continue
        for word in re.findall(r"\S+\s*|\s+", unit):
            if visible_length(word) <= limit:
                atoms.append(word)
                continue
            for token in _TOKEN.findall(word):
                if token.startswith(("<", "&")) or len(token) <= limit:
                    atoms.append(token)
                else:
                    atoms.extend(token[i : i + limit] for i in range(0, len(token), limit))
    return atoms


def _tag_name(opening: str) -> str:
    match = _OPEN.match(opening)
    return match.group(1) if match else ""


def _track(fragment: str, open_tags: list[str]) -> None:
    for tag in re.findall(r"<[^>]+>", fragment):
        close = _CLOSE.match(tag)
        if close:
            for index in range(len(open_tags) - 1, -1, -1):
                if _tag_name(open_tags[index]) == close.group(1):
                    del open_tags[index]
                    break
        elif _OPEN.match(tag):
            open_tags.append(tag)
