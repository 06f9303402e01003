"""The aiohttp app: `/api/messages` for Bot Framework activities and `/healthz` (SPEC 4.4)."""

from __future__ import annotations

import json
import logging
from collections.abc import AsyncIterator

import jwt
from aiohttp import web
from botbuilder.schema import Activity
from msrest.serialization import Model
from sqlalchemy import text as sql

from bot.bootstrap import BotParts, Services, build_bot, open_services
from services.settings import Settings

logger = logging.getLogger(__name__)
BOT = web.AppKey("bot", BotParts)
SERVICES = web.AppKey("services", Services)
MAX_BODY = 1024 * 1024


def create_app(settings: Settings, services: Services | None = None, parts: BotParts | None = None) -> web.Application:
    """The app factory. Tests pass their own services (a test database) or whole bot parts (fakes);
    otherwise the app builds everything from `settings` when it starts and disposes of it on exit."""
    app = web.Application(client_max_size=MAX_BODY)

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


def _bad_request(reason: str) -> web.Response:
    return web.json_response({"error": reason}, status=400)


def parse_activity(body: object) -> Activity | str:
    """An Activity, or why the body is not one."""
    if not isinstance(body, dict):
        return "the body must be a JSON object"
    if not isinstance(body.get("type"), str) or not body["type"]:
        return "an activity needs a type"
    conversation = body.get("conversation")
    if not isinstance(conversation, dict) or not conversation.get("id"):
        return "an activity needs conversation.id"
    if not isinstance(body.get("serviceUrl"), str) or not body["serviceUrl"].startswith(("http://", "https://")):
        return "an activity needs an http(s) serviceUrl"
    try:
        return Activity().deserialize(body)
    except Exception as exc:  # noqa: BLE001 - msrest raises several kinds for malformed fields
        return f"not a valid activity: {exc}".splitlines()[0]


async def messages(request: web.Request) -> web.Response:
    parts = request.app[BOT]
    if "application/json" not in request.headers.get("Content-Type", ""):
        return web.json_response({"error": "Content-Type must be application/json"}, status=415)
    try:
        body = json.loads(await request.read())
    except (ValueError, UnicodeDecodeError):
        return _bad_request("the body is not JSON")
    activity = parse_activity(body)
    if isinstance(activity, str):
        return _bad_request(activity)
    try:
        invoke_response = await parts.adapter.process_activity(request.headers.get("Authorization", ""), activity, parts.bot.on_turn)
    except (PermissionError, jwt.PyJWTError):  # the SDK lets a malformed bearer token escape as a JWT error
        return web.json_response({"error": "unauthorized"}, status=401)
    except OSError:  # the SDK fetches the token's signing keys (requests, raising OSError subclasses)
        logger.warning("could not verify the request's token: signing keys unreachable", exc_info=True)
        return web.json_response({"error": "cannot verify the token now"}, status=503, headers={"Retry-After": "10"})
    if invoke_response:
        body = invoke_response.body.serialize() if isinstance(invoke_response.body, Model) else invoke_response.body
        return web.json_response(body, status=invoke_response.status)
    return web.Response(status=201)


async def healthz(request: web.Request) -> web.Response:
    try:
        async with request.app[SERVICES].engine.connect() as connection:
            await connection.execute(sql("SELECT 1"))
    except Exception:  # noqa: BLE001 - any failure means "not healthy"; the log says which
        logger.warning("health check: database unreachable", exc_info=True)
        return web.json_response({"status": "error", "database": "unreachable"}, status=503)
    return web.json_response({"status": "ok", "database": "ok"})
