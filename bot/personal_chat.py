"""The `PersonalChat` port over stored conversation references: a proactive message with
`continue_conversation`, from inside a turn in a shared conversation (SPEC 4.4)."""

from __future__ import annotations

import logging

from botbuilder.core import TurnContext
from botbuilder.schema import Activity, ConversationReference

from services.assistant import Assistant
from services.conversations import Member

logger = logging.getLogger(__name__)


class StoredPersonalChat:
    def __init__(self, assistant: Assistant, bot_app_id: str):
        self.assistant = assistant
        self.bot_app_id = bot_app_id

    async def send(self, turn_context: TurnContext, member: Member, activity: Activity) -> bool:
        stored = await self.assistant.personal_reference(member.user.id)
        if stored is None:
            return False
        reference = ConversationReference().deserialize(dict(stored))
        delivered = False

        async def deliver(personal_turn: TurnContext) -> None:
            nonlocal delivered
            await personal_turn.send_activity(activity)
            delivered = True

        try:
            await turn_context.adapter.continue_conversation(reference, deliver, self.bot_app_id)
        except Exception as error:  # noqa: BLE001 - the channel refused or is unreachable: say so in the shared conversation instead
            logger.warning("could not reach the member's personal chat: %s", str(error).splitlines()[0][:200] if str(error) else type(error).__name__, extra={"user": member.user.id})
            return False
        return delivered
