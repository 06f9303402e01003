"""Small helpers shared by the dialogs: the user's language, who they are, and sending a reply."""

from __future__ import annotations

from datetime import tzinfo

from botbuilder.core import CardFactory, MessageFactory, TurnContext
from botbuilder.schema import Activity

from dialogs.cards import Reply, kept
from dialogs.formatting import time_zone
from dialogs.messages import language_of, text
from services.conversations import Member

MEMBER = "competency.member"  # turn_state key: the Member resolved by the bot for this turn
SHARED = "competency.shared"  # turn_state key: True in a team channel or group chat (SPEC 4.4)


def language(turn_context: TurnContext) -> str:
    return language_of(turn_context.activity.locale)


def time_zone_name(activity: Activity) -> str | None:
    """The zone Teams says the user is in: the `clientInfo` entity's `timezone`, else the
    activity's `localTimezone` (SPEC 1). Only a name that is a known IANA zone is kept."""
    for entity in activity.entities or ():
        if getattr(entity, "type", None) == "clientInfo":
            name = (getattr(entity, "additional_properties", None) or {}).get("timezone")
            if isinstance(name, str) and time_zone(name) is not None:
                return name.strip()
    name = activity.local_timezone
    return name.strip() if isinstance(name, str) and time_zone(name) is not None else None


def zone(turn_context: TurnContext) -> tzinfo | None:
    """The zone to show this turn's times in; None shows them in UTC, labelled."""
    return time_zone(time_zone_name(turn_context.activity))


def member_of(turn_context: TurnContext) -> Member:
    return turn_context.turn_state[MEMBER]


def in_shared_conversation(turn_context: TurnContext) -> bool:
    return bool(turn_context.turn_state.get(SHARED, False))


def reply_activity(reply: Reply) -> Activity:
    """A card with its plain-text fallback, or just the text."""
    if reply.card is None:
        return MessageFactory.text(reply.text)
    card = kept.content_of(reply)  # a kept reply's content is built once (dialogs/cards/kept.py)
    if card is None:
        card = dict(reply.card)
        card.setdefault("fallbackText", reply.text)
    activity = MessageFactory.attachment(CardFactory.adaptive_card(card))
    activity.summary = reply.text.split("\n", 1)[0]
    return activity


async def say(turn_context: TurnContext, key: str, **values) -> None:
    await turn_context.send_activity(MessageFactory.text(text(language(turn_context), key, **values)))
