"""What `/api/messages` checks before any real work (SPEC 4.4: bad input is a 4xx, never a 500).

Everything here is cheap and bounded: it runs on the raw request before msrest deserializes the body
(msrest recurses once per nesting level and falls over at about 1,000), before a token's signing
keys are looked up, and before a turn starts. Each refusal is a `Refusal`: a status and one line
that `bot.hosting.app` logs and answers with; user content in it is cut to `LOG_EXCERPT` characters."""

from __future__ import annotations

import ipaddress
import json
import re
from dataclasses import dataclass
from fnmatch import fnmatchcase
from typing import Any
from urllib.parse import urlsplit

MAX_DEPTH = 32  # Teams' activities nest about 6 levels (channelData.team.…, attachments' cards ~12)
LOG_EXCERPT = 80  # characters of user content in a log line or an error body

# The Bot Framework's and Teams' service URLs (reference/botframework-research.md; Microsoft's
# Agents SDK `TeamsServiceEndpoints`): Teams public cloud, GCC, GCC High, DoD, and the Bot Framework
# channels (Web Chat, Direct Line, …) in the public and US government clouds.
BOT_FRAMEWORK_SERVICE_HOSTS = (
    "smba.trafficmanager.net",
    "smba.infra.gcc.teams.microsoft.com",
    "smba.infra.gov.teams.microsoft.us",
    "smba.infra.dod.teams.microsoft.us",
    "*.botframework.com",
    "*.botframework.us",
    "*.botframework.azure.us",
)


@dataclass(frozen=True)
class Refusal:
    status: int
    reason: str


def excerpt(value: object, limit: int = LOG_EXCERPT) -> str:
    """`value` as one short line, for a log or an error body: never the whole of what a user sent."""
    line = " ".join(str(value).split())
    return line if len(line) <= limit else f"{line[:limit]}… ({len(line)} chars)"


def check_headers(content_type: str, content_encoding: str) -> Refusal | None:
    if "application/json" not in content_type:
        return Refusal(415, "Content-Type must be application/json")
    if content_encoding.strip().lower() not in ("", "identity"):
        # The Bot Framework never compresses what it posts; aiohttp would try to inflate the body and
        # fail in the middle of reading it (a 500), or inflate a small body into a large one.
        return Refusal(415, f"Content-Encoding {excerpt(content_encoding, 20)!r} is not accepted; send the body uncompressed")
    return None


_CONTAINERS = (dict, list)


def _depth_exceeds(value: dict[str, Any] | list[Any]) -> bool:
    """Whether a parsed JSON value nests deeper than `MAX_DEPTH`: iterative, and it stops as soon as
    it finds a node that deep (the parse itself is C; a body over ~1,000 levels never parses)."""
    stack: list[tuple[Any, int]] = [(value, 1)]  # parsed JSON: dicts and lists of anything
    while stack:
        node, depth = stack.pop()
        if depth > MAX_DEPTH:
            return True
        for child in node.values() if type(node) is dict else node:
            if type(child) in _CONTAINERS:
                stack.append((child, depth + 1))
    return False


TOO_DEEP = f"the body nests more than {MAX_DEPTH} levels deep"


def parse_body(raw: bytes) -> dict | Refusal:
    """The JSON object in the body, or why there is none: not JSON, not an object, or too deep. The
    depth is bounded before anything recurses over the value (msrest falls over at ~1,000 levels)."""
    # Fewer opening brackets than the bound (a Teams activity has a few dozen) cannot nest deeper.
    shallow = raw.count(b"[") + raw.count(b"{") <= MAX_DEPTH
    try:
        body = json.loads(raw)
    except RecursionError:
        return Refusal(400, TOO_DEEP)
    except ValueError:  # UnicodeDecodeError is a ValueError
        return Refusal(400, "the body is not JSON")
    if not isinstance(body, dict):
        return Refusal(400, "the body must be a JSON object")
    if not shallow and _depth_exceeds(body):
        return Refusal(400, TOO_DEEP)
    if b"\\u" in raw:  # an escape may be a lone surrogate: valid JSON, but no text (UTF-8 and the database refuse it)
        try:
            json.dumps(body, ensure_ascii=False).encode()
        except UnicodeEncodeError:
            return Refusal(400, "the body holds a lone surrogate (\\ud800-\\udfff), which is not text")
    return body


_TEXT_FIELDS = {"type": 64, "channelId": 64, "id": 1024, "replyToId": 1024, "name": 256, "locale": 64, "action": 64, "serviceUrl": 2048}
_PATH_UNSAFE = re.compile(r"[\x00-\x1f\x7f/\\?#]")  # ids become path segments of the connector's URLs
# Generous bounds on lists msrest turns into models one by one (8,000 entities: 0.23 s of the loop).
_LIST_FIELDS = {"membersAdded": 1000, "membersRemoved": 1000, "entities": 256, "attachments": 64, "reactionsAdded": 64, "reactionsRemoved": 64}
_ACCOUNT_FIELDS = ("from", "recipient")


