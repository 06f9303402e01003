"""The main dialog: understand the message, answer it, or start the link dialog."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import tzinfo
from typing import Any

from botbuilder.core import TurnContext
from botbuilder.dialogs import DialogTurnResult, WaterfallDialog, WaterfallStepContext
from botbuilder.dialogs.prompts import PromptOptions, TextPrompt

from dialogs.cards import (
    Reply,
    achievements_reply,
    competency_reply,
    designations_reply,
    expiring_reply,
    greeting_reply,
    help_reply,
    membership_reply,
    people_reply,
    person_choice_reply,
    renewal_reply,
    specializations_reply,
    upgrade_reply,
    what_if_reply,
)
from dialogs.cards.greeting import is_thanks
from dialogs.cards.naming import credential_name
from dialogs.cards.phrases import Phrasebook
from dialogs.cards.progress import ProgressReplies
from dialogs.confirmation import CONFIRM_BELOW, confirmation_activity, is_yes_or_no
from dialogs.entities import EntityLexicon
from dialogs.interruptible_dialog import InterruptibleDialog
from dialogs.link_msa_dialog import LINK_LEFT_FOR_QUESTION, LinkMsaDialog
from dialogs.messages import language_of, text
from dialogs.ports import AccountDirectory, PersonalChat
from dialogs.recognizer import Recognition, entity_lexicon, recognize
from dialogs.turn import in_shared_conversation, language, member_of, reply_activity, say, zone
from dialogs.what_if_change import change_kind
from dialogs.yes_no import yes_or_no
from services.assistant import Assistant
from services.conversations import Member
from services.domain.catalog import LEVELS
from services.domain.evaluation import next_level
from services.domain.what_if import CHANGE_KINDS, Change, ChangeKind
from services.errors import ChangeImpossible, UnknownCompetency, UnknownCredential

ORGANISATION_WIDE = {
    "org_progress", "upgrade_options", "renewal_status",
    "membership_status", "people", "expiring", "what_if", "specializations", "designations",
}
# Intents that change something: a typed guess below CONFIRM_BELOW is asked about first.
CHANGING = {"alerts_off"}
CONFIRM_PROMPT = "confirm-intent"
ENTITY_KEYS = ("competency", "credential", "person")
REQUEST = "competency.request"  # turn_state key: this turn's Request, understood once


@dataclass(frozen=True)
class Request:
    """What the user asked: the recognition, plus what an earlier answer's button already settled."""

    recognition: Recognition
    text: str | None = None
    person_id: str | None = None  # chosen among people with the same name
    change: ChangeKind | None = None  # for what_if

    @property
    def typed(self) -> bool:
        return self.text is not None

    def as_submit(self) -> dict[str, Any]:
        """The request as a card button's data, so a click asks it again with more settled."""
        r = self.recognition
        data: dict[str, Any] = {"intent": r.intent, "level": r.level, **{k: getattr(r, k) for k in ENTITY_KEYS}}
        if r.intent == "what_if":
            data["change"] = self.change or change_kind(self.text, r.credential)
        return {k: v for k, v in data.items() if v is not None}


def _entity(value: dict[str, Any], key: str) -> str | None:
    found = value.get(key)
    return str(found) if isinstance(found, str) and found else None


def understand(turn_context: TurnContext, lexicon: EntityLexicon | None = None) -> Recognition:
    """A typed message, or a card button whose data names the intent and its entities (Action.Submit)."""
    return understand_request(turn_context, lexicon).recognition


def understand_request(
    turn_context: TurnContext, lexicon: EntityLexicon | None = None, recognizer: Callable[..., Recognition] = recognize
) -> Request:
    """`lexicon`: the active catalog's names (competencies, credentials); the bundled catalog's by default."""
    activity = turn_context.activity
    value = activity.value if isinstance(activity.value, dict) else {}
    if value.get("intent"):
        recognition = Recognition(
            str(value["intent"]),
            1.0,
            level if (level := _entity(value, "level")) in LEVELS else None,  # a card's data is what the client sent
            language_of(activity.locale),
            **{key: _entity(value, key) for key in ENTITY_KEYS},
        )
        change = _entity(value, "change")
        return Request(recognition, None, _entity(value, "person_id"), change if change in CHANGE_KINDS else None)
    return Request(recognizer(activity.text or "", activity.locale, lexicon), activity.text or "")


