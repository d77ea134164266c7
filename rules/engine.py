"""The questionnaire engine: which question comes next, answers, «не знаю», «назад», progress.

State is a plain, serialisable ``Progress`` (the database keeps it; the bot's FSM keeps only a
pointer). The engine asks a question only if its answer can still change some verdict: after
each answer it looks at every measure that is not settled yet and collects the fields whose
conditions are still open (``undecided_fields``). A node whose field is not among them is
skipped, unless it says ``always_ask`` or its field steers a branch of the tree.

When the user has said what they need, only measures serving those needs (and their gateways)
can make a question worth asking: ``needs`` never decides a verdict (DESIGN 3.1), but there is
no reason to ask about patents someone who wants a leasing subsidy. Other measures keep their
verdicts — typically «возможно» — and stay visible.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

from rules.catalogue import Catalogue
from rules.conditions import Status, trace_condition, undecided_fields
from rules.eligibility import Evaluation, Verdict, holds, prepare
from rules.errors import AnswerError
from rules.identifiers import check_inn, reask_message
from rules.okved import parse_okved
from rules.profile import FIELDS, FieldType, fields_behind
from rules.questionnaire import END, Node_, Questionnaire


@dataclass
class Progress:
    """What a user has answered so far. ``answers[field] = None`` means «не знаю»."""

    answers: dict[str, Any] = field(default_factory=dict)
    path: list[str] = field(default_factory=list)  # node ids answered, in order (for «назад»)
    version: str = ""  # questionnaire version the path refers to

    def to_dict(self) -> dict[str, Any]:
        answers = {k: sorted(v) if isinstance(v, (set, frozenset)) else v for k, v in self.answers.items()}
        return {"answers": answers, "path": list(self.path), "version": self.version}

    @classmethod
    def from_dict(cls, data: Mapping[str, Any] | None) -> Progress:
        if not data:
            return cls()
        answers = dict(data.get("answers", {}))
        for name, value in answers.items():
            spec = FIELDS.get(name)
            if spec is not None and spec.type is FieldType.SET and value is not None:
                answers[name] = frozenset(value)
        return cls(answers, list(data.get("path", [])), str(data.get("version", "")))

    def profile(self) -> dict[str, Any]:
        """The known answers (unknowns dropped) — what matching and the bot's /profile show."""
        return {k: v for k, v in self.answers.items() if v is not None}


