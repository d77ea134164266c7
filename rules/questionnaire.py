"""The questionnaire rule tree (``rules/questionnaire.yaml``, DESIGN 3.4): model, schema, loader.

Every node sets exactly one answerable profile field. ``next`` is a node id or a list of
``{when: <condition>, goto: id}`` branches (first match wins, a bare ``{goto: id}`` is the
default). Cross-checks at load: dangling ``goto``, unreachable nodes, cycles, duplicate ids,
option values outside the field's domain, fields the catalogue needs that no node can set.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from yaml.nodes import Node, ScalarNode, SequenceNode

from rules.catalogue import Catalogue
from rules.condition_reader import ConditionSpec
from rules.conditions import Condition, Evaluator, Status, compile_condition, fields_of
from rules.profile import FIELDS, FieldType
from rules.schema import (
    INVALID,
    Bool,
    Choice,
    Key,
    ListOf,
    Reader,
    Record,
    Spec,
    Str,
    join_path,
    node_at,
    open_document,
    read_pairs,
)

END = "end"
KINDS: dict[str, tuple[FieldType, ...]] = {
    "choice": (FieldType.ENUM,),
    "multi": (FieldType.SET,),
    "yesno": (FieldType.BOOL,),
    "number": (FieldType.INT, FieldType.NUMBER),
    "text": (FieldType.TEXT,),
    "okved": (FieldType.OKVED,),
    "inn": (FieldType.INN,),
}
NODE_ID = r"[a-z][a-z0-9_]*"


@dataclass(frozen=True, slots=True)
class Option:
    value: str
    label: str


@dataclass(frozen=True, slots=True)
class Branch:
    goto: str
    when: Condition | None = None
    evaluate: Evaluator | None = field(default=None, compare=False, repr=False)

    def taken(self, profile: Mapping[str, Any]) -> bool:
        return self.evaluate is None or self.evaluate(profile) is Status.PASS


@dataclass(frozen=True, slots=True)
class Node_:
    """One question. ``options`` for choice/multi; yes/no options are implicit."""

    id: str
    field: str
    kind: str
    text: str
    next: tuple[Branch, ...]
    options: tuple[Option, ...] = ()
    hint: str = ""
    always_ask: bool = False
    required: bool = False
    line: int = 0

    def option_label(self, value: str) -> str:
        return next((o.label for o in self.options if o.value == value), value)


Question = Node_


@dataclass(frozen=True)
class Questionnaire:
    start: str
    nodes: Mapping[str, Node_]
    path: str
    version: str  # short hash: buttons carry it, so a button from an older tree is recognised

    def next_id(self, node: Node_, profile: Mapping[str, Any]) -> str:
        """The node after ``node`` for a (prepared) profile; unknown branch conditions don't match."""
        for branch in node.next:
            if branch.taken(profile):
                return branch.goto
        return END

    def branch_fields(self) -> frozenset[str]:
        out: set[str] = set()
        for node in self.nodes.values():
            for branch in node.next:
                if branch.when is not None:
                    out |= fields_of(branch.when)
        return frozenset(out)


