"""What changed between two catalogues: measures added, removed, and changed field by field.

Decisions:
- Fields are compared as canonical text, so the comparison and the admin's summary can never
  disagree. ``amount`` and ``window`` are split into their sub-fields (``amount.max_rub``,
  ``window.until``): «сумма выросла» is worth more to staff than «amount changed».
- Conditions are rendered canonically: the children of ``all``/``any`` are sorted, sets are
  sorted, so reordering a file changes nothing; only a real change of a criterion counts.
- The source line of a measure is not a field: moving a measure in the file is no change.
- ``fingerprint`` identifies one version of one measure (sha256 of its canonical fields); alerts
  key on it so a user hears about a given measure-version once, whichever instance sends.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Iterable
from dataclasses import dataclass, fields
from typing import Any

from rules.catalogue import KINDS, LEVELS, WINDOW_STATUSES, Amount, Catalogue, Measure, Window
from rules.conditions import LIST_OPERATORS, All, Condition, Leaf, Not

SKIPPED = frozenset({"line", "evaluate", "amount", "window"})
LABELS = {
    "title": "название",
    "operator": "оператор",
    "level": "уровень",
    "kind": "вид поддержки",
    "serves_needs": "задачи бизнеса",
    "summary": "описание",
    "how_to_apply": "как подать заявку",
    "apply_via": "куда подавать",
    "source_url": "источник",
    "last_verified": "дата проверки",
    "provenance": "достоверность",
    "eligibility": "условия (машинные)",
    "criteria_formal": "формальные критерии (текстом)",
    "criteria_expert": "критерии экспертизы",
    "requires": "сначала нужна мера",
    "status_field": "поле статуса",
    "clusters": "кластеры",
    "documents": "документы",
    "legal_basis": "правовое основание",
    "provenance_note": "что не подтверждено",
    "keywords": "ключевые слова",
    "synonyms": "синонимы",
    "amount": "размер поддержки",
    "amount.display": "размер (как показан)",
    "amount.max_rub": "максимум, ₽",
    "amount.min_rub": "минимум, ₽",
    "amount.per": "размер указан за",
    "amount.share": "доля затрат",
    "amount.cofinancing_share": "софинансирование",
    "amount.rate_pct": "ставка, %",
    "amount.term_months": "срок, мес.",
    "window.status": "приём заявок",
    "window.opens": "приём открывается",
    "window.until": "приём до",
    "window.note": "примечание к приёму",
}
# Changes that can turn a verdict or reopen an application: worth re-matching saved profiles.
MATCH_RELEVANT = frozenset({"eligibility", "criteria_formal", "requires", "status_field", "window.status", "window.opens", "window.until"})
_EMPTY = "—"
_VALUE_WIDTH = 120


def render_condition(condition: Condition | None) -> str:
    """Canonical one-line text of a condition tree; equal meaning gives equal text."""
    if condition is None:
        return _EMPTY
    if isinstance(condition, Leaf):
        if condition.op == "range":
            parts = []
            if condition.minimum is not None:
                parts.append(f"≥ {_number(condition.minimum)}")
            if condition.maximum is not None:
                parts.append(f"≤ {_number(condition.maximum)}")
            margin = f" (допуск {_number(condition.margin)})" if condition.margin else ""
            return f"{condition.field} {' и '.join(parts)}{margin}"
        value = condition.value
        if condition.op in LIST_OPERATORS:
            # The list's content is part of the criterion: a corrected list is a changed condition.
            digest = hashlib.sha256("\n".join(sorted(condition.codes)).encode("utf-8")).hexdigest()[:8]
            status = ", не подтверждён" if condition.unverified else ""
            return f"{condition.field} {condition.op} {value} ({len(condition.codes)} кодов, {digest}{status})"
        if isinstance(value, (set, frozenset)):
            shown = "[" + ", ".join(sorted(str(v) for v in value)) + "]"
        elif isinstance(value, tuple):
            shown = "[" + ", ".join(str(v) for v in value) + "]"
        elif isinstance(value, bool):
            shown = "да" if value else "нет"
        else:
            shown = str(value)
        return f"{condition.field} {condition.op} {shown}"
    if isinstance(condition, Not):
        return f"не ({render_condition(condition.child)})"
    word = "все" if isinstance(condition, All) else "любое"
    children = sorted(render_condition(child) for child in condition.children)
    return f"{word}({'; '.join(children)})"


def _number(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else str(value)


def _render(name: str, value: Any) -> str:
    if value is None or value == "" or value == () or value == frozenset():
        return _EMPTY
    if name == "eligibility":
        return render_condition(value)
    if name == "level":
        return str(LEVELS.get(value, value))
    if name == "kind":
        return str(KINDS.get(value, value))
    if name == "window.status":
        return str(WINDOW_STATUSES.get(value, value))
    if isinstance(value, bool):
        return "да" if value else "нет"
    if isinstance(value, (int, float)):
        return f"{int(value):,}".replace(",", " ") if float(value).is_integer() else str(value)
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, frozenset):
        return ", ".join(sorted(str(v) for v in value))
    if isinstance(value, tuple):
        return "; ".join(str(v) for v in value)
    return " ".join(str(value).split())


def measure_fields(measure: Measure) -> dict[str, str]:
    """Every comparable field of a measure as canonical text, ``amount``/``window`` flattened."""
    out: dict[str, str] = {}
    for spec in fields(measure):
        if spec.name in SKIPPED or spec.name == "id":
            continue
        out[spec.name] = _render(spec.name, getattr(measure, spec.name))
    out["amount"] = "есть" if measure.amount is not None else _EMPTY
    for part, cls in (("amount", Amount), ("window", Window)):
        value = getattr(measure, part)
        for spec in fields(cls):
            name = f"{part}.{spec.name}"
            out[name] = _render(name, getattr(value, spec.name) if value is not None else None)
    return out


def fingerprint(measure: Measure) -> str:
    """Short stable hash of one version of one measure (fields only, not its place in the file)."""
    text = "\n".join(f"{k}={v}" for k, v in sorted(measure_fields(measure).items()))
    return hashlib.sha256(f"{measure.id}\n{text}".encode()).hexdigest()[:12]


@dataclass(frozen=True, slots=True)
class FieldChange:
    name: str
    before: str
    after: str

    @property
    def label(self) -> str:
        return LABELS.get(self.name, self.name)


@dataclass(frozen=True, slots=True)
class MeasureChange:
    before: Measure
    after: Measure
    changes: tuple[FieldChange, ...]

    @property
    def id(self) -> str:
        return self.after.id

    @property
    def match_relevant(self) -> bool:
        """True if a saved profile's verdict or the application window may differ now."""
        return any(change.name in MATCH_RELEVANT for change in self.changes)