class QuestionnaireEngine:
    """Walks one questionnaire for one catalogue. Stateless between calls; safe to share."""

    def __init__(self, questionnaire: Questionnaire, catalogue: Catalogue) -> None:
        self.questionnaire = questionnaire
        self.catalogue = catalogue
        self._steering = questionnaire.branch_fields()
        self._serving: dict[frozenset[str], set[str]] = {}

    # --- navigation ------------------------------------------------------------------

    def current(self, progress: Progress) -> Node_ | None:
        """The next question to ask, or ``None`` when the questionnaire is finished."""
        return self.step(progress)[0]

    def position(self, progress: Progress) -> tuple[int, int]:
        """(number of the current question, estimated total) for the progress line."""
        _, number, total = self.step(progress)
        return number, total

    def step(self, progress: Progress) -> tuple[Node_ | None, int, int]:
        """(next question or None, its number, estimated total) — one walk of the branch.

        The next question is the first node on the branch the answers choose that is unanswered
        and still worth asking. The estimate counts every such node as if each remaining answer
        were «не знаю» — an upper bound that shrinks as real answers come in: «не знаю» adds
        nothing to the profile, so relevance and branches stay as they are now.
        """
        profile = prepare(progress.answers)
        relevant = self.open_fields(profile)
        pending = [node for node in self._branch(profile)
                   if node.field not in progress.answers and self._worth_asking(node, profile, relevant)]
        asked = len(progress.path)
        if not pending:
            return None, asked, asked
        return pending[0], asked + 1, asked + len(pending)

    def _branch(self, profile: Mapping[str, Any]) -> Iterator[Node_]:
        """The nodes on the branch ``profile`` chooses, from the start, each at most once."""
        nodes = self.questionnaire.nodes
        node_id = self.questionnaire.start
        seen: set[str] = set()
        while node_id != END and node_id not in seen:
            seen.add(node_id)
            node = nodes[node_id]
            yield node
            node_id = self.questionnaire.next_id(node, profile)

    def _worth_asking(self, node: Node_, profile: Mapping[str, Any], relevant: set[str]) -> bool:
        if node.always_ask or node.required or node.field in self._steering:
            return True
        if node.field in profile:  # pre-filled (e.g. from the SME registry)
            return False
        return node.field in relevant

    def open_fields(self, profile: Mapping[str, Any]) -> set[str]:
        """Answerable fields whose answer could still change at least one verdict."""
        out: set[str] = set()
        needs = profile.get("needs")
        evaluation = Evaluation(self.catalogue, profile)
        for measure in self.catalogue.measures:
            if measure.id in profile.get("used_measures", ()):
                continue
            if needs and not self._serves(measure.id, needs):
                continue  # outside what the user looks for: its verdict stays as it is
            verdict, own = evaluation.verdict(measure)
            if verdict is Verdict.INELIGIBLE:
                continue  # settled: a failed condition or an unreachable gateway
            if own is Status.UNKNOWN and measure.eligibility is not None:
                out |= undecided_fields(trace_condition(measure.eligibility, profile))
            for gateway_id in measure.requires:
                gateway = self.catalogue.by_id[gateway_id]
                if gateway.status_field and gateway.status_field not in profile:
                    out.add(gateway.status_field)
                if not holds(gateway, profile) and gateway.eligibility is not None \
                        and gateway.evaluate(profile) is Status.UNKNOWN:
                    out |= undecided_fields(trace_condition(gateway.eligibility, profile))
        answerable: set[str] = set()
        for name in out:
            answerable.update(f for f in fields_behind(name) if f not in profile)
        return answerable

    def _serves(self, measure_id: str, needs: frozenset[str]) -> bool:
        """A measure serves the user's needs directly, or is a gateway to one that does."""
        cached = self._serving.get(needs)
        if cached is None:
            direct = {m.id for m in self.catalogue.measures if m.serves_needs & needs}
            cached = set(direct)
            frontier = list(direct)
            while frontier:
                for gateway in self.catalogue.by_id[frontier.pop()].requires:
                    if gateway not in cached:
                        cached.add(gateway)
                        frontier.append(gateway)
            self._serving[needs] = cached
        return measure_id in cached

    # --- answers ---------------------------------------------------------------------

    def answer(self, progress: Progress, node_id: str, value: Any) -> Progress:
        """Record an already parsed answer to ``node_id`` (which must be the current question)."""
        node = self._expect_current(progress, node_id)
        answers = dict(progress.answers)
        answers[node.field] = value
        return Progress(answers, [*progress.path, node.id], self.questionnaire.version)

    def skip(self, progress: Progress, node_id: str) -> Progress:
        """«Не знаю»: the field becomes a known unknown and the walk moves on."""
        node = self._expect_current(progress, node_id)
        if node.required:
            raise AnswerError("На этот вопрос нужен ответ, без него не получится подобрать меры.")
        return self.answer(progress, node_id, None)

    def back(self, progress: Progress) -> Progress:
        """«Назад»: forget the last answer and return to that question."""
        if not progress.path:
            return progress
        *path, last = progress.path
        answers = dict(progress.answers)
        node = self.questionnaire.nodes.get(last)
        if node is not None:
            answers.pop(node.field, None)
        return Progress(answers, path, self.questionnaire.version)

    def change(self, progress: Progress, field_name: str) -> Progress:
        """Re-open one answer (from /profile): drop it and everything answered after it."""
        nodes = self.questionnaire.nodes
        path = list(progress.path)
        answers = dict(progress.answers)
        for index, node_id in enumerate(path):
            if node_id in nodes and nodes[node_id].field == field_name:
                for dropped in path[index:]:
                    if dropped in nodes:
                        answers.pop(nodes[dropped].field, None)
                return Progress(answers, path[:index], self.questionnaire.version)
        answers.pop(field_name, None)
        return Progress(answers, path, self.questionnaire.version)

    def prune(self, progress: Progress) -> Progress:
        """Drop answers given on a branch the user has since left.

        After /profile changes an earlier answer (say, «компания» → «физлицо»), questions of the
        old branch are no longer on the walk; their answers must not keep deciding verdicts.
        Answers learned elsewhere (registry pre-fill) are not in the path and are kept.
        """
        nodes = self.questionnaire.nodes
        current = progress
        for _ in range(len(nodes)):
            on_walk = {node.id for node in self._branch(prepare(current.answers))}
            gone = [n for n in current.path if n not in on_walk]
            if not gone:
                return current
            answers = dict(current.answers)
            for node_id in gone:
                if node_id in nodes:
                    answers.pop(nodes[node_id].field, None)
            current = Progress(answers, [n for n in current.path if n in on_walk], current.version)
        return current

    def rebase(self, progress: Progress) -> Progress:
        """Carry progress over to a reloaded questionnaire: keep answers whose field still has a
        question, drop path entries for removed nodes; the walk then resumes at the nearest
        valid step, so a user mid-questionnaire is never stuck after a reload."""
        nodes = self.questionnaire.nodes
        asked = {n.field for n in nodes.values()}
        answers = {k: v for k, v in progress.answers.items() if k in asked or (k in FIELDS and FIELDS[k].derived)}
        path = [p for p in progress.path if p in nodes and nodes[p].field in answers]
        return Progress(answers, path, self.questionnaire.version)

    def _expect_current(self, progress: Progress, node_id: str) -> Node_:
        current = self.current(progress)
        if current is None or current.id != node_id:
            raise StaleStep(node_id)
        return current

    def is_finished(self, progress: Progress) -> bool:
        return self.current(progress) is None

    def prefill(self, progress: Progress, values: Mapping[str, Any]) -> Progress:
        """Add answers learned elsewhere (the SME registry); they are not in the path, so «назад»
        does not undo them, and questions on those fields are skipped."""
        answers = dict(progress.answers)
        for name, value in values.items():
            if name in FIELDS and value is not None:
                answers[name] = value
        return Progress(answers, list(progress.path), progress.version or self.questionnaire.version)