class MainDialog(InterruptibleDialog):
    def __init__(
        self,
        assistant: Assistant,
        directory: AccountDirectory,
        connection_name: str,
        personal_chat: PersonalChat,
        recognizer: Callable[..., Recognition] = recognize,
    ):
        super().__init__(MainDialog.__name__)
        self.assistant = assistant
        self.personal_chat = personal_chat
        self.recognizer = recognizer  # (text, locale, lexicon) → Recognition; also reads interruptions
        self.progress_replies = ProgressReplies()  # one rendering per cached evaluation and minute
        self.add_dialog(LinkMsaDialog(assistant, directory, connection_name))
        self.add_dialog(TextPrompt(CONFIRM_PROMPT, is_yes_or_no))
        self.add_dialog(WaterfallDialog("main", [self.route, self.resume]))
        self.initial_dialog_id = "main"

    async def request(self, turn_context: TurnContext) -> Request:
        """This turn's message understood, once per turn (the answer without a dialog and `route` share it)."""
        known = turn_context.turn_state.get(REQUEST)
        if isinstance(known, Request):
            return known
        lexicon = None
        if turn_context.activity.text and not isinstance(turn_context.activity.value, dict):
            lexicon = entity_lexicon(await self.assistant.catalog())
        request = understand_request(turn_context, lexicon, self.recognizer)
        turn_context.turn_state[REQUEST] = request
        return request

    @staticmethod
    def needs_confirmation(request: Request) -> bool:
        """A changing intent, typed, recognised below CONFIRM_BELOW: "did you mean …?" comes first."""
        recognition = request.recognition
        return recognition.intent in CHANGING and request.typed and recognition.score < CONFIRM_BELOW

    @classmethod
    def starts_dialog(cls, request: Request) -> bool:
        """Whether `route` would do more than answer and end: start the link dialog (or, in a shared
        conversation, say where linking happens), or ask for a confirmation first."""
        return request.recognition.intent == "link_msa" or cls.needs_confirmation(request)

    async def answer_without_dialog(self, turn_context: TurnContext) -> bool:
        """For a message while no dialog runs: a question that `route` would answer and end at once
        is answered here, as `route` answers it, without the dialog stack (and so without loading or
        saving the conversation's dialog state). False when the message starts a dialog: the caller
        runs the stack, and `route` finds the request already understood."""
        request = await self.request(turn_context)
        if self.starts_dialog(request):
            return False
        await self.reply(turn_context, request)
        return True

    async def route(self, step: WaterfallStepContext) -> DialogTurnResult:
        request = await self.request(step.context)
        intent = request.recognition.intent
        shared = in_shared_conversation(step.context)
        if intent == "link_msa":
            if shared:  # SPEC 4.4: the sign-in card and the MSA it names belong in the personal chat
                await say(step.context, "shared_link_personal_only")
                return await step.end_dialog()
            return await step.begin_dialog(LinkMsaDialog.__name__)
        if self.needs_confirmation(request):
            step.values["intent"] = intent
            question = confirmation_activity(language(step.context), f"confirm_{intent}")
            return await step.prompt(CONFIRM_PROMPT, PromptOptions(prompt=question, retry_prompt=question))
        await self.reply(step.context, request)
        return await step.end_dialog()

    async def reply(self, turn_context: TurnContext, request: Request) -> None:
        """Answer here, or, for an admin's organisation-wide question in a shared conversation, in the
        admin's personal chat with a one-line note here: figures are never posted there (SPEC 4.4)."""
        member = member_of(turn_context)
        reply = await self.answer(turn_context, request)
        if in_shared_conversation(turn_context) and request.recognition.intent in ORGANISATION_WIDE and member.is_admin:
            delivered = await self.personal_chat.send(turn_context, member, reply_activity(reply))
            await say(turn_context, "shared_answer_sent" if delivered else "shared_open_personal_chat")
            return
        await turn_context.send_activity(reply_activity(reply))

    async def resume(self, step: WaterfallStepContext) -> DialogTurnResult:
        """A child ended: the "did you mean …?" confirmation, or the link dialog."""
        if "intent" in step.values:
            return await self.confirmed(step)
        if step.result != LINK_LEFT_FOR_QUESTION:
            return await step.end_dialog(step.result)
        # A question ended the link dialog (asked while the sign-in or the confirmation waited): say
        # that nothing was linked (unless the question was to link again) and answer it.
        if (await self.request(step.context)).recognition.intent != "link_msa":
            await say(step.context, "link_ended_for_question")
        return await step.replace_dialog("main")  # answers this turn's message from the start

    async def confirmed(self, step: WaterfallStepContext) -> DialogTurnResult:
        """The answer to "did you mean …?": act only on a yes."""
        lang = language(step.context)
        if not yes_or_no(step.result if isinstance(step.result, str) else None):
            await step.context.send_activity(reply_activity(Reply(text(lang, "confirm_declined"))))
            return await step.end_dialog()
        recognition = Recognition(step.values["intent"], 1.0, None, lang)
        await self.reply(step.context, Request(recognition))
        return await step.end_dialog()

    async def answer(self, turn_context: TurnContext, request: Request | Recognition) -> Reply:
        if isinstance(request, Recognition):
            request = Request(request)
        recognition = request.recognition
        member = member_of(turn_context)
        lang = language(turn_context)
        intent = recognition.intent
        if intent in ORGANISATION_WIDE and not member.is_admin:
            return Reply(text(lang, "admins_only"), None)
        try:
            return await self._answer(turn_context, request, member, lang)
        except UnknownCompetency:
            return Reply(text(lang, "competency_unknown"))
        except UnknownCredential:
            return Reply(text(lang, "credential_unknown"))

    async def _answer(self, turn_context: TurnContext, request: Request, member: Member, lang: str) -> Reply:
        where = zone(turn_context)
        recognition = request.recognition
        intent = recognition.intent
        organization = member.organization_id
        if intent in ("org_progress", "upgrade_options") and recognition.competency:
            return competency_reply(await self.assistant.competency(organization, recognition.competency), lang, where)
        if intent == "org_progress":
            evaluation = await self.assistant.progress(organization, recognition.level)
            membership = evaluation.snapshot.membership
            level = recognition.level or next_level(membership.level if membership else None)
            return self.progress_replies(evaluation, level, lang, where)
        if intent == "upgrade_options":
            return upgrade_reply(await self.assistant.progress(organization, recognition.level), lang, where)
        if intent == "renewal_status":
            return renewal_reply(await self.assistant.progress(organization), lang, where)
        if intent == "membership_status":
            return membership_reply(await self.assistant.membership(organization), lang, where)
        if intent == "people":
            return await self._people(request, member, lang, where)
        if intent == "expiring":
            return expiring_reply(await self.assistant.expiring(organization), lang, where)
        if intent == "what_if":
            return await self._what_if(request, member, lang, where)
        if intent == "specializations":
            return specializations_reply(await self.assistant.specializations(organization), lang, where)
        if intent == "designations":
            return designations_reply(await self.assistant.designations(organization), lang, where)
        if intent == "greeting":
            return greeting_reply(lang, is_thanks(request.text), member.is_admin)
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

    async def _person(self, request: Request, member: Member, lang: str) -> str | Reply:
        """The person the request names, by id; or the question back (which one? nobody by that name)."""
        if request.person_id:
            return request.person_id
        written = request.recognition.person or ""
        candidates = await self.assistant.find_people(member.organization_id, written, request.text)
        if len(candidates) == 1:
            return candidates[0].id
        if not candidates:
            return Reply(text(lang, "person_unknown", name=written, organization=member.organization_name))
        return person_choice_reply(lang, written, candidates, request.as_submit())

    async def _people(self, request: Request, member: Member, lang: str, where: tzinfo | None) -> Reply:
        recognition = request.recognition
        person_id = None
        if recognition.person or request.person_id:
            person = await self._person(request, member, lang)
            if isinstance(person, Reply):
                return person
            person_id = person
        credential = recognition.credential if person_id is None else None
        competency = recognition.competency if person_id is None and credential is None else None
        answer = await self.assistant.people(member.organization_id, credential, competency, person_id)
        return people_reply(answer, lang, where)

    async def _what_if(self, request: Request, member: Member, lang: str, where: tzinfo | None) -> Reply:
        recognition = request.recognition
        if not recognition.person and not request.person_id:
            return Reply(text(lang, "what_if_needs_person"))
        person = await self._person(request, member, lang)
        if isinstance(person, Reply):
            return person
        kind = request.change or change_kind(request.text, recognition.credential)
        if kind != "leaves" and not recognition.credential:
            return Reply(text(lang, "what_if_needs_credential", person=recognition.person or ""))
        try:
            result = await self.assistant.what_if(member.organization_id, Change(kind, person, recognition.credential))
        except ChangeImpossible:
            return await self._not_held(member, person, recognition.credential or "", lang)
        return what_if_reply(result, lang, where)

    async def _not_held(self, member: Member, person_id: str, code: str, lang: str) -> Reply:
        answer = await self.assistant.people(member.organization_id, person_id=person_id)
        words = Phrasebook(lang, answer.catalog, answer.names)
        return Reply(text(lang, "what_if_not_held", person=words.person(person_id), credential=credential_name(words, code)))
