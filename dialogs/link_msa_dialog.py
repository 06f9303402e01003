"""Link MSA: sign in with the Microsoft account → read it from Graph → confirm if it counts for
another organisation → link through the service (R4 and its caps) → say when it counts (R3)."""

from __future__ import annotations

import asyncio
import logging
from http import HTTPStatus

from botbuilder.core import CardFactory, InvokeResponse, MessageFactory, TurnContext
from botbuilder.core.bot_framework_adapter import TokenExchangeRequest
from botbuilder.dialogs import DialogContext, DialogTurnResult, DialogTurnStatus, WaterfallDialog, WaterfallStepContext
from botbuilder.dialogs._user_token_access import _UserTokenAccess
from botbuilder.dialogs.prompts import OAuthPrompt, OAuthPromptSettings, PromptOptions, PromptRecognizerResult, PromptValidatorContext, TextPrompt
from botbuilder.schema import ActionTypes, Activity, ActivityTypes, CardAction, HeroCard, SignInConstants, TokenExchangeInvokeRequest, TokenResponse
from msrest.exceptions import ClientRequestError, HttpOperationError

from dialogs.formatting import datetime_text
from dialogs.interruptible_dialog import INTERRUPTING_SCORE, InterruptibleDialog
from dialogs.messages import LANGUAGES, text
from dialogs.ports import AccountDirectory, AccountDirectoryError
from dialogs.recognizer import recognize
from dialogs.turn import language, member_of, say, zone
from dialogs.yes_no import yes_or_no
from services.assistant import Assistant
from services.errors import LinkRefused

logger = logging.getLogger(__name__)
# What the SDK's token client (msrest over requests) raises when the Bot Framework token service
# (OAUTH_URL) cannot be reached (ClientRequestError: refused, timed out) or answers with an error.
TOKEN_SERVICE_ERRORS = (ClientRequestError, HttpOperationError, asyncio.TimeoutError, OSError)
SIGN_IN_TIMEOUT_MS = 5 * 60 * 1000


CONFIRM = "confirm-dissolve"
LINK_LEFT_FOR_QUESTION = "link-left-for-a-question"  # the dialog's result when a question ended it


async def _is_yes_or_no(prompt: PromptValidatorContext) -> bool:
    return prompt.recognized.succeeded and yes_or_no(prompt.recognized.value) is not None


def _question(language_code: str, question: str):
    """The question with two buttons whose titles the yes/no reading understands."""
    buttons = [
        CardAction(type=ActionTypes.im_back, title=text(language_code, key), value=text(language_code, key))
        for key in ("link_confirm_yes", "link_confirm_no")
    ]
    return MessageFactory.attachment(CardFactory.hero_card(HeroCard(text=question, buttons=buttons)))


def _sign_in_prompt(language_code: str) -> str:
    return f"sign-in-{language_code}"


def _is_question_while_linking(inner_dc: DialogContext) -> bool:
    """A message that asks something else while the sign-in card or the confirmation waits: not a
    magic code, not a yes or no, not help or cancel (those the dialog answers and goes on)."""
    active = inner_dc.active_dialog
    activity = inner_dc.context.activity
    if active is None or activity.type != ActivityTypes.message or not activity.text:
        return False
    if active.id.startswith("sign-in-"):
        if activity.text.strip().isdigit():  # the magic code the sign-in page shows
            return False
    elif active.id != CONFIRM or yes_or_no(activity.text) is not None:
        return False
    recognition = recognize(activity.text, activity.locale)
    return recognition.score >= INTERRUPTING_SCORE and recognition.intent not in ("none", "help", "cancel")


