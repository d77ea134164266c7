"""Re-export shim: the one recording Bot API session lives in ``tests.support.telegram``.
Import from there; this module stays for branches written against it. ``BOT_USER`` here is the
JSON form, as it was."""

from tests.support.telegram import ADMIN_RIGHTS, BOT_ID, Fault, RecordingSession, make_bot
from tests.support.telegram import BOT_USER_JSON as BOT_USER

__all__ = ["ADMIN_RIGHTS", "BOT_ID", "BOT_USER", "Fault", "RecordingSession", "make_bot"]
