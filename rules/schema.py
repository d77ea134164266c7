"""A small declarative schema for our YAML files, read from PyYAML nodes so every value keeps its place.

Why not ``yaml.safe_load`` + a validator: by then line numbers are gone and duplicate keys are
silently merged. We compose the file with the C parser (``CSafeLoader``) and walk the node tree
once, converting and validating in the same pass. The same specs produce the JSON Schema that
editors use (``navigator schema``), so the two can never drift apart.

Specs return plain Python values (dicts, lists, str, int, float, bool, date); a spec that finds a
problem records it on the ``Reader`` and returns ``INVALID`` so the walk goes on and collects
every problem of the file.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Final

import yaml
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from rules.errors import DataError, Problem

try:  # the C parser is several times faster; fall back for exotic builds
    from yaml import CSafeLoader as _Loader
except ImportError:  # pragma: no cover
    from yaml import SafeLoader as _Loader  # type: ignore[assignment]


class _Invalid:
    def __repr__(self) -> str:
        return "INVALID"


INVALID: Final = _Invalid()

_STR = "tag:yaml.org,2002:str"
_INT = "tag:yaml.org,2002:int"
_FLOAT = "tag:yaml.org,2002:float"
_BOOL = "tag:yaml.org,2002:bool"
_NULL = "tag:yaml.org,2002:null"
_TIMESTAMP = "tag:yaml.org,2002:timestamp"
_TYPE_NAMES = {
    _STR: "text",
    _INT: "integer",
    _FLOAT: "number",
    _BOOL: "true/false",
    _NULL: "empty value",
    _TIMESTAMP: "date",
    "tag:yaml.org,2002:map": "mapping",
    "tag:yaml.org,2002:seq": "list",
}
_constructor = yaml.constructor.SafeConstructor()


def compose_file(path: str, text: str | None = None) -> tuple[Node | None, list[Problem]]:
    """Parse a YAML file to its node tree; syntax errors become located problems."""
    try:
        if text is None:
            with open(path, encoding="utf-8") as stream:
                text = stream.read()
    except OSError as exc:
        return None, [Problem(path, 1, 1, f"cannot read file: {exc.strerror or exc}")]
    except UnicodeDecodeError:
        return None, [Problem(path, 1, 1, "file is not UTF-8 text")]
    try:
        node = yaml.compose(text, Loader=_Loader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line, col = (mark.line + 1, mark.column + 1) if mark else (1, 1)
        message = f"YAML syntax error: {exc.problem or exc.context}"
        hint = ""
        if ("\t" in text and "tab" in str(exc.problem or "").lower() + str(exc.context or "").lower()) or "found character '\\t'" in str(exc):
            hint = "YAML does not allow tabs for indentation; use spaces"
        else:
            hint = "check the indentation and the colons of this and the previous line"
        return None, [Problem(path, line, col, message, path=guess_path(text, line), hint=hint)]
    except yaml.YAMLError as exc:  # pragma: no cover - defensive
        return None, [Problem(path, 1, 1, f"YAML error: {exc}")]
    if node is None:
        return None, [Problem(path, 1, 1, "file is empty", hint="see docs/data-format.md for the expected shape")]
    return node, []


_KEY_LINE = re.compile(r"^(?P<indent>[ \t]*)(?P<dash>-\s+)?(?P<key>[^\s#:{}\[\],'\"-][^:#{}]*?)\s*:(\s|$)")


def guess_path(text: str, line: int) -> str:
    """The dotted path of the block a syntax error sits in, read from indentation alone.

    After a syntax error there is no node tree, but staff still need to know *which* measure
    and key is broken; the lines above the error tell that well enough.
    """
    stack: list[tuple[int, str]] = []  # (indent, path) of open keys
    counters: dict[tuple[str, int], int] = {}
    for raw in text.splitlines()[: max(line, 1)]:
        found = _KEY_LINE.match(raw)
        if not found or raw.lstrip().startswith("#"):
            continue
        indent = len(found["indent"].expandtabs(1))
        key_indent = indent + (len(found["dash"]) if found["dash"] else 0)
        while stack and stack[-1][0] >= (indent if found["dash"] else key_indent):
            stack.pop()
        parent = stack[-1][1] if stack else ""
        if found["dash"]:
            index = counters.get((parent, indent), -1) + 1
            counters[(parent, indent)] = index
            parent = f"{parent}[{index}]"
            stack.append((indent, parent))
        stack.append((key_indent, join_path(parent, found["key"].strip())))
    return stack[-1][1] if stack else ""


def join_path(parent: str, key: str | int) -> str:
    if isinstance(key, int):
        return f"{parent}[{key}]"
    return f"{parent}.{key}" if parent else key


@dataclass
class Reader:
    """Collects problems while specs walk one file."""

    file: str
    problems: list[Problem] = field(default_factory=list)

    def error(self, node: Node, message: str, path: str, allowed: str = "", hint: str = "") -> _Invalid:
        mark = node.start_mark
        self.problems.append(Problem(self.file, mark.line + 1, mark.column + 1, message, path, allowed, hint))
        return INVALID

    def warn(self, node: Node, message: str, path: str, hint: str = "") -> None:
        mark = node.start_mark
        self.problems.append(
            Problem(self.file, mark.line + 1, mark.column + 1, message, path, hint=hint, severity="warning")
        )

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == "error"]

    def raise_if_errors(self) -> None:
        if self.errors:
            raise DataError(sorted(self.errors, key=lambda p: (p.line, p.column)))


@dataclass
class Document:
    """A data file opened for reading: its top-level sections located, problems collected."""

    reader: Reader
    root: Node
    sections: dict[str, Node]  # top-level key → its value node
    text: str

    @property
    def version(self) -> str:
        """Short sha256 of the text: identifies exactly what was loaded (reloads, buttons)."""
        return hashlib.sha256(self.text.encode("utf-8")).hexdigest()[:12]

    def items(self, key: str, spec: Spec) -> list[tuple[dict[str, Any], Node, str]]:
        """Read the non-empty list under ``key`` record by record: (value, node, dotted path) of
        every valid record; invalid ones are recorded on the reader and left out."""
        node = self.sections[key]
        if not isinstance(node, SequenceNode) or not node.value:
            self.reader.error(node, f"'{key}' must be a non-empty list", key)
            self.reader.raise_if_errors()
        out = []
        for index, child in enumerate(node.value):
            where = f"{key}[{index}]"
            value = spec.read(child, self.reader, where)
            if value is not INVALID:
                out.append((value, child, where))
        return out


def open_document(path: str, text: str | None, name: str, allowed: tuple[str, ...],
                  required: tuple[str, ...]) -> Document:
    """Read and compose a file whose top level is a mapping of known sections.

    Problems that leave nothing to read — unreadable, empty, bad syntax, not a mapping, a
    required section missing — raise ``DataError`` at once; everything else is collected.
    """
    if text is None:
        try:
            text = Path(path).read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            raise DataError(compose_file(path)[1]) from exc
    root, problems = compose_file(path, text)
    reader = Reader(path, problems)
    if root is None:
        raise DataError(problems)
    pairs = read_pairs(root, reader, "", name)
    if not isinstance(pairs, list):
        raise DataError(reader.problems)
    sections = {key: value for key, _, value in pairs}
    for key, key_node, _ in pairs:
        if key not in allowed:
            reader.error(key_node, f"unknown top-level key {key!r}", key, allowed=", ".join(allowed),
                         hint=_closest_hint(key, allowed))
    for key in required:
        if key not in sections:
            reader.error(root, f"missing top-level key {key!r}", key, hint=f"the {name} starts with '{key}:'")
    reader.raise_if_errors()
    return Document(reader, root, sections, text)


def describe(node: Node) -> str:
    return _TYPE_NAMES.get(node.tag, node.tag)


class Spec:
    """Base of all specs: ``read`` converts a node, ``json`` describes it as JSON Schema."""

    description: str = ""

    def read(self, node: Node, reader: Reader, path: str) -> Any:
        raise NotImplementedError

    def json(self) -> dict[str, Any]:
        raise NotImplementedError

    def _scalar(self, node: Node, reader: Reader, path: str, expected: str) -> ScalarNode | _Invalid:
        if not isinstance(node, ScalarNode):
            return reader.error(node, f"expected {expected}, found {describe(node)}", path)
        return node


@dataclass
class Str(Spec):
    pattern: str | None = None
    hint: str = ""
    min_length: int = 1
    max_length: int | None = None
    description: str = ""

    def read(self, node: Node, reader: Reader, path: str) -> Any:
        scalar = self._scalar(node, reader, path, "text")
        if scalar is INVALID or not isinstance(scalar, ScalarNode):
            return INVALID
        if scalar.tag not in (_STR,) and not (scalar.tag == _NULL and scalar.style):
            return reader.error(
                node, f"expected text, found {describe(node)} {scalar.value!r}", path, hint=self.hint or "quote it"
            )
        value = str(scalar.value).strip()
        if len(value) < self.min_length:
            return reader.error(node, "must not be empty", path)
        if self.max_length is not None and len(value) > self.max_length:
            return reader.error(node, f"too long: {len(value)} characters, at most {self.max_length}", path)
        if self.pattern and not re.fullmatch(self.pattern, value):
            return reader.error(node, f"{value!r} has the wrong form", path, hint=self.hint)
        return value

    def json(self) -> dict[str, Any]:
        out: dict[str, Any] = {"type": "string", "minLength": self.min_length}
        if self.pattern:
            out["pattern"] = f"^(?:{self.pattern})$"
        if self.max_length:
            out["maxLength"] = self.max_length
        if self.description:
            out["description"] = self.description
        return out


URL = Str(pattern=r"https?://\S+", hint="a full address starting with https://")


@dataclass
class Number(Spec):
    integer: bool = False
    minimum: float | None = None
    maximum: float | None = None
    description: str = ""

    def read(self, node: Node, reader: Reader, path: str) -> Any:
        scalar = self._scalar(node, reader, path, "a number")
        if not isinstance(scalar, ScalarNode):
            return INVALID
        kind = "an integer" if self.integer else "a number"
        if scalar.tag == _INT:
            value: float = _constructor.construct_yaml_int(scalar)
        elif scalar.tag == _FLOAT and not self.integer:
            value = _constructor.construct_yaml_float(scalar)
        else:
            return reader.error(node, f"expected {kind}, found {describe(node)} {scalar.value!r}", path)
        allowed = _range_text(self.minimum, self.maximum)
        if self.minimum is not None and value < self.minimum:
            return reader.error(node, f"{value} is below the minimum {self.minimum}", path, allowed=allowed)
        if self.maximum is not None and value > self.maximum:
            return reader.error(node, f"{value} is above the maximum {self.maximum}", path, allowed=allowed)
        return value

    def json(self) -> dict[str, Any]:
        out: dict[str, Any] = {"type": "integer" if self.integer else "number"}
        if self.minimum is not None:
            out["minimum"] = self.minimum
        if self.maximum is not None:
            out["maximum"] = self.maximum
        if self.description:
            out["description"] = self.description
        return out


def _range_text(low: float | None, high: float | None) -> str:
    def show(value: float) -> str:
        return str(int(value)) if float(value).is_integer() else str(value)

    if low is not None and high is not None:
        return f"{show(low)}..{show(high)}"
    if low is not None:
        return f">= {show(low)}"
    return f"<= {show(high)}" if high is not None else ""


@dataclass
class Bool(Spec):
    description: str = ""

    def read(self, node: Node, reader: Reader, path: str) -> Any:
        scalar = self._scalar(node, reader, path, "true or false")
        if not isinstance(scalar, ScalarNode):
            return INVALID
        if scalar.tag != _BOOL:
            return reader.error(node, f"expected true or false, found {scalar.value!r}", path, allowed="true, false")
        return _constructor.construct_yaml_bool(scalar)

    def json(self) -> dict[str, Any]:
        return {"type": "boolean"}


@dataclass
class Date(Spec):
    description: str = ""

    def read(self, node: Node, reader: Reader, path: str) -> Any:
        scalar = self._scalar(node, reader, path, "a date")
        if not isinstance(scalar, ScalarNode):
            return INVALID
        text = str(scalar.value)
        try:
            value = dt.date.fromisoformat(text)
        except ValueError:
            return reader.error(node, f"{text!r} is not a valid date", path, hint="write YYYY-MM-DD, e.g. 2026-11-20")
        return value

    def json(self) -> dict[str, Any]:
        return {"type": "string", "format": "date"}


@dataclass
class Choice(Spec):
    values: tuple[str, ...]
    description: str = ""

    def read(self, node: Node, reader: Reader, path: str) -> Any:
        scalar = self._scalar(node, reader, path, "one of the allowed values")
        if not isinstance(scalar, ScalarNode):
            return INVALID
        value = str(scalar.value)
        if scalar.tag == _BOOL:
            value = str(_constructor.construct_yaml_bool(scalar)).lower()
        if value not in self.values:
            return reader.error(node, f"unknown value {value!r}", path, allowed=", ".join(self.values))
        return value

    def json(self) -> dict[str, Any]:
        return {"enum": list(self.values)}


@dataclass
class ListOf(Spec):
    item: Spec
    min_items: int = 0
    unique: bool = False
    description: str = ""

    def read(self, node: Node, reader: Reader, path: str) -> Any:
        if not isinstance(node, SequenceNode):
            return reader.error(node, f"expected a list, found {describe(node)}", path, hint="write [a, b] or one '- item' per line")
        if len(node.value) < self.min_items:
            return reader.error(node, f"needs at least {self.min_items} item(s)", path)
        out = []
        seen: set[Any] = set()
        for index, child in enumerate(node.value):
            value = self.item.read(child, reader, join_path(path, index))
            if value is INVALID:
                continue
            if self.unique:
                key = value if isinstance(value, (str, int, float)) else repr(value)
                if key in seen:
                    reader.error(child, f"duplicate item {value!r}", join_path(path, index))
                    continue
                seen.add(key)
            out.append(value)
        return out

    def json(self) -> dict[str, Any]:
        out: dict[str, Any] = {"type": "array", "items": self.item.json()}
        if self.min_items:
            out["minItems"] = self.min_items
        if self.unique:
            out["uniqueItems"] = True
        return out


@dataclass
class Key:
    spec: Spec
    required: bool = False
    description: str = ""


@dataclass
class Record(Spec):
    """A mapping with a closed set of keys: unknown and duplicate keys are errors."""

    keys: Mapping[str, Key]
    name: str = "mapping"
    check: Callable[[dict[str, Any], MappingNode, Reader, str], None] | None = None
    description: str = ""

    def read(self, node: Node, reader: Reader, path: str) -> Any:
        items = read_pairs(node, reader, path, self.name)
        if items is INVALID or not isinstance(items, list):
            return INVALID
        out: dict[str, Any] = {}
        ok = True
        for key, key_node, value_node in items:
            child_path = join_path(path, key)
            spec = self.keys.get(key)
            if spec is None:
                reader.error(
                    key_node,
                    f"unknown key {key!r} in {self.name}",
                    child_path,
                    allowed=", ".join(self.keys),
                    hint=_closest_hint(key, self.keys),
                )
                ok = False
                continue
            value = spec.spec.read(value_node, reader, child_path)
            if value is INVALID:
                ok = False
                continue
            out[key] = value
        assert isinstance(node, MappingNode)
        for key, spec in self.keys.items():
            if spec.required and key not in out and key not in {k for k, _, _ in items}:
                reader.error(node, f"missing required key {key!r} in {self.name}", path)
                ok = False
        if not ok:
            return INVALID
        if self.check:
            self.check(out, node, reader, path)
        return out

    def json(self) -> dict[str, Any]:
        props = {}
        for key, spec in self.keys.items():
            schema = spec.spec.json()
            if spec.description:
                schema = {**schema, "description": spec.description}
            props[key] = schema
        out: dict[str, Any] = {"type": "object", "properties": props, "additionalProperties": False}
        required = [k for k, s in self.keys.items() if s.required]
        if required:
            out["required"] = required
        if self.description:
            out["description"] = self.description
        return out


def read_pairs(node: Node, reader: Reader, path: str, name: str) -> list[tuple[str, Node, Node]] | _Invalid:
    """The (key, key node, value node) triples of a mapping; duplicate keys are reported."""
    if not isinstance(node, MappingNode):
        return reader.error(node, f"expected a {name} (key: value), found {describe(node)}", path)
    seen: dict[str, Node] = {}
    out: list[tuple[str, Node, Node]] = []
    for key_node, value_node in node.value:
        if not isinstance(key_node, ScalarNode):
            reader.error(key_node, "a key must be plain text", path)
            continue
        key = str(key_node.value)
        if key in seen:
            first = seen[key].start_mark.line + 1
            reader.error(key_node, f"duplicate key {key!r} (first at line {first})", join_path(path, key),
                         hint="YAML would silently keep only the last one; merge or rename")
            continue
        seen[key] = key_node
        out.append((key, key_node, value_node))
    return out


def closest_hint(key: str, allowed: Iterable[str]) -> str:
    return _closest_hint(key, allowed)


def _closest_hint(key: str, allowed: Iterable[str]) -> str:
    from difflib import get_close_matches

    close = get_close_matches(key, list(allowed), n=1)
    return f"did you mean {close[0]!r}?" if close else ""


def node_at(node: Node, *keys: str | int) -> Node:
    """Best-effort lookup of a child node, for locating cross-check problems."""
    current = node
    for key in keys:
        if isinstance(current, MappingNode) and isinstance(key, str):
            for k, v in current.value:
                if isinstance(k, ScalarNode) and k.value == key:
                    current = v
                    break
            else:
                return current
        elif isinstance(current, SequenceNode) and isinstance(key, int) and key < len(current.value):
            current = current.value[key]
        else:
            return current
    return current
