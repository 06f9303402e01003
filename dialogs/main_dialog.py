"""The main dialog: understand the message, answer it, or start the link dialog."""

from __future__ import annotations

from botbuilder.dialogs import DialogTurnResult, WaterfallDialog, WaterfallStepContext
from botbuilder.core import TurnContext

from dialogs.cards import Reply, achievements_reply, help_reply, progress_reply, renewal_reply, upgrade_reply
from dialogs.interruptible_dialog import InterruptibleDialog
from dialogs.link_msa_dialog import LINK_LEFT_FOR_QUESTION, LinkMsaDialog
from dialogs.messages import language_of, text
from dialogs.ports import AccountDirectory, PersonalChat
from dialogs.recognizer import Recognition, recognize
from dialogs.turn import in_shared_conversation, language, member_of, reply_activity, say, zone
from services.assistant import Assistant
from services.domain.evaluation import next_level

ORGANISATION_WIDE = {"org_progress", "upgrade_options", "renewal_status"}


def understand(turn_context: TurnContext) -> Recognition:
    """A typed message, or a card button whose data names the intent (Action.Submit)."""
    activity = turn_context.activity
    value = activity.value if isinstance(activity.value, dict) else {}
    if value.get("intent"):
        return Recognition(str(value["intent"]), 1.0, value.get("level"), language_of(activity.locale))
    return recognize(activity.text or "", activity.locale)


class MainDialog(InterruptibleDialog):
    def __init__(self, assistant: Assistant, directory: AccountDirectory, connection_name: str, personal_chat: PersonalChat):
        super().__init__(MainDialog.__name__)
        self.assistant = assistant
        self.personal_chat = personal_chat
        self.add_dialog(LinkMsaDialog(assistant, directory, connection_name))
        self.add_dialog(WaterfallDialog("main", [self.route, self.after_link]))
        self.initial_dialog_id = "main"

    async def route(self, step: WaterfallStepContext) -> DialogTurnResult:
        recognition = understand(step.context)
        shared = in_shared_conversation(step.context)
        if recognition.intent == "link_msa":
            if shared:  # SPEC 4.4: the sign-in card and the MSA it names belong in the personal chat
                await say(step.context, "shared_link_personal_only")
                return await step.end_dialog()
            return await step.begin_dialog(LinkMsaDialog.__name__)
        if shared and recognition.intent in ORGANISATION_WIDE and member_of(step.context).is_admin:
            await self.answer_personally(step.context, recognition)
            return await step.end_dialog()
        reply = await self.answer(step.context, recognition)
        await step.context.send_activity(reply_activity(reply))
        return await step.end_dialog()

    async def after_link(self, step: WaterfallStepContext) -> DialogTurnResult:
        """The link dialog ended. If a question ended it (asked while the sign-in or the confirmation
        waited), say that nothing was linked (unless the question was to link again) and answer it."""
        if step.result != LINK_LEFT_FOR_QUESTION:
            return await step.end_dialog(step.result)
        if understand(step.context).intent != "link_msa":
            await say(step.context, "link_ended_for_question")
        return await step.replace_dialog("main")  # answers this turn's message from the start

    async def answer_personally(self, turn_context: TurnContext, recognition: Recognition) -> None:
        """SPEC 4.4: organisation-wide figures are never posted in a shared conversation; the admin
        gets them in their personal chat, and the shared conversation a one-line note."""
        member = member_of(turn_context)
        reply = await self.answer(turn_context, recognition)
        delivered = await self.personal_chat.send(turn_context, member, reply_activity(reply))
        await say(turn_context, "shared_answer_sent" if delivered else "shared_open_personal_chat")

    async def answer(self, turn_context: TurnContext, recognition: Recognition) -> Reply:
        member = member_of(turn_context)
        lang, where = language(turn_context), zone(turn_context)
        intent = recognition.intent
        if intent in ORGANISATION_WIDE and not member.is_admin:
            return Reply(text(lang, "admins_only"), None)
        if intent == "org_progress":
            evaluation = await self.assistant.progress(member.organization_id, recognition.level)  # type: ignore[arg-type]
            membership = evaluation.snapshot.membership
            level = recognition.level or next_level(membership.level if membership else None)
            return progress_reply(evaluation, level, lang, where)
        if intent == "upgrade_options":
            return upgrade_reply(await self.assistant.progress(member.organization_id, recognition.level), lang, where)  # type: ignore[arg-type]
        if intent == "renewal_status":
            return renewal_reply(await self.assistant.progress(member.organization_id), lang, where)
        if intent == "my_achievements":
            return achievements_reply(await self.assistant.achievements(member.user.id), lang, where)
        if intent in ("alerts_on", "alerts_off"):
            await self.assistant.set_alerts(member.user.id, intent == "alerts_on")
            return Reply(text(lang, f"{intent}_done"), None)
        if intent == "help":
            return help_reply(lang)
        if intent == "cancel":
            return Reply(text(lang, "nothing_to_cancel"), None)
        return Reply(text(lang, "unknown_intent"), None)