@dataclass
class NextSpec(Spec):
    conditions: ConditionSpec

    def read(self, node: Node, reader: Reader, path: str) -> Any:
        if isinstance(node, ScalarNode):
            target = Str(pattern=NODE_ID + "|end").read(node, reader, path)
            return INVALID if target is INVALID else [(Branch(target), node)]
        if not isinstance(node, SequenceNode) or not node.value:
            return reader.error(node, "'next' is a node id or a non-empty list of {when, goto}", path)
        out = []
        for index, item in enumerate(node.value):
            item_path = join_path(path, index)
            pairs = read_pairs(item, reader, item_path, "branch")
            if not isinstance(pairs, list):
                return INVALID
            by_key = {k: (kn, vn) for k, kn, vn in pairs}
            for key, key_node, _ in pairs:
                if key not in ("when", "goto"):
                    reader.error(key_node, f"unknown key {key!r} in branch", join_path(item_path, key),
                                 allowed="when, goto")
                    return INVALID
            if "goto" not in by_key:
                return reader.error(item, "branch has no 'goto'", item_path)
            target = Str(pattern=NODE_ID + "|end").read(by_key["goto"][1], reader, join_path(item_path, "goto"))
            when = None
            if "when" in by_key:
                when = self.conditions.read(by_key["when"][1], reader, join_path(item_path, "when"))
            elif index != len(node.value) - 1:
                reader.error(item, "only the last branch may omit 'when'", item_path)
            if target is INVALID or when is INVALID:
                return INVALID
            out.append((Branch(target, when, compile_condition(when) if when else None), by_key["goto"][1]))
        return out

    def json(self) -> dict[str, Any]:
        return {
            "oneOf": [
                {"type": "string"},
                {"type": "array", "items": {"type": "object", "properties": {
                    "when": {"$ref": "#/$defs/condition"}, "goto": {"type": "string"}},
                    "required": ["goto"], "additionalProperties": False}},
            ]
        }


OPTION = Record({"value": Key(Str(), required=True), "label": Key(Str(max_length=64), required=True)}, name="option")


def node_spec(conditions: ConditionSpec) -> Record:
    return Record(
        {
            "id": Key(Str(pattern=NODE_ID, hint="lower-case latin with underscores"), required=True),
            "field": Key(Str(), required=True),
            "kind": Key(Choice(tuple(KINDS)), required=True),
            "text": Key(Str(max_length=1000), required=True),
            "hint": Key(Str(max_length=1000)),
            "options": Key(ListOf(OPTION, min_items=1)),
            "always_ask": Key(Bool()),
            "required": Key(Bool()),
            "next": Key(NextSpec(conditions), required=True),
        },
        name="question",
    )


def questionnaire_spec() -> Record:
    return Record({"start": Key(Str(), required=True),
                   "nodes": Key(ListOf(node_spec(ConditionSpec()), min_items=1), required=True)},
                  name="questionnaire")


def load_questionnaire(path: str | Path, catalogue: Catalogue, text: str | None = None, *,
                       catalogue_known: bool = True) -> Questionnaire:
    """Load, validate and cross-check the questionnaire against the catalogue it must serve.

    ``catalogue_known=False`` (the catalogue itself failed to load): only the questionnaire's own
    problems are reported — the checks against the catalogue (measure ids as option values, fields
    the measures use) would only repeat the catalogue's error as many consequences.
    """
    path = str(path)
    document = open_document(path, text, "questionnaire", ("start", "nodes"), ("start", "nodes"))
    reader, root = document.reader, document.root
    start = Str().read(document.sections["start"], reader, "start")
    items = document.items("nodes", node_spec(ConditionSpec(margins=catalogue.margins)))
    nodes: dict[str, Node_] = {}
    located: dict[str, tuple[Node, str]] = {}
    goto_nodes: dict[str, list[tuple[str, Node, str]]] = {}
    for item, item_node, item_path in items:
        if item["id"] in nodes:
            first = located[item["id"]][0].start_mark.line + 1
            reader.error(node_at(item_node, "id"), f"duplicate question id {item['id']!r} (first at line {first})",
                         join_path(item_path, "id"))
            continue
        question = _to_node(item, item_node, item_path, catalogue, reader, catalogue_known)
        if question is None:
            continue
        nodes[question.id] = question
        located[question.id] = (item_node, item_path)
        goto_nodes[question.id] = [(b.goto, n, join_path(item_path, "next")) for b, n in item["next"]]
    if start is not INVALID and start not in nodes and not reader.errors:
        reader.error(document.sections["start"], f"start names unknown question {start!r}", "start",
                     allowed=", ".join(nodes))
    reader.raise_if_errors()
    _cross_check(start, nodes, located, goto_nodes, catalogue, reader, root, catalogue_known)
    reader.raise_if_errors()
    return Questionnaire(start, nodes, path, document.version[:8])


