"""The one adapter subclass: CloudAdapter plus what to do when a turn fails."""

from __future__ import annotations

import logging

from botbuilder.core import ConversationState, MessageFactory, TurnContext
from botbuilder.integration.aiohttp import CloudAdapter
from botbuilder.schema import ActivityTypes

from bot.connector.authentication import BotAuthentication
from dialogs.messages import language_of, text

logger = logging.getLogger(__name__)


class CompetencyAdapter(CloudAdapter):
    def __init__(self, authentication: BotAuthentication, conversation_state: ConversationState):
        super().__init__(authentication)
        self.conversation_state = conversation_state
        self.on_turn_error = self._on_error

    async def _on_error(self, turn_context: TurnContext, error: Exception) -> None:
        """Log it, apologise in the user's language, and forget the conversation's dialog state so
        the next message starts clean."""
        activity = turn_context.activity
        logger.exception("turn failed", exc_info=error, extra={"activity_type": activity.type, "conversation": getattr(activity.conversation, "id", None)})
        if activity.type == ActivityTypes.message:
            try:
                await turn_context.send_activity(MessageFactory.text(text(language_of(activity.locale), "error_apology")))
            except Exception:
                logger.warning("could not send the apology", exc_info=True)
        try:
            # BotState.delete raises KeyError unless the state is cached in this turn, as it is not when
            # the turn failed before the dialog loaded it; clear_state caches an empty one first.
            await self.conversation_state.clear_state(turn_context)
            await self.conversation_state.delete(turn_context)
        except Exception:
            logger.warning("could not clear the conversation state", exc_info=True)
