"""Russian words of the start-up check of the consultants' group (logged and sent to the admins)."""

from __future__ import annotations

NO_STAFF_CHAT = "STAFF_CHAT_ID не задан: заявки консультантам отправлять некуда."
NO_TOPICS = "В группе консультантов не включены темы: заявки придут карточками, отвечайте на них ответом (reply)."
NOT_ADMIN = ("Бот не администратор группы консультантов: назначьте его администратором "
             "с правом «Управление темами» (can_manage_topics).")
NO_MANAGE_TOPICS = ("У бота нет права «Управление темами» (can_manage_topics): без него он не создаст тему для заявки. "
                    "Включите его в настройках администратора бота.")


def unreachable(chat_id: int, error: str) -> str:
    return f"Группа консультантов {chat_id} недоступна ({error}): добавьте бота в группу и проверьте STAFF_CHAT_ID."


def not_supergroup(chat_id: int) -> str:
    return f"Группа {chat_id} — не супергруппа: темы в ней недоступны, заявки придут карточками."


def rights_unknown(chat_id: int, error: str) -> str:
    return f"Не удалось проверить права бота в группе {chat_id}: {error}."


def report(problems: list[str]) -> str:
    """The admins' message when the check found problems."""
    return "Проверка группы консультантов при запуске:\n" + "\n".join(f"• {p}" for p in problems)
