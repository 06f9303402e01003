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
        failure: BaseException | None = None

        async def deliver(personal_turn: TurnContext) -> None:
            nonlocal failure
            try:  # caught here: the adapter would hand it to on_turn_error, which clears that chat's dialog state
                await personal_turn.send_activity(activity)
            except Exception as error:  # noqa: BLE001 - any refusal means "not reachable there"
                failure = error

        try:
            await turn_context.adapter.continue_conversation(reference, deliver, self.bot_app_id)
        except Exception as error:  # noqa: BLE001 - e.g. no route to the connector
            failure = error
        if failure is not None:
            logger.warning("could not reach the member's personal chat: %s", _first_line(failure), extra={"user": member.user.id})
            return False
        return True


def _first_line(error: BaseException) -> str:
    message = str(error).splitlines()[0] if str(error) else ""
    return f"{type(error).__name__}: {message[:200]}"