def _to_node(item: dict[str, Any], node: Node, path: str, catalogue: Catalogue, reader: Reader,
             catalogue_known: bool = True) -> Node_ | None:
    name = item["field"]
    spec = FIELDS.get(name)
    where = join_path(path, "field")
    if spec is None:
        reader.error(node_at(node, "field"), f"unknown profile field {name!r}", where, allowed=", ".join(FIELDS))
        return None
    if not spec.askable:
        reader.error(node_at(node, "field"), f"{name!r} is derived, it cannot be asked", where,
                     hint=f"ask {', '.join(spec.derived_from)} instead")
        return None
    kind = item["kind"]
    if spec.type not in KINDS[kind]:
        fitting = [k for k, types in KINDS.items() if spec.type in types]
        reader.error(node_at(node, "kind"), f"kind {kind!r} does not fit {spec.type.value} field {name!r}",
                     join_path(path, "kind"), allowed=", ".join(fitting))
        return None
    options = tuple(Option(o["value"], o["label"]) for o in item.get("options", ()))
    if kind in ("choice", "multi"):
        if not options:
            reader.error(node, f"a {kind} question needs options", path)
            return None
        domain = set(spec.values) if spec.values else {m.id for m in catalogue.measures}
        ok = True
        for index, option in enumerate(options):
            if option.value not in domain and (spec.values or catalogue_known):
                reader.error(node_at(node, "options", index, "value"), f"{option.value!r} is not a value of {name!r}",
                             join_path(path, f"options[{index}].value"), allowed=", ".join(sorted(domain)))
                ok = False
        if not ok:
            return None
    elif options:
        reader.error(node_at(node, "options"), f"a {kind} question takes no options", join_path(path, "options"))
        return None
    return Node_(
        id=item["id"],
        field=name,
        kind=kind,
        text=item["text"],
        next=tuple(b for b, _ in item["next"]),
        options=options,
        hint=item.get("hint", ""),
        always_ask=item.get("always_ask", False),
        required=item.get("required", False),
        line=node.start_mark.line + 1,
    )


def _cross_check(start: str, nodes: dict[str, Node_], located: dict[str, tuple[Node, str]],
                 goto_nodes: dict[str, list[tuple[str, Node, str]]], catalogue: Catalogue, reader: Reader,
                 root: Node, catalogue_known: bool = True) -> None:
    for targets in goto_nodes.values():
        for target, target_node, path in targets:
            if target != END and target not in nodes:
                reader.error(target_node, f"goto names unknown question {target!r}", path,
                             allowed=", ".join([*nodes, END]))
    if reader.errors:
        return
    # cycles and reachability: depth-first from the start
    state: dict[str, int] = {}

    def visit(node_id: str, trail: list[str]) -> None:
        state[node_id] = 1
        for branch in nodes[node_id].next:
            target = branch.goto
            if target == END:
                continue
            if state.get(target) == 1:
                cycle = " → ".join([*trail[trail.index(target):], target])
                item_node, path = located[node_id]
                reader.error(node_at(item_node, "next"), f"questions form a cycle: {cycle}", join_path(path, "next"),
                             hint="the questionnaire must always move forward")
            elif target not in state:
                visit(target, [*trail, target])
        state[node_id] = 2

    visit(start, [start])
    for node_id, (item_node, path) in located.items():
        if node_id not in state:
            reader.error(item_node, f"question {node_id!r} is unreachable from {start!r}", path,
                         hint="point a 'next' or 'goto' at it, or remove it")
    asked = {n.field for n in nodes.values()}
    settable = set(asked)
    grown = True
    while grown:  # derivations over derived fields (used_measures → fsi_grants_received → received_fsi_support)
        grown = False
        for name, spec in FIELDS.items():
            if name not in settable and spec.derived and any(source in settable for source in spec.derived_from):
                settable.add(name)
                grown = True
    for name in sorted(catalogue.used_fields() - settable) if catalogue_known else ():
        reader.error(root, f"measures use field {name!r} but no question sets it", "nodes",
                     hint=f"add a question with field: {name}")
