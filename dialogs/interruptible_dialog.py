"""A component dialog in which "help" and "cancel" work at any step."""

from __future__ import annotations

from botbuilder.dialogs import ComponentDialog, DialogContext, DialogTurnResult, DialogTurnStatus
from botbuilder.schema import ActivityTypes

from dialogs.cards import help_reply
from dialogs.recognizer import recognize
from dialogs.turn import language, reply_activity, say

INTERRUPTING_SCORE = 0.7


class InterruptibleDialog(ComponentDialog):
    async def on_continue_dialog(self, inner_dc: DialogContext) -> DialogTurnResult:
        interrupted = await self._interrupt(inner_dc)
        if interrupted is not None:
            return interrupted
        return await super().on_continue_dialog(inner_dc)

    async def _interrupt(self, inner_dc: DialogContext) -> DialogTurnResult | None:
        activity = inner_dc.context.activity
        if activity.type != ActivityTypes.message or not activity.text:
            return None
        recognition = recognize(activity.text, activity.locale)
        if recognition.score < INTERRUPTING_SCORE:
            return None
        if recognition.intent == "help":
            await inner_dc.context.send_activity(reply_activity(help_reply(language(inner_dc.context))))
            return DialogTurnResult(DialogTurnStatus.Waiting)  # the running step keeps waiting for its answer
        if recognition.intent == "cancel":
            await say(inner_dc.context, "cancelled")
            return await inner_dc.cancel_all_dialogs()
        return None
