"""The aiohttp app: `/api/messages` for Bot Framework activities and `/healthz` (SPEC 4.4)."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from typing import TypedDict

from aiohttp import web
from aiohttp.http_exceptions import HttpProcessingError
from aiohttp.web_protocol import RequestPayloadError
from botbuilder.schema import Activity
from msrest.serialization import Model
from sqlalchemy import text as sql

from bot.bootstrap import BotParts, Services, build_bot, open_services, service_urls
from bot.connector.signing_keys import SigningKeysUnavailable
from bot.hosting.inbound import Refusal, ServiceUrlPolicy, check_headers, excerpt, parse_body, shape_problem
from services.settings import Settings

logger = logging.getLogger(__name__)
BOT = web.AppKey("bot", BotParts)
SERVICES = web.AppKey("services", Services)
SERVICE_URLS = web.AppKey("service_urls", ServiceUrlPolicy)
# Teams posts activities of a few kilobytes (a message is at most ~28 KB of text, files and images go
# by URL); parsing a hostile body costs in proportion to its size, so larger ones are refused (413).
MAX_BODY = 256 * 1024


class RunnerOptions(TypedDict):
    """`web.AppRunner` keyword arguments, typed for mypy."""

    access_log: None
    auto_decompress: bool


# How `serve` (and the tests' loopback server) run the app: no access log, and request bodies as sent.
# aiohttp would otherwise inflate a gzip/deflate/br body while reading it, and a body that only claims
# to be compressed fails in the middle of the read; `check_headers` refuses any Content-Encoding instead.
RUNNER_OPTIONS = RunnerOptions(access_log=None, auto_decompress=False)


def create_app(settings: Settings, services: Services | None = None, parts: BotParts | None = None) -> web.Application:
    """The app factory. Tests pass their own services (a test database) or whole bot parts (fakes);
    otherwise the app builds everything from `settings` when it starts and disposes of it on exit."""
    app = web.Application(client_max_size=MAX_BODY)
    app[SERVICE_URLS] = service_urls(settings)
    server_log = logging.getLogger("aiohttp.server")
    if _PARSE_ERRORS not in server_log.filters:
        server_log.addFilter(_PARSE_ERRORS)

    async def lifecycle(app: web.Application) -> AsyncIterator[None]:
        if services is not None:
            app[SERVICES] = services
            app[BOT] = parts or build_bot(services)
            app[BOT].alerts.start()
            yield
            await app[BOT].close()
            return
        async with open_services(settings) as own:
            app[SERVICES] = own
            app[BOT] = parts or build_bot(own)
            app[BOT].alerts.start()
            yield
            await app[BOT].close()

    app.cleanup_ctx.append(lifecycle)
    app.router.add_post("/api/messages", messages)
    app.router.add_get("/healthz", healthz)
    return app


class _OneLineParseErrors(logging.Filter):
    """aiohttp logs a request it cannot even parse (an unknown Content-Encoding, a malformed header)
    with a traceback; that is bad input, so keep one line of it."""

    def filter(self, record: logging.LogRecord) -> bool:
        if record.exc_info and isinstance(record.exc_info[1], HttpProcessingError | RequestPayloadError):
            error = record.exc_info[1]
            record.msg, record.args = "refused %s: %s", (getattr(error, "code", 400), excerpt(getattr(error, "message", error)))
            record.exc_info = record.exc_text = None
        return True


_PARSE_ERRORS = _OneLineParseErrors()


def _refuse(request: web.Request, refusal: Refusal, headers: dict[str, str] | None = None, answer: str | None = None) -> web.Response:
    """Answer a request that never reaches the bot, with one log line (no stack, user content cut);
    `answer` replaces the reason in the response (a forger learns only that the token failed)."""
    logger.warning("refused %s from %s: %s", refusal.status, request.remote, refusal.reason)
    return web.json_response({"error": answer or refusal.reason}, status=refusal.status, headers=headers)


def parse_activity(body: object) -> Activity | str:
    """An Activity, or why the body is not one.

    msrest walks every node of an `object` field (channelData, value, an attachment's content) one
    call at a time: 1.2 s for 700 KB of channelData, on the event loop. For JSON that walk returns an
    equal value, so those fields are left out of the deserialization and set as parsed."""
    if not isinstance(body, dict):
        return "the body must be a JSON object"
    problem = shape_problem(body)
    if problem is not None:
        return problem
    attachments = body.get("attachments") or []
    slim = {**body, "channelData": None, "value": None, "attachments": [{**a, "content": None} for a in attachments] or None}
    try:
        activity = Activity().deserialize(slim)
    except Exception as exc:  # noqa: BLE001 - msrest raises several kinds for malformed fields
        return f"not a valid activity: {excerpt(exc)}"
    activity.channel_data, activity.value = body.get("channelData"), body.get("value")
    for attachment, raw in zip(activity.attachments or (), attachments):
        attachment.content = raw.get("content")
    return activity


async def messages(request: web.Request) -> web.Response:
    """Bad input is refused here, cheapest check first, before any token is looked at or a turn
    starts: headers, size (aiohttp's `client_max_size`: 413), nesting depth, JSON, the activity's
    shape, then where replies would go and who is asking."""
    parts = request.app[BOT]
    policy = request.app[SERVICE_URLS]
    refusal = check_headers(request.headers.get("Content-Type", ""), request.headers.get("Content-Encoding", ""))
    if refusal is not None:
        return _refuse(request, refusal)
    try:
        raw = await request.read()
    except web.HTTPRequestEntityTooLarge:
        return _refuse(request, Refusal(413, f"the body is over {MAX_BODY} bytes"))
    body = parse_body(raw)
    if isinstance(body, Refusal):
        return _refuse(request, body)
    activity = parse_activity(body)
    if isinstance(activity, str):
        return _refuse(request, Refusal(400, activity))
    if policy.local_mode and (refusal := policy.check(activity.service_url)) is not None:
        return _refuse(request, refusal)
    try:
        authenticated = await parts.adapter.bot_framework_authentication.authenticate_request(activity, request.headers.get("Authorization", ""))
    except PermissionError as exc:
        return _refuse(request, Refusal(401, f"unauthorized: {excerpt(exc)}"), answer="unauthorized")
    except SigningKeysUnavailable as exc:
        return _refuse(request, Refusal(503, f"cannot verify the token now: {excerpt(exc, 200)}"), {"Retry-After": str(exc.retry_after)}, "cannot verify the token now")
    if not policy.local_mode and (refusal := policy.check(activity.service_url)) is not None:
        return _refuse(request, refusal)
    invoke_response = await parts.adapter.process_activity(authenticated, activity, parts.bot.on_turn)
    if invoke_response:
        body = invoke_response.body.serialize() if isinstance(invoke_response.body, Model) else invoke_response.body
        try:
            return web.json_response(body, status=invoke_response.status)
        except TypeError:
            logger.warning("invoke %s answered %s with a body that is not JSON", excerpt(activity.name, 40), invoke_response.status)
            return web.json_response(None, status=invoke_response.status)
    return web.Response(status=201)


async def healthz(request: web.Request) -> web.Response:
    try:
        async with request.app[SERVICES].engine.connect() as connection:
            await connection.execute(sql("SELECT 1"))
    except Exception:
        logger.warning("health check: database unreachable", exc_info=True)
        return web.json_response({"status": "error", "database": "unreachable"}, status=503)
    return web.json_response({"status": "ok", "database": "ok"})
