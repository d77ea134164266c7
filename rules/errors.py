"""One error tree for data problems: every message names the file, line, column and dotted path.

Loaders collect *all* problems of a file before raising, so staff fix a file in one pass
(OpenFisca's habit): ``DataError.problems`` holds them in file order.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True, slots=True)
class Problem:
    """One thing wrong with a data file, located and explained."""

    file: str
    line: int
    column: int
    message: str
    path: str = ""
    allowed: str = ""
    hint: str = ""
    severity: str = "error"  # error | warning

    def __str__(self) -> str:
        details = []
        if self.path:
            details.append(f"path: {self.path}")
        if self.allowed:
            details.append(f"allowed: {self.allowed}")
        if self.hint:
            details.append(f"hint: {self.hint}")
        tail = f" ({'; '.join(details)})" if details else ""
        prefix = "warning: " if self.severity == "warning" else ""
        return f"{self.file}:{self.line}:{self.column}: {prefix}{self.message}{tail}"


@dataclass
class DataError(Exception):
    """Raised when a data file (catalogue, questionnaire, profile, FAQ …) is invalid."""

    problems: list[Problem] = field(default_factory=list)

    def __str__(self) -> str:
        return "\n".join(str(p) for p in self.problems)


class AnswerError(ValueError):
    """A user's answer cannot be accepted; ``str(exc)`` is a polite Russian re-ask."""
