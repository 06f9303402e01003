"""A question back to the user: which of several people with the same name is meant."""

from __future__ import annotations

from typing import Any

from dialogs.cards.builder import ReplyBuilder
from dialogs.cards.reply import Reply
from dialogs.messages import text
from services.people import PersonRef


def person_choice_reply(language: str, written: str, candidates: tuple[PersonRef, ...], request: dict[str, Any]) -> Reply:
    """One button per person; a click repeats the request with that person resolved."""
    reply = ReplyBuilder()
    reply.line(text(language, "person_which", name=written), bold=True)
    for person in candidates:
        reply.line(person.display_name, bullet=True)
        reply.action(person.display_name, {**request, "person": person.display_name, "person_id": person.id})
    return reply.build()

