"""The typed profile state: what is stored comes back the same; junk in the JSON is dropped."""

from __future__ import annotations

from bot.services.profile_state import InnStep, ProfileState


def test_round_trip_keeps_every_key() -> None:
    state = ProfileState(
        inn=InnStep("confirm", "7707083893", "По данным реестра…", (("headcount", 12, "численность 12 чел."),)),
        editing="needs",
        list={"src": "results", "p": 1},
    )
    assert ProfileState.from_dict(state.to_dict()) == state


def test_junk_and_unknown_keys_are_dropped_not_trusted() -> None:
    raw = {"inn": {"stage": "hacked", "inn": 5}, "editing": 7, "list": "x", "foo": 1}
    assert ProfileState.from_dict(raw) == ProfileState()
    assert ProfileState.from_dict(None) == ProfileState()
    assert ProfileState.from_dict({"inn": {"stage": "ask", "items": [["a", 1]]}}).inn == InnStep("ask")


def test_open_steps_are_ask_and_confirm() -> None:
    assert InnStep("ask").open and InnStep("confirm").open and not InnStep("done").open
