"""`greeting`: a short friendly reply to "hello" or "thanks", and one hint of what to ask."""

from __future__ import annotations

from dialogs.cards.reply import Reply
from dialogs.messages import text
from dialogs.text_normalization import tokenize

THANKS = frozenset({"thanks", "thank", "thx", "ty", "cheers", "danke", "dankeschoen", "vielen", "merci"})


def is_thanks(message: str | None) -> bool:
    return bool(THANKS.intersection(tokenize(message or "")))


def greeting_reply(language: str, thanks: bool, admin: bool) -> Reply:
    opening = text(language, "greeting_thanks" if thanks else "greeting_hello")
    hint = text(language, "greeting_hint_admin" if admin else "greeting_hint_employee")
    return Reply(f"{opening} {hint}")
