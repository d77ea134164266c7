"""Telegram messages as the handoff service sees them (``Incoming``), and who wrote them."""

from __future__ import annotations

from aiogram.types import Message

from bot.services.handoff import Incoming
from bot.texts import handoff as texts

# What copyMessage can carry; service messages (topic closed, pinned, joined …) are never relayed.
RELAYABLE = frozenset({"text", "photo", "document", "video", "audio", "voice", "video_note", "sticker",
                       "animation", "location", "contact", "venue", "poll", "dice"})


def relayable(message: Message) -> bool:
    return message.content_type in RELAYABLE


def message_kind(message: Message) -> str:
    if message.text is not None:
        return "text"
    if message.photo:
        return "photo"
    if message.document is not None:
        return "document"
    return "other"


def person_name(message: Message) -> str:
    user = message.from_user
    if user is None:
        return texts.CONSULTANT_NO_NAME
    return user.full_name or (f"@{user.username}" if user.username else str(user.id))


def incoming(message: Message) -> Incoming:
    return Incoming(
        chat_id=message.chat.id,
        message_id=message.message_id,
        author_id=message.from_user.id if message.from_user else None,
        kind=message_kind(message),
        text=message.text,
        caption=message.caption,
        entities=tuple(e.model_dump(exclude_none=True) for e in message.entities or ()),
        caption_entities=tuple(e.model_dump(exclude_none=True) for e in message.caption_entities or ()),
        reply_to_message_id=message.reply_to_message.message_id if message.reply_to_message else None,
        is_topic_message=bool(message.is_topic_message),
        thread_id=message.message_thread_id,
    )
