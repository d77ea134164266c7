"""Official code lists as data (``rules/lists/<id>.yaml``): ОКВЭД annexes that programmes test.

A measure tests a list with ``{field: okved_main, okved_in: <list id>}`` (or ``okved_not_in``)
instead of copying codes into ``measures.yaml``: the list is written once, with its own source,
legal basis and date, and every measure that names it follows a correction.

Each file is validated like ``measures.yaml`` (located errors, unknown keys, duplicate keys); a
code is quoted text in the forms the ``okved`` condition supports — a class ``"62"``, a code
``"26.51"`` or ``"26.51.1"``, an inclusive class range ``"10-33"``. Ranges are expanded to classes
at load time, so matching a code is a handful of set look-ups (``rules.okved.in_code_set``).

A list whose ``provenance`` is ``unverified`` (codes or completeness not confirmed by a public
source) never lets a condition pass or fail: the condition stays unknown, so a measure depending
on it is at best «Возможно» and never a wrong «Не подходит».
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from yaml.nodes import MappingNode, Node, ScalarNode

from rules.conditions import expand_patterns
from rules.errors import DataError, Problem
from rules.okved import PATTERN_RE
from rules.provenance import require_note, source_keys
from rules.schema import INVALID, Key, ListOf, Reader, Record, Spec, Str, node_at, open_document

LISTS_DIR = Path(__file__).resolve().parent / "lists"
LIST_SUFFIX = ".yaml"
ID_PATTERN = r"[a-z0-9]+(-[a-z0-9]+)*"


@dataclass(frozen=True, slots=True)
class OfficialList:
    id: str
    title: str
    source_url: str
    legal_basis: str
    last_verified: dt.date
    provenance: str
    codes: tuple[str, ...]  # as written (ranges kept), for display and diffs
    patterns: frozenset[str]  # classes (ranges expanded) and codes, for matching
    file: str
    line: int = 1
    provenance_note: str = ""

    @property
    def verified(self) -> bool:
        return self.provenance == "verified"


@dataclass
class CodeSpec(Spec):
    """One ОКВЭД code or class range: quoted text only (unquoted 26.10 would become 26.1)."""

    description: str = 'ОКВЭД 2 code as quoted text: "62", "26.51", "26.51.1" or a class range "10-33"'

    def read(self, node: Node, reader: Reader, path: str) -> Any:
        if isinstance(node, ScalarNode) and node.tag != "tag:yaml.org,2002:str":
            return reader.error(node, f"ОКВЭД code {node.value} must be quoted text", path,
                                hint=f'write "{node.value}" — unquoted, 26.10 becomes the number 26.1')
        code = Str().read(node, reader, path)
        if code is INVALID:
            return INVALID
        if not PATTERN_RE.match(code):
            return reader.error(node, f"{code!r} is not an ОКВЭД code or class range", path,
                                hint='examples: "62", "26.51", "10-33"')
        if "-" in code:
            low, high = (int(part) for part in code.split("-"))
            if low > high:
                return reader.error(node, f"range {code!r} runs backwards", path, hint=f'write "{high:02d}-{low:02d}"')
        return code

    def json(self) -> dict[str, Any]:
        return {"type": "string", "pattern": PATTERN_RE.pattern, "description": self.description}


def _check_list(value: dict[str, Any], node: MappingNode, reader: Reader, path: str) -> None:
    require_note(value, node, reader, path, record="an unverified list",
                 hint="say which codes or which part of the list is not confirmed, and by what source")


def list_spec() -> Record:
    return Record(
        {
            "id": Key(Str(pattern=ID_PATTERN, hint="kebab-case latin, the file name without .yaml"), required=True),
            "title": Key(Str(), required=True, description="what the list is, in Russian"),
            "legal_basis": Key(Str(), required=True, description="the act that approves the list"),
            **source_keys(),
            "note": Key(Str(), description="how to read the list (e.g. which rate it gives)"),
            "codes": Key(ListOf(CodeSpec(), min_items=1, unique=True), required=True),
        },
        name="list",
        check=_check_list,
    )


def expand(codes: Iterable[str]) -> frozenset[str]:
    """Codes with class ranges expanded to their classes ("10-12" → "10", "11", "12")."""
    return expand_patterns(codes)


def read_list_file(path: Path, reader_problems: list[Problem], named_by_id: bool = True) -> OfficialList | None:
    """One list file; its problems are appended to ``reader_problems``. Files of ``rules/lists``
    are named by their id (``named_by_id``); a file checked on its own may be named anyhow."""
    try:
        document = open_document(str(path), None, "list", tuple(list_spec().keys), ("id", "codes"))
    except DataError as exc:
        reader_problems.extend(exc.problems)
        return None
    reader = document.reader
    value = list_spec().read(document.root, reader, "")
    reader_problems.extend(reader.problems)
    if value is INVALID or reader.errors:
        return None
    if named_by_id and value["id"] != path.stem:
        reader_problems.append(_problem(str(path), node_at(document.root, "id"), f"list id {value['id']!r} differs "
                                        f"from the file name {path.name!r}", "id",
                                        hint=f"name the file {value['id']}.yaml or change the id"))
        return None
    return OfficialList(
        id=value["id"], title=value["title"], source_url=value["source_url"], legal_basis=value["legal_basis"],
        last_verified=value["last_verified"], provenance=value["provenance"], codes=tuple(value["codes"]),
        patterns=expand(value["codes"]), file=str(path), provenance_note=value.get("provenance_note", ""),
    )


def _problem(file: str, node: Node, message: str, path: str, hint: str = "") -> Problem:
    mark = node.start_mark
    return Problem(file, mark.line + 1, mark.column + 1, message, path, hint=hint)


def load_lists(directory: str | Path | None = None, extra: Iterable[str | Path] = ()) -> dict[str, OfficialList]:
    """Every ``*.yaml`` in ``directory`` (default ``rules/lists``) plus ``extra`` files; raise
    ``DataError`` with every problem of every file. A later file with the same id is an error."""
    folder = Path(directory) if directory is not None else LISTS_DIR
    own = sorted(folder.glob(f"*{LIST_SUFFIX}")) if folder.is_dir() else []
    paths = own + [Path(p) for p in extra if Path(p) not in own]
    problems: list[Problem] = []
    out: dict[str, OfficialList] = {}
    for path in paths:
        item = read_list_file(path, problems, named_by_id=path in own)
        if item is None:
            continue
        if item.id in out:
            problems.append(Problem(str(path), 1, 1, f"duplicate list id {item.id!r} (also {out[item.id].file})", "id"))
            continue
        out[item.id] = item
    errors = [p for p in problems if p.severity == "error"]
    if errors:
        raise DataError(errors)
    return out


def lists_digest(directory: str | Path | None = None) -> str:
    """Short sha256 of the list files' bytes (name and content), "" when there are none: folded into
    the catalogue's version, so editing a list alone is a new version that reloads pick up."""
    folder = Path(directory) if directory is not None else LISTS_DIR
    paths = sorted(folder.glob(f"*{LIST_SUFFIX}")) if folder.is_dir() else []
    if not paths:
        return ""
    digest = hashlib.sha256()
    for path in paths:
        digest.update(path.name.encode("utf-8") + b"\0" + hashlib.sha256(path.read_bytes()).digest())
    return digest.hexdigest()[:12]


def list_warnings(lists: Mapping[str, OfficialList], referenced: Iterable[str]) -> list[Problem]:
    """A list no measure references is probably a typo or a leftover; an unverified one caps verdicts."""
    used = set(referenced)
    out = []
    for item in lists.values():
        if item.id not in used:
            out.append(Problem(item.file, 1, 1, f"list {item.id!r} is referenced by no measure", "id",
                               hint="reference it with okved_in / okved_not_in, or delete the file",
                               severity="warning"))
        if not item.verified:
            out.append(Problem(item.file, 1, 1, f"{item.id}: unverified list — conditions on it stay «?»: "
                               f"{item.provenance_note}", "provenance", severity="warning"))
    return out