class SignInPrompt(OAuthPrompt):
    """OAuthPrompt, except that a Teams `signin/verifyState` the token service fails on is not swallowed.

    botbuilder answers such an invoke 500 itself, says nothing to the user, logs nothing, and keeps
    the prompt waiting. Here the error reaches `LinkMsaDialog`, which answers the invoke 412 (the Bot
    Framework's status for a sign-in invoke that could not complete), tells the user in their language
    that nothing was linked and to try again, logs one line and ends the sign-in.

    A `signin/tokenExchange` (Teams single sign-on) the token service refuses or fails on is answered
    412 as botbuilder answers it (the client then shows the sign-in card), but with one line logged
    saying why: botbuilder drops the error with a bare `except`. Our copy of its branch (4.17.1, which
    the composition root insists on)."""

    async def _recognize_token(self, dialog_context: DialogContext) -> PromptRecognizerResult:
        context = dialog_context.context
        if OAuthPrompt._is_token_exchange_request_invoke(context):
            return await self._recognize_exchange(dialog_context)
        if not OAuthPrompt._is_teams_verification_invoke(context):
            return await super()._recognize_token(dialog_context)
        value = context.activity.value
        code = value.get("state") if isinstance(value, dict) else None
        token = await self.get_user_token(context, code)  # a token service error propagates
        status = HTTPStatus.OK if token is not None else HTTPStatus.NOT_FOUND  # as botbuilder answers these
        await context.send_activity(Activity(type=ActivityTypes.invoke_response, value=InvokeResponse(status=int(status))))
        return PromptRecognizerResult(True, token) if token is not None else PromptRecognizerResult()

    async def _recognize_exchange(self, dialog_context: DialogContext) -> PromptRecognizerResult:
        context = dialog_context.context
        if isinstance(context.activity.value, dict):
            context.activity.value = TokenExchangeInvokeRequest().from_dict(context.activity.value)
        request = context.activity.value
        if not (request and OAuthPrompt._is_token_exchange_request(request)) or request.connection_name != self._settings.connection_name:
            return await super()._recognize_token(dialog_context)  # botbuilder's 400s for a malformed request
        exchanged = await self._exchange(context, request.token)
        if exchanged is None:
            await context.send_activity(self._exchange_answer(context, HTTPStatus.PRECONDITION_FAILED, "The bot is unable to exchange token. Proceed with regular login."))
            return PromptRecognizerResult()
        await context.send_activity(self._exchange_answer(context, HTTPStatus.OK, None))
        return PromptRecognizerResult(True, TokenResponse(channel_id=exchanged.channel_id, connection_name=exchanged.connection_name, token=exchanged.token, expiration=None))

    async def _exchange(self, context: TurnContext, token: str) -> TokenResponse | None:
        """The token the token service exchanges the client's for, or None with the reason logged.

        Whatever goes wrong is answered 412, as botbuilder answers it, so the client shows the sign-in
        card and the prompt keeps waiting: the service unreachable or failing (any exception, as
        botbuilder's own bare `except`), or a refusal (None for a 404; an `ErrorResponse` for a 400,
        which has no token and which botbuilder's branch reads as if it had one)."""
        try:
            exchanged = await _UserTokenAccess.exchange_token(context, self._settings, TokenExchangeRequest(token=token))
        except Exception as error:  # noqa: BLE001 - every failure falls back to the card; the reason is logged
            logger.warning("token exchange failed, the sign-in card stays: %s", _first_line(error))
            return None
        if isinstance(exchanged, TokenResponse) and exchanged.token:
            return exchanged
        refusal = getattr(exchanged, "error", None)
        if refusal is not None:
            logger.info("token exchange refused by the token service (%s: %s), the sign-in card stays", getattr(refusal, "code", None), str(getattr(refusal, "message", ""))[:200])
        else:
            logger.info("token exchange refused by the token service, the sign-in card stays")
        return None

    def _exchange_answer(self, context: TurnContext, status: HTTPStatus, failure: str | None) -> Activity:
        return self._get_token_exchange_invoke_response(int(status), failure, context.activity.value.id)


async def _token_service_unreachable(dialog_context: DialogContext, error: BaseException) -> DialogTurnResult:
    """One clear sentence for the user and one line in the log: no traceback, no "something went wrong".
    A `signin/verifyState` gets its invoke response too (412), never a 500."""
    logger.warning("token service unreachable, sign-in ended: %s", _first_line(error))
    context = dialog_context.context
    if context.activity.type == ActivityTypes.invoke and context.activity.name == SignInConstants.verify_state_operation_name:
        # botbuilder would answer 500; 412 is the Bot Framework's answer to a sign-in invoke that could
        # not complete (a token exchange's failure is already answered so, by OAuthPrompt itself)
        await context.send_activity(Activity(type=ActivityTypes.invoke_response, value=InvokeResponse(status=int(HTTPStatus.PRECONDITION_FAILED))))
    await say(dialog_context.context, "token_service_unreachable")
    return await dialog_context.cancel_all_dialogs()


