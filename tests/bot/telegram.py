"""Re-export shim: the recording Bot API session and the chat client live in
``tests.support.telegram``. Import from there; this module stays for branches written against it."""

from tests.support.telegram import (
    ALLOWED_TAGS,
    BOT_USER,
    ChatClient,
    RecordingSession,
    SentMessage,
    TelegramWouldReject,
    check_html,
    check_markup,
    next_update_id,
    texts_of,
)

__all__ = [
    "ALLOWED_TAGS",
    "BOT_USER",
    "ChatClient",
    "RecordingSession",
    "SentMessage",
    "TelegramWouldReject",
    "check_html",
    "check_markup",
    "next_update_id",
    "texts_of",
]
