"""The user-token client fetches the bot's app token in a worker thread, never on the event loop
(bot/connector/token_client.py): MSAL refreshes it over the network, blocking."""

from __future__ import annotations

import threading

from botframework.connector.auth import MicrosoftAppCredentials
from botframework.connector.auth._user_token_client_impl import _UserTokenClientImpl

from bot.connector.token_client import off_the_loop
from tests.e2e.fakes import FakeTokenService


class RecordingCredentials(MicrosoftAppCredentials):
    """An app id with a token that MSAL would fetch; here: where it was asked for."""

    def __init__(self) -> None:
        super().__init__("app-id", "secret")
        self.threads: list[threading.Thread] = []

    def get_access_token(self, force_refresh: bool = False) -> str:
        self.threads.append(threading.current_thread())
        return "app-token"


async def test_the_app_token_is_fetched_in_a_worker_thread_and_sent():
    credentials = RecordingCredentials()
    async with FakeTokenService() as service:
        service.sign_in("29:ann", "user-token")
        client = off_the_loop(_UserTokenClientImpl("app-id", credentials, service.url))

        response = await client.get_user_token("29:ann", "MSA", "msteams", None)

    assert response.token == "user-token"
    assert credentials.threads and threading.main_thread() not in credentials.threads
    assert [call.authorization for call in service.calls] == ["Bearer app-token"]


async def test_without_the_fix_the_sdk_asks_for_the_token_on_the_event_loop():
    """What the fix is for: the SDK's own client calls the credentials in the loop's thread."""
    credentials = RecordingCredentials()
    async with FakeTokenService() as service:
        service.sign_in("29:ann", "user-token")

        await _UserTokenClientImpl("app-id", credentials, service.url).get_user_token("29:ann", "MSA", "msteams", None)

    assert credentials.threads == [threading.main_thread()]
