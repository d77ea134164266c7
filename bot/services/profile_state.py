"""The profile's conversation state (``profiles.state`` JSON), typed: every key lives here.

The questionnaire's answers and progress have their own columns; ``state`` keeps what the bot
needs to resume a screen after a restart or a stale button:

- ``inn``: the ИНН pre-fill step (``ask`` → ``confirm`` → ``done``), with what was found;
- ``editing``: the question id being changed from /profile (after it, the user returns there);
- ``list``: where «Назад к списку» leads (a results page or a catalogue filter);
- ``shown``: the id of the question last *delivered* to the user (recorded after Telegram accepted
  the message). A typed answer is bound to it: if the current question is another one — the
  reply with the next question was lost (kill -9 after the answer was saved) — the answer is
  not applied to a field the user never saw; the current question is asked again.

Unknown keys in stored JSON are dropped on read: the schema is this module, not the database.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Any, Literal

InnStage = Literal["ask", "confirm", "done"]
INN_STAGES: tuple[str, ...] = ("ask", "confirm", "done")


@dataclass(frozen=True, slots=True)
class InnStep:
    """«Знаете ИНН?»: the stage, the ИНН typed, the summary shown and the values offered."""

    stage: InnStage
    inn: str | None = None
    text: str = ""
    items: tuple[tuple[str, Any, str], ...] = ()  # (field, value, label) offered for confirmation

    @property
    def open(self) -> bool:
        return self.stage in ("ask", "confirm")

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"stage": self.stage}
        if self.inn:
            out["inn"] = self.inn
        if self.text:
            out["text"] = self.text
        if self.items:
            out["items"] = [list(item) for item in self.items]
        return out

    @classmethod
    def from_dict(cls, raw: Any) -> InnStep | None:
        if not isinstance(raw, dict) or raw.get("stage") not in INN_STAGES:
            return None
        items = tuple((str(i[0]), i[1], str(i[2])) for i in raw.get("items", ()) if isinstance(i, list | tuple)
                      and len(i) == 3)
        inn = raw.get("inn")
        return cls(raw["stage"], inn if isinstance(inn, str) else None, str(raw.get("text", "")), items)


@dataclass(frozen=True, slots=True)
class ProfileState:
    inn: InnStep | None = None
    editing: str | None = None
    list: dict[str, Any] | None = field(default=None)
    shown: str | None = None

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {}
        if self.inn is not None:
            out["inn"] = self.inn.to_dict()
        if self.editing:
            out["editing"] = self.editing
        if self.list is not None:
            out["list"] = self.list
        if self.shown:
            out["shown"] = self.shown
        return out

    @classmethod
    def from_dict(cls, raw: Any) -> ProfileState:
        if not isinstance(raw, dict):
            return cls()
        editing = raw.get("editing")
        where = raw.get("list")
        shown = raw.get("shown")
        return cls(InnStep.from_dict(raw.get("inn")), editing if isinstance(editing, str) else None,
                   where if isinstance(where, dict) else None, shown if isinstance(shown, str) else None)

    def with_(self, **changes: Any) -> ProfileState:
        return replace(self, **changes)
