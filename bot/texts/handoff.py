"""Russian words of the handoff: to the entrepreneur (polite, short) and to the consultants."""

from __future__ import annotations

from html import escape

# --- to the user ----------------------------------------------------------------------

ASK_QUESTION = (
    "Напишите вопрос консультанту Центра развития кластеров одним сообщением — он ответит здесь, "
    "в этом чате. Ваши ответы анкеты он увидит сам, повторять их не нужно."
)
BUTTON_SEND_AS_IS = "Отправить без вопроса"
BUTTON_CANCEL = "Отмена"
CANCELLED = "Хорошо, не отправляем. Вернуться к консультанту можно командой /consultant."
NEED_CONSENT = (
    "Чтобы передать вопрос консультанту, нужно ваше согласие на обработку данных. "
    "Нажмите /start — это займёт минуту."
)
UNAVAILABLE = (
    "Связь с консультантами сейчас не настроена. Напишите, пожалуйста, позже — "
    "или посмотрите подходящие меры: /start."
)
ONLY_TEXT_QUESTION = "Пожалуйста, опишите вопрос текстом. Фото и документы можно прислать следом."
RATE_THANKS = "Спасибо за оценку! Если хотите, напишите пару слов о консультации — или просто продолжайте."
COMMENT_THANKS = "Спасибо, передали ваш отзыв."
RATE_GONE = "Эта заявка уже недоступна."

# A ticket's subject when the user wrote no question; db.handoff.tickets writes the same word when it
# pseudonymises a subject taken from the user's text.
UNTITLED_SUBJECT = "вопрос"


def ask_about(measure_title: str) -> str:
    return (f"Вопрос о мере «{escape(measure_title)}». Напишите, что хотите уточнить, одним сообщением — "
            f"или отправьте консультанту саму меру, он разберётся.")


def ticket_opened(number: int, expectation: str, ask_company: bool = False) -> str:
    company = " Если удобно, напишите название компании — консультанту будет проще." if ask_company else ""
    return (f"Заявка №{number} передана консультанту. {escape(expectation)}\n\n"
            f"Пишите сюда, если хотите что-то добавить, — консультант увидит.{company}")


def already_open(number: int) -> str:
    return f"У вас уже открыта заявка №{number}. Просто напишите сюда — консультант увидит сообщение."


def claimed(number: int, name: str) -> str:
    return f"Вашу заявку №{number} взял консультант {escape(name)}. Ответ придёт в этот чат."


def closed(number: int) -> str:
    return f"Консультант закрыл заявку №{number}. Оцените, пожалуйста, помощь — от 1 до 5:"


def reopened(number: int) -> str:
    return f"Заявка №{number} снова открыта — консультант увидит ваше сообщение."


# --- to the consultants ---------------------------------------------------------------

BUTTON_TAKE = "Взять"
BUTTON_TRANSFER = "Передать"
BUTTON_CLOSE = "Закрыть"
NOT_A_CONSULTANT = "Эти кнопки — только для консультантов ЦКР."
ALREADY_TAKEN = "Заявку уже взял другой консультант."
TAKEN_BY_YOU = "Заявка ваша. Отвечайте прямо в этой теме."
NOT_CLAIMED = "Заявку ещё никто не взял — передавать нечего."
TRANSFERRED = "Заявка передана: её может взять другой консультант."
CLOSED_OK = "Заявка закрыта, пользователю отправлен запрос оценки."
ALREADY_CLOSED = "Заявка уже закрыта."
TICKET_GONE = "Заявка не найдена."
RELAY_ONLY_CONSULTANTS = "Пользователю отвечают только консультанты (CONSULTANT_IDS или администраторы группы)."
RELAY_CLOSED = "Заявка закрыта — сообщение пользователю не отправлено."
NOTE_KEPT = "Заметка сохранена, пользователь её не видит."
CONSULTANT_NO_NAME = "консультант"


def status_button(status: str, name: str | None) -> str:
    return {
        "new": "🆕 Новая — ждёт консультанта",
        "claimed": f"🟢 Взял: {name or 'консультант'}",
        "transferred": "🔁 Передана — ждёт консультанта",
        "closed": "✅ Закрыта",
    }[status]


def user_blocked(number: int) -> str:
    return (f"⚠️ Пользователь заявки №{number} заблокировал бота: ответы ему не доставляются. "
            f"Если он напишет снова, заявка оживёт.")


def topic_recreated(number: int) -> str:
    return f"♻️ Тема заявки №{number} была удалена — создана заново. Карточка заявки ниже."


def unclaimed_ping(number: int, minutes: int) -> str:
    return f"⏰ Заявка №{number} ждёт консультанта уже {minutes} мин. Нажмите «Взять» на карточке."


def transferred_notice(number: int, by: str) -> str:
    return f"🔁 {escape(by)} передал(а) заявку №{number}. Возьмите её кнопкой «Взять» на карточке."


def reopened_notice(number: int) -> str:
    return f"🔓 Пользователь написал после закрытия — заявка №{number} снова открыта."


def rating_notice(number: int, score: int) -> str:
    return f"⭐ Оценка заявки №{number}: {score} из 5."
