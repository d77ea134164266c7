"""Russian words for whoever runs the bot: settings errors, the webhook, reports, generated files."""

from __future__ import annotations

from collections.abc import Sequence

NO_SECRET = (
    "WEBHOOK_URL задан, а WEBHOOK_SECRET нет — без секрета чужие запросы не отличить от Telegram. "
    "/ WEBHOOK_URL is set but WEBHOOK_SECRET is not"
)
NO_TOKEN = (
    "BOT_TOKEN не задан — запустить бота нельзя. Попробуйте без Telegram: navigator console. "
    "/ BOT_TOKEN is not set; to try the bot without Telegram run: navigator console"
)
NO_TOKEN_SHORT = "BOT_TOKEN не задан. / BOT_TOKEN is not set"
NO_WEBHOOK_SETTINGS = "Задайте WEBHOOK_URL и WEBHOOK_SECRET. / Set WEBHOOK_URL and WEBHOOK_SECRET"
CATALOGUE_NOT_LOADED = "не загружен"  # the catalogue version in a report when it did not load
SCHEMA_GENERATED = ("Сгенерировано командой `navigator schema` из тех же описаний, которыми проверяет загрузчик; "
                    "не редактируйте вручную. Формат — docs/data-format.md.")
SCHEMA_TITLES = {
    "measures.schema.json": "Каталог мер поддержки (measures.yaml)",
    "questionnaire.schema.json": "Анкета навигатора (rules/questionnaire.yaml)",
    "events.schema.json": "Календарь мероприятий (events.yaml)",
    "places.schema.json": "Справочник площадок и инфраструктуры (places.yaml)",
    "requests.schema.json": "Запросы крупных заказчиков (requests.yaml)",
    "list.schema.json": "Официальный перечень кодов ОКВЭД (rules/lists/<id>.yaml)",
}


def bad_setting(name: str, value: object, problem: str) -> str:
    return f"Неверная настройка {name}={value!r}: {problem}"


def webhook_set(url: str, types: Sequence[str]) -> str:
    return f"Вебхук установлен: {url} (обновления: {', '.join(types)})"


def webhook_info(url: str, pending: int, max_connections: int | None, allowed: Sequence[str] | None,
                 last_error: str | None) -> str:
    """``navigator webhook info``: one line per known fact."""
    lines = [f"Адрес: {url or '— (не установлен, бот работает через long polling)'}",
             f"Ждут доставки: {pending}"]
    if max_connections:
        lines.append(f"Соединений не больше: {max_connections}")
    if allowed:
        lines.append(f"Типы обновлений: {', '.join(allowed)}")
    if last_error:
        lines.append(f"Последняя ошибка: {last_error}")
    return "\n".join(lines)


def last_error(when: str, message: str | None) -> str:
    return f"{when} UTC — {message}"
