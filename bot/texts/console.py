"""Russian words of the offline console (``navigator console``, ``ask``, ``match``): the interview
in a terminal, its ИНН step and the free-text search's answer."""

from __future__ import annotations

# --- what the user may type -----------------------------------------------------------------
SKIP_WORDS = {"?", "не знаю", "незнаю", "хз", "skip"}
BACK_WORDS = {"<", "назад", "back"}
QUIT_WORDS = {"q", "выход", "quit", "exit"}
YES = {"1", "да", "д", "yes", "y", "+"}
NO = {"2", "нет", "н", "no", "n", "-"}
GROUP_LETTERS = "абвгдежзиклм"  # groups of «Ещё подходит вам», in screen order
INELIGIBLE_LETTER = "н"  # «Не подходит»
NOTHING_WORDS = {"0", "-", "ничего", "нет", "никакими", "ничем"}
INN_SKIP_WORDS = {"?", "-", "пропустить", "не знаю"}
INN_YES = {"1", "да", "д", "y", "yes"}
INN_NO = {"2", "нет", "н", "n", "no", ""}

# --- the interview --------------------------------------------------------------------------
GREETING = "Навигатор по мерам поддержки бизнеса Москвы — офлайн-версия бота."
HOW_TO_ANSWER = ("Отвечайте номером варианта (несколько — через запятую, «0» — ничего из списка), «?» — не знаю, "
                 "«<» — назад, «q» — выход.")
YES_NO_LABELS = ["Да", "Нет"]
GOODBYE = "До встречи! Ответы в офлайн-режиме не сохраняются."
FIRST_QUESTION = "Это первый вопрос, назад некуда."
ANSWER_YES_NO = "Ответьте 1 (да) или 2 (нет), или «?» — не знаю."
RESULTS_HEADER = "Готово. Вот что подходит вашей компании:"
OPEN_CARD = "Номер — открыть меру из списка; буква — открыть группу; Enter или «q» — выход."
THANKS = "Спасибо! В Telegram-боте можно сохранить меры в «Мой план» и задать вопрос консультанту ЦКР."
NO_SUCH_NUMBER = "Нет такого номера или буквы в списке."
ENTER_NUMBER = "Введите номер варианта."
ONE_OPTION = "Здесь нужен один вариант."


def question_line(number: int, total: int, text: str) -> str:
    return f"Вопрос {number} из ~{total}. {text}"


def no_such_option(part: str, count: int) -> str:
    return f"Нет варианта «{part}». Введите номер от 1 до {count}."


# --- the ИНН step ---------------------------------------------------------------------------
INN_PROMPT = "Знаете ИНН? Введите — заполним анкету сами (Enter — пропустить)."
INN_CONFIRM_PROMPT = "Всё верно? 1 — да, 2 — нет"
INN_NOT_LOADED = (
    "Реестр МСП не загружен (navigator registry import …), поэтому анкету по ИНН заполнить "
    "не получится — продолжим с вопросами."
)
INN_CONFIRMED = "Записали — эти вопросы пропустим."
INN_REJECTED = "Хорошо, спросим эти данные в анкете."

# --- ask: the free-text search --------------------------------------------------------------
VERDICT_WORDS = {"eligible": "подходит", "possible": "возможно подходит", "ineligible": "не подходит"}
NOTHING_FOUND = "Ничего не нашлось. Попробуйте сказать иначе или спросите консультанта."
NOT_IT = "Если это не то — задайте вопрос консультанту, он ответит лично."


def faq_line(number: int, title: str, answer: str) -> str:
    return f"{number}. Вопрос: {title}\n   {answer}"


def project_line(number: int, project_id: str, title: str) -> str:
    return f"{number}. Проект партнёра №{project_id}: {title} (/projects в боте)"


def found_header(query: str) -> str:
    return f"По запросу «{query}» нашлось:"


def unsure_header(query: str) -> str:
    return f"Не уверен, что правильно понял «{query}». Ближе всего вот эти меры:"


# --- match ----------------------------------------------------------------------------------
def no_such_measure(measure_id: str) -> str:
    return f"\nНет меры с id {measure_id!r}."
