"""ИНН / ОГРН / ОГРНИП validation against the research vectors and by property checks."""

from __future__ import annotations

import random

import pytest

from rules.identifiers import (
    IdentifierKind,
    IdentifierProblem,
    check_identifier,
    check_inn,
    check_ogrn,
    inn_check_digits,
    is_valid_inn,
    ogrn_check_digit,
    reask_message,
)

# measures-domain §3.2 / §3.3 and registry-prefill §4.4, all verified there by computation.
VALID_INN = [
    "7707083893",
    "7736050003",
    "1234567894",
    "123456789047",
    "500100732259",
    "7700000016",
    "7700000023",
    "500000000029",
    "770000000082",
]
INVALID_INN = ["1234567895", "123456789037"]
VALID_OGRN = ["1027700132195", "1022200525819", "1022500001325", "1027700000008", "1227700000010"]
VALID_OGRNIP = ["385768585948949", "304500116000157", "325500000000002", "323770000000006"]
INVALID_OGRN = ["1022500001328"]


@pytest.mark.parametrize("inn", VALID_INN)
def test_valid_inn(inn: str) -> None:
    result = check_inn(inn)
    assert result.valid and result.problem is None
    assert result.kind is (IdentifierKind.INN_LEGAL if len(inn) == 10 else IdentifierKind.INN_PERSON)
    assert reask_message(result) == ""


@pytest.mark.parametrize("inn", INVALID_INN)
def test_invalid_inn_check_digit(inn: str) -> None:
    result = check_inn(inn)
    assert not result.valid
    assert result.problem is IdentifierProblem.BAD_CHECK_DIGIT
    assert "контрольная цифра" in reask_message(result)


@pytest.mark.parametrize("ogrn", VALID_OGRN + VALID_OGRNIP)
def test_valid_ogrn(ogrn: str) -> None:
    result = check_ogrn(ogrn)
    assert result.valid
    assert result.kind is (IdentifierKind.OGRN if len(ogrn) == 13 else IdentifierKind.OGRNIP)


@pytest.mark.parametrize("ogrn", INVALID_OGRN)
def test_invalid_ogrn(ogrn: str) -> None:
    assert check_ogrn(ogrn).problem is IdentifierProblem.BAD_CHECK_DIGIT


def test_ogrnip_remainder_above_nine_keeps_last_digit() -> None:
    # The python-stdnum slip: base 35163758825986 leaves remainder 11 mod 13 → check digit 1.
    assert int("35163758825986") % 13 == 11
    assert ogrn_check_digit("35163758825986") == "1"
    assert check_ogrn("351637588259861").valid
    assert not check_ogrn("351637588259860").valid


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("", IdentifierProblem.EMPTY),
        ("   ", IdentifierProblem.EMPTY),
        ("77070838", IdentifierProblem.WRONG_LENGTH),
        ("77070838931", IdentifierProblem.WRONG_LENGTH),
        ("1027700132195", IdentifierProblem.WRONG_LENGTH),  # an ОГРН is not an ИНН
        ("770708389З", IdentifierProblem.NOT_DIGITS),  # Cyrillic З instead of 3
        ("７７０７０８３８９３", IdentifierProblem.NOT_DIGITS),  # full-width digits are not ASCII
        ("ИНН7707083893", IdentifierProblem.NOT_DIGITS),
    ],
)
def test_inn_problems(text: str, problem: IdentifierProblem) -> None:
    result = check_inn(text)
    assert result.problem is problem
    assert reask_message(result)


def test_separators_are_ignored() -> None:
    assert check_inn(" 77 07-083893 ").value == "7707083893"
    assert check_inn("7707\u00a0083893").valid


def test_wrong_length_message_names_the_count() -> None:
    message = reask_message(check_inn("770708389"))
    assert "9 цифр" in message and "10" in message and "12" in message
    assert "22 цифры" in reask_message(check_inn("1" * 22))
    assert "21 цифра" in reask_message(check_inn("1" * 21))


def test_check_identifier_dispatches_by_length() -> None:
    assert check_identifier("7707083893").kind is IdentifierKind.INN_LEGAL
    assert check_identifier("500100732259").kind is IdentifierKind.INN_PERSON
    assert check_identifier("1027700132195").kind is IdentifierKind.OGRN
    assert check_identifier("304500116000157").kind is IdentifierKind.OGRNIP
    assert check_identifier("12345678901234").problem is IdentifierProblem.WRONG_LENGTH
    assert check_ogrn("7707083893").problem is IdentifierProblem.WRONG_LENGTH


# --- property-style checks over many random bodies ---------------------------------------

RNG = random.Random(20260910)


def _random_digits(n: int) -> str:
    return "".join(RNG.choice("0123456789") for _ in range(n))


@pytest.mark.parametrize("body_len", [9, 10])
def test_completed_inn_is_valid_and_every_single_digit_change_of_a_check_digit_is_caught(
    body_len: int,
) -> None:
    for _ in range(500):
        body = _random_digits(body_len)
        inn = body + inn_check_digits(body)
        assert is_valid_inn(inn)
        # Exactly one value of each check digit is right: any other value is rejected.
        for pos in range(body_len, len(inn)):
            for d in "0123456789":
                if d != inn[pos]:
                    assert not is_valid_inn(inn[:pos] + d + inn[pos + 1 :])


@pytest.mark.parametrize("body_len", [12, 14])
def test_completed_ogrn_is_valid_and_other_check_digits_fail(body_len: int) -> None:
    for _ in range(500):
        body = str(RNG.randint(1, 9)) + _random_digits(body_len - 1)
        ogrn = body + ogrn_check_digit(body)
        assert check_ogrn(ogrn).valid
        assert sum(check_ogrn(body + d).valid for d in "0123456789") == 1


def test_inn_check_digit_matches_the_weighted_definition() -> None:
    # An independent restatement: the remainder 10 becomes 0.
    for _ in range(300):
        body = _random_digits(9)
        weights = (2, 4, 10, 3, 5, 9, 4, 6, 8)
        remainder = sum(int(d) * w for d, w in zip(body, weights, strict=True)) % 11
        assert inn_check_digits(body) == str(0 if remainder == 10 else remainder)


def test_most_single_digit_typos_in_the_body_are_caught() -> None:
    caught = total = 0
    for _ in range(300):
        body = _random_digits(9)
        inn = body + inn_check_digits(body)
        pos = RNG.randrange(9)
        wrong = str((int(inn[pos]) + RNG.randint(1, 9)) % 10)
        total += 1
        caught += not is_valid_inn(inn[:pos] + wrong + inn[pos + 1 :])
    assert caught / total > 0.8


def test_bodies_of_wrong_length_are_refused() -> None:
    with pytest.raises(ValueError):
        inn_check_digits("123")
    with pytest.raises(ValueError):
        ogrn_check_digit("123")