def _first_line(error: BaseException) -> str:
    message = str(error).splitlines()[0] if str(error) else ""
    return f"{type(error).__name__}: {message[:200]}"


class LinkMsaDialog(InterruptibleDialog):
    def __init__(self, assistant: Assistant, directory: AccountDirectory, connection_name: str):
        super().__init__(LinkMsaDialog.__name__)
        self.assistant = assistant
        self.directory = directory
        for code in LANGUAGES:  # the sign-in card's words are fixed per prompt: one prompt per language
            self.add_dialog(
                SignInPrompt(
                    _sign_in_prompt(code),
                    OAuthPromptSettings(
                        connection_name=connection_name,
                        title=text(code, "sign_in_title"),
                        text=text(code, "sign_in_prompt"),
                        timeout=SIGN_IN_TIMEOUT_MS,
                    ),
                )
            )
        self.add_dialog(TextPrompt(CONFIRM, _is_yes_or_no))
        self.add_dialog(WaterfallDialog("link", [self.sign_in, self.check_association, self.link]))
        self.initial_dialog_id = "link"

    async def on_continue_dialog(self, inner_dc: DialogContext) -> DialogTurnResult:
        if _is_question_while_linking(inner_dc):
            # Decided: the question ends the linking. Kept waiting, the prompt would take the message
            # for a magic code (or re-ask its yes/no) and swallow it; the main dialog says so and answers.
            await inner_dc.cancel_all_dialogs()
            return DialogTurnResult(DialogTurnStatus.Complete, LINK_LEFT_FOR_QUESTION)
        try:
            return await super().on_continue_dialog(inner_dc)  # the prompt asks the token service for the token
        except TOKEN_SERVICE_ERRORS as error:
            return await _token_service_unreachable(inner_dc, error)

    async def sign_in(self, step: WaterfallStepContext) -> DialogTurnResult:
        try:
            return await step.begin_dialog(_sign_in_prompt(language(step.context)))
        except TOKEN_SERVICE_ERRORS as error:  # the prompt asks for a stored token first
            return await _token_service_unreachable(step, error)

    async def check_association(self, step: WaterfallStepContext) -> DialogTurnResult:
        if not step.result or not getattr(step.result, "token", None):
            await say(step.context, "sign_in_failed")
            return await step.end_dialog()
        try:
            profile = await self.directory.me(step.result.token)
        except AccountDirectoryError:
            logger.warning("could not read the Microsoft account from Graph", exc_info=True)
            await say(step.context, "graph_failed")
            return await step.end_dialog()
        member = member_of(step.context)
        step.values["msa"] = profile.sign_in_name
        association = await self.assistant.association(member.user.id, profile.sign_in_name)
        if not association.elsewhere:
            return await step.next(True)
        lang = language(step.context)
        # The person linked this account there themselves, so naming that organisation tells them nothing new.
        step.values["elsewhere"] = association.organization_name
        question = text(lang, "link_confirm_dissolve", msa=profile.sign_in_name, organization=association.organization_name)
        return await step.prompt(CONFIRM, PromptOptions(prompt=_question(lang, question), retry_prompt=_question(lang, question)))

    async def link(self, step: WaterfallStepContext) -> DialogTurnResult:
        if step.result is not True and not yes_or_no(step.result if isinstance(step.result, str) else None):
            await say(step.context, "link_kept", msa=step.values["msa"], organization=step.values.get("elsewhere", ""))
            return await step.end_dialog()
        member = member_of(step.context)
        lang = language(step.context)
        try:
            outcome = await self.assistant.link(member.user.id, step.values["msa"])
        except LinkRefused as refused:
            key = "link_refused_cooldown" if refused.reason == "cooldown" else "link_refused_yearly"
            await say(step.context, key, msa=step.values["msa"], date=datetime_text(refused.retry_at, lang, zone(step.context)))
            return await step.end_dialog()
        if outcome.already_linked:
            await say(step.context, "link_already", msa=outcome.msa)
        else:
            await say(step.context, "link_done", msa=outcome.msa, counts_from=datetime_text(outcome.counts_from, lang, zone(step.context)))
        return await step.end_dialog(outcome.msa)
