"""`navigator console`: the whole entrepreneur dialogue in a terminal — offline, no token.

Same engine, same texts as the bot. Answers come from stdin one per line, so a script can drive
it (`printf '1\n2\n…' | navigator console`); when stdin is not a terminal each answer is echoed,
so the output reads as a transcript. Conventions: a number picks an option («1,3» for several;
«0» — none of them), «?» or «не знаю» skips, «<» or «назад» goes back, «q» quits.
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from typing import Any, TextIO

from bot.cli.data_files import add_data_arguments, load_or_report
from bot.services.journey import INN_STEP_FOR
from bot.texts import console as texts
from bot.texts.cards import card_text
from bot.texts.results import (
    INELIGIBLE,
    group_buttons,
    group_text,
    ineligible_text,
    relations_block,
    results_text,
)
from rules.data import Bundle
from rules.eligibility import Verdict, explain, match
from rules.engine import Progress, StaleStep, parse_answer
from rules.errors import AnswerError
from rules.presentation import Arrangement, arrange
from rules.questionnaire import Node_


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = sub.add_parser("console", help="пройти анкету в терминале, без Telegram")
    add_data_arguments(parser)
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    bundle = load_or_report(args.measures, args.questionnaire)
    if bundle is None:
        return 1
    return Console(bundle, sys.stdin, sys.stdout).run()


class Console:
    def __init__(self, bundle: Bundle, stdin: TextIO, stdout: TextIO) -> None:
        self.bundle = bundle
        self.engine = bundle.engine
        self.stdin = stdin
        self.stdout = stdout
        self.echo = not stdin.isatty()
        self.inn_offered = False

    def _inn_step(self, progress: Progress) -> Progress:
        """«Знаете ИНН?» — the bot's pre-fill from the local SME registry (bot.services.inn_prefill)."""
        from bot.cli.console_inn import ask_inn

        return ask_inn(self, progress)

    def say(self, text: str = "") -> None:
        print(text, file=self.stdout)

    def ask(self) -> str | None:
        self.stdout.write("> ")
        self.stdout.flush()
        line = self.stdin.readline()
        if not line:
            self.say()
            return None
        answer = line.rstrip("\n")
        if self.echo:
            self.say(answer)
        return answer.strip()

    def run(self) -> int:
        self.say(texts.GREETING)
        self.say(texts.HOW_TO_ANSWER)
        progress = Progress(version=self.bundle.questionnaire.version)
        while (node := self.engine.current(progress)) is not None:
            number, total = self.engine.position(progress)
            self.say()
            self.say(texts.question_line(number, total, node.text))
            if node.hint:
                self.say(f"  ({node.hint})")
            for index, label in enumerate(_labels(node), 1):
                self.say(f"  {index}) {label}")
            answer = self.ask()
            if answer is None or answer.lower() in texts.QUIT_WORDS:
                self.say(texts.GOODBYE)
                return 0
            try:
                progress = self._apply(node, progress, answer)
            except AnswerError as exc:
                self.say(str(exc))
            except StaleStep:  # pragma: no cover - the console always answers the current step
                continue
            if node.field == "applicant_type" and not self.inn_offered \
                    and progress.answers.get("applicant_type") in INN_STEP_FOR:
                self.inn_offered = True
                progress = self._inn_step(progress)
        self._show_results(progress)
        return 0

    def _apply(self, node: Node_, progress: Progress, answer: str) -> Progress:
        lowered = answer.lower()
        if lowered in texts.BACK_WORDS:
            if not progress.path:
                raise AnswerError(texts.FIRST_QUESTION)
            return self.engine.back(progress)
        if lowered in texts.SKIP_WORDS:
            return self.engine.skip(progress, node.id)
        return self.engine.answer(progress, node.id, self._value(node, answer))

    def _value(self, node: Node_, answer: str) -> Any:
        if node.kind == "yesno":
            if answer.lower() in texts.YES:
                return True
            if answer.lower() in texts.NO:
                return False
            raise AnswerError(texts.ANSWER_YES_NO)
        if node.kind in ("choice", "multi"):
            return _pick(node, answer)
        return parse_answer(node, answer)

    def _show_results(self, progress: Progress) -> None:
        """The bot's results screen in text: «Под ваш запрос», the groups of «Ещё подходит вам» by
        letter, «Не подходит» — then the best card; a number opens a card of the list on screen,
        a letter opens a group."""
        catalogue = self.bundle.catalogue
        today = dt.date.today()
        profile = progress.profile()
        results = match(catalogue, profile, today)
        arrangement = arrange(catalogue, results, profile.get("needs") or ())
        self.say()
        self.say(texts.RESULTS_HEADER)
        self.say()
        self.say(results_text(arrangement, html=False, today=today))
        buttons = group_buttons(arrangement)
        menu = {(texts.INELIGIBLE_LETTER if key == INELIGIBLE else letter): (key, label)
                for letter, (key, label) in zip(texts.GROUP_LETTERS, buttons, strict=False)}
        if arrangement.offered:
            for letter, (_, label) in menu.items():
                self.say(f"  {letter}) {label}")
        numbered = {str(i): e.lead.measure.id for i, e in enumerate(arrangement.top, 1)}
        top = arrangement.top[0].lead if arrangement.top else next(
            (r for r in results if r.verdict is not Verdict.INELIGIBLE), None)
        if top is None:
            return
        self.say()
        self.say("—" * 40)
        self.say(card_text(explain(catalogue, top.measure.id, profile, today), today=today))
        while True:
            self.say()
            self.say(texts.OPEN_CARD)
            answer = self.ask()
            if not answer or answer.lower() in texts.QUIT_WORDS:
                self.say(texts.THANKS)
                return
            if answer.lower() in menu:
                key = menu[answer.lower()][0]
                numbered = self._show_group(arrangement, key, profile, today)
                continue
            chosen = numbered.get(answer)
            if chosen is None:
                self.say(texts.NO_SUCH_NUMBER)
                continue
            self.say("—" * 40)
            self.say(card_text(explain(catalogue, chosen, profile, today), today=today))
            related = relations_block(catalogue, catalogue.by_id[chosen], {r.measure.id: r.verdict for r in results},
                                      html=False)
            if related:
                self.say()
                self.say(related)

    def _show_group(self, arrangement: Arrangement, key: str, profile: dict[str, Any],
                    today: dt.date) -> dict[str, str]:
        """A whole group (the console does not page), numbered from 1; returns number → measure id."""
        catalogue = self.bundle.catalogue
        self.say()
        if key == INELIGIBLE:
            items = [(i, r, explain(catalogue, r.measure.id, profile, today))
                     for i, r in enumerate(arrangement.ineligible, 1)]
            self.say(ineligible_text(items, len(items), html=False))
            return {str(i): r.measure.id for i, r, _ in items}
        group = arrangement.group(key)
        assert group is not None
        shown = list(enumerate(group.entries, 1))
        self.say(group_text(group, shown, arrangement.needs, html=False, today=today))
        return {str(i): e.lead.measure.id for i, e in shown}


def _labels(node: Node_) -> list[str]:
    if node.kind == "yesno":
        return list(texts.YES_NO_LABELS)
    return [option.label for option in node.options]


def _pick(node: Node_, answer: str) -> Any:
    if node.kind == "multi" and answer.lower() in texts.NOTHING_WORDS:
        return frozenset()
    parts = [p.strip() for p in answer.replace(";", ",").replace(" ", ",").split(",") if p.strip()]
    chosen: list[str] = []
    for part in parts:
        lowered = part.lower()
        found = [o.value for i, o in enumerate(node.options, 1)
                 if part == str(i) or lowered in (o.value.lower(), o.label.lower())]
        if not found:
            raise AnswerError(texts.no_such_option(part, len(node.options)))
        chosen.append(found[0])
    if not chosen:
        raise AnswerError(texts.ENTER_NUMBER)
    if node.kind == "choice":
        if len(chosen) > 1:
            raise AnswerError(texts.ONE_OPTION)
        return chosen[0]
    return frozenset(chosen)
