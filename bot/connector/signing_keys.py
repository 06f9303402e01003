"""Microsoft's token-signing keys, fetched without blocking the event loop.

botframework-connector 4.17.1 fetches the OpenID metadata and its key set (JWKS) in
`_OpenIdMetadata._refresh` with `requests`: synchronously, on the event loop, with no timeout, so
while the login service is slow every request and `/healthz` wait. Its key lookup also raises
`IndexError` for a key id the set lacks, and hands `None` on for a token without one (both a 500).
`install()` points the SDK's `JwtTokenExtractor.get_open_id_metadata` at `KEYS` instead, whose
`KeySet`s (one per metadata URL):

- fetch with aiohttp under `FETCH_TIMEOUT_SECONDS`, one fetch at a time (concurrent requests share it);
- keep the keys for `MAX_AGE`, and refetch for a key id they lack at most every `UNKNOWN_KEY_REFETCH`;
- after a failed fetch wait out a back-off (1 s, doubling up to `MAX_BACKOFF`) before trying again,
  and meanwhile keep using the keys they had;
- raise `SigningKeysUnavailable` (503 with `Retry-After`) when they have no keys at all, and
  `PermissionError` (401) for a key id the set lacks."""

from __future__ import annotations

import asyncio
import json
import logging
import math
import time
from dataclasses import dataclass, field
from typing import Any

import aiohttp
from botframework.connector.auth.jwt_token_extractor import JwtTokenExtractor
from jwt.algorithms import RSAAlgorithm

logger = logging.getLogger(__name__)

FETCH_TIMEOUT_SECONDS = 5.0
MAX_AGE = 24 * 3600.0  # the SDK's own refresh period
UNKNOWN_KEY_REFETCH = 300.0  # Microsoft rolls keys rarely; a flood of made-up key ids costs one fetch per 5 min
FIRST_BACKOFF = 1.0
MAX_BACKOFF = 60.0


class SigningKeysUnavailable(Exception):
    """The signing keys cannot be had now; retry after `retry_after` seconds."""

    def __init__(self, url: str, retry_after: float, cause: str):
        super().__init__(f"signing keys from {url} unavailable: {cause}")
        self.retry_after = max(1, math.ceil(retry_after))


@dataclass(frozen=True)
class SigningKey:
    """What the SDK's token validation reads from a key lookup."""

    public_key: Any
    endorsements: list[str]


@dataclass
class KeySet:
    url: str
    clock: Any = time.monotonic
    keys: dict[str, SigningKey] = field(default_factory=dict)
    fetched_at: float = -math.inf
    failures: int = 0
    retry_at: float = -math.inf
    last_error: str = ""
    _inflight: asyncio.Task | None = None

    async def get(self, key_id: str | None) -> SigningKey:
        if not isinstance(key_id, str) or not key_id:
            raise PermissionError("the token names no signing key")
        now = self.clock()
        if now - self.fetched_at > MAX_AGE or (key_id not in self.keys and now - self.fetched_at > UNKNOWN_KEY_REFETCH):
            await self._refresh()
        key = self.keys.get(key_id)
        if key is None:
            raise PermissionError("the token's signing key is not one of Microsoft's")
        return key

    async def _refresh(self) -> None:
        """Fetch unless backing off; without any keys afterwards, raise `SigningKeysUnavailable`."""
        now = self.clock()
        if now >= self.retry_at:
            task = self._inflight
            if task is None or task.done() or task.get_loop() is not asyncio.get_running_loop():
                task = self._inflight = asyncio.ensure_future(self._fetch())
            await asyncio.shield(task)
        if not self.keys:
            raise SigningKeysUnavailable(self.url, self.retry_at - self.clock(), self.last_error)

    async def _fetch(self) -> None:
        try:
            timeout = aiohttp.ClientTimeout(total=FETCH_TIMEOUT_SECONDS)
            async with aiohttp.ClientSession(timeout=timeout) as session:
                metadata = await _get_json(session, self.url)
                jwks = await _get_json(session, str(metadata["jwks_uri"]))
            keys = {str(k["kid"]): SigningKey(RSAAlgorithm.from_jwk(json.dumps(k)), list(k.get("endorsements") or [])) for k in jwks["keys"] if k.get("kid")}
        except (TimeoutError, aiohttp.ClientError, OSError, ValueError, KeyError, TypeError) as exc:
            self.failures += 1
            backoff = min(MAX_BACKOFF, FIRST_BACKOFF * 2 ** (self.failures - 1))
            self.retry_at = self.clock() + backoff
            self.last_error = f"{type(exc).__name__}: {str(exc).splitlines()[0] if str(exc) else ''}"[:200]
            logger.warning("could not fetch signing keys from %s (%s); next try in %.0f s%s", self.url, self.last_error, backoff, ", keeping the previous keys" if self.keys else "")
            return
        self.keys, self.fetched_at, self.failures, self.retry_at = keys, self.clock(), 0, -math.inf


async def _get_json(session: aiohttp.ClientSession, url: str) -> Any:
    async with session.get(url, allow_redirects=False) as response:
        response.raise_for_status()
        return await response.json(content_type=None)


class KeyStore:
    def __init__(self) -> None:
        self._sets: dict[str, KeySet] = {}

    def key_set(self, url: str) -> KeySet:
        found = self._sets.get(url)
        if found is None:
            found = self._sets[url] = KeySet(url)
        return found

    def clear(self) -> None:
        self._sets.clear()


KEYS = KeyStore()


def install() -> None:
    """Route the SDK's key lookups through `KEYS` (idempotent)."""
    JwtTokenExtractor.get_open_id_metadata = staticmethod(KEYS.key_set)
