"""Bot Framework authentication from our settings (SPEC 4.2), with the token service made
configurable in local mode, and inbound tokens checked so that a forged one is a 401, never a 500.

The SDK's own `OAUTH_URL` switches it to parameterized authentication, which then fails every
anonymous request; so in local mode we keep the default request authentication and only point the
user-token client at `OAUTH_URL` (see reference/botframework-research.md, addendum)."""

from __future__ import annotations

from types import SimpleNamespace

import jwt
from botbuilder.integration.aiohttp import ConfigurationBotFrameworkAuthentication
from botbuilder.schema import Activity
from botframework.connector.auth import AuthenticateRequestResult, ClaimsIdentity, ConnectorFactory, MicrosoftAppCredentials, UserTokenClient
from botframework.connector.auth._built_in_bot_framework_authentication import _BuiltinBotFrameworkAuthentication
from botframework.connector.auth._user_token_client_impl import _UserTokenClientImpl

from bot.connector import signing_keys
from bot.connector.pool import ConnectorLimits, ConnectorPool
from bot.connector.signing_keys import SigningKeysUnavailable
from bot.connector.token_client import off_the_loop
from services.settings import Settings

LOCAL_APP_ID = "00000000-0000-0000-0000-00000000b07a"  # any fixed id: the token client needs one to sign state
_LOCAL_TOKEN_CLIENT = object()  # the key of the one token client of local mode
SIGNING_ALGORITHM = "RS256"  # the only one the SDK verifies a Bot Framework token with


def check_token_shape(auth_header: str) -> None:
    """A bearer JWT whose header names RS256 and a key id, else `PermissionError`: what the SDK would
    otherwise trip over (alg none or HS256, no `kid`, garbage) before it even looks at the signature."""
    scheme, _, token = auth_header.partition(" ")
    if scheme != "Bearer" or not token:
        raise PermissionError("no bearer token")
    try:
        header = jwt.get_unverified_header(token)
    except jwt.PyJWTError:
        raise PermissionError("the bearer token is not a JWT") from None
    if header.get("alg") != SIGNING_ALGORITHM:
        raise PermissionError("the token is not signed with RS256")
    if not isinstance(header.get("kid"), str) or not header["kid"]:
        raise PermissionError("the token names no signing key")


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
    from one `ConnectorPool` instead of built anew for each turn (bot/connector/pool.py)."""

    def __init__(self, settings: Settings, connectors: ConnectorPool | None = None, user_tokens: UserTokenClient | None = None):
        """`connectors` and `user_tokens` replace the Bot Connector and the token service (tests)."""
        signing_keys.install()
        super().__init__(sdk_configuration(settings))
        self.settings = settings
        self.connectors = connectors or ConnectorPool(connector_limits(settings))
        self._user_tokens = user_tokens
        self._token_clients: dict[object, UserTokenClient] = {}

    async def authenticate_request(self, activity: Activity, auth_header: str) -> AuthenticateRequestResult:
        result = await self._authenticate(activity, auth_header)
        if result.connector_factory is not None:
            result.connector_factory = self.connectors.wrap(result.connector_factory)
        return result

    def create_connector_factory(self, claims_identity: ClaimsIdentity) -> ConnectorFactory:
        return self.connectors.wrap(super().create_connector_factory(claims_identity))

    async def _authenticate(self, activity: Activity, auth_header: str) -> AuthenticateRequestResult:
        """In local mode any token is ignored (the request is anonymous, as without one, so an
        unreachable Microsoft login never matters). With an app id, every way a token can be wrong is a
        `PermissionError`; `SigningKeysUnavailable` means the keys to check it cannot be had now."""
        if self.settings.local_mode:
            return await super().authenticate_request(activity, "")
        if not auth_header:
            raise PermissionError("no Authorization header")
        check_token_shape(auth_header)
        try:
            return await super().authenticate_request(activity, auth_header)
        except (PermissionError, SigningKeysUnavailable):
            raise
        except Exception as exc:  # noqa: BLE001 - the SDK raises bare Exception, jwt errors, KeyError … for bad tokens
            raise PermissionError(f"the token does not verify ({type(exc).__name__})") from None

    async def create_user_token_client(self, claims_identity: ClaimsIdentity) -> UserTokenClient:
        """One client per app id, built once (the SDK builds one, with its msrest client, every turn),
        fetching its app token in a worker thread (bot/connector/token_client.py)."""
        if self._user_tokens is not None:
            return self._user_tokens
        local = self.settings.local_mode and bool(self.settings.oauth_url)
        key = _LOCAL_TOKEN_CLIENT if local else _BuiltinBotFrameworkAuthentication.get_app_id(claims_identity)
        client = self._token_clients.get(key)
        if client is None:
            if local:
                client = _UserTokenClientImpl(LOCAL_APP_ID, MicrosoftAppCredentials.empty(), self.settings.oauth_url)
            else:
                client = await super().create_user_token_client(claims_identity)
            self._token_clients[key] = client = off_the_loop(client)
        return client
