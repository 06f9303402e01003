"""Connector clients kept per (app id, service URL, audience) instead of one per turn and per
proactive send, each sending through its own keep-alive `requests` session and its host's threads.

botbuilder's `_ConnectorFactoryImpl.create` builds a new `ConnectorClient` every time it is asked:
new msrest serializers, a new pipeline, and (through msrest's thread-local sessions) a new TCP and
TLS handshake with Teams for every reply. `ConnectorPool.wrap` puts a cache in front of the SDK's
factory; the client it builds is given a sender that

- keeps ONE `requests.Session` per client, shared by every thread that sends for it (urllib3's
  connection pool is thread-safe; the session's settings are written once, here, and never again;
  the bearer token goes on each request's own headers, not on the shared session);
- runs the blocking call in a thread pool of the service URL's host, at most `per_host` threads,
  so a host that never answers holds only its own threads and queues only its own replies, never
  the shared default executor that the token client and everything else use;
- gives each call connect and read timeouts, and follows no redirects (a 3xx is an error);
- fetches the credentials' token in that thread as well, so an MSAL refresh does not block the loop,
  and reads the answer's body there (msrest would read it on the event loop).

msrest's retry policy (connect errors only for POST on urllib3 2) and its exceptions are kept, so
`status_of` in alert_sender.py reads a failed send exactly as before."""

from __future__ import annotations

import asyncio
import functools
import logging
import threading
from collections import OrderedDict
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

import requests
from botframework.connector.aio import ConnectorClient
from botframework.connector.auth import ConnectorFactory
from msrest.async_client import AsyncPipeline
from msrest.exceptions import ClientRequestError, raise_with_traceback
from msrest.pipeline.async_requests import AsyncPipelineRequestsHTTPSender
from msrest.pipeline.universal import RawDeserializer
from msrest.universal_http import ClientRequest
from msrest.universal_http.async_requests import AsyncRequestsClientResponse
from msrest.universal_http.requests import RequestsHTTPSender

from bot.connector.wire import ActivityOperations

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class ConnectorLimits:
    connect_timeout: float = 5.0  # seconds to open a connection to the serviceUrl's host
    read_timeout: float = 20.0  # seconds to wait for its answer
    per_host: int = 8  # sends in flight to one host; more wait in line for that host only
    clients: int = 256  # clients kept (least recently used dropped); Teams has a handful of serviceUrls


class _Host:
    """The threads that send to one host (scheme://host:port)."""

    def __init__(self, name: str, threads: int):
        self.executor = ThreadPoolExecutor(max_workers=threads, thread_name_prefix=f"connector-{name}"[:40])


class _HostSender:
    """What msrest's `AsyncPipelineRequestsHTTPSender` drives: one shared session, set up once (msrest's
    redirect patch and retry policy, no redirects), each call's kwargs built as msrest's
    `RequestsHTTPSender._configure_send` builds them (without its deprecated hooks and session
    callback, which the SDK never sets), sent in the host's threads with the token on the request."""

    def __init__(self, config: Any, host: _Host, credentials: Any, limits: ConnectorLimits):
        self.config = config
        self.host = host
        self._credentials = credentials
        self._timeout = (limits.connect_timeout, limits.read_timeout)
        session = requests.Session()
        RequestsHTTPSender(config)._init_session(session)
        session.max_redirects = 0
        session.trust_env = bool(config.proxies.use_env_settings)
        self.session = session

    async def __aenter__(self) -> _HostSender:
        return self

    async def __aexit__(self, *exc_details: object) -> None:
        return None

    def close(self) -> None:
        self.session.close()

    async def send(self, request: ClientRequest, **kwargs: Any) -> AsyncRequestsClientResponse:
        kwargs.pop("session", None)
        requests_kwargs: dict[str, Any] = {**self.config.connection(), "timeout": self._timeout, "allow_redirects": False}
        requests_kwargs["headers"] = self.config.headers.copy()
        proxies = self.config.proxies()
        if proxies:
            requests_kwargs["proxies"] = proxies
        requests_kwargs.update({key: value for key, value in kwargs.items() if key in ("cookies", "verify", "proxies", "cert")})
        # The body is read in the host's thread too (msrest streams it and reads it on the event loop,
        # where a host that trickles its answer would stall every turn); connector answers are small.
        requests_kwargs["stream"] = False
        if request.files:
            requests_kwargs["files"] = request.files
        elif request.data:
            requests_kwargs["data"] = request.data
        requests_kwargs["headers"].update(request.headers)
        call = functools.partial(self._call, request.method, request.url, requests_kwargs)
        return AsyncRequestsClientResponse(request, await asyncio.get_running_loop().run_in_executor(self.host.executor, call))

    def _call(self, method: str, url: str, requests_kwargs: dict[str, Any]) -> requests.Response:
        credentials = self._credentials
        wants_token = getattr(credentials, "_should_set_token", None)  # AppCredentials: an app id is set
        if wants_token is not None and wants_token(None):
            requests_kwargs["headers"]["Authorization"] = f"Bearer {credentials.get_access_token()}"
        try:
            return self.session.request(method, url, **requests_kwargs)
        except requests.RequestException as err:
            raise_with_traceback(ClientRequestError, "Error occurred in request.", err)
            raise  # not reached: raise_with_traceback raises