class StaleStep(Exception):
    """An answer arrived for a question that is not the current one (old button, double tap)."""


# --- parsing typed answers ----------------------------------------------------------

_NUMBER_RE = re.compile(r"^[-+]?\d+(?:[.,]\d+)?$")
_UNIT_WORDS = ("млн", "миллион", "миллиона", "миллионов", "руб", "рублей", "₽", "чел", "человек",
               "мес", "месяцев", "месяца", "месяц", "лет", "года", "год")


def parse_answer(node: Node_, text: str) -> Any:
    """Turn typed text into a value for ``node``'s field, or raise ``AnswerError`` with a re-ask."""
    spec = FIELDS[node.field]
    raw = " ".join(text.split())
    if not raw:
        raise AnswerError("Ответ пустой. Напишите, пожалуйста, ещё раз или нажмите «Не знаю».")
    if node.kind == "number":
        return _parse_number(raw, spec.type is FieldType.INT, spec.minimum, spec.maximum, spec.unit)
    if node.kind == "okved":
        code = parse_okved(raw.split()[0])
        if code is None:
            raise AnswerError("Это не похоже на код ОКВЭД. Пример: 26.51 или 62.01. "
                              "Код есть в выписке из ЕГРЮЛ/ЕГРИП.")
        return code
    if node.kind == "inn":
        check = check_inn(raw)
        if not check.valid:
            raise AnswerError(reask_message(check))
        return check.value
    if node.kind == "text":
        if len(raw) > 200:
            raise AnswerError("Слишком длинно. Хватит названия до 200 символов.")
        return raw
    if node.kind in ("choice", "yesno", "multi"):
        raise AnswerError("Выберите, пожалуйста, вариант кнопкой под вопросом.")
    raise AnswerError("Не получилось разобрать ответ.")  # pragma: no cover


def _parse_number(raw: str, integer: bool, minimum: float | None, maximum: float | None, unit: str) -> float:
    cleaned = raw.lower().replace("\u00a0", " ")
    for word in sorted(_UNIT_WORDS, key=len, reverse=True):
        cleaned = cleaned.replace(word, " ")
    cleaned = cleaned.replace(" ", "").rstrip(".")
    if not _NUMBER_RE.match(cleaned):
        example = "25" if integer else "120 или 85,5"
        raise AnswerError(f"Напишите, пожалуйста, одно число, например {example}.")
    value = float(cleaned.replace(",", "."))
    if integer and not value.is_integer():
        raise AnswerError("Нужно целое число, без дробной части.")
    if minimum is not None and value < minimum:
        raise AnswerError(f"Число не может быть меньше {minimum:g}.")
    if maximum is not None and value > maximum:
        raise AnswerError(f"Слишком большое число. Проверьте, пожалуйста{', единицы: ' + unit if unit else ''}.")
    return int(value) if integer else value


def option_values(node: Node_) -> Iterable[str]:
    if node.kind == "yesno":
        return ("yes", "no")
    return (o.value for o in node.options)
