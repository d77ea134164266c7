"""ИНН, ОГРН and ОГРНИП: format and check-digit validation.

The algorithms are the ФНС ones (research measures-domain §3.2–3.3), written here from the
weights, not copied from a library:

* ИНН of 10 digits (legal entity): one check digit, weights 2 4 10 3 5 9 4 6 8;
* ИНН of 12 digits (individual, ИП): two check digits, weights 7 2 4 10 3 5 9 4 6 8 and
  3 7 2 4 10 3 5 9 4 6 8;
  each check digit is (weighted sum mod 11) mod 10;
* ОГРН of 13 digits: (first 12 digits as a number mod 11) mod 10;
* ОГРНИП of 15 digits: (first 14 digits as a number mod 13) mod 10, i.e. the last digit of
  the remainder (a remainder of 11 or 12 gives 1 or 2 — a known slip of python-stdnum).

A check says *what* is wrong (length, non-digits, check digit) so the bot can re-ask in
plain Russian instead of a bare "неверно". Spaces and dashes that people type between groups
of digits are ignored. The ИНН's first digits are the region of *first* registration, never
the current one, so nothing here looks at them.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from operator import mul

_INN10_WEIGHTS = (2, 4, 10, 3, 5, 9, 4, 6, 8)
_INN12_WEIGHTS_1 = (7, 2, 4, 10, 3, 5, 9, 4, 6, 8)
_INN12_WEIGHTS_2 = (3, 7, 2, 4, 10, 3, 5, 9, 4, 6, 8)
_ASCII_DIGITS = frozenset("0123456789")
_SEPARATORS = str.maketrans("", "", " \t\u00a0\u202f-")


class IdentifierKind(StrEnum):
    """Which register number a string is (decided by its length)."""

    INN_LEGAL = "inn_legal"  # 10 digits, organisation
    INN_PERSON = "inn_person"  # 12 digits, individual or ИП
    OGRN = "ogrn"  # 13 digits, organisation
    OGRNIP = "ogrnip"  # 15 digits, ИП


class IdentifierProblem(StrEnum):
    """Why a string is not a valid identifier; each maps to its own re-ask message."""

    EMPTY = "empty"
    NOT_DIGITS = "not_digits"
    WRONG_LENGTH = "wrong_length"
    BAD_CHECK_DIGIT = "bad_check_digit"


@dataclass(frozen=True, slots=True)
class IdentifierCheck:
    """Outcome of a check: the normalised digits, the kind (if the length fits) and the problem."""

    value: str
    kind: IdentifierKind | None
    problem: IdentifierProblem | None

    @property
    def valid(self) -> bool:
        return self.problem is None


def _checksum(digits: str, weights: tuple[int, ...]) -> int:
    # map/mul keep the loop in C: the bulk import checks millions of ИНН.
    total: int = sum(map(mul, map(int, digits), weights))
    return total % 11 % 10


def inn_check_digits(first_digits: str) -> str:
    """The check digit(s) that complete 9 (legal) or 10 (person) leading ИНН digits."""
    if len(first_digits) == 9:
        return str(_checksum(first_digits, _INN10_WEIGHTS))
    if len(first_digits) == 10:
        c1 = _checksum(first_digits, _INN12_WEIGHTS_1)
        c2 = _checksum(first_digits + str(c1), _INN12_WEIGHTS_2)
        return f"{c1}{c2}"
    raise ValueError("an ИНН body has 9 or 10 digits")


def ogrn_check_digit(first_digits: str) -> str:
    """The check digit that completes 12 (ОГРН) or 14 (ОГРНИП) leading digits."""
    if len(first_digits) == 12:
        return str(int(first_digits) % 11 % 10)
    if len(first_digits) == 14:
        return str(int(first_digits) % 13 % 10)
    raise ValueError("an ОГРН body has 12 digits, an ОГРНИП body 14")


def normalise(text: str) -> str:
    """Drop the spaces and dashes people put between digit groups."""
    return text.strip().translate(_SEPARATORS)


def _check(text: str, lengths: dict[int, IdentifierKind], body: dict[int, int]) -> IdentifierCheck:
    value = normalise(text)
    if not value:
        return IdentifierCheck(value, None, IdentifierProblem.EMPTY)
    if not set(value) <= _ASCII_DIGITS:
        return IdentifierCheck(value, None, IdentifierProblem.NOT_DIGITS)
    kind = lengths.get(len(value))
    if kind is None:
        return IdentifierCheck(value, None, IdentifierProblem.WRONG_LENGTH)
    head, tail = value[: body[len(value)]], value[body[len(value)] :]
    is_inn = kind in (IdentifierKind.INN_LEGAL, IdentifierKind.INN_PERSON)
    expected = inn_check_digits(head) if is_inn else ogrn_check_digit(head)
    problem = None if tail == expected else IdentifierProblem.BAD_CHECK_DIGIT
    return IdentifierCheck(value, kind, problem)


_INN_LENGTHS = {10: IdentifierKind.INN_LEGAL, 12: IdentifierKind.INN_PERSON}
_OGRN_LENGTHS = {13: IdentifierKind.OGRN, 15: IdentifierKind.OGRNIP}
_BODY = {10: 9, 12: 10, 13: 12, 15: 14}


def check_inn(text: str) -> IdentifierCheck:
    """Validate an ИНН: 10 digits for an organisation, 12 for an individual or ИП."""
    return _check(text, _INN_LENGTHS, _BODY)


def check_ogrn(text: str) -> IdentifierCheck:
    """Validate an ОГРН (13 digits) or ОГРНИП (15 digits)."""
    return _check(text, _OGRN_LENGTHS, _BODY)


def check_identifier(text: str) -> IdentifierCheck:
    """Validate any of the four, chosen by length (10/12 → ИНН, 13/15 → ОГРН/ОГРНИП)."""
    return _check(text, {**_INN_LENGTHS, **_OGRN_LENGTHS}, _BODY)


def is_valid_inn(text: str) -> bool:
    return check_inn(text).valid


def reask_message(check: IdentifierCheck, *, what: str = "ИНН") -> str:
    """A short Russian message that says what is wrong and asks again; empty if valid."""
    problem = check.problem
    if problem is None:
        return ""
    if problem is IdentifierProblem.EMPTY:
        return f"Пришлите, пожалуйста, {what} — только цифры."
    if problem is IdentifierProblem.NOT_DIGITS:
        return f"В {what} бывают только цифры. Пришлите его без букв и других знаков."
    if problem is IdentifierProblem.WRONG_LENGTH:
        hint = (
            "у компании 10 цифр, у ИП и физлица — 12"
            if what == "ИНН"
            else "у ОГРН компании 13 цифр, у ОГРНИП — 15"
        )
        return f"В {what} {hint}, а сейчас {len(check.value)} {_digits_word(len(check.value))}. Проверьте, пожалуйста."
    return f"Похоже, в {what} опечатка: не сходится контрольная цифра. Проверьте номер и пришлите ещё раз."


def _digits_word(n: int) -> str:
    if n % 10 == 1 and n % 100 != 11:
        return "цифра"
    if n % 10 in (2, 3, 4) and n % 100 not in (12, 13, 14):
        return "цифры"
    return "цифр"
