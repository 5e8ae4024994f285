"""aiohttp application: mounts REST routes under ``/api/v10`` and the gateway at ``/``,
and runs every REST request through one middleware that parses the body, logs the
request, checks auth, applies rate limits and injected faults, and adds bucket headers.
"""

from __future__ import annotations

import json
import logging
from typing import Any

from aiohttp import BodyPartReader, web
from aiohttp.web_urldispatcher import AbstractResource

from .contract import contract
from .faults import CHANNEL_FAULTS, FaultPlan, RateLimiter, error_body, json_response
from .gateway import GatewayHub
from .model import RequestRecord
from .routes import BODY_KEY, FILES_KEY, TOKEN_LABEL_KEY, Handler, Routes, not_found
from .state import World

_log = logging.getLogger(__name__)

API_PREFIX = "/api/v10"
_NO_AUTH_PREFIXES = ("/interactions/", "/webhooks/", "/gateway")


async def _parse_body(request: web.Request) -> tuple[Any, list[str]]:
    """JSON body, or multipart/form-data with ``payload_json`` plus file parts."""
    if not request.can_read_body:
        return None, []
    ctype = request.content_type
    if ctype.startswith("multipart/"):
        body: Any = None
        files: list[str] = []
        reader = await request.multipart()
        while True:
            part = await reader.next()
            if part is None:
                break
            if isinstance(part, BodyPartReader) and part.name == "payload_json":
                body = json.loads(await part.text())
            elif isinstance(part, BodyPartReader):
                await part.read()
                files.append(part.filename or part.name or "file")
        return body, files
    raw = await request.read()
    if not raw:
        return None, []
    try:
        return json.loads(raw), []
    except ValueError:
        return raw.decode(errors="replace"), []


class StandInServer:
    def __init__(
        self, world: World, gateway: GatewayHub, routes: Routes, limiter: RateLimiter, faults: FaultPlan,
    ) -> None:
        self.world = world
        self.gateway = gateway
        self.routes = routes
        self.limiter = limiter
        self.faults = faults
        self.app = web.Application(middlewares=[self._middleware], client_max_size=64 * 1024 * 1024)
        for method, path, handler in routes.table():
            self.app.router.add_route(method, API_PREFIX + path, handler)
        self.app.router.add_route("GET", "/", gateway.handle)
        self.app.router.add_route("*", "/{tail:.*}", self._fallback)
        self._runner: web.AppRunner | None = None
        self.port = 0

    async def start(self) -> None:
        self._runner = web.AppRunner(self.app, access_log=None, handle_signals=False, shutdown_timeout=0.5)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        server = site._server
        assert server is not None
        sockets = getattr(server, "sockets", None) or []
        self.port = int(sockets[0].getsockname()[1])

    async def stop(self) -> None:
        for conn in list(self.gateway.connections):
            await conn.close(1001)
        if self._runner is not None:
            await self._runner.cleanup()

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    async def _fallback(self, request: web.Request) -> web.StreamResponse:
        return not_found()

    @staticmethod
    def _template(request: web.Request) -> str | None:
        resource: AbstractResource | None = request.match_info.route.resource
        if resource is None:
            return None
        canonical = resource.canonical
        if canonical.startswith(API_PREFIX):
            return canonical[len(API_PREFIX):]
        return None

    def _context(self, request: web.Request) -> dict[str, Any]:
        """What a body's validity depends on beyond itself: the type of the interaction a callback answers; for a
        scheduled event, the stand-in's clock and the event as stored."""
        context: dict[str, Any] = {}
        interaction = self.world.interactions_by_token.get(request.match_info.get("webhook_token", ""))
        if interaction is not None:
            context["interaction_type"] = interaction.type
        if "/scheduled-events" in request.path:
            context["now"] = self.world.now()
            raw_gid = request.match_info.get("guild_id", "")
            raw_eid = request.match_info.get("guild_scheduled_event_id", "")
            if raw_gid.isdigit() and raw_eid.isdigit():
                event = self.world.find_scheduled_event(int(raw_gid), int(raw_eid))
                if event is not None:
                    context["scheduled_event"] = event.to_payload()
        return context

    @web.middleware
    async def _middleware(self, request: web.Request, handler: Handler) -> web.StreamResponse:
        if request.path == "/" or request.headers.get("Upgrade", "").lower() == "websocket":
            return await handler(request)
        path = request.path[len(API_PREFIX):] if request.path.startswith(API_PREFIX) else request.path
        template = self._template(request)
        matched = template is not None
        body, files = await _parse_body(request)
        request[BODY_KEY] = body
        request[FILES_KEY] = files
        # Any of the bot's tokens (the main one or an issued one) authorises; handlers record which one did.
        label = self.world.authorization_label(request.headers.get("Authorization"))
        request[TOKEN_LABEL_KEY] = label
        record = RequestRecord(
            method=request.method, path=path, route=f"{request.method} {template or path}",
            query=dict(request.query), body=body, matched=matched, token_label=label,
        )
        self.world.record_request(record)

        response = await self._process(request, handler, path, template, record)
        record.status = response.status
        return response

    async def _process(
        self, request: web.Request, handler: Handler, path: str, template: str | None, record: RequestRecord,
    ) -> web.StreamResponse:
        method = request.method
        if template is None:
            record.fault = "unknown_route"
            _log.warning("stand-in: unexpected request %s %s", method, path)
            return not_found()
        if not path.startswith(_NO_AUTH_PREFIXES) and request[TOKEN_LABEL_KEY] is None:
            record.fault = "unauthorized"
            return json_response({"message": "401: Unauthorized", "code": 0}, status=401)

        decision = self.limiter.check(method, path, template, self.world.major_parameters(dict(request.match_info)))
        if decision.limited:
            record.fault = "rate_limited"
            body = {
                "message": "You are being rate limited.",
                "retry_after": round(decision.retry_after, 3),
                "global": decision.is_global,
            }
            if decision.is_global:
                body["code"] = 0
            headers = {**decision.headers, "Via": "1.1 google"}
            return json_response(body, status=429, headers=headers)

        refusal = contract().check(method, path, request[BODY_KEY], self._context(request))
        if refusal is not None:
            record.fault = "invalid_form_body"
            self.world.record_refusal(refusal)
            _log.warning("stand-in: refused as Discord would: %s", refusal)
            return json_response(refusal.response_body(), status=400, headers=decision.headers)

        status = self.faults.take_server_error(method, path, template)
        if status is not None:
            record.fault = "injected_5xx"
            return json_response({"message": f"{status}: Server Error", "code": 0}, status=status,
                                     headers=decision.headers)

        raw_cid = request.match_info.get("channel_id", "")
        fault = self.faults.channel_fault(int(raw_cid) if raw_cid.isdigit() else None, method)
        if fault is not None:
            record.fault = "channel_fault"
            return json_response(error_body(fault.code, fault.message), status=fault.status,
                                     headers=decision.headers)

        response = await handler(request)
        for key, value in decision.headers.items():
            response.headers[key] = value
        return response


__all__ = ["API_PREFIX", "CHANNEL_FAULTS", "StandInServer"]
