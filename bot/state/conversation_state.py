"""Conversation state whose key, in a shared conversation, also names the user (SPEC 4.4)."""

from __future__ import annotations

from botbuilder.core import ConversationState, TurnContext

from bot.hosting.conversation_kind import is_shared


class PerMemberConversationState(ConversationState):
    """In a channel or group chat, each member has a dialog state of their own: another member's
    reply never continues someone else's dialog (one member signs in, another answers "yes").
    A personal chat keeps botbuilder's own key, so state stored before this change still resumes."""

    def get_storage_key(self, turn_context: TurnContext) -> object:
        key = super().get_storage_key(turn_context)
        activity = turn_context.activity
        if key is None or not is_shared(activity):
            return key
        member = activity.from_property.id if activity.from_property and activity.from_property.id else "unknown"
        return f"{key}/members/{member}"
