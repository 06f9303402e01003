"""A message's text made safe to recognise: bounded to what Teams itself can send, and the bot's
own `<at>` mention removed in one linear pass.

botbuilder's `TurnContext.remove_recipient_mention` runs one `re.sub` over the whole text per mention
entity, with the mentioned name used as a regular expression: 20,000 mention entities took seconds,
and a name such as `(a+)+$` is a pattern of its own. Here the entities are read once, and the text
is scanned once; a `<at>` tag is removed only when its name is one the bot is mentioned by."""

from __future__ import annotations

import re

from botbuilder.schema import Activity

# Teams accepts a chat message of about 28 KB (Microsoft's limit for a posted message, incoming
# webhooks and Graph's chatMessage alike); nothing longer comes from a Teams client.
TEAMS_MESSAGE_LIMIT = 28 * 1024

_MENTION = re.compile(r"<at(?:\s[^<>]*)?>([^<]*)</at>", re.IGNORECASE)  # [^<]: never rescans past the next tag
_NAME = _MENTION


def bounded_text(text: object) -> str | None:
    """The text cut to `TEAMS_MESSAGE_LIMIT` characters (None and non-strings as the SDK gives them)."""
    if isinstance(text, str) and len(text) > TEAMS_MESSAGE_LIMIT:
        return text[:TEAMS_MESSAGE_LIMIT]
    return text if isinstance(text, str) or text is None else str(text)[:TEAMS_MESSAGE_LIMIT]


def _mention_names(activity: Activity, mentioned_id: str) -> set[str]:
    names: set[str] = set()
    for entity in activity.entities or ():
        if not isinstance(entity.type, str) or entity.type.lower() != "mention":
            continue
        properties = getattr(entity, "additional_properties", None) or {}
        mentioned = properties.get("mentioned")
        if not isinstance(mentioned, dict) or mentioned.get("id") != mentioned_id:
            continue
        written = properties.get("text")
        found = _NAME.fullmatch(written.strip()) if isinstance(written, str) else None
        if found:
            names.add(found.group(1))
        elif isinstance(mentioned.get("name"), str):
            names.add(mentioned["name"])
    return names


def strip_recipient_mentions(activity: Activity) -> None:
    """Remove the `<at>Name</at>` tags that mention the recipient (the bot) from `activity.text`."""
    text = activity.text
    recipient_id = getattr(activity.recipient, "id", None)
    if not isinstance(text, str) or not recipient_id or "<at" not in text.lower():
        return
    names = _mention_names(activity, recipient_id)
    if names:
        activity.text = _MENTION.sub(lambda tag: "" if tag.group(1) in names else tag.group(0), text)
