"""Reading condition trees from YAML nodes, checked against the profile vocabulary.

The same reader serves measures (``eligibility``) and questionnaire branches (``when``), so both
speak exactly one condition language. Values are checked against the field's domain here, at load
time: a typo in an enum value or an unquoted ОКВЭД code is a located error, never a silent FAIL.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from yaml.nodes import Node, ScalarNode, SequenceNode

from rules.conditions import COMBINATORS, LIST_OPERATORS, OPERATORS, All, Any_, Leaf, Not
from rules.official_lists import CodeSpec, OfficialList
from rules.okved import PATTERN_RE
from rules.profile import FIELDS, FieldType
from rules.schema import INVALID, Number, Reader, Spec, Str, closest_hint, describe, join_path, read_pairs

_NUMERIC = (FieldType.INT, FieldType.NUMBER)
_OPS_BY_TYPE: dict[FieldType, tuple[str, ...]] = {
    FieldType.BOOL: ("is",),
    FieldType.INT: ("is", "min", "max"),
    FieldType.NUMBER: ("min", "max"),
    FieldType.ENUM: ("is", "in", "not_in"),
    FieldType.SET: ("has_any", "has_none"),
    FieldType.OKVED: ("okved", "okved_in", "okved_not_in"),
    FieldType.TEXT: (),
    FieldType.INN: (),
}
_LEAF_KEYS = ("field", *OPERATORS, "margin", "label")


@dataclass
class ConditionSpec(Spec):
    """Spec of one condition; ``margins`` are the catalogue-wide defaults per numeric field."""

    margins: Mapping[str, float] = field(default_factory=dict)
    set_domains: Mapping[str, frozenset[str]] = field(default_factory=dict)
    lists: Mapping[str, OfficialList] = field(default_factory=dict)
    referenced: set[str] = field(default_factory=set)  # list ids named so far (unused-list warnings)
    description: str = "A machine condition: a leaf {field: …, <operator>: …} or all/any/not."

    def read(self, node: Node, reader: Reader, path: str) -> Any:
        pairs = read_pairs(node, reader, path, "condition")
        if pairs is INVALID or not isinstance(pairs, list):
            return INVALID
        keys = [k for k, _, _ in pairs]
        combinators = [k for k in keys if k in COMBINATORS]
        if combinators:
            if len(pairs) != 1:
                return reader.error(node, f"'{combinators[0]}' must stand alone in its condition", path,
                                    hint="wrap siblings in all: [...]")
            key, _, value = pairs[0]
            child_path = join_path(path, key)
            if key == "not":
                child = self.read(value, reader, child_path)
                return INVALID if child is INVALID else Not(child)
            if not isinstance(value, SequenceNode) or not value.value:
                return reader.error(value, f"'{key}' needs a non-empty list of conditions", child_path)
            children = [self.read(c, reader, join_path(child_path, i)) for i, c in enumerate(value.value)]
            if any(c is INVALID for c in children):
                return INVALID
            return All(tuple(children)) if key == "all" else Any_(tuple(children))
        return self._read_leaf(node, pairs, reader, path)

    def _read_leaf(self, node: Node, pairs: list[tuple[str, Node, Node]], reader: Reader, path: str) -> Any:
        by_key = {k: (kn, vn) for k, kn, vn in pairs}
        for key, key_node, _ in pairs:
            if key not in _LEAF_KEYS:
                return reader.error(key_node, f"unknown key {key!r} in condition", join_path(path, key),
                                    allowed=", ".join((*_LEAF_KEYS, *COMBINATORS)))
        if "field" not in by_key:
            return reader.error(node, "condition has no 'field'", path,
                                hint="a leaf looks like {field: headcount, max: 100}")
        field_node = by_key["field"][1]
        name = Str().read(field_node, reader, join_path(path, "field"))
        if name is INVALID:
            return INVALID
        spec = FIELDS.get(name)
        if spec is None:
            return reader.error(field_node, f"unknown profile field {name!r}", join_path(path, "field"),
                                allowed=", ".join(FIELDS), hint="fields are defined in rules/profile.py")
        ops = [k for k in by_key if k in OPERATORS]
        allowed_ops = _OPS_BY_TYPE[spec.type]
        if not ops:
            return reader.error(node, f"condition on {name!r} has no operator", path, allowed=", ".join(allowed_ops))
        for op in ops:
            if op not in allowed_ops:
                return reader.error(by_key[op][0], f"operator {op!r} does not apply to {spec.type.value} field {name!r}",
                                    join_path(path, op), allowed=", ".join(allowed_ops) or "none")
        label = ""
        if "label" in by_key:
            label = Str().read(by_key["label"][1], reader, join_path(path, "label"))
            if label is INVALID:
                return INVALID
        if set(ops) <= {"min", "max"}:
            return self._read_range(name, ops, by_key, label, reader, path)
        if len(ops) != 1:
            return reader.error(node, "a condition takes exactly one operator", path,
                                hint="combine several with all: [...]")
        if "margin" in by_key:
            return reader.error(by_key["margin"][0], "'margin' applies only to min/max", join_path(path, "margin"))
        op = ops[0]
        value_node = by_key[op][1]
        value_path = join_path(path, op)
        if op == "is":
            value = self._read_value(name, value_node, reader, value_path)
            return INVALID if value is INVALID else Leaf(name, "is", value, label=label)
        if op in LIST_OPERATORS:
            return self._read_list_ref(name, op, value_node, label, reader, value_path)
        if not isinstance(value_node, SequenceNode) or not value_node.value:
            return reader.error(value_node, f"'{op}' needs a non-empty list", value_path, hint="write [a, b]")
        values = [self._read_value(name, v, reader, join_path(value_path, i)) for i, v in enumerate(value_node.value)]
        if any(v is INVALID for v in values):
            return INVALID
        if op in ("has_any", "has_none"):
            return Leaf(name, op, frozenset(values), label=label)
        return Leaf(name, op, tuple(values) if op == "okved" else frozenset(values), label=label)

    def _read_list_ref(self, name: str, op: str, node: Node, label: str, reader: Reader, path: str) -> Any:
        list_id = Str().read(node, reader, path)
        if list_id is INVALID:
            return INVALID
        official = self.lists.get(list_id)
        if official is None:
            return reader.error(node, f"unknown list {list_id!r}", path,
                                allowed=", ".join(sorted(self.lists)) or "no lists loaded",
                                hint=closest_hint(list_id, self.lists) or "lists live in rules/lists/<id>.yaml")
        self.referenced.add(list_id)
        return Leaf(name, op, list_id, label=label, codes=official.patterns, list_title=official.title,
                    unverified=not official.verified)

    def _read_range(self, name: str, ops: list[str], by_key: dict[str, tuple[Node, Node]], label: str,
                    reader: Reader, path: str) -> Any:
        integer = FIELDS[name].type is FieldType.INT
        bounds: dict[str, float] = {}
        for op in ops:
            value = Number(integer=integer).read(by_key[op][1], reader, join_path(path, op))
            if value is INVALID:
                return INVALID
            bounds[op] = value
        if "min" in bounds and "max" in bounds and bounds["min"] > bounds["max"]:
            return reader.error(by_key["min"][1], "min is greater than max", join_path(path, "min"))
        margin = self.margins.get(name, 0.0)
        if "margin" in by_key:
            margin = Number(minimum=0).read(by_key["margin"][1], reader, join_path(path, "margin"))
            if margin is INVALID:
                return INVALID
        return Leaf(name, "range", None, bounds.get("min"), bounds.get("max"), float(margin), label)

    def _read_value(self, name: str, node: Node, reader: Reader, path: str) -> Any:
        spec = FIELDS[name]
        if spec.type is FieldType.BOOL:
            if not isinstance(node, ScalarNode) or node.tag != "tag:yaml.org,2002:bool":
                return reader.error(node, f"{name!r} is true or false, found {describe(node)}", path,
                                    allowed="true, false")
            return node.value.lower() in ("true", "yes", "on", "y")
        if spec.type in _NUMERIC:
            return Number(integer=spec.type is FieldType.INT).read(node, reader, path)
        if spec.type is FieldType.OKVED:
            return CodeSpec().read(node, reader, path)
        value = Str().read(node, reader, path)
        if value is INVALID:
            return INVALID
        domain: Mapping[str, Any] | frozenset[str] = spec.values or self.set_domains.get(name, frozenset())
        if domain and value not in domain:
            return reader.error(node, f"{value!r} is not a value of {name!r}", path,
                                allowed=", ".join(sorted(domain)))
        return value

    def json(self) -> dict[str, Any]:
        leaf_props: dict[str, Any] = {
            "field": {"enum": list(FIELDS)},
            "is": {},
            "in": {"type": "array", "minItems": 1},
            "not_in": {"type": "array", "minItems": 1},
            "min": {"type": "number"},
            "max": {"type": "number"},
            "margin": {"type": "number", "minimum": 0},
            "okved": {"type": "array", "items": {"type": "string", "pattern": PATTERN_RE.pattern}},
            "okved_in": {"type": "string", "description": "id of an official list in rules/lists/"},
            "okved_not_in": {"type": "string", "description": "id of an official list in rules/lists/"},
            "has_any": {"type": "array", "minItems": 1},
            "has_none": {"type": "array", "minItems": 1},
            "label": {"type": "string"},
        }
        ref = {"$ref": "#/$defs/condition"}
        return {
            "oneOf": [
                {"type": "object", "properties": leaf_props, "required": ["field"], "additionalProperties": False},
                {"type": "object", "properties": {"all": {"type": "array", "items": ref, "minItems": 1}},
                 "required": ["all"], "additionalProperties": False},
                {"type": "object", "properties": {"any": {"type": "array", "items": ref, "minItems": 1}},
                 "required": ["any"], "additionalProperties": False},
                {"type": "object", "properties": {"not": ref}, "required": ["not"], "additionalProperties": False},
            ]
        }
