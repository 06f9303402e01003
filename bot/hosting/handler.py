"""The thin Teams activity handler: who is talking, remember where to reach them, run the dialog."""

from __future__ import annotations

import logging

from botbuilder.core import ConversationState, InvokeResponse, TurnContext
from botbuilder.core.teams import TeamsActivityHandler
from botbuilder.dialogs import DialogSet, DialogTurnStatus
from botbuilder.schema import Activity, ChannelAccount

from bot.hosting import invokes
from bot.hosting.conversation_kind import is_personal, is_shared
from bot.hosting.message_text import bounded_text, strip_recipient_mentions
from bot.hosting.references import serialized_reference
from bot.state.storage import holds_no_dialog, prefetched
from dialogs.cards import welcome_reply
from dialogs.main_dialog import MainDialog
from dialogs.messages import language_of, text
from dialogs.turn import MEMBER, SHARED, reply_activity, time_zone_name
from services.assistant import Assistant
from services.conversations import Member, Sighting

logger = logging.getLogger(__name__)
DIALOG_STATE = "DialogState"  # the conversation state's property that holds the dialog stack
STORED_STATE = "competency.stored_state"  # turn_state key: (storage key, the dialog state as identify read it)


def tenant_of(activity: Activity) -> str | None:
    """SPEC 4.4: `channelData.tenant.id`, else `conversation.tenantId`."""
    channel_data = activity.channel_data if isinstance(activity.channel_data, dict) else {}
    tenant = channel_data.get("tenant")
    return (tenant.get("id") if isinstance(tenant, dict) else None) or getattr(activity.conversation, "tenant_id", None)


class CompetencyBot(TeamsActivityHandler):
    def __init__(self, assistant: Assistant, conversation_state: ConversationState, dialog: MainDialog):
        self.assistant = assistant
        self.conversation_state = conversation_state
        self.dialog = dialog
        self.dialogs = DialogSet(conversation_state.create_property(DIALOG_STATE))
        self.dialogs.add(dialog)

    async def on_turn(self, turn_context: TurnContext) -> None:
        await super().on_turn(turn_context)
        await self.conversation_state.save_changes(turn_context)

    async def on_message_activity(self, turn_context: TurnContext) -> None:
        turn_context.activity.text = bounded_text(turn_context.activity.text)  # before any recognition
        strip_recipient_mentions(turn_context.activity)  # linear; some clients leave the recipient out
        member = await self._identify(turn_context, remember=True)
        if member is None:
            await turn_context.send_activity(text(language_of(turn_context.activity.locale), "not_registered"))
            return
        if self._no_dialog_runs(turn_context) and await self.dialog.answer_without_dialog(turn_context):
            return  # answered in this turn without the dialog stack; the dialog state was not touched
        await self._run_dialog(turn_context)

    async def on_invoke_activity(self, turn_context: TurnContext) -> InvokeResponse | None:
        """Sign-in invokes reach the dialog only while a sign-in waits; the rest by protocol (bot/hosting/invokes.py)."""
        activity = turn_context.activity
        if activity.name == invokes.ADAPTIVE_CARD_ACTION:
            return invokes.adaptive_card_action(activity)
        if activity.name not in invokes.SIGN_IN_INVOKES:
            return invokes.not_implemented()
        malformed = invokes.malformed_sign_in(activity)
        if malformed is not None:
            return malformed
        if not await invokes.sign_in_waits(await self.dialogs.create_context(turn_context)):
            return invokes.no_sign_in_waits(activity)
        return invokes.unanswered(activity, await super().on_invoke_activity(turn_context), turn_context.turn_state)

    async def on_token_response_event(self, turn_context: TurnContext) -> None:
        """A token arriving when no sign-in waits for it (a stale or forged event) is ignored."""
        if await self._identify(turn_context) is not None and await invokes.sign_in_waits(await self.dialogs.create_context(turn_context)):
            await self._run_dialog(turn_context)

    async def on_teams_signin_verify_state(self, turn_context: TurnContext) -> None:
        if await self._identify(turn_context) is not None:
            await self._run_dialog(turn_context)

    async def on_teams_signin_token_exchange(self, turn_context: TurnContext) -> None:
        if await self._identify(turn_context) is not None:
            await self._run_dialog(turn_context)

    async def on_teams_members_added_dispatch(self, members_added: list[ChannelAccount], team_info: object, turn_context: TurnContext) -> None:
        """Only the members' ids matter here: skip the SDK's connector lookup of every added member
        (one call each, and a failed turn for an id the conversation does not know)."""
        await self.on_members_added_activity(members_added, turn_context)

    async def on_members_added_activity(self, members_added: list[ChannelAccount], turn_context: TurnContext) -> None:
        """Greet when the bot joins a conversation, or someone joins a personal chat with it."""
        activity = turn_context.activity
        bot_id = activity.recipient.id if activity.recipient else None
        if any(m.id == bot_id for m in members_added) or (members_added and is_personal(activity)):
            await self._identify(turn_context, remember=True)
            await turn_context.send_activity(reply_activity(welcome_reply(language_of(activity.locale))))

    async def on_installation_update_add(self, turn_context: TurnContext) -> None:
        """Teams also sends a conversationUpdate on install, which greets; here we only remember the
        conversation, so that alerts can reach an admin who has not typed yet."""
        await self._identify(turn_context, remember=True)

    async def _identify(self, turn_context: TurnContext, remember: bool = False) -> Member | None:
        """The member talking, if registered; with `remember`, also where to reach them again."""
        activity = turn_context.activity
        tenant_id = tenant_of(activity)
        aad_object_id = activity.from_property.aad_object_id if activity.from_property else None
        if remember:
            reference = serialized_reference(activity)
            try:
                state_key = self.conversation_state.get_storage_key(turn_context)  # read along with the member
            except TypeError:  # no channel or conversation id: the state cannot be loaded either
                state_key = None
            sighting = Sighting(activity.conversation.id, reference, is_personal(activity), activity.locale, time_zone_name(activity), state_key=state_key)
            meeting = await self.assistant.meet_with_state(tenant_id, aad_object_id, sighting)
            member = meeting.member
            if member is not None and state_key is not None:
                turn_context.turn_state[STORED_STATE] = (state_key, meeting.state)  # handed to storage if the stack runs
        else:
            member = await self.assistant.member(tenant_id, aad_object_id)
        if member is not None:
            turn_context.turn_state[MEMBER] = member
            turn_context.turn_state[SHARED] = is_shared(activity)
        return member

    @staticmethod
    def _no_dialog_runs(turn_context: TurnContext) -> bool:
        """The dialog state read along with the member holds no running dialog (or nothing at all).
        Unknown (no state was read: no storage key) counts as running: the dialog stack decides."""
        stored = turn_context.turn_state.get(STORED_STATE)
        return stored is not None and holds_no_dialog(stored[1], DIALOG_STATE)

    async def _run_dialog(self, turn_context: TurnContext) -> None:
        if (stored := turn_context.turn_state.pop(STORED_STATE, None)) is not None:
            prefetched(*stored)  # the stack reads what identify read; a turn answered without it leaves nothing
        dialog_context = await self.dialogs.create_context(turn_context)
        result = await dialog_context.continue_dialog()
        if result.status == DialogTurnStatus.Empty:
            await dialog_context.begin_dialog(self.dialog.id)