def _account_problem(name: str, account: object) -> str | None:
    if not isinstance(account, dict):
        return f"{name} must be an object"
    for key in ("id", "aadObjectId", "name", "role"):
        if account.get(key) is not None and not isinstance(account[key], str):
            return f"{name}.{key} must be a string"
    return None


def shape_problem(body: dict) -> str | None:
    """What is wrong with the fields the bot and botbuilder rely on, or None. msrest would coerce a
    wrong type silently (a conversation id that is an object becomes its repr) or fail mid-turn."""
    for name, limit in _TEXT_FIELDS.items():
        value = body.get(name)
        if value is not None and (not isinstance(value, str) or len(value) > limit):
            return f"{name} must be a string of at most {limit} characters"
    if not body.get("type"):
        return "an activity needs a type"
    if not body.get("channelId"):
        return "an activity needs a channelId"
    conversation = body.get("conversation")
    if not isinstance(conversation, dict) or not isinstance(conversation.get("id"), str) or not conversation["id"] or len(conversation["id"]) > 512:
        return "an activity needs conversation.id, a string of at most 512 characters"
    for name, value in (("id", body.get("id")), ("replyToId", body.get("replyToId")), ("conversation.id", conversation["id"])):
        if value and _PATH_UNSAFE.search(value):
            return f"{name} must not contain control characters, '/', '\\', '?' or '#'"
    for key in ("conversationType", "tenantId", "name"):
        if conversation.get(key) is not None and not isinstance(conversation[key], str):
            return f"conversation.{key} must be a string"
    if not str(body.get("serviceUrl", "")).startswith(("http://", "https://")):
        return "an activity needs an http(s) serviceUrl"
    for name in _ACCOUNT_FIELDS:
        if body.get(name) is not None and (problem := _account_problem(name, body[name])):
            return problem
    for name, limit in _LIST_FIELDS.items():
        items = body.get(name)
        if items is not None and (not isinstance(items, list) or not all(isinstance(item, dict) for item in items)):
            return f"{name} must be a list of objects"
        if items is not None and len(items) > limit:
            return f"{name} has {len(items)} items; at most {limit} are accepted"
    for index, member in enumerate(body.get("membersAdded") or ()):
        if problem := _account_problem(f"membersAdded[{index}]", member):
            return problem
    channel_data = body.get("channelData")
    if channel_data is not None and not isinstance(channel_data, dict):
        return "channelData must be an object"
    tenant = (channel_data or {}).get("tenant")
    if tenant is not None and not (isinstance(tenant, dict) and isinstance(tenant.get("id", ""), str)):
        return "channelData.tenant must be an object with a string id"
    return None


def is_loopback(host: str) -> bool:
    if host == "localhost" or host.endswith(".localhost"):
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


@dataclass(frozen=True)
class ServiceUrlPolicy:
    """Where the bot may send replies, i.e. which inbound `serviceUrl`s it accepts.

    In local mode (no app id) only loopback addresses, plus `allowed_hosts` if the operator named
    any. With an app id, https to `allowed_hosts`, by default the Bot Framework's and Teams' hosts.
    A pattern is a host name, `*.` matching any subdomain, or `*` matching every host."""

    local_mode: bool
    allowed_hosts: tuple[str, ...]

    @classmethod
    def from_setting(cls, local_mode: bool, setting: str) -> ServiceUrlPolicy:
        hosts = tuple(h.strip().lower() for h in setting.split(",") if h.strip())
        return cls(local_mode, hosts if hosts or local_mode else BOT_FRAMEWORK_SERVICE_HOSTS)

    def allows(self, service_url: str) -> bool:
        try:
            parts = urlsplit(service_url)
            host = (parts.hostname or "").lower()
        except ValueError:  # e.g. an unbalanced "[" in the host
            return False
        if not host or parts.scheme not in ("http", "https"):
            return False
        if self.local_mode and is_loopback(host):
            return True
        if not self.local_mode and parts.scheme != "https":
            return False
        return any(self._matches(pattern, host) for pattern in self.allowed_hosts)

    @staticmethod
    def _matches(pattern: str, host: str) -> bool:
        if pattern.startswith("*."):
            return host.endswith(pattern[1:])
        return fnmatchcase(host, pattern)

    @staticmethod
    def host_of(service_url: str) -> str:
        """The host a `serviceUrl` names, for a log line (never the path or query), cut to 80 characters."""
        try:
            host = urlsplit(service_url).hostname or ""
        except ValueError:
            host = ""
        return excerpt(host, 80) if host else repr(excerpt(service_url, 40))

    def check(self, service_url: str) -> Refusal | None:
        if self.allows(service_url):
            return None
        where = "a loopback address" if self.local_mode and not self.allowed_hosts else "an allowed host (ALLOWED_SERVICE_URL_HOSTS)"
        return Refusal(403, f"serviceUrl {excerpt(service_url, 60)!r} is not {where}")
