"""The loaded data the bot works with, swappable at run time (a reload replaces the bundle).

Buttons refer to questions by their index in the questionnaire (short callback data); the
index is only meaningful together with the questionnaire version the button also carries.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Hashable
from dataclasses import dataclass, field
from typing import Any

from rules.catalogue import Catalogue, Measure
from rules.data import Bundle
from rules.engine import Progress, QuestionnaireEngine
from rules.questionnaire import Node_, Questionnaire

STEP_CACHE_SIZE = 4096


def _frozen(value: Any) -> Hashable:
    if isinstance(value, (list, set, frozenset, tuple)):
        return frozenset(value)
    return value  # type: ignore[no-any-return]


@dataclass
class Domain:
    bundle: Bundle
    _order: list[str] = field(default_factory=list, init=False, repr=False)
    _index: dict[str, int] = field(default_factory=dict, init=False, repr=False)
    _steps: OrderedDict[Hashable, tuple[Node_ | None, int, int]] = field(
        default_factory=OrderedDict, init=False, repr=False
    )

    def __post_init__(self) -> None:
        self.replace(self.bundle)

    def replace(self, bundle: Bundle) -> None:
        """Swap in a newly loaded bundle (reload); old buttons then read as stale."""
        self.bundle = bundle
        self._steps = OrderedDict()
        self._order = list(bundle.questionnaire.nodes)
        self._index = {node_id: i for i, node_id in enumerate(self._order)}

    @property
    def catalogue(self) -> Catalogue:
        return self.bundle.catalogue

    @property
    def questionnaire(self) -> Questionnaire:
        return self.bundle.questionnaire

    @property
    def engine(self) -> QuestionnaireEngine:
        return self.bundle.engine

    @property
    def version(self) -> str:
        """The questionnaire version buttons carry."""
        return self.questionnaire.version

    def node_index(self, node: Node_) -> int:
        return self._index[node.id]

    def node_at(self, version: str, index: int) -> Node_ | None:
        """The node a button points at, or None if the button is from another version or forged."""
        if version != self.version or not 0 <= index < len(self._order):
            return None
        return self.questionnaire.nodes[self._order[index]]

    def step(self, progress: Progress) -> tuple[Node_ | None, int, int]:
        """(current question, its number, estimated total) — memoised per answer state.

        The engine walks the tree and re-evaluates open conditions for each; the estimate walks
        it once per remaining question. Users with the same answers so far (everyone at the
        first question, many at the next few) share one computation; a reload clears the memo.
        """
        key = (
            self.version,
            frozenset((name, _frozen(value)) for name, value in progress.answers.items()),
            tuple(progress.path),
        )
        hit = self._steps.get(key)
        if hit is not None:
            self._steps.move_to_end(key)
            return hit
        node, asked, total = self.engine.step(progress)
        self._steps[key] = (node, asked, total)
        if len(self._steps) > STEP_CACHE_SIZE:
            self._steps.popitem(last=False)
        return node, asked, total

    def measure(self, measure_id: str) -> Measure | None:
        return self.catalogue.by_id.get(measure_id)
