"""The one adapter subclass: CloudAdapter plus what to do when a turn fails, and turn contexts that
do not deep-copy what they send."""

from __future__ import annotations

import copy
import logging
from collections.abc import Awaitable, Callable

from botbuilder.core import ConversationState, MessageFactory, TurnContext
from botbuilder.integration.aiohttp import CloudAdapter
from botbuilder.schema import Activity, ActivityTypes, DeliveryModes, ResourceResponse
from botframework.connector.aio import ConnectorClient
from botframework.connector.auth import ClaimsIdentity, ConnectorFactory, UserTokenClient

from bot.connector.authentication import BotAuthentication
from dialogs.messages import language_of, text

logger = logging.getLogger(__name__)


class ShallowSendTurnContext(TurnContext):
    """botbuilder's TurnContext, except that `send_activities` copies each outgoing activity with
    `copy.copy` where botbuilder uses `copy.deepcopy`: a progress card is ~1,500 objects, and the
    deep copy was a tenth of a turn. The copy exists so that addressing the activity (the
    conversation reference, `id`, `type`, `input_hint`) does not change the caller's object; those
    are all assignments to the activity's own attributes, which a shallow copy keeps from the caller
    just as well. Nothing on the way out changes the activity's attachments or entities in place.
    The rest is botbuilder 4.17's method as it is (buffered replies for `expectReplies`, the
    `on_send_activities` handlers, `responded`)."""

    async def send_activities(self, activities: list[Activity]) -> list[ResourceResponse]:
        sent_non_trace_activity = False
        reference = TurnContext.get_conversation_reference(self.activity)

        def addressed(activity: Activity) -> Activity:
            nonlocal sent_non_trace_activity
            activity = TurnContext.apply_conversation_reference(copy.copy(activity), reference)
            if not getattr(activity, "type", None):
                activity.type = ActivityTypes.message
            if activity.type != ActivityTypes.trace:
                sent_non_trace_activity = True
            if not activity.input_hint:
                activity.input_hint = "acceptingInput"
            activity.id = None
            return activity

        output = [addressed(activity) for activity in activities]

        async def logic() -> list[ResourceResponse]:
            if self.activity.delivery_mode == DeliveryModes.expect_replies:
                responses = []
                for activity in output:
                    self.buffered_reply_activities.append(activity)
                    if activity.type == ActivityTypes.invoke_response:
                        self.turn_state[TurnContext._INVOKE_RESPONSE_KEY] = activity
                    responses.append(ResourceResponse())
            else:
                responses = await self.adapter.send_activities(self, output)
            if sent_non_trace_activity:
                self.responded = True
            return responses

        return await self._emit(self._on_send_activities, output, logic())


class CompetencyAdapter(CloudAdapter):
    def __init__(self, authentication: BotAuthentication, conversation_state: ConversationState):
        super().__init__(authentication)
        self.conversation_state = conversation_state
        self.on_turn_error = self._on_error

    def _create_turn_context(
        self, activity: Activity, claims_identity: ClaimsIdentity, oauth_scope: str, connector_client: ConnectorClient,
        user_token_client: UserTokenClient, logic: Callable[[TurnContext], Awaitable], connector_factory: ConnectorFactory,
    ) -> TurnContext:
        """botbuilder's turn context for a turn or a proactive send (CloudAdapterBase's, with the same
        turn state), as a `ShallowSendTurnContext`."""
        context = ShallowSendTurnContext(self, activity)
        context.turn_state[self.BOT_IDENTITY_KEY] = claims_identity
        context.turn_state[self.BOT_CONNECTOR_CLIENT_KEY] = connector_client
        context.turn_state[self.USER_TOKEN_CLIENT_KEY] = user_token_client
        context.turn_state[self.BOT_CALLBACK_HANDLER_KEY] = logic
        context.turn_state[self.CONNECTOR_FACTORY_KEY] = connector_factory
        context.turn_state[self.BOT_OAUTH_SCOPE_KEY] = oauth_scope
        return context

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
