"""Invokes answered by protocol, with nothing posted in the conversation (SPEC 4.4).

- `signin/verifyState` and `signin/tokenExchange` go to the dialog only while a sign-in waits for
  them; otherwise verifyState is answered 200 and tokenExchange 412 with the request's `id` (Teams
  then falls back to the sign-in card). A token exchange the dialog leaves unanswered is a 412 too,
  never 200 with an empty body (Teams would take that for success). A verifyState the token service
  fails on is answered 412 by the sign-in dialog (dialogs/link_msa_dialog.py `SignInPrompt`), which
  also tells the user and ends the sign-in; botbuilder alone would answer 500 and say nothing.
- `adaptiveCard/action` (Universal Actions): a missing or malformed `value` is answered 400 with the
  protocol's `application/vnd.microsoft.error` body; the bot's cards use Action.Submit, so a well-formed
  Action.Execute is answered 501 in the same shape.
- Every other invoke is answered 501 without looking at its value."""

from __future__ import annotations

from datetime import datetime
from http import HTTPStatus

from botbuilder.core import InvokeResponse
from botbuilder.core.bot_adapter import BotAdapter
from botbuilder.dialogs import ComponentDialog, DialogContext, DialogState
from botbuilder.dialogs.prompts import OAuthPrompt
from botbuilder.schema import Activity, AdaptiveCardInvokeResponse, TokenExchangeInvokeRequest, TokenExchangeInvokeResponse

from bot.hosting.inbound import excerpt

VERIFY_STATE = "signin/verifyState"  # SignInConstants.verify_state_operation_name, as a plain str
TOKEN_EXCHANGE = "signin/tokenExchange"  # SignInConstants.token_exchange_operation_name
SIGN_IN_INVOKES = frozenset((VERIFY_STATE, TOKEN_EXCHANGE))
ADAPTIVE_CARD_ACTION = "adaptiveCard/action"
INVOKE_RESPONSE_KEY = BotAdapter._INVOKE_RESPONSE_KEY  # where a dialog's own invoke response is kept


def not_implemented() -> InvokeResponse:
    return InvokeResponse(status=HTTPStatus.NOT_IMPLEMENTED)


def _value(activity: Activity) -> dict:
    return activity.value if isinstance(activity.value, dict) else {}


def no_sign_in_waits(activity: Activity) -> InvokeResponse:
    """The answer to a sign-in invoke nothing is waiting for."""
    if activity.name != TOKEN_EXCHANGE:
        return InvokeResponse(status=HTTPStatus.OK)
    value = _value(activity)
    request_id = value.get("id") if isinstance(value.get("id"), str) else None
    connection_name = value.get("connectionName") if isinstance(value.get("connectionName"), str) else None
    body = TokenExchangeInvokeResponse(id=request_id, connection_name=connection_name, failure_detail="No sign-in is waiting for this token exchange.")
    return InvokeResponse(status=HTTPStatus.PRECONDITION_FAILED, body=body)


def malformed_sign_in(activity: Activity) -> InvokeResponse | None:
    """400 for a sign-in invoke whose value the prompt would trip over (not an object, no state/token,
    or a token exchange the schema cannot read: msrest's error would end the turn with a traceback and
    drop the waiting sign-in)."""
    value = activity.value
    if activity.name == VERIFY_STATE and not (isinstance(value, dict) and isinstance(value.get("state"), str)):
        return InvokeResponse(status=HTTPStatus.BAD_REQUEST)
    if activity.name == TOKEN_EXCHANGE:
        if not isinstance(value, dict):
            return InvokeResponse(status=HTTPStatus.BAD_REQUEST)
        if not (isinstance(value.get("token"), str) and isinstance(value.get("id"), str)):
            return no_sign_in_waits(activity)
        try:
            TokenExchangeInvokeRequest().from_dict(value)
        except ValueError:  # msrest's DeserializationError ("properties": 5 …)
            return InvokeResponse(status=HTTPStatus.BAD_REQUEST)
    return None


def unanswered(activity: Activity, response: InvokeResponse | None, turn_state: dict) -> InvokeResponse | None:
    """What to answer after the dialog saw a sign-in invoke: its own answer if it gave one (with the
    request's id where botbuilder's own 400s leave it out), else ours."""
    own = turn_state.get(INVOKE_RESPONSE_KEY)
    if own is not None:
        body = getattr(own.value, "body", None)
        if isinstance(body, TokenExchangeInvokeResponse) and body.id is None:
            request_id = getattr(activity.value, "id", None)  # the prompt turned the value into a TokenExchangeInvokeRequest
            body.id = request_id if isinstance(request_id, str) else _value(activity).get("id")
        return response
    if activity.name == TOKEN_EXCHANGE and (response is None or response.body is None):
        return no_sign_in_waits(activity)
    return response


async def sign_in_waits(dialog_context: DialogContext) -> bool:
    """Whether the innermost active dialog is an OAuthPrompt that has not timed out (component dialogs
    keep their inner stack in their instance state, which botbuilder's `DialogContext.child` skips)."""
    dialogs, stack = dialog_context.dialogs, dialog_context.stack
    while stack:
        instance = stack[0]
        dialog = dialogs.find_dialog(instance.id)
        state = instance.state or {}
        if isinstance(dialog, OAuthPrompt):
            expires = state.get(OAuthPrompt.PERSISTED_EXPIRES)
            return not isinstance(expires, datetime) or datetime.now() <= expires
        if not isinstance(dialog, ComponentDialog) or not isinstance(state.get(ComponentDialog.persisted_dialog_state), DialogState):
            return False
        # ComponentDialog keeps its dialogs in `_dialogs` (its inherited `dialogs` set stays empty)
        dialogs, stack = dialog._dialogs, state[ComponentDialog.persisted_dialog_state].dialog_stack
    return False


def _card_error(status: HTTPStatus, code: str, message: str) -> InvokeResponse:
    body = AdaptiveCardInvokeResponse(status_code=int(status), type="application/vnd.microsoft.error", value={"code": code, "message": message})
    return InvokeResponse(status=status, body=body)


def adaptive_card_action(activity: Activity) -> InvokeResponse:
    value = activity.value
    if value is None:
        return _card_error(HTTPStatus.BAD_REQUEST, "BadRequest", "Missing value property")
    if not isinstance(value, dict):
        return _card_error(HTTPStatus.BAD_REQUEST, "BadRequest", "Value property is not properly formed")
    action = value.get("action")
    if not isinstance(action, dict):
        return _card_error(HTTPStatus.BAD_REQUEST, "BadRequest", "Missing action property")
    if action.get("type") != "Action.Execute":
        return _card_error(HTTPStatus.BAD_REQUEST, "NotSupported", f"The action {excerpt(action.get('type'), 40)!r} is not supported.")
    return _card_error(HTTPStatus.NOT_IMPLEMENTED, "NotImplemented", f"The verb {excerpt(action.get('verb'), 40)!r} is not handled by this bot.")
