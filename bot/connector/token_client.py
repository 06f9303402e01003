"""The SDK's user-token client (OAuthPrompt's sign-in, SPEC 4.2), with its app token fetched off the
event loop.

msrest's credentials policy calls `AppCredentials.signed_session` on the event loop before every
call to the token service; with an app id that asks MSAL for the bot's token, and MSAL refreshes it
over the network (a blocking HTTP call, seconds when the login service is slow) whenever it runs out:
every turn of every user waits meanwhile. `off_the_loop` gives a built client msrest's default
pipeline with that one call (and the refresh after a rejected token) moved to a worker thread."""

from __future__ import annotations

import asyncio
from typing import Any

import requests
from botframework.connector.auth import UserTokenClient
from msrest.async_client import AsyncPipeline
from msrest.exceptions import ClientRequestError, TokenExpiredError, raise_with_traceback
from msrest.pipeline import AsyncHTTPPolicy
from msrest.pipeline.async_requests import AsyncPipelineRequestsHTTPSender, AsyncRequestsCredentialsPolicy
from msrest.pipeline.universal import RawDeserializer
from msrest.universal_http.async_requests import AsyncRequestsHTTPSender
from oauthlib import oauth2  # type: ignore[import-untyped]  # requests-oauthlib's, as msrest imports it


class CredentialsOffTheLoop(AsyncRequestsCredentialsPolicy):
    """msrest 0.7.1's `AsyncRequestsCredentialsPolicy.send`, with `signed_session` and
    `refresh_session` run in the default executor; the rest (retry once on an expired token, the
    errors it raises) as msrest has it, less its fallback for credentials that take no session
    (the SDK's AppCredentials take one)."""

    async def send(self, request: Any, **kwargs: Any) -> Any:
        session = request.context.session
        following = self.next
        assert following is not None  # the pipeline links every policy to the next one
        await asyncio.to_thread(self._creds.signed_session, session)
        try:
            try:
                return await following.send(request, **kwargs)
            except (oauth2.rfc6749.errors.InvalidGrantError, oauth2.rfc6749.errors.TokenExpiredError):
                pass  # msrest logs "Token expired or is invalid. Attempting to refresh." and refreshes
            try:
                await asyncio.to_thread(self._creds.refresh_session, session)
                return await following.send(request, **kwargs)
            except (oauth2.rfc6749.errors.InvalidGrantError, oauth2.rfc6749.errors.TokenExpiredError) as err:
                raise_with_traceback(TokenExpiredError, "Token expired or is invalid.", err)
        except (requests.RequestException, oauth2.rfc6749.errors.OAuth2Error) as err:
            raise_with_traceback(ClientRequestError, "Error occurred in request.", err)
        raise AssertionError("not reached: raise_with_traceback raises")


def off_the_loop(client: UserTokenClient) -> UserTokenClient:
    """The SDK's `_UserTokenClientImpl` with the pipeline msrest's `ServiceClientAsync` builds, the
    credentials policy replaced by `CredentialsOffTheLoop`. A client of another kind is returned as
    it is."""
    service = getattr(getattr(client, "_client", None), "_client", None)  # TokenApiClient → ServiceClientAsync
    config = getattr(service, "config", None)
    if config is None or not isinstance(getattr(config, "pipeline", None), AsyncPipeline):
        return client
    policies: list[Any] = [config.user_agent_policy, RawDeserializer(), config.http_logger_policy]
    if config.credentials and not isinstance(config.credentials, AsyncHTTPPolicy):
        policies.insert(1, CredentialsOffTheLoop(config.credentials))
    elif config.credentials:
        policies.insert(1, config.credentials)
    config.pipeline = AsyncPipeline(policies, AsyncPipelineRequestsHTTPSender(AsyncRequestsHTTPSender(config)))
    return client
