"""The `PersonalChat` port over stored conversation references: a proactive message with
`continue_conversation`, from inside a turn in a shared conversation (SPEC 4.4). The stored
`serviceUrl` is checked against `ALLOWED_SERVICE_URL_HOSTS` first, as the alert sender does: a
reference not written by a checked inbound activity must not receive the bot's bearer token."""

from __future__ import annotations

import logging

from botbuilder.core import TurnContext
from botbuilder.schema import Activity, ConversationReference

from bot.hosting.inbound import ServiceUrlPolicy
from services.assistant import Assistant
from services.conversations import Member

logger = logging.getLogger(__name__)


class StoredPersonalChat:
    def __init__(self, assistant: Assistant, bot_app_id: str, service_urls: ServiceUrlPolicy | None = None):
        """`service_urls`: where sends may go; by default only the Bot Framework's and Teams' own hosts."""
        self.assistant = assistant
        self.bot_app_id = bot_app_id
        self.service_urls = service_urls or ServiceUrlPolicy.from_setting(local_mode=False, setting="")

    async def send(self, turn_context: TurnContext, member: Member, activity: Activity) -> bool:
        stored = await self.assistant.personal_reference(member.user.id)
        if stored is None:
            return False
        service_url = str(stored.get("serviceUrl") or "")
        if not self.service_urls.allows(service_url):
            logger.warning(
                "personal chat not used: the stored serviceUrl's host %s is not allowed (ALLOWED_SERVICE_URL_HOSTS)",
                ServiceUrlPolicy.host_of(service_url),
                extra={"user": member.user.id},
            )
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
