"""Reading a profile from a YAML/JSON file (``navigator match --profile``, test cases).

A profile file is validated like every other data file: an unknown field, a value outside the
field's domain or an unquoted ОКВЭД code is a located problem, not a silent "unknown".
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from yaml.nodes import Node

from rules.catalogue import Catalogue
from rules.errors import DataError
from rules.identifiers import check_inn
from rules.okved import OKVED_RE
from rules.profile import FIELDS, FieldType, ProfileField
from rules.schema import INVALID, Bool, Choice, Key, ListOf, Number, Reader, Record, Spec, Str, compose_file


class _Inn(Str):
    def read(self, node: Node, reader: Reader, path: str) -> Any:
        value = super().read(node, reader, path)
        if value is INVALID:
            return INVALID
        if not check_inn(value).valid:
            return reader.error(node, f"{value!r} is not a valid ИНН", path, hint="10 or 12 digits with check digits")
        return value


def field_spec(spec: ProfileField, measure_ids: frozenset[str]) -> Spec:
    if spec.type is FieldType.BOOL:
        return Bool()
    if spec.type in (FieldType.INT, FieldType.NUMBER):
        return Number(integer=spec.type is FieldType.INT, minimum=spec.minimum, maximum=spec.maximum)
    if spec.type is FieldType.ENUM:
        return Choice(tuple(spec.values))
    if spec.type is FieldType.SET:
        values = tuple(spec.values) if spec.values else tuple(sorted(measure_ids))
        return ListOf(Choice(values) if values else Str(), unique=True)
    if spec.type is FieldType.OKVED:
        return Str(pattern=OKVED_RE.pattern.strip("^$"), hint='quote the code: "26.51"')
    if spec.type is FieldType.INN:
        return _Inn()
    return Str()


def profile_spec(catalogue: Catalogue | None) -> Record:
    ids = frozenset(catalogue.by_id) if catalogue else frozenset()
    return Record({name: Key(field_spec(spec, ids), description=spec.label) for name, spec in FIELDS.items()},
                  name="profile")


def read_profile_node(node: Node, reader: Reader, path: str, catalogue: Catalogue | None) -> Any:
    value = profile_spec(catalogue).read(node, reader, path)
    if value is INVALID:
        return INVALID
    return {k: frozenset(v) if isinstance(v, list) else v for k, v in value.items()}


def load_profile(path: str | Path, catalogue: Catalogue | None = None) -> Mapping[str, Any]:
    root, problems = compose_file(str(path))
    reader = Reader(str(path), problems)
    if root is None:
        raise DataError(problems)
    profile = read_profile_node(root, reader, "", catalogue)
    reader.raise_if_errors()
    assert isinstance(profile, dict)
    return profile
