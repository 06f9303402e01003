"""Bot Framework authentication from our settings (SPEC 4.2), with the token service made
configurable in local mode.

The SDK's own `OAUTH_URL` switches it to parameterized authentication, which then fails every
anonymous request; so in local mode we keep the default request authentication and only point the
user-token client at `OAUTH_URL` (see reference/botframework-research.md, addendum)."""

from __future__ import annotations

from types import SimpleNamespace

from botbuilder.integration.aiohttp import ConfigurationBotFrameworkAuthentication
from botframework.connector.auth import ClaimsIdentity, MicrosoftAppCredentials, UserTokenClient
from botframework.connector.auth._user_token_client_impl import _UserTokenClientImpl

from services.settings import Settings

LOCAL_APP_ID = "00000000-0000-0000-0000-00000000b07a"  # any fixed id: the token client needs one to sign state


def sdk_configuration(settings: Settings) -> SimpleNamespace:
    """The attribute names the SDK reads (APP_ID, APP_PASSWORD, …)."""
    configuration = SimpleNamespace(
        APP_ID=settings.microsoft_app_id,
        APP_PASSWORD=settings.microsoft_app_password.get_secret_value(),
        APP_TYPE=settings.microsoft_app_type,
        APP_TENANTID=settings.microsoft_app_tenant_id,
    )
    if settings.oauth_url and not settings.local_mode:
        configuration.OAUTH_URL = settings.oauth_url
    return configuration


class BotAuthentication(ConfigurationBotFrameworkAuthentication):
    def __init__(self, settings: Settings):
        super().__init__(sdk_configuration(settings))
        self.settings = settings

    async def create_user_token_client(self, claims_identity: ClaimsIdentity) -> UserTokenClient:
        if self.settings.local_mode and self.settings.oauth_url:
            return _UserTokenClientImpl(LOCAL_APP_ID, MicrosoftAppCredentials.empty(), self.settings.oauth_url)
        return await super().create_user_token_client(claims_identity)
