"""Every Russian sentence the entrepreneur sees, in one place (short, concrete, polite).

Texts are HTML for Telegram: anything that came from a user or a data file goes through
``escape`` before it is put here. Functions take plain values, never aiogram objects.
"""

from __future__ import annotations

from html import escape

WELCOME = (
    "Здравствуйте! Я навигатор по мерам поддержки бизнеса — федеральным и московским.\n\n"
    "Задам несколько коротких вопросов (около трёх минут) и покажу, какие гранты, льготные "
    "займы, субсидии и другие меры вам подходят, почему и что делать дальше."
)
CONSENT = (
    "Чтобы подобрать меры, мне нужно сохранить ваши ответы — это персональные данные. "
    "Мы обрабатываем их по закону № 152-ФЗ только для подбора мер и консультаций. "
    "Консультанты Центра кластерного развития отвечают вам здесь, в Telegram. "
    "Удалить все данные можно в любой момент командой /forget.\n\n"
    "Согласны на обработку данных?"
)
BUTTON_CONSENT_YES = "Согласен, начнём"
BUTTON_CONSENT_NO = "Не сейчас"
BUTTON_POLICY = "Как мы обрабатываем данные"
CONSENT_DECLINED = (
    "Хорошо, я ничего не сохраняю. Без согласия анкета недоступна, но вы можете посмотреть "
    "каталог мер — /measures — или просто написать вопрос. Передумаете — нажмите /start."
)
CONSENT_NEEDED = "Сначала нужно ваше согласие на обработку данных — без него я не сохраняю ответы."
POLICY_FALLBACK = (
    "Политика обработки персональных данных: храним только ответы анкеты и историю запросов, "
    "чтобы подбирать меры и передавать вопрос консультанту. Консультанты работают в Telegram. "
    "Команда /forget удаляет всё."
)

RESUME = "С возвращением! Продолжим с того места, где остановились."
MENU_DONE = "Анкета заполнена. Что дальше?"
BUTTON_SHOW_RESULTS = "Показать подходящие меры"
BUTTON_PROFILE = "Мои ответы"
BUTTON_RESTART = "Пройти анкету заново"
BUTTON_CATALOGUE = "Каталог мер"

# --- questionnaire --------------------------------------------------------------------
BUTTON_BACK = "← Назад"
BUTTON_DONT_KNOW = "Не знаю"
BUTTON_DONE = "Готово"
BUTTON_YES = "Да"
BUTTON_NO = "Нет"
TICK_ON = "✅ "
TICK_OFF = "▫️ "
TYPE_NUMBER = "Напишите число сообщением."
TYPE_TEXT = "Напишите ответ сообщением."
USE_BUTTONS = "Пожалуйста, выберите ответ кнопкой под вопросом."
# A typed «да»/«нет» answers a yes/no question like its buttons do.
TYPED_YES_NO = {"да": True, "нет": False}
ANSWER_FOR_EARLIER_QUESTION = (
    "Похоже, вы отвечали на предыдущий вопрос — тот ответ уже сохранён. "
    "Этот ответ не записан: ответьте, пожалуйста, на вопрос ниже."
)
ONLY_TEXT = "Я понимаю только текст и кнопки."
NOTHING_TO_GO_BACK = "Это первый вопрос — назад некуда."
NUMBER_REASK = "Не получилось прочитать число. Напишите, пожалуйста, только цифры, например: 25."
TOO_LONG_ANSWER = "Слишком длинный ответ. Напишите, пожалуйста, короче."


def progress_line(asked: int, total: int) -> str:
    total = max(total, asked)
    return f"Вопрос {asked} из ~{total}"


def question(progress: str, text: str, hint: str, typed_prompt: str) -> str:
    parts = [f"<i>{escape(progress)}</i>", "", f"<b>{escape(text)}</b>"]
    if hint:
        parts.append(f"<i>{escape(hint)}</i>")
    if typed_prompt:
        parts += ["", typed_prompt]
    return "\n".join(parts)


def reask(message: str) -> str:
    return escape(message)


def answered(question_text: str, answer: str) -> str:
    return f"{escape(question_text)}\n<b>→ {escape(answer)}</b>"


# --- results --------------------------------------------------------------------------
BUTTON_PREV = "←"
BUTTON_NEXT = "→"
BUTTON_CHANGE_ANSWERS = "Изменить ответы"
BUTTON_ASK_CONSULTANT = "Спросить консультанта"
BUTTON_BACK_TO_LIST = "← Назад к списку"


def page_footer(page: int, pages: int) -> str:
    return f"Страница {page + 1} из {pages}. Нажмите на номер, чтобы открыть меру."


# --- catalogue browsing ---------------------------------------------------------------
BROWSE_INTRO = "<b>Каталог мер</b>\nВыберите вид поддержки и уровень. Анкета для этого не нужна."
BROWSE_ALL_KINDS = "Все виды"
BROWSE_LEVELS = {"": "Все уровни", "moscow": "Москва", "federal": "Федеральные"}
BROWSE_EMPTY = "Таких мер в каталоге нет. Выберите другой вид или уровень."
BUTTON_BROWSE_FILTERS = "← К выбору вида"


def browse_header(kind_label: str, level_label: str, count: int) -> str:
    return f"<b>{escape(kind_label)} · {escape(level_label)}</b> — мер: {count}"


# --- card -----------------------------------------------------------------------------
MEASURE_GONE = "Этой меры больше нет в каталоге. Вот актуальный список."


