"""A component dialog in which "help" and "cancel" work at any step.

A cancel recognised with less confidence than CONFIRM_BELOW is asked about first ("Do you want to
stop what we are doing?"); the answer is read on the next turn, before the running step sees it."""

from __future__ import annotations

from collections.abc import Callable

from botbuilder.dialogs import ComponentDialog, DialogContext, DialogTurnResult, DialogTurnStatus
from botbuilder.schema import ActivityTypes

from dialogs.cards import help_reply
from dialogs.confirmation import CONFIRM_BELOW, confirmation_activity
from dialogs.recognizer import THRESHOLD, Recognition, recognize
from dialogs.turn import language, reply_activity, say
from dialogs.yes_no import yes_or_no

INTERRUPTING_SCORE = 0.7
CANCEL_ASKED = "cancel_asked"  # in the component's own dialog state: a "cancel?" question awaits its answer


class InterruptibleDialog(ComponentDialog):
    recognizer: Callable[..., Recognition] = staticmethod(recognize)  # replaced by MainDialog's own

    async def on_continue_dialog(self, inner_dc: DialogContext) -> DialogTurnResult:
        interrupted = await self._interrupt(inner_dc)
        if interrupted is not None:
            return interrupted
        return await super().on_continue_dialog(inner_dc)

    async def _interrupt(self, inner_dc: DialogContext) -> DialogTurnResult | None:
        activity = inner_dc.context.activity
        if activity.type != ActivityTypes.message or not activity.text:
            return None
        state = inner_dc.parent.active_dialog.state if inner_dc.parent and inner_dc.parent.active_dialog else {}
        if state.pop(CANCEL_ASKED, False):
            answer = yes_or_no(activity.text)
            if answer is True:
                await say(inner_dc.context, "cancelled")
                return await inner_dc.cancel_all_dialogs()
            if answer is False:
                await say(inner_dc.context, "confirm_continue")
                await inner_dc.reprompt_dialog()
                return DialogTurnResult(DialogTurnStatus.Waiting)
            # Neither yes nor no: the question is dropped and the message read as usual.
        if yes_or_no(activity.text) is not None:
            return None  # "no" answers the running question; it never cancels it
        recognition = self.recognizer(activity.text, activity.locale)
        if recognition.intent == "cancel" and THRESHOLD <= recognition.score < CONFIRM_BELOW:
            state[CANCEL_ASKED] = True
            await inner_dc.context.send_activity(confirmation_activity(language(inner_dc.context), "confirm_cancel"))
            return DialogTurnResult(DialogTurnStatus.Waiting)
        if recognition.score < INTERRUPTING_SCORE:
            return None
        if recognition.intent == "help":
            await inner_dc.context.send_activity(reply_activity(help_reply(language(inner_dc.context))))
            return DialogTurnResult(DialogTurnStatus.Waiting)  # the running step keeps waiting for its answer
        if recognition.intent == "cancel":
            await say(inner_dc.context, "cancelled")
            return await inner_dc.cancel_all_dialogs()
        return None
