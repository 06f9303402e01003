"""Bot Framework authentication from our settings (SPEC 4.2), with the token service made
configurable in local mode.

The SDK's own `OAUTH_URL` switches it to parameterized authentication, which then fails every
anonymous request; so in local mode we keep the default request authentication and only point the
user-token client at `OAUTH_URL` (see reference/botframework-research.md, addendum)."""

from __future__ import annotations

from types import SimpleNamespace

from botbuilder.integration.aiohttp import ConfigurationBotFrameworkAuthentication
from botbuilder.schema import Activity
from botframework.connector.auth import AuthenticateRequestResult, ClaimsIdentity, ConnectorFactory, MicrosoftAppCredentials, UserTokenClient
from botframework.connector.auth._built_in_bot_framework_authentication import _BuiltinBotFrameworkAuthentication
from botframework.connector.auth._user_token_client_impl import _UserTokenClientImpl

from bot.connector import ConnectorLimits, ConnectorPool
from bot.sdk_fixes import apply_sdk_fixes
from services.settings import Settings

LOCAL_APP_ID = "00000000-0000-0000-0000-00000000b07a"  # any fixed id: the token client needs one to sign state
_LOCAL_TOKEN_CLIENT = object()  # the key of the one token client of local mode


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


def connector_limits(settings: Settings) -> ConnectorLimits:
    return ConnectorLimits(
        connect_timeout=settings.connector_connect_timeout_seconds,
        read_timeout=settings.connector_read_timeout_seconds,
        per_host=settings.connector_concurrency_per_host,
    )


class BotAuthentication(ConfigurationBotFrameworkAuthentication):
    """The SDK's authentication, with every connector client (replies and proactive sends) taken
    from one `ConnectorPool` instead of built anew for each turn (bot/connector.py)."""

    def __init__(self, settings: Settings, connectors: ConnectorPool | None = None):
        apply_sdk_fixes()
        super().__init__(sdk_configuration(settings))
        self.settings = settings
        self.connectors = connectors or ConnectorPool(connector_limits(settings))
        self._token_clients: dict[object, UserTokenClient] = {}

    async def authenticate_request(self, activity: Activity, auth_header: str) -> AuthenticateRequestResult:
        result = await super().authenticate_request(activity, auth_header)
        if result.connector_factory is not None:
            result.connector_factory = self.connectors.wrap(result.connector_factory)
        return result

    def create_connector_factory(self, claims_identity: ClaimsIdentity) -> ConnectorFactory:
        return self.connectors.wrap(super().create_connector_factory(claims_identity))

    async def create_user_token_client(self, claims_identity: ClaimsIdentity) -> UserTokenClient:
        """One client per app id, built once (the SDK builds one, with its msrest client, every turn)."""
        local = self.settings.local_mode and bool(self.settings.oauth_url)
        key = _LOCAL_TOKEN_CLIENT if local else _BuiltinBotFrameworkAuthentication.get_app_id(claims_identity)
        client = self._token_clients.get(key)
        if client is None:
            if local:
                client = _UserTokenClientImpl(LOCAL_APP_ID, MicrosoftAppCredentials.empty(), self.settings.oauth_url)
            else:
                client = await super().create_user_token_client(claims_identity)
            self._token_clients[key] = client
        return client
