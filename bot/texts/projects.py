"""Russian copy of the project registry, partner search, cooperation requests and customer requests."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from html import escape
from typing import Any

from bot.texts.ticket_card import profile_summary
from rules.partner_requests import CustomerRequest
from rules.profile import CLUSTERS, SECTORS
from rules.projects import OFFERS, SEEKS, STAGES, ProjectCard, ProjectInputError

MENU = ("<b>Проекты и партнёры</b>\n"
        "Здесь можно рассказать о своём проекте — ЦКР ведёт реестр проектов кластеров — "
        "и найти партнёров среди проектов других компаний. Контакты передаются только с согласия обеих сторон.")
BUTTON_ADD = "Добавить проект"
BUTTON_MINE = "Мои проекты"
BUTTON_FIND = "Найти партнёра"
BUTTON_SEARCH_TEXT = "Поиск по словам"
BUTTON_CANCEL = "Отмена"
BUTTON_SKIP = "Пропустить"
BUTTON_KEEP = "Оставить как есть"
BUTTON_DONE = "Готово"
BUTTON_SUBMIT = "Отправить на модерацию"
BUTTON_EDIT = "Изменить"
BUTTON_HIDE = "Скрыть из поиска"
BUTTON_SHOW = "Вернуть в поиск"
BUTTON_ARCHIVE = "В архив"
BUTTON_CURRENT = "Проект актуален"
BUTTON_COOPERATE = "Предложить сотрудничество"
BUTTON_ACCEPT = "Принять"
BUTTON_ACCEPT_CONTACT = "Принять, указать контакт"
BUTTON_DECLINE = "Отклонить"
BUTTON_BLOCK = "Отклонить и не присылать"
BUTTON_MEDIATE = "Через консультанта"
BUTTON_PUBLISH = "Опубликовать"
BUTTON_RETURN = "Вернуть на доработку"
BUTTON_REJECT = "Отклонить"
BUTTON_RESPOND = "Откликнуться"
BUTTON_ANY = "любой"
BUTTON_RESET = "Сбросить фильтры"
BUTTON_BACK = "Назад"
TOPIC_TITLE = "Модерация проектов"

NEED_CONSENT = "Чтобы добавить проект или написать владельцу, сначала дайте согласие на обработку данных: /start."
ASK_TITLE = "Как называется проект? Одна строка, без ссылок и эмодзи (5–120 символов)."
ASK_SUMMARY = "Что это за проект — в 2–3 предложениях (20–600 символов). Ссылку на сайт можно будет дать отдельно."
ASK_CLUSTER = "К какому кластеру относится проект?"
ASK_SECTOR = "Отрасль проекта?"
ASK_STAGE = "На какой стадии проект?"
ASK_SEEKS = "Кого вы ищете? Можно выбрать несколько, затем «Готово»."
ASK_OFFERS = "Что вы предлагаете партнёрам? Можно выбрать несколько или пропустить."
ASK_SITE = "Ссылка на сайт проекта (https://…) — или «Пропустить»."
ASK_MESSAGE = ("Коротко напишите владельцу, что вы предлагаете (10–500 символов, без контактов и ссылок). "
               "Ваши контакты он увидит, только если примет предложение.")
ASK_CONTACT = "Какой контакт передать партнёру? Телефон, e-mail или @username (до 100 символов)."
ASK_REASON = "Напишите причину одним сообщением — её получит владелец проекта."
ASK_SEARCH = "Опишите, какого партнёра или проект вы ищете, — например «композитные материалы для беспилотников»."
CANCELLED = "Хорошо, ничего не сохраняем."
ONLY_TEXT = "Пожалуйста, ответьте текстом."
NO_PROJECTS = "У вас пока нет проектов. Нажмите «Добавить проект»."
NOTHING_FOUND = "Опубликованных проектов по этим условиям пока нет. Попробуйте изменить фильтры."
NOTHING_FOUND_TEXT = "Не нашлось проектов по этому описанию. Попробуйте другими словами или фильтрами."
SUBMITTED = "Спасибо! Проект отправлен на модерацию в ЦКР. Мы сообщим, когда его опубликуют."
HIDDEN = "Проект скрыт из поиска. Вернуть его можно в «Мои проекты»."
SHOWN = "Проект снова виден в поиске."
ARCHIVED = "Проект перенесён в архив и больше не виден в поиске."
CONFIRMED = "Спасибо! Проект остаётся в реестре ещё на полгода."
SENT = "Предложение отправлено владельцу проекта. Если он согласится, вы оба получите контакты друг друга."
DECLINED_OWNER = "Вы отклонили предложение."
BLOCKED_OWNER = "Вы отклонили предложение; от этого пользователя предложений больше не будет."
ACCEPTED_OWNER = "Вы приняли предложение — контакты отправлены."
NOT_A_CONSULTANT = "Решения по проектам принимают только консультанты ЦКР."
UNCHANGED = "Ничего не изменилось."

REFUSALS = {
    "not_yours": "Это не ваш проект.",
    "gone": "Проект не найден — возможно, он удалён.",
    "stale": "Кнопка устарела: проект с тех пор изменился. Смотрите свежую карточку.",
    "already_published": "Проект уже опубликован.",
    "already_draft": "Проект уже возвращён на доработку.",
    "already_archived": "Проект уже в архиве.",
    "reason_needed": "Нужна причина — напишите её одним сообщением.",
    "not_published": "Этот проект сейчас не опубликован — предложение отправить нельзя.",
    "own_project": "Это ваш собственный проект.",
    "blocked": "Владелец проекта не принимает от вас предложения.",
    "pending": "Вы уже отправили предложение по этому проекту — дождитесь ответа владельца.",
    "user_limit": "Сегодня вы уже отправили много предложений. Попробуйте завтра.",
    "project_limit": "Этот проект сегодня получил много предложений. Попробуйте завтра.",
    "request_accepted": "Это предложение уже принято.",
    "request_declined": "Это предложение уже отклонено.",
    "request_mediated": "Этим предложением уже занимается консультант.",
    "request_closed": "Это предложение больше не действует.",
    "no_consultants": "Консультанты сейчас недоступны. Попробуйте позже.",
    "no_request": "Этот запрос заказчика больше не действует.",
    "unknown_cluster": "Такого кластера нет — выберите из списка.",
    "unknown_sector": "Такой отрасли нет — выберите из списка.",
    "unknown_stage": "Такой стадии нет — выберите из списка.",
    "unknown_seeks": "Выберите из списка, кого вы ищете.",
    "unknown_offers": "Выберите из списка, что вы предлагаете.",
    "choose_one": "Выберите хотя бы один вариант.",
}
INPUT = {
    "empty": "Пустой ответ. Напишите, пожалуйста, текстом.",
    "html": "Без HTML-разметки, пожалуйста, — просто текст.",
    "one_line": "Название — одной строкой.",
    "link_in_title": "В названии не должно быть ссылок и адресов. Ссылку на сайт можно дать на отдельном шаге.",
    "emoji_in_title": "В названии не нужны эмодзи — только слова.",
    "link_in_text": "Без ссылок и контактов в тексте, пожалуйста: контакты передаются только с согласия обеих сторон.",
    "bad_url": "Это не похоже на адрес сайта. Пример: https://example.ru",
}


def refusal(code: str) -> str:
    if code.startswith("message_"):
        return input_error(ProjectInputError(code.removeprefix("message_")))
    return REFUSALS.get(code, "Не получилось. Попробуйте ещё раз.")


def input_error(exc: ProjectInputError) -> str:
    if exc.code == "too_long":
        return f"Слишком длинно: {exc.actual} символов, можно до {exc.limit}. Сократите, пожалуйста."
    if exc.code == "too_short":
        return f"Слишком коротко: нужно хотя бы {exc.limit} символов."
    return INPUT.get(exc.code) or REFUSALS.get(exc.code, "Не получилось принять ответ. Попробуйте иначе.")


def _labels(values: Any, vocabulary: Mapping[str, str]) -> str:
    return ", ".join(vocabulary.get(v, v) for v in values) or "—"


def card_text(card: ProjectCard, *, status: str | None = None) -> str:
    """A project as other users see it: never the owner or a contact."""
    lines = [f"<b>{escape(card.title)}</b>", escape(card.summary), "",
             f"Кластер: {escape(CLUSTERS.get(card.cluster, card.cluster))}",
             f"Отрасль: {escape(SECTORS.get(card.sector, card.sector))}",
             f"Стадия: {escape(STAGES.get(card.stage, card.stage))}",
             f"Ищут: {escape(_labels(card.seeks, SEEKS))}"]
    if card.offers or card.offer_text:
        parts = [_labels(card.offers, OFFERS)] if card.offers else []
        parts += [card.offer_text] if card.offer_text else []
        lines.append(f"Предлагают: {escape('; '.join(parts))}")
    if card.site:
        lines.append(f"Сайт: {escape(card.site)}")
    if status:
        lines.append(f"\nСтатус: {STATUS_WORDS.get(status, status)}")
    return "\n".join(lines)


STATUS_WORDS = {"draft": "на доработке", "moderation": "на модерации", "published": "опубликован",
                "archived": "в архиве", "hidden": "опубликован, скрыт из поиска"}
PICK_FILTER = "Выберите значение фильтра:"


def return_note(reason: str) -> str:
    return f"\nЗамечание модератора: {escape(reason)}"


def mediating(ticket: int) -> str:
    return f"Консультант ЦКР займётся этим предложением (заявка №{ticket})."


def my_project_line(title: str, status: str, hidden: bool) -> str:
    state = "скрыт" if hidden and status == "published" else STATUS_WORDS.get(status, status)
    return f"{title[:40]} · {state}"


def draft_preview(data: Mapping[str, Any]) -> str:
    card = ProjectCard(0, data.get("title", ""), data.get("summary", ""), data.get("cluster", ""),
                       data.get("sector", ""), data.get("stage", ""), tuple(data.get("seeks", ())),
                       tuple(data.get("offers", ())), data.get("offer_text", ""), data.get("site", ""))
    return "<b>Проверьте проект перед отправкой</b>\n\n" + card_text(card)


def moderation_card(project_id: int, version: int, card: ProjectCard, profile: Mapping[str, Any],
                    resubmitted: bool) -> str:
    head = f"<b>Проект №{project_id}</b>, версия {version}" + (" (изменён владельцем)" if resubmitted else "")
    return "\n".join([head, "", card_text(card), "", "<b>Профиль владельца</b>", *profile_summary(profile)])


def moderation_status(action: str, who: str) -> str:
    words = {"publish": "опубликован", "return": "возвращён на доработку", "reject": "отклонён"}
    return f"Проект {words.get(action, action)} — {who}."


def owner_decided(title: str, action: str, reason: str | None) -> str:
    if action == "publish":
        return (f"Ваш проект «{escape(title)}» опубликован в реестре ЦКР и виден в поиске партнёров. "
                "Он будет в реестре полгода; перед сроком мы спросим, актуален ли он.")
    why = f"\nПричина: {escape(reason)}" if reason else ""
    if action == "return":
        return (f"Проект «{escape(title)}» вернули на доработку.{why}\n"
                "Исправьте его в /projects → «Мои проекты» → «Изменить».")
    return f"Проект «{escape(title)}» не прошёл модерацию.{why}"


def offer_text(title: str, message: str, profile: Mapping[str, Any]) -> str:
    return "\n".join([f"<b>Предложение о сотрудничестве</b> по проекту «{escape(title)}»", "",
                      escape(message), "", "<b>О компании</b>", *profile_summary(profile), "",
                      "Контакты друг друга вы получите, только если примете предложение."])


def declined(title: str) -> str:
    return f"Владелец проекта «{escape(title)}» пока не готов к сотрудничеству. Спасибо за интерес!"


def contacts(title: str, contact: str, to_owner: bool) -> str:
    shown = _contact(contact)
    if to_owner:
        return f"Вы приняли предложение по проекту «{escape(title)}». Контакт партнёра: {shown}"
    return f"Владелец проекта «{escape(title)}» принял ваше предложение. Его контакт: {shown}"


def _contact(contact: str) -> str:
    if contact.startswith("id:"):
        user_id = contact.split(":", 1)[1].split(":", 1)[0]
        name = contact.split(":", 2)[2] if contact.count(":") >= 2 else "написать в Telegram"
        return f'<a href="tg://user?id={escape(user_id)}">{escape(name or "написать в Telegram")}</a>'
    return escape(contact)


def mediated(title: str, ticket: int) -> str:
    return (f"Предложением по проекту «{escape(title)}» займётся консультант ЦКР (заявка №{ticket}). "
            "Он свяжется с обеими сторонами.")


def mediation_question(title: str, project_id: int, request_id: int, message: str | None) -> str:
    note = f" Сообщение: «{message}»" if message else ""
    return (f"Просим консультанта помочь с сотрудничеством по проекту №{project_id} «{title}» "
            f"(предложение №{request_id}).{note}")


def expiry_reminder(title: str, expires: dt.datetime | None) -> str:
    until = f"{expires:%d.%m.%Y}" if expires else "конца срока"
    return (f"Проект «{escape(title)}» в реестре ЦКР до {until}. Он ещё актуален? "
            "Нажмите «Проект актуален» — и он останется в поиске ещё на полгода; иначе уйдёт в архив.")


def expired(title: str) -> str:
    return (f"Проект «{escape(title)}» перенесён в архив: полгода прошло, а подтверждения не было. "
            "Его можно вернуть — «Мои проекты» → «Изменить».")


def search_results(query: str, count: int) -> str:
    return f"По запросу «{escape(query[:100])}» нашлось проектов: {count}. Откройте карточку:"


def browse_header(count: int) -> str:
    return f"<b>Поиск партнёров</b>\nОпубликованных проектов по фильтрам: {count}."


def filter_button(name: str, value: str) -> str:
    words = {"cluster": "Кластер", "sector": "Отрасль", "stage": "Стадия", "seeks": "Ищут", "offers": "Предлагают"}
    vocab = {"cluster": CLUSTERS, "sector": SECTORS, "stage": STAGES, "seeks": SEEKS, "offers": OFFERS}[name]
    return f"{words[name]}: {vocab.get(value, value)[:30] if value else BUTTON_ANY}"


# --- customer requests (requests.yaml) -------------------------------------------------------

EXAMPLE_NOTE = "\n⚠️ Пример формата — такого запроса заказчик не публиковал."


def request_alert(request: CustomerRequest) -> str:
    lines = [f"<b>Запрос крупного заказчика</b>: {escape(request.customer)}", f"<b>{escape(request.title)}</b>",
             escape(request.need)]
    if request.deadline:
        lines.append(f"Откликнуться до: {request.deadline:%d.%m.%Y}")
    lines.append(f"Как откликнуться: {escape(request.respond)}")
    text = "\n".join(lines)
    return text + (EXAMPLE_NOTE if request.example else "")


def request_question(request: CustomerRequest) -> str:
    example = " (пример из requests.yaml)" if request.example else ""
    return (f"Хочу откликнуться на запрос заказчика «{request.customer}»: {request.title}{example} "
            f"[{request.id}, версия {request.version}].")


def responded(ticket: int, created: bool) -> str:
    if created:
        return f"Заявка №{ticket} передана консультанту: он поможет с откликом на запрос заказчика."
    return f"Добавили запрос заказчика в вашу открытую заявку №{ticket}."
