"""Personal chat or shared conversation (SPEC 4.4), read from a Teams activity."""

from __future__ import annotations

from botbuilder.schema import Activity

PERSONAL_TYPES = (None, "", "personal")


def is_shared(activity: Activity) -> bool:
    """A team channel or a group chat: `conversation.conversationType` is `channel` or `groupChat`,
    or `channelData` names a team or a channel (some Teams events leave the type out), or the
    conversation is a group. A type Teams may add later counts as shared too: figures stay private
    unless the conversation is known to be personal."""
    conversation = activity.conversation
    channel_data = activity.channel_data if isinstance(activity.channel_data, dict) else {}
    if channel_data.get("team") is not None or channel_data.get("channel") is not None:
        return True
    if conversation is None:
        return False
    return conversation.conversation_type not in PERSONAL_TYPES or bool(conversation.is_group)


def is_personal(activity: Activity) -> bool:
    return not is_shared(activity)
