"""The questionnaire engine: walk, answer, «не знаю», «назад», skipping, stale steps, parsing."""

from __future__ import annotations

from pathlib import Path

import pytest

from rules.data import Bundle, load_bundle
from rules.engine import Progress, StaleStep, parse_answer
from rules.errors import AnswerError
from rules.profile import fields_behind

MINI = Path(__file__).resolve().parents[1] / "fixtures" / "mini"


@pytest.fixture(scope="module")
def mini() -> Bundle:
    return load_bundle(MINI / "measures.yaml", MINI / "questionnaire.yaml")


def _run(bundle: Bundle, answers: dict[str, object]) -> tuple[list[str], Progress]:
    engine = bundle.engine
    progress = Progress()
    asked = []
    while (node := engine.current(progress)) is not None:
        asked.append(node.id)
        value = answers.get(node.field)
        progress = engine.skip(progress, node.id) if value is None else engine.answer(progress, node.id, value)
    return asked, progress


def test_individual_branch_skips_company_questions(mini: Bundle) -> None:
    asked, progress = _run(mini, {"needs": frozenset({"grant"}), "applicant_type": "individual",
                                  "is_student": True, "age_years": 20})
    assert asked == ["needs", "applicant", "student", "age"]
    assert progress.profile()["age_years"] == 20


def test_questions_that_cannot_change_any_verdict_are_skipped(mini: Bundle) -> None:
    # Not registered in Moscow: the club (and so its grant) is settled, only the loan is open.
    asked, _ = _run(mini, {"needs": frozenset({"grant", "loan"}), "applicant_type": "legal_entity",
                           "registered_in_moscow": False, "headcount": 10, "income_mln": 50})
    assert asked == ["needs", "applicant", "moscow", "headcount", "income"]


def test_needs_narrow_what_is_worth_asking(mini: Bundle) -> None:
    asked, _ = _run(mini, {"needs": frozenset({"loan"}), "applicant_type": "legal_entity",
                           "registered_in_moscow": True, "headcount": 10, "income_mln": 50})
    assert "okved" not in asked and "club" not in asked


def test_full_company_path_asks_each_open_field_once(mini: Bundle) -> None:
    answers = {"needs": frozenset({"grant"}), "applicant_type": "legal_entity", "registered_in_moscow": True,
               "headcount": 10, "income_mln": 50, "company_age_months": 24, "okved_main": "62.01",
               "sector": "electronics", "tax_debt": False, "mik_member": True}
    asked, progress = _run(mini, answers)
    assert asked == ["needs", "applicant", "moscow", "headcount", "income", "company_age", "okved", "sector",
                     "debt", "club"]
    assert len(set(asked)) == len(asked)
    assert progress.path == asked


def test_skip_back_and_position(mini: Bundle) -> None:
    engine = mini.engine
    progress = engine.answer(Progress(), "needs", frozenset({"grant"}))
    progress = engine.answer(progress, "applicant", "legal_entity")
    assert engine.position(progress)[0] == 3
    progress = engine.skip(progress, "moscow")
    assert progress.answers["registered_in_moscow"] is None
    progress = engine.back(progress)
    current = engine.current(progress)
    assert current is not None and current.id == "moscow"
    assert "registered_in_moscow" not in progress.answers
    number, total = engine.position(progress)
    assert number == 3 and total >= number


def test_required_question_cannot_be_skipped(mini: Bundle) -> None:
    progress = mini.engine.answer(Progress(), "needs", frozenset())
    with pytest.raises(AnswerError):
        mini.engine.skip(progress, "applicant")


def test_answer_to_a_question_that_is_not_current_is_stale(mini: Bundle) -> None:
    with pytest.raises(StaleStep):
        mini.engine.answer(Progress(), "headcount", 5)


def test_progress_round_trips_through_json_shape(mini: Bundle) -> None:
    progress = mini.engine.answer(Progress(), "needs", frozenset({"grant", "loan"}))
    again = Progress.from_dict(progress.to_dict())
    assert again == progress
    assert again.to_dict()["answers"]["needs"] == ["grant", "loan"]


def test_change_reopens_one_answer_and_drops_later_ones(mini: Bundle) -> None:
    _, progress = _run(mini, {"needs": frozenset({"grant"}), "applicant_type": "legal_entity",
                              "registered_in_moscow": True, "headcount": 10})
    changed = mini.engine.change(progress, "registered_in_moscow")
    current = mini.engine.current(changed)
    assert current is not None and current.id == "moscow"
    assert "headcount" not in changed.answers and changed.answers["applicant_type"] == "legal_entity"


def test_rebase_drops_answers_of_removed_questions(mini: Bundle) -> None:
    old = Progress({"needs": frozenset(), "applicant_type": "legal_entity", "stage": "idea"},
                   ["needs", "applicant", "gone"], "old")
    rebased = mini.engine.rebase(old)
    assert rebased.path == ["needs", "applicant"] and "stage" not in rebased.answers
    assert rebased.version == mini.questionnaire.version


@pytest.mark.parametrize(
    ("node_id", "text", "expected"),
    [("headcount", "25", 25), ("headcount", " 1 200 чел.", 1200), ("income", "85,5", 85.5),
     ("income", "120 млн", 120.0), ("okved", "26,51", "26.51")],
)
def test_parse_typed_answers(mini: Bundle, node_id: str, text: str, expected: object) -> None:
    assert parse_answer(mini.questionnaire.nodes[node_id], text) == expected


@pytest.mark.parametrize(
    ("node_id", "text"),
    [("headcount", "много"), ("headcount", "2.5"), ("headcount", "-3"), ("income", "😀"), ("okved", "abc"),
     ("headcount", "9" * 20), ("needs", "грант"), ("headcount", "")],
)
def test_bad_answers_get_a_polite_reask(mini: Bundle, node_id: str, text: str) -> None:
    with pytest.raises(AnswerError) as info:
        parse_answer(mini.questionnaire.nodes[node_id], text)
    assert str(info.value)


def test_shipped_questionnaire_reaches_every_field_the_catalogue_uses(bundle: Bundle) -> None:
    asked = {node.field for node in bundle.questionnaire.nodes.values()}
    unreachable = {f for f in bundle.catalogue.used_fields() if not set(fields_behind(f)) & asked}
    assert not unreachable


def test_prune_drops_answers_of_a_branch_the_user_left(mini: Bundle) -> None:
    _, company = _run(mini, {"needs": frozenset({"grant"}), "applicant_type": "legal_entity",
                             "registered_in_moscow": True, "headcount": 10, "income_mln": 50})
    assert company.answers["headcount"] == 10
    # /profile: the user now says they are an individual — the company branch is left behind
    switched = Progress({**company.answers, "applicant_type": "individual"}, company.path, company.version)
    pruned = mini.engine.prune(switched)
    assert "headcount" not in pruned.answers and "registered_in_moscow" not in pruned.answers
    assert pruned.answers["applicant_type"] == "individual"
    assert pruned.path == ["needs", "applicant"]
    assert mini.engine.prune(pruned) == pruned