class ConnectorPool:
    """Connector clients by (app id, service URL, audience), and the send threads by host."""

    def __init__(self, limits: ConnectorLimits | None = None):
        self.limits = limits or ConnectorLimits()
        self._clients: OrderedDict[tuple[str | None, str, str | None], tuple[ConnectorClient, _HostSender]] = OrderedDict()
        self._hosts: dict[str, _Host] = {}
        self._lock = threading.Lock()
        self.built = 0  # clients built so far

    def wrap(self, factory: ConnectorFactory) -> ConnectorFactory:
        return _PooledFactory(self, factory)

    @staticmethod
    def _key(factory: Any, service_url: str, audience: str | None) -> tuple[str | None, str, str | None]:
        # The SDK's factory builds the same credentials for no audience as for its default one
        return getattr(factory, "_app_id", None), service_url, audience or getattr(factory, "_to_channel_from_bot_oauth_scope", None)

    def cached(self, factory: Any, service_url: str, audience: str | None) -> ConnectorClient | None:
        key = self._key(factory, service_url, audience)
        with self._lock:
            found = self._clients.get(key)
            if found is None:
                return None
            self._clients.move_to_end(key)
            return found[0]

    def keep(self, factory: Any, service_url: str, audience: str | None, built: ConnectorClient) -> ConnectorClient:
        """The pooled client for the key: `built` (the SDK's new client, given our sender), unless
        another turn pooled one first while this one was being built."""
        key = self._key(factory, service_url, audience)
        with self._lock:
            found = self._clients.get(key)
            if found is not None:
                return found[0]
            self._clients[key] = (built, self._equip(built, service_url))
            self.built += 1
            while len(self._clients) > self.limits.clients:
                self._clients.popitem(last=False)  # a turn may still hold it; its session closes when dropped
            if len(self._hosts) > self.limits.clients:
                in_use = {sender.host for _, sender in self._clients.values()}
                for name, host in list(self._hosts.items()):
                    if host not in in_use:
                        del self._hosts[name]
                        host.executor.shutdown(wait=False)  # its threads end once their calls return
            return built

    def _equip(self, client: ConnectorClient, service_url: str) -> _HostSender:
        parts = urlsplit(service_url)
        name = f"{parts.scheme}://{parts.netloc}".lower()
        host = self._hosts.get(name)
        if host is None:
            host = self._hosts[name] = _Host(parts.netloc, self.limits.per_host)
        config = client._client.config
        sender = _HostSender(config, host, config.credentials, self.limits)
        client.conversations = ActivityOperations(client._client, client.config, client._serialize, client._deserialize)  # replies serialized once (wire.py)
        # msrest's default pipeline, less its credentials policy (the sender sets the token per request)
        config.pipeline = AsyncPipeline([config.user_agent_policy, RawDeserializer(), config.http_logger_policy], AsyncPipelineRequestsHTTPSender(sender))  # type: ignore[arg-type]  # msrest types the driver as its own class; _HostSender is the same duck
        return sender

    def close(self) -> None:
        with self._lock:
            senders = [sender for _, sender in self._clients.values()]
            self._clients.clear()
            hosts, self._hosts = list(self._hosts.values()), {}
        for sender in senders:
            sender.close()
        for host in hosts:
            host.executor.shutdown(wait=False, cancel_futures=True)


class _PooledFactory(ConnectorFactory):
    def __init__(self, pool: ConnectorPool, inner: ConnectorFactory):
        self._pool = pool
        self._inner = inner

    async def create(self, service_url: str, audience: str | None = None) -> ConnectorClient:
        found = self._pool.cached(self._inner, service_url, audience)
        if found is not None:
            return found
        return self._pool.keep(self._inner, service_url, audience, await self._inner.create(service_url, audience))
