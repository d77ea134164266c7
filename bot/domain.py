"""The loaded data the bot works with, swappable at run time (a reload replaces the bundle).

Buttons refer to questions by their index in the questionnaire (short callback data); the
index is only meaningful together with the questionnaire version the button also carries.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from rules.catalogue import Catalogue, Measure
from rules.data import Bundle
from rules.engine import QuestionnaireEngine
from rules.questionnaire import Node_, Questionnaire


@dataclass
class Domain:
    bundle: Bundle
    _order: list[str] = field(default_factory=list, init=False, repr=False)
    _index: dict[str, int] = field(default_factory=dict, init=False, repr=False)

    def __post_init__(self) -> None:
        self.replace(self.bundle)

    def replace(self, bundle: Bundle) -> None:
        """Swap in a newly loaded bundle (reload); old buttons then read as stale."""
        self.bundle = bundle
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

    def measure(self, measure_id: str) -> Measure | None:
        return self.catalogue.by_id.get(measure_id)