@dataclass(frozen=True, slots=True)
class CatalogueDiff:
    before_version: str
    after_version: str
    added: tuple[Measure, ...]
    removed: tuple[Measure, ...]
    changed: tuple[MeasureChange, ...]
    margins: tuple[FieldChange, ...] = ()

    @property
    def empty(self) -> bool:
        return not (self.added or self.removed or self.changed or self.margins)

    def summary(self, limit: int = 3500) -> str:
        """The admin's Russian summary (plain text; the caller escapes it for HTML)."""
        return summarise(self, limit)


def diff_catalogues(before: Catalogue, after: Catalogue) -> CatalogueDiff:
    """Measures added, removed and changed (field by field) from ``before`` to ``after``."""
    added = tuple(m for m in after.measures if m.id not in before.by_id)
    removed = tuple(m for m in before.measures if m.id not in after.by_id)
    changed: list[MeasureChange] = []
    for measure in after.measures:
        old = before.by_id.get(measure.id)
        if old is None:
            continue
        old_fields, new_fields = measure_fields(old), measure_fields(measure)
        changes = tuple(
            FieldChange(name, old_fields[name], new_fields[name])
            for name in new_fields
            if old_fields[name] != new_fields[name]
        )
        if changes:
            changed.append(MeasureChange(old, measure, changes))
    margins = tuple(
        FieldChange(f"margins.{name}", _render(name, before.margins.get(name)), _render(name, after.margins.get(name)))
        for name in sorted(set(before.margins) | set(after.margins))
        if before.margins.get(name) != after.margins.get(name)
    )
    return CatalogueDiff(before.version, after.version, added, removed, tuple(changed), margins)


def _short(text: str) -> str:
    return text if len(text) <= _VALUE_WIDTH else text[: _VALUE_WIDTH - 1] + "…"


def _titles(measures: Iterable[Measure]) -> list[str]:
    return [f"  • {m.title} ({m.id})" for m in measures]


def summarise(diff: CatalogueDiff, limit: int = 3500) -> str:
    """Russian text for the admin, cut at ``limit`` characters with a count of what was left out."""
    if diff.empty:
        return f"Каталог не изменился (версия {diff.after_version})."
    lines = [f"Каталог {diff.before_version or '—'} → {diff.after_version}: "
             f"добавлено {len(diff.added)}, удалено {len(diff.removed)}, изменено {len(diff.changed)}."]
    if diff.margins:  # first: a changed default margin also changes every condition that uses it
        lines += ["", "Допуски по умолчанию:"]
        lines += [f"  • {c.name.removeprefix('margins.')}: {c.before} → {c.after}" for c in diff.margins]
    if diff.added:
        lines += ["", "Добавлены:", *_titles(diff.added)]
    if diff.removed:
        lines += ["", "Удалены:", *_titles(diff.removed)]
    if diff.changed:
        lines += ["", "Изменены:"]
        for change in diff.changed:
            lines.append(f"  • {change.after.title} ({change.id}):")
            lines += [f"      {c.label}: {_short(c.before)} → {_short(c.after)}" for c in change.changes]
    out: list[str] = []
    used = 0
    for index, line in enumerate(lines):
        if used + len(line) + 1 > limit:
            out.append(f"… и ещё {len(lines) - index} строк(и); полный список — navigator check и git diff.")
            break
        out.append(line)
        used += len(line) + 1
    return "\n".join(out)