# --- consultant -----------------------------------------------------------------------
CONSULTANT_SOON = (
    "Спасибо! Мы подключим консультанта Центра кластерного развития — он ответит здесь, в этом чате. "
    "Опишите, пожалуйста, ваш вопрос одним сообщением."
)


def consultant_about(measure_title: str) -> str:
    return f"Вопрос о мере «{escape(measure_title)}». {CONSULTANT_SOON}"


# --- profile --------------------------------------------------------------------------
PROFILE_EMPTY = "Вы ещё не ответили ни на один вопрос. Нажмите /start, чтобы начать."
PROFILE_TITLE = "<b>Ваши ответы</b>"
PROFILE_UNKNOWN = "не знаю"
PROFILE_NONE = "ничего"  # an empty multi-select answer
BUTTON_EDIT_ANSWER = "Изменить ответ"
BUTTON_RESET = "Начать заново"
CHOOSE_ANSWER_TO_EDIT = "Какой ответ изменить?"
RESET_CONFIRM = "Стереть все ответы и пройти анкету заново?"
BUTTON_RESET_YES = "Да, заново"
BUTTON_CANCEL = "Отмена"
CANCELLED = "Хорошо, ничего не меняю."
RESET_DONE = "Ответы стёрты. Начнём сначала."


def profile_line(label: str, value: str) -> str:
    return f"• {escape(label)}: <b>{escape(value)}</b>"


def rematched(counts: dict[str, int]) -> str:
    return (
        f"Ответ изменён. Теперь подходит: {counts.get('eligible', 0)}, возможно: {counts.get('possible', 0)}."
    )


# --- forget ---------------------------------------------------------------------------
FORGET_CONFIRM = (
    "Удалить все ваши данные?\n\n"
    "Удалим анкету и все ответы (включая ИНН и название компании), историю ответов и тексты "
    "ваших запросов. Обезличенная статистика (без вашего Telegram ID и текстов) останется. "
    "Отменить удаление нельзя."
)
BUTTON_FORGET_YES = "Да, удалить всё"
FORGET_NOTHING = "У нас нет ваших данных — удалять нечего."


def forget_done(answers: int, had_profile: bool, messages: int, events: int) -> str:
    lines = ["Готово, ваши данные удалены:"]
    if had_profile:
        lines.append("• анкета: ответы, ИНН и название компании, если вы их указывали;")
    lines.append(f"• история ответов: {answers};")
    if messages:
        lines.append(f"• сообщения в очереди отправки: {messages};")
    lines.append("• согласие на обработку данных и отметка, откуда вы пришли.")
    if events:
        lines.append(
            f"Обезличено записей статистики: {events} — в них больше нет вашего Telegram ID и текстов."
        )
    lines.append("Чтобы начать заново, нажмите /start.")
    return "\n".join(lines)


# --- free text, help, errors ------------------------------------------------------------
SEARCH_FOUND = "Вот что нашлось по вашему вопросу — нажмите номер, чтобы открыть карточку:"
SEARCH_NOT_SURE = (
    "Не уверен, что правильно понял вопрос. Возможно, вам подойдёт одно из этого — "
    "или задайте вопрос консультанту ЦКР:"
)
SEARCH_NOTHING = (
    "Не нашёл ответа на этот вопрос. Попробуйте сформулировать иначе, подберите меры по анкете — /start, "
    "или спросите консультанта ЦКР."
)
FREE_TEXT_FALLBACK = (
    "Я пока не умею отвечать на свободные вопросы. Посмотрите меры — /measures, "
    "подберите их по анкете — /start, или спросите консультанта — /consultant."
)
NON_TEXT = "Я понимаю текст и кнопки. Напишите вопрос словами или выберите команду в меню."
HELP = (
    "<b>Что я умею</b>\n"
    "/start — анкета и подбор мер поддержки\n"
    "/profile — ваши ответы: посмотреть, изменить, начать заново\n"
    "/measures — каталог мер по видам и уровням\n"
    "/events — мероприятия и конференции поставщиков на две недели вперёд\n"
    "/places — технопарки, площадки и центры коллективного пользования\n"
    "/projects — реестр проектов: найти партнёра или заказчика, добавить свой проект\n"
    "/consultant — вопрос консультанту Центра кластерного развития\n"
    "/alerts — сообщать о новых мерах, которые вам подходят\n"
    "/forget — удалить все ваши данные\n"
    "/help — эта подсказка\n\n"
    "Можно просто написать вопрос, например: «грант на оборудование»."
)
STALE_BUTTON = "Эта кнопка устарела"
STALE_BUTTON_LONG = "Эта кнопка устарела. Вот где мы сейчас:"
THROTTLED = "Слишком часто — подождите секунду."
ERROR = "Извините, что-то пошло не так. Ваши ответы сохранены — попробуйте ещё раз или нажмите /start."

COMMANDS = (
    ("start", "Подобрать меры поддержки"),
    ("measures", "Каталог мер"),
    ("events", "Мероприятия для кластеров"),
    ("places", "Технопарки и площадки"),
    ("projects", "Проекты и партнёры"),
    ("profile", "Мои ответы"),
    ("plan", "Мой план"),
    ("consultant", "Спросить консультанта"),
    ("alerts", "Оповещения о новых мерах"),
    ("help", "Что умеет бот"),
    ("forget", "Удалить мои данные"),
)
